"""Isolation for grading: the course snapshot, private copies, kernels and the judge (grading).

Used by :mod:`course_utils.tools.grader`; nothing here is meant for notebooks.

- :class:`CourseSnapshot` holds, in memory, every file of the course package (plus the
  course's ``datasets/`` and ``solutions/``) as it was when grading started. It writes the
  *pristine* copy the judges import, a *private* copy for each submission's kernel, and
  says which files a submission changed (in its copy, the pristine copy or the course).
- :class:`Kernel` is one fresh IPython kernel on a private copy, started ahead of time
  with TensorFlow already imported; it runs cells with a time limit (interrupting the
  kernel, then killing it, when a cell overruns) and asks the *pristine* export code,
  loaded by path under a fresh name, to write a task's values to files.
- :class:`Judge` is a clean Python process (``python -I -S``: no ``.pth`` files, no user
  site, no ``PYTHONPATH``) that imports the checks from the pristine copy only and judges
  exported folders. It answers on a pipe of its own; nothing a kernel prints is read.
"""

from __future__ import annotations

import compileall
import hashlib
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CourseSnapshot", "Judge", "Kernel", "CellRun", "course_root", "reap_escaped_processes"]

_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints"}
#: Our own child processes (kernels, judges): never taken for escaped processes.
_OURS: set[int] = set()
_SPAWN_LOCK = threading.Lock()
_SOLUTION_MIME = "application/vnd.course.solution+json"


def course_root() -> Path:
    """The folder holding the ``course_utils`` package this process imported."""
    import course_utils

    return Path(course_utils.__file__).resolve().parent.parent


def _walk(base: Path, top: str) -> list[str]:
    found = []
    start = base / top
    if not start.is_dir():
        return found
    for folder, dirs, files in os.walk(start):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.endswith(".egg-info"))
        for name in sorted(files):
            if not name.endswith((".pyc", ".pyo")):
                found.append((Path(folder) / name).relative_to(base).as_posix())
    return found


def _tree(base: Path) -> dict[str, str]:
    """Every file under ``base`` (``__pycache__`` included) → its SHA-256."""
    out = {}
    for folder, dirs, files in os.walk(base):
        for name in files:
            path = Path(folder) / name
            try:
                data = path.read_bytes() if not path.is_symlink() else b"symlink:" + os.readlink(path).encode()
            except OSError:
                data = b"<unreadable>"
            out[path.relative_to(base).as_posix()] = hashlib.sha256(data).hexdigest()
    return out


class CourseSnapshot:
    """The course's files as they were when grading started (see the module docstring)."""

    TOPS = ("course_utils", "datasets", "solutions")
    #: Single files copied too (``pyproject.toml`` marks a course checkout: datasets are found).
    FILES = ("pyproject.toml",)

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else course_root()
        self.files: dict[str, bytes] = {}
        for top in self.TOPS:
            for rel in _walk(self.root, top):
                self.files[rel] = (self.root / rel).read_bytes()
        for rel in self.FILES:
            if (self.root / rel).is_file():
                self.files[rel] = (self.root / rel).read_bytes()
        digest = hashlib.sha256()
        for rel in sorted(self.files):
            digest.update(rel.encode() + b"\0" + hashlib.sha256(self.files[rel]).digest())
        self.digest = digest.hexdigest()
        self._compiled: dict[str, tuple[str, bytes]] = {}   # pyc path → (source path, bytes)

    def write(self, folder: Path, *, compiled: bool = True) -> dict[str, str]:
        """Write the snapshot to ``folder`` (with bytecode when ``compiled``); return its hashes."""
        for rel, data in self.files.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if compiled:
            if not self._compiled:
                compileall.compile_dir(str(folder / "course_utils"), quiet=2, workers=1,
                                       invalidation_mode=__import__("py_compile").PycInvalidationMode.CHECKED_HASH)
                for pyc in (folder / "course_utils").rglob("*.pyc"):
                    self._compiled[pyc.relative_to(folder).as_posix()] = pyc.read_bytes()
            else:
                for rel, data in self._compiled.items():
                    target = folder / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
        return _tree(folder)

    def changes(self, folder: Path, expected: dict[str, str] | None = None) -> list[str]:
        """Files of ``folder`` that differ from what was written there (added, changed, removed).

        Without ``expected``, ``folder`` is the course itself: only the snapshot's files are
        compared, and bytecode caches are ignored (other programs may write them)."""
        if expected is not None:
            now = _tree(folder)
            return sorted({rel for rel in now.keys() | expected.keys() if now.get(rel) != expected.get(rel)})
        changed = []
        present = set()
        for top in self.TOPS:
            present.update(_walk(folder, top))
        present.update(rel for rel in self.FILES if (folder / rel).is_file())
        for rel in sorted(present | self.files.keys()):
            path = folder / rel
            try:
                if not path.is_file() or path.read_bytes() != self.files.get(rel):
                    changed.append(rel)
            except OSError:
                changed.append(rel)
        return changed

    def restore(self, folder: Path, paths: list[str]) -> None:
        """Put ``paths`` back as in the snapshot (files the snapshot lacks are deleted)."""
        for rel in paths:
            target = folder / rel
            data = self.files.get(rel, self._compiled.get(rel))
            try:
                if data is None:
                    if target.is_file() or target.is_symlink():
                        target.unlink()
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".{target.name}.restore-{os.getpid()}")
                tmp.write_bytes(data)
                os.replace(tmp, target)
            except OSError:
                pass


