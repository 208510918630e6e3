"""Where the course lives online: the repository address and the launch links built from it (site).

The address comes from ONE place: ``[project.urls]`` "Repository" in the course's
``pyproject.toml`` (read from the checkout being built, else from the installed package's
metadata, which was made from that same file). Everything
that links to the repository (the site's launch, download and repository buttons, the
exercise links on the overview page) asks :func:`repository` for it::

    repo = repository(root)                     # Repository(url=..., branch="main")
    colab_url(repo, "exercises/02_00_perceptron_logic_gates.ipynb")
    # https://colab.research.google.com/github/OWNER/REPO/blob/main/exercises/02_00_....ipynb
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ...errors import SiteError

if sys.version_info >= (3, 11):
    import tomllib
else:                                    # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["REPOSITORY_BRANCH", "Repository", "repository", "colab_url", "binder_url"]
#: The branch that launch links open (Colab, Binder) and the site is published from.
REPOSITORY_BRANCH = "main"

COLAB = "https://colab.research.google.com"
BINDER = "https://mybinder.org"
_GITHUB = re.compile(r"^https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class Repository:
    """A GitHub repository address (``https://github.com/OWNER/REPO``) and its branch."""

    url: str
    branch: str = REPOSITORY_BRANCH
    from_pyproject: bool = False

    @property
    def owner_repo(self) -> tuple[str, str]:
        m = _GITHUB.match(self.url)
        if not m:
            raise SiteError(
                f"The course repository address {self.url!r} is not a GitHub address "
                "(https://github.com/OWNER/REPO); Colab and Binder links need one. "
                "Fix [project.urls] Repository in pyproject.toml."
            )
        return m.group(1), m.group(2)


def _installed_repository() -> str:
    """``[project.urls]`` Repository as recorded in the installed package's metadata."""
    from importlib import metadata

    try:
        urls = metadata.metadata("nn-basics-course").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for item in urls:
        label, _, url = item.partition(",")
        if label.strip().lower() == "repository":
            return url.strip()
    raise SiteError("No repository address: add [project.urls] Repository to pyproject.toml "
                    "(and reinstall the package), so the site can make its launch links.")


def repository(root: str | Path | None = None) -> Repository:
    """The course repository: ``[project.urls]`` "Repository" of ``root/pyproject.toml``, else the
    installed package's (the same entry, recorded at install time)."""
    if root is not None:
        path = Path(root) / "pyproject.toml"
        if path.is_file():
            try:
                urls = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {}).get("urls", {})
            except tomllib.TOMLDecodeError as exc:
                raise SiteError(f"{path} is not valid TOML ({exc}); fix it before building the site.") from None
            for key, value in urls.items():
                if key.strip().lower() in ("repository", "source", "source code") and isinstance(value, str):
                    repo = Repository(value.strip().rstrip("/").removesuffix(".git"), from_pyproject=True)
                    repo.owner_repo  # noqa: B018 - validates the address now, with a clear message
                    return repo
    return Repository(_installed_repository())


def colab_url(repo: Repository, path: str) -> str:
    """Open ``path`` (relative to the repository root) in Google Colab."""
    owner, name = repo.owner_repo
    return f"{COLAB}/github/{owner}/{name}/blob/{repo.branch}/{quote(path)}"


def binder_url(repo: Repository, path: str) -> str:
    """Open ``path`` in JupyterLab on mybinder.org (Binder builds environment.yml)."""
    owner, name = repo.owner_repo
    return f"{BINDER}/v2/gh/{owner}/{name}/{repo.branch}?urlpath={quote('lab/tree/' + path, safe='')}"
