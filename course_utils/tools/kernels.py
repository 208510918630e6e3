"""Fresh Jupyter kernels without the import cost: a fork server, the "zygote" (tooling: runner, tests).

One process, the zygote, imports TensorFlow, Keras, NumPy, pandas, matplotlib, scikit-learn,
seaborn and ipykernel once (:data:`PRELOAD`); each kernel is a child forked from it that becomes
an ordinary ipykernel. The kernel spec's argv starts a stand-in that asks the zygote for a child
and stays alive for jupyter_client: interrupt → SIGINT to the child, kill → the child dies, the
child's exit status becomes the stand-in's; so nbclient's timeouts and dead-kernel detection work
unchanged. The mechanism is in ``_zygote.py``; ``execute_notebook`` uses it for every notebook.

Use (``env``: the kernel's whole environment, as jupyter_client will start it)::

    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=kernels.KernelSpecs(env))
    kernels.kernel_argv(env)        # or only the argv: [..., "-f", "{connection_file}"]
    kernels.prestart(env)           # start the zygote's imports now, without waiting for them
    kernels.status()                # was the last kernel forked, and if not, why
    kernels.finished_children(env)  # CPU seconds and peak memory of every kernel that exited
    kernels.shutdown()              # stop the zygotes (also done at exit)

**Like a fresh kernel:** its own process and session; fresh globals; the working folder,
environment and standard streams jupyter_client gave the stand-in; fresh seeds (NumPy's and
Python's global generators, multiprocessing's key); the argv and ``sys.path`` of ``python -m
ipykernel_launcher``. A zygote serves only kernels whose environment equals its own apart from
``COURSE_*``, ``PYTEST_*`` and ``JPY_*`` variables (the libraries read the others at import:
``MPLBACKEND``, ``TF_*``, ``HOME``...); another environment gets another zygote (at most
:data:`MAX_ZYGOTES`; the least recently used one retires).

**Different, by design:**

- PYTHONHASHSEED is fixed when an interpreter starts: the environment's value, or 0 when it
  sets none (the course always sets 0). ``PYTHONHASHSEED=random`` gets a plain kernel.
- Unset TF_CPP_MIN_LOG_LEVEL: TensorFlow is imported at level 3, as the course's set-up does.
  Unset MPLBACKEND: matplotlib is imported with ipykernel's inline backend, as a plain kernel gets.
- The preloaded modules are in ``sys.modules`` from the start, with their warning filters (the
  same filters, maybe in another order) and the variables TensorFlow sets when imported
  (``TF2_BEHAVIOR``...); their import-time log lines are in the zygote's log, not the notebook.
- Memory is shared copy-on-write: a page's first write copies it (about 0.05 s of CPU on the
  first check of 02_09, which builds two models; benchmarks/README.md).

**Plain kernels instead**, silently (:func:`status` and the DEBUG log say why): with
``COURSE_FAST_KERNELS=0`` (environment or ``env``); off Linux (Windows has no fork, macOS
forbids it after its frameworks start); when an import fails; when the zygote would not be
fresh (a thread running after its imports, TensorFlow's context created, a matplotlib backend
chosen, a module of ``_zygote.NOT_PRELOADED`` imported); for a working folder holding a
``matplotlibrc`` or a module named like a preloaded one (``numpy.py``); when the zygote is gone.

**Fork safety:** no TensorFlow op runs in the zygote (no context, no thread pool). NumPy's and
SciPy's OpenBLAS start a thread each at import; OpenBLAS stops them before a fork (its
``pthread_atfork`` handler), and the zygote serves only if it is single-threaded after a first fork.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

from . import _zygote

__all__ = ["PRELOAD", "KernelSpecs", "PlainKernelSpecs", "fast_kernels_possible", "finished_children", "give_up",
           "is_forked", "kernel_argv", "kernel_spec", "prestart", "shutdown", "spec_manager", "status"]

log = logging.getLogger(__name__)

#: What the zygote imports: what the course's notebooks import, and ipykernel's machinery
#: (``ipykernel.debugger`` brings debugpy, 0.27 s of every kernel's start otherwise).
PRELOAD = (
    "numpy", "scipy", "scipy.linalg", "pandas", "matplotlib", "matplotlib.pyplot",
    "sklearn", "sklearn.datasets", "sklearn.linear_model", "sklearn.metrics", "sklearn.model_selection",
    "sklearn.preprocessing", "sklearn.ensemble",
    "tensorflow", "keras", "seaborn", "tqdm", "tqdm.std",
    "IPython", "zmq", "tornado", "jupyter_client", "ipykernel", "ipykernel.ipkernel", "ipykernel.zmqshell",
    "ipykernel.debugger",
)
#: The switch: ``COURSE_FAST_KERNELS=0`` (or ``false``, ``no``, ``off``) gives plain kernels.
SWITCH = "COURSE_FAST_KERNELS"
#: Zygotes kept at once (one per distinct environment and module list); the least recently
#: used one retires when another is needed (it exits once its running kernels are done).
MAX_ZYGOTES = 3
#: How long to wait for a zygote's imports before giving up on it (a loaded machine is slow).
READY_TIMEOUT = 300.0
ZYGOTE_SCRIPT = str(Path(_zygote.__file__).resolve())
_OFF = {"0", "false", "no", "off"}


def plain_argv() -> list[str]:
    """The argv of a plain kernel of this interpreter (what every kernel used before)."""
    return _zygote.plain_kernel_argv(["-f", "{connection_file}"])


def fast_kernels_possible(env: Mapping[str, str] | None = None) -> tuple[bool, str]:
    """Whether kernels for ``env`` (default: ``os.environ``) may come from a zygote, and why not."""
    env = os.environ if env is None else env
    if str(env.get(SWITCH, "1")).strip().lower() in _OFF:
        return False, f"{SWITCH}={env.get(SWITCH)}"
    if not sys.platform.startswith("linux"):
        return False, f"forked kernels are used on Linux only (this is {sys.platform})"
    if not (hasattr(os, "fork") and hasattr(socket, "AF_UNIX") and hasattr(socket, "send_fds")):
        return False, "this Python has no fork or no descriptor passing"
    if env.get("PYTHONHASHSEED") == "random":
        return False, "PYTHONHASHSEED=random asks for a new hash seed in every kernel"
    return True, ""


class _Zygote:
    """One zygote process, owned by this process (see the module docstring)."""

    def __init__(self, key: dict, modules: tuple[str, ...]):
        self.key = key
        self.modules = modules
        self.dir = tempfile.mkdtemp(prefix="course-kernels-")
        self.socket = os.path.join(self.dir, "zygote.sock")
        self.ready = threading.Event()
        self.info: dict = {}
        self.problem = ""
        env = dict(key)  # key already holds PYTHONHASHSEED (0 when the kernels do not set it)
        try:
            with open(os.path.join(self.dir, "zygote.log"), "wb") as logfile:
                self.proc = _spawn_zygote([sys.executable, ZYGOTE_SCRIPT, "serve", self.socket, *modules],
                                          env=env, cwd=self.dir, stderr=logfile)
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise
        threading.Thread(target=self._await_ready, name="course-zygote-ready", daemon=True).start()

    def _await_ready(self) -> None:
        try:
            line = self.proc.stdout.readline()
            message = json.loads(line) if line.strip() else {}
        except (OSError, ValueError) as exc:
            message = {"ready": False, "problems": [f"unreadable answer ({exc})"]}
        if message.get("ready"):
            self.info = message
        else:
            self.problem = "; ".join(message.get("problems") or []) or self._log_tail() or "the zygote exited"
            log.debug("no fast kernels: %s", self.problem)
        self.ready.set()

    def _log_tail(self) -> str:
        try:
            text = Path(self.dir, "zygote.log").read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return text[-1] if text else ""

    def usable(self, timeout: float) -> bool:
        if not self.ready.wait(timeout):
            self.problem = self.problem or f"the zygote was not ready within {timeout:g} s"
            return False
        return not self.problem and self.proc.poll() is None

    def argv(self) -> list[str]:
        return [sys.executable, "-I", "-S", ZYGOTE_SCRIPT, "launch", self.socket, "--", "-f", "{connection_file}"]

    def retire(self) -> None:
        """Take no more kernels; the zygote exits once its running kernels are done (and is reaped then)."""
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            threading.Thread(target=self._reap, name="course-zygote-reaper", daemon=True).start()

    def _reap(self) -> None:
        self.proc.wait()  # no zombie zygote, whenever it ends
        with _lock:
            if self in _retired:
                _retired.remove(self)
        self.cleanup()

    def stop(self, wait: float = 5.0) -> None:
        """Retire, wait up to ``wait`` seconds, then end the zygote and any kernel it still has."""
        self.retire()
        try:
            self.proc.wait(wait)
        except subprocess.TimeoutExpired:
            self.proc.terminate()  # the zygote kills its kernels, then exits
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.cleanup()

    def cleanup(self) -> None:
        if self.proc.stdout:
            self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, payload: dict, timeout: float = 10.0) -> dict | None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            try:
                sock.connect(self.socket)
                _zygote.send_message(sock, payload)
                reply, _ = _zygote.recv_message(sock)
            except OSError:
                return None
        return reply


def _spawn_zygote(argv: list[str], *, env: dict, cwd: str, stderr) -> subprocess.Popen:
    # Its own session, as a kernel has: a Ctrl-C in the terminal does not reach it. Its stdin is
    # a pipe from this process: when this process ends, the zygote sees it close and leaves.
    return subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=stderr, start_new_session=True, text=True)


_lock = threading.Lock()
_zygotes: dict[str, _Zygote] = {}   # by import key (JSON) and modules, least recently used first
_retired: list[_Zygote] = []        # evicted, exiting once their kernels are done
_failed: dict[str, str] = {}        # keys whose zygote could not be used, and why
_last: dict = {"fast": None, "why": ""}


def _zygote_id(env: Mapping[str, str], modules: tuple[str, ...]) -> str:
    """The key of the zygote serving kernels with environment ``env`` and preloaded ``modules``."""
    return json.dumps(_zygote.import_key(dict(env)), sort_keys=True) + "|" + ",".join(modules)


def _zygote_for(env: Mapping[str, str], modules: tuple[str, ...] = PRELOAD) -> _Zygote | str:
    """The zygote for ``env`` (started if needed), or why there is none."""
    possible, why = fast_kernels_possible(env)
    if not possible:
        return why
    key_id = _zygote_id(env, modules)
    with _lock:
        if key_id in _failed:
            return _failed[key_id]
        zygote = _zygotes.pop(key_id, None)
        if zygote is not None and zygote.proc.poll() is None:
            _zygotes[key_id] = zygote  # now the most recently used
        else:
            if zygote is not None:
                zygote.cleanup()
            while len(_zygotes) >= MAX_ZYGOTES:
                oldest = _zygotes.pop(next(iter(_zygotes)))
                oldest.retire()
                _retired.append(oldest)
            for old in [z for z in _retired if z.proc.poll() is not None]:
                _retired.remove(old)
                old.cleanup()
            try:
                zygote = _zygotes[key_id] = _Zygote(_zygote.import_key(dict(env)), modules)
            except OSError as exc:
                _failed[key_id] = f"cannot start the zygote: {exc}"
                return _failed[key_id]
    return zygote


def prestart(env: Mapping[str, str] | None = None, modules: tuple[str, ...] = PRELOAD) -> None:
    """Start the zygote for kernels with environment ``env`` now, without waiting for it."""
    _zygote_for(dict(os.environ if env is None else env), modules)


def kernel_argv(env: Mapping[str, str] | None = None, *, modules: tuple[str, ...] = PRELOAD,
                timeout: float = READY_TIMEOUT) -> list[str]:
    """The argv of a kernel spec for a kernel whose whole environment will be ``env``.

    A stand-in that asks the zygote for a forked kernel when one can be used (the zygote is
    started, and waited for, on first use), else :func:`plain_argv`. Either way the argv
    ends with ``-f {connection_file}`` and jupyter_client starts it with ``env`` and the
    kernel's working folder.
    """
    env = dict(os.environ if env is None else env)
    zygote = _zygote_for(env, modules)
    if isinstance(zygote, str):
        return _remember(False, zygote, plain_argv())
    if not zygote.usable(timeout):
        key_id = _zygote_id(env, modules)
        with _lock:
            if _zygotes.get(key_id) is zygote:
                _failed[key_id] = zygote.problem
                _zygotes.pop(key_id).stop(wait=0)
        return _remember(False, zygote.problem, plain_argv())
    return _remember(True, "", zygote.argv())


def _remember(fast: bool, why: str, argv: list[str]) -> list[str]:
    _last.update(fast=fast, why=why)
    if not fast:
        log.debug("plain kernel: %s", why)
    return argv


def _python3_spec(argv: list[str]):
    from jupyter_client.kernelspec import KernelSpec

    return KernelSpec(argv=argv, display_name="Python 3 (ipykernel)", language="python", metadata={}, env={},
                      interrupt_mode="signal")


def kernel_spec(env: Mapping[str, str] | None = None, **kwargs):
    """A jupyter_client ``KernelSpec`` for ``python3`` on this interpreter (see :func:`kernel_argv`)."""
    return _python3_spec(kernel_argv(env, **kwargs))


def KernelSpecs(env: Mapping[str, str] | None = None, **kwargs):
    """A ``KernelSpecManager`` whose ``python3`` is :func:`kernel_spec` for ``env``; other names as usual."""
    return spec_manager(kernel_spec(env, **kwargs))


def PlainKernelSpecs():
    """A ``KernelSpecManager`` whose ``python3`` is always a plain kernel (:func:`plain_argv`).

    For kernels that must not come from a zygote: ``course grade``'s sandbox starts each
    submission's kernel on a private copy of the course (its own ``PYTHONPATH``) and warms it
    up ahead of time, so a zygote would save nothing there.
    """
    return spec_manager(_python3_spec(plain_argv()))


def spec_manager(spec):
    """A ``KernelSpecManager`` whose ``python3`` is ``spec`` (a jupyter_client ``KernelSpec``)."""
    from jupyter_client.kernelspec import KernelSpecManager

    class _Specs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str):
            return spec if kernel_name == "python3" else super().get_kernel_spec(kernel_name)

    return _Specs()


def is_forked(spec) -> bool:
    """Whether a spec from :func:`kernel_spec` asks a zygote for its kernel."""
    return ZYGOTE_SCRIPT in spec.argv


def give_up(env: Mapping[str, str] | None, why: str, modules: tuple[str, ...] = PRELOAD) -> None:
    """Use plain kernels for ``env`` from now on in this process (a forked kernel failed to start):
    the zygote retires (it exits once its running kernels are done) and :func:`status` says ``why``."""
    key_id = _zygote_id(os.environ if env is None else env, modules)
    with _lock:
        _failed[key_id] = why
        zygote = _zygotes.pop(key_id, None)
        if zygote is not None:
            zygote.retire()
            _retired.append(zygote)
    log.warning("plain kernels from now on: %s", why)


def status() -> dict:
    """For developers: ``last_kernel_forked`` (the last kernel spec of this process went to a zygote;
    the zygote may still have handed the request to a plain kernel, see the module docstring),
    ``why_plain``, and this process's zygotes (pid, imports, problems)."""
    with _lock:
        zygotes = [{"pid": z.proc.pid, "alive": z.proc.poll() is None, "ready": z.ready.is_set(), "preload": z.modules,
                    "problem": z.problem, "import_seconds": z.info.get("seconds"), "import_cpu": z.info.get("cpu"),
                    "modules": z.info.get("modules"), "not_installed": z.info.get("missing")} for z in _zygotes.values()]
        failed = dict(_failed)
    return {"last_kernel_forked": _last["fast"], "why_plain": _last["why"], "zygotes": zygotes,
            "failed": list(failed.values())}