# --------------------------------------------------------------------------- kernels

_WARM_UP = """
def _course_warm_up():
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy, pandas, matplotlib, matplotlib.pyplot
    from course_utils.lesson.notebook_setup import import_tensorflow_quietly
    import_tensorflow_quietly()
_course_warm_up()
del _course_warm_up
"""

# Runs in the student's kernel: the export code comes from the pristine copy, loaded by path
# under a new name each time, so patching ``course_utils`` in the kernel changes nothing here.
_EXPORT = """
def _course_export(root, exercise, numbers, folder):
    import importlib, importlib.util, sys
    name = "_course_grade_{token}"
    spec = importlib.util.spec_from_file_location(
        name, root + "/course_utils/__init__.py", submodule_search_locations=[root + "/course_utils"])
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    try:
        spec.loader.exec_module(package)
        module = importlib.import_module(name + ".checks.ex" + exercise)
        module.exercise.export(get_ipython().user_ns, numbers, folder)
    finally:
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]
_course_export({root!r}, {exercise!r}, {numbers!r}, {folder!r})
del _course_export
"""


@dataclass
class CellRun:
    """What running one piece of code in a kernel gave: the error (if any), whether it ran out
    of time (and was interrupted, or the kernel had to be killed), the tasks whose solution
    was displayed."""

    ename: str | None = None
    evalue: str = ""
    last_line: str = ""
    timed_out: bool = False
    died: bool = False
    solutions: set[int] = field(default_factory=set)
    seconds: float = 0.0


def _last_line(traceback: list[str] | None, ename: str, evalue: str) -> str:
    import re

    text = re.sub(r"\x1b\[[0-9;?]*[ -/]*[@-~]", "", "\n".join(traceback or []))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else (f"{ename}: {evalue}" if evalue else ename)[:300]


