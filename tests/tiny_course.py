"""A miniature course for the `course run` and site tests: a few tiny notebooks, no TensorFlow.

``make_tiny_course(folder)`` writes README.md, pyproject.toml (with the repository address),
and notebooks that exercise what the site must show: a title with Korean, a formula, a
plot, a key figure, check results (JSON + text, one with a text/html copy too), a tqdm text
bar, a notebook that fails at cell 3, an exercise to download and a Korean edition.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from course_utils.tools.notebook_io import write_notebook

REPOSITORY = "https://github.com/example-org/tiny-course"
LESSON_TITLE = "02_00 · Tiny gates (작은 게이트 tiny gate)"
SOLUTION_TITLE = "02_00 · Exercise: tiny gates"
BROKEN_TITLE = "02_01 · Broken on purpose"
KO_TITLE = "02_00 · 작은 게이트"

CHECK = "application/vnd.course.check+json"


def _nb(title: str, *cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nA tiny lesson.")]
    for cell in cells:
        if isinstance(cell, tuple):                      # ("md", text)
            nb.cells.append(nbformat.v4.new_markdown_cell(cell[1]))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(cell))
    return nb


def _check(task: int, title: str, status: str, message: str, html: str | None = None) -> str:
    payload = {"exercise": "02_00", "task": task, "title": title, "status": status, "message": message}
    extra = f", 'text/html': {html!r}" if html else ""
    return ("from IPython.display import display\n"
            f"display({{'text/plain': 'check {task}', {CHECK!r}: {payload!r}{extra}}}, raw=True)")


PROGRESS = """import sys, time
from tqdm.std import tqdm
bar = tqdm(total=50, desc="tiny net", unit="epoch", file=sys.stdout, mininterval=0, ncols=80)
for _ in range(50):
    bar.update(1)
bar.close()"""


def make_tiny_course(root: Path) -> Path:
    for folder in ("notebooks", "solutions", "exercises", "course_utils", "notebooks/ko"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text("# Tiny course 작은 강좌\n\nFor tests.\n", encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "tiny"\nversion = "0"\n\n[project.urls]\nRepository = "{REPOSITORY}"\n', encoding="utf-8")
    write_notebook(_nb(
        LESSON_TITLE,
        ("md", "The XOR gate needs two layers. A perceptron computes\n\n"
               "$$\\Sigma = \\sum_i w_i x_i + b$$\n\nand then a step, $y = [\\Sigma > 0]$."),
        "from course_utils.lesson.key_figures import report_figure",
        "report_figure('02_00.answer', 6 * 7, expect=42, label='the answer')",
        "import matplotlib\nmatplotlib.use('module://matplotlib_inline.backend_inline')\n"
        "import matplotlib.pyplot as plt\nplt.plot([0, 1], [0, 1])\nplt.show()",
        PROGRESS,
    ), root / "notebooks" / "02_00_tiny.ipynb")
    write_notebook(_nb(
        SOLUTION_TITLE,
        "x = 1\nprint('solution ran', x)",
        _check(1, "NAND weights", "passed", "correct!"),
        _check(2, "XOR table", "not_attempted", "define xor_table", html="<b>an html copy</b>"),
    ), root / "solutions" / "02_00_tiny.ipynb")
    write_notebook(_nb(BROKEN_TITLE, "y = 2", "raise ValueError('broken on purpose')", "print('never')"),
                   root / "solutions" / "02_01_broken.ipynb")
    write_notebook(_nb(SOLUTION_TITLE, "x = None  # YOUR CODE HERE"), root / "exercises" / "02_00_tiny.ipynb")
    write_notebook(_nb(KO_TITLE, ("md", "XOR 게이트는 두 층이 필요합니다."), "print('안녕')"),
                   root / "notebooks" / "ko" / "02_00_tiny.ipynb")
    return root