def finished_children(env: Mapping[str, str] | None = None, modules: tuple[str, ...] = PRELOAD) -> list[dict]:
    """Every kernel of the zygote for ``env`` (and ``modules``) that has exited: ``{"pid", "cpu" (s),
    "maxrss" (bytes), "exit" or "signal"}``, oldest first (at most 1000). Empty without such a zygote."""
    with _lock:
        zygote = _zygotes.get(_zygote_id(os.environ if env is None else env, modules))
    if zygote is None or not zygote.ready.is_set() or zygote.problem:
        return []
    reply = zygote.request({"op": "stats"})
    return list(reply.get("children", [])) if reply else []


def shutdown(wait: float = 5.0) -> None:
    """Retire every zygote of this process and wait for it (kernels still running are killed)."""
    with _lock:
        zygotes = [*_zygotes.values(), *_retired]
        _zygotes.clear()
        _retired.clear()
        _failed.clear()
    for zygote in zygotes:
        zygote.retire()
    for zygote in zygotes:
        zygote.stop(wait=wait)


def _forget_zygotes_in_forked_copy() -> None:
    """A process forked from this one (multiprocessing) does not own our zygotes: drop them, and
    close its copies of their pipes so that a zygote still sees its owner go."""
    global _lock
    _lock = threading.Lock()
    for zygote in [*_zygotes.values(), *_retired]:
        for pipe in (zygote.proc.stdin, zygote.proc.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass
    _zygotes.clear()
    _retired.clear()


atexit.register(shutdown)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_zygotes_in_forked_copy)