class Kernel:
    """A fresh kernel on a private copy of the course, warmed up in the background."""

    def __init__(self, snapshot: CourseSnapshot, base: Path, *, warm_up: bool = True) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="sub-", dir=base))
        self.course = self.folder / "course"
        self.work = self.folder / "work"
        self.exports = self.folder / "export"
        self.work.mkdir()
        self.exports.mkdir()
        self.expected = snapshot.write(self.course)
        self.error: str | None = None
        self.km = self.kc = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._start, args=(warm_up,), daemon=True)
        self._thread.start()

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTHON", "COURSE_", "JPY_", "PYTEST", "COV_")) and k != "MPLBACKEND"}
        env.update(PYTHONPATH=str(self.course), PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0",
                   PYTHONWARNINGS="ignore", COURSE_ROOT=str(self.course), COURSE_STRICT="0",
                   COURSE_PROGRESS="none", MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="3")
        return env

    def _start(self, warm_up: bool) -> None:
        from jupyter_client import KernelManager

        from .kernels import PlainKernelSpecs

        try:
            self.km = KernelManager(kernel_name="python3", kernel_spec_manager=PlainKernelSpecs())
            with _SPAWN_LOCK:
                self.km.start_kernel(cwd=str(self.work), env=self._env(),
                                     extra_arguments=["--IPKernelApp.log_level=ERROR"])
                if self.pid() is not None:
                    _OURS.add(self.pid())
            self.kc = self.km.client()
            self.kc.start_channels()
            self.kc.wait_for_ready(timeout=120)
            if warm_up:
                run = self.run(_WARM_UP, 180, silent=True)
                if run.ename or run.timed_out or run.died:
                    self.error = f"the kernel could not import TensorFlow ({run.last_line or 'timed out'})"
        except Exception as exc:  # noqa: BLE001 - reported as an ungradable submission
            self.error = f"a fresh kernel could not start ({type(exc).__name__}: {exc})"
        finally:
            self._ready.set()

    def ready(self, timeout: float = 300) -> bool:
        """Wait for the start-up (and warm-up) to end; False if the kernel is not usable."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            self.error = self.error or "a fresh kernel did not start in time"
        return self.error is None

    def alive(self) -> bool:
        try:
            return self.km is not None and self.km.is_alive()
        except Exception:  # noqa: BLE001
            return False

    def run(self, code: str, timeout: float, *, silent: bool = False) -> CellRun:
        """Run ``code`` for at most ``timeout`` s; on overrun interrupt, then kill the kernel."""
        result = CellRun()
        start = time.monotonic()
        msg_id = self.kc.execute(code, silent=silent, store_history=not silent, allow_stdin=False,
                                 stop_on_error=False)
        deadline = start + max(timeout, 0.01)
        interrupted_at = None
        idle = False
        while not idle:
            now = time.monotonic()
            if interrupted_at is None and now >= deadline:
                result.timed_out = True
                interrupted_at = now
                try:
                    self.km.interrupt_kernel()
                except Exception:  # noqa: BLE001
                    pass
            if interrupted_at is not None and now - interrupted_at > 5:
                self.kill()                      # the cell ignored the interrupt
                result.died = True
                break
            try:
                msg = self.kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                if not self.alive():
                    result.died = True
                    break
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind in ("display_data", "execute_result", "update_display_data"):
                payload = content.get("data", {}).get(_SOLUTION_MIME)
                if isinstance(payload, dict) and isinstance(payload.get("task"), int):
                    result.solutions.add(payload["task"])
            elif kind == "error" and result.ename is None:
                result.ename, result.evalue = str(content.get("ename", "Error")), str(content.get("evalue", ""))
                result.last_line = _last_line(content.get("traceback"), result.ename, result.evalue)
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
        if idle:   # a silent run may report its error on the shell channel only
            reply = self._reply(msg_id)
            if result.ename is None and reply.get("status") == "error":
                result.ename, result.evalue = str(reply.get("ename", "Error")), str(reply.get("evalue", ""))
                result.last_line = _last_line(reply.get("traceback"), result.ename, result.evalue)
        if result.died and not result.timed_out:
            result.ename, result.last_line = "DeadKernelError", "the kernel died"
        elif result.timed_out:
            result.ename = "CellTimeoutError"
        result.seconds = time.monotonic() - start
        return result

    def _reply(self, msg_id: str) -> dict[str, Any]:
        """The execute reply of ``msg_id`` (empty if it does not come within a few seconds)."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_shell_msg(timeout=0.5)
            except queue.Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg.get("content", {})
        return {}

    def export(self, pristine: Path, exercise: str, numbers: list[int], stage: str, timeout: float) -> CellRun:
        """Have the pristine export code write tasks ``numbers``' values to ``export/stage/``."""
        folder = self.exports / stage
        folder.mkdir(exist_ok=True)
        code = _EXPORT.format(token=secrets.token_hex(8), root=str(pristine), exercise=exercise,
                              numbers=[int(n) for n in numbers], folder=str(folder))
        return self.run(code, timeout, silent=True)

    def kill(self) -> None:
        """Stop the kernel (its whole process group) now."""
        pid = self.pid()
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:  # noqa: BLE001
            pass
        try:
            if self.km is not None and self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001
            try:
                self.km.kill_kernel()
            except Exception:  # noqa: BLE001
                pass
        with _SPAWN_LOCK:
            _OURS.discard(pid)

    def pid(self) -> int | None:
        try:
            return self.km.provisioner.process.pid  # type: ignore[union-attr]
        except Exception:  # noqa: BLE001
            return None

    def discard(self) -> None:
        """Kill the kernel and delete its folder."""
        self._thread.join(60)
        self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


# --------------------------------------------------------------------------- escaped processes

_SUBREAPER = False


def become_subreaper() -> None:
    """Linux: adopt orphaned descendants, so a process a notebook detached can be found."""
    global _SUBREAPER
    if _SUBREAPER or not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        _SUBREAPER = libc.prctl(36, 1, 0, 0, 0) == 0   # PR_SET_CHILD_SUBREAPER
    except Exception:  # noqa: BLE001
        _SUBREAPER = False


def our_children() -> set[int]:
    """The process ids whose parent is this process (Linux; empty elsewhere)."""
    me, found = os.getpid(), set()
    if not sys.platform.startswith("linux"):
        return found
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                found.add(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return found


def reap_escaped_processes(before: set[int]) -> int:
    """Kill our child processes that are neither kernels nor judges of ours nor in ``before``
    (children this process had before grading): processes a notebook left running after its
    kernel ended, adopted by this process as sub-reaper. Returns how many."""
    if not _SUBREAPER:
        return 0
    killed = 0
    with _SPAWN_LOCK:
        for pid in our_children() - _OURS - before:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                killed += 1
            except OSError:
                pass
    return killed


# --------------------------------------------------------------------------- the judge

_JUDGE_BOOT = r"""
import os, sys
root, prefix, *sites = sys.argv[1:]
sys.path[:0] = [root]
sys.path.extend(sites)
sys.pycache_prefix = prefix
answer = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr
for key in [k for k in os.environ if k.startswith("COURSE_")]:
    del os.environ[key]
os.environ.update(COURSE_ROOT=root, COURSE_STRICT="0", MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="3")
import course_utils
if not os.path.abspath(course_utils.__file__).startswith(os.path.abspath(root) + os.sep):
    raise SystemExit("the judge must import the pristine copy, not " + course_utils.__file__)
from course_utils.tools.judge import serve
serve(sys.stdin, answer)
"""


def _import_paths() -> list[str]:
    """The grader's import path minus the current folder: site-packages, Colab's dist-packages
    and folders added by ``.pth`` files, which the judge (started with ``-S``) would not see."""
    here = os.getcwd()
    return [p for p in sys.path if p and os.path.isabs(p) and os.path.abspath(p) != here
            and (os.path.isdir(p) or os.path.isfile(p))]


class Judge:
    """A clean process judging exported folders with the pristine checks (see module docstring)."""

    def __init__(self, pristine: Path, log: Path) -> None:
        self.pristine = pristine
        self.log = log
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        sites = _import_paths()
        prefix = tempfile.mkdtemp(prefix="judge-pycache-", dir=self.log.parent)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COURSE_"))}
        env["TF_CPP_MIN_LOG_LEVEL"] = "3"
        with open(self.log, "ab") as log, _SPAWN_LOCK:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-B", "-c", _JUDGE_BOOT, str(self.pristine), prefix, *sites],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env, cwd=str(self.pristine),
                text=True, encoding="utf-8")
            _OURS.add(self.process.pid)
        self._lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            self._lines.put(line)
        self._lines.put(None)

    def judge(self, exercise: str, folders: dict[int, str], timeout: float = 300,
              lang: str = "en") -> dict[int, dict[str, Any]]:
        """Results of tasks ``folders`` (task → exported folder) of ``exercise``, their messages in
        ``lang``; raises RuntimeError when the judge fails or takes too long (it is restarted)."""
        request = {"exercise": exercise, "tasks": {str(k): v for k, v in folders.items()}, "lang": lang}
        try:
            self.process.stdin.write(json.dumps(request) + "\n")  # type: ignore[union-attr]
            self.process.stdin.flush()  # type: ignore[union-attr]
            line = self._lines.get(timeout=timeout)
        except (OSError, queue.Empty, ValueError) as exc:
            self.restart()
            raise RuntimeError(f"the judge did not answer ({type(exc).__name__})") from None
        if line is None:
            self.restart()
            raise RuntimeError("the judge stopped (see the grading log)")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return {int(k): v for k, v in answer["results"].items()}

    def restart(self) -> None:
        self.close()
        self.start()

    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def close(self) -> None:
        if self.process is not None:
            try:
                self.process.kill()
                self.process.wait(10)
            except Exception:  # noqa: BLE001
                pass
            with _SPAWN_LOCK:
                _OURS.discard(self.process.pid)
