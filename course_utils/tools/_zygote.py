"""Fork server ("zygote") for Jupyter kernels, and the stand-in that a kernel spec starts (tooling).

Used through :mod:`course_utils.tools.kernels`; read that module's docstring first. This file
imports only the standard library and never ``course_utils`` (it runs as a script, by path), so
that every kernel imports the course's own code fresh. It has two roles:

``python ZYGOTE serve SOCKET MODULE...``
    The zygote: imports the modules (NumPy, TensorFlow, ...), checks that it is safe to fork
    (one thread, no TensorFlow context, no matplotlib backend chosen, no module whose import
    depends on the kernel), then listens on the AF_UNIX ``SOCKET``. For each request it forks a
    child that becomes a normal ipykernel (``ipykernel.kernelapp.launch_new_instance``) with the
    requester's argv, working folder, environment and standard streams. It exits when its
    standard input closes (its owner is gone) and its last child has exited.

``python -I -S ZYGOTE launch SOCKET -- KERNEL_ARGS...``
    The kernel spec's argv. It asks the zygote for a child and stands in for it towards
    jupyter_client: it forwards SIGINT, SIGTERM and the like to the child's process group, and
    exits the way the child exited (same code, or killed by the same signal). When it is
    killed (SIGKILL, "shut down now"), the zygote sees its connection close and kills the
    child. When no child can be had (no zygote, or the zygote refuses the request), it execs
    ``python -m ipykernel_launcher KERNEL_ARGS`` in its place: a plain kernel, as before; so it
    does when the zygote has not answered within :data:`REQUEST_TIMEOUT` seconds (it says so on
    standard error).

Wire format: a message is a 4-byte big-endian length and UTF-8 JSON. The launcher's request
``{"op": "kernel", "argv", "cwd", "env", "umask"}`` carries its file descriptors 0, 1, 2
(SCM_RIGHTS); the zygote answers ``{"pid"}`` (or ``{"refused": reason}``) and, when the child
has exited, ``{"exit": code}`` or ``{"signal": number}`` with ``"cpu"`` (seconds) and
``"maxrss"`` (bytes). ``{"op": "stats"}`` answers ``{"children": [...]}``, the same figures for
every child that has exited (benchmarks).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys

#: Variables that no preloaded module reads at import time (course_utils, pytest and
#: jupyter_client's own): a request may differ from the zygote in these and still be served.
LATE_PREFIXES = ("COURSE_", "PYTEST_", "JPY_")
#: The backend ipykernel selects when MPLBACKEND is unset; matplotlib reads it at import.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: Modules whose import depends on the kernel it happens in: never preloaded. ipykernel's
#: kernelapp reads JPY_PARENT_PID at import; matplotlib_inline picks the backend; tqdm.auto
#: looks for a running IPython; koreanize_matplotlib changes the plot font; course_utils is the
#: course's own code, which each notebook must import fresh.
NOT_PRELOADED = ("course_utils", "ipykernel.kernelapp", "matplotlib_inline", "tqdm.auto", "tqdm.autonotebook",
                 "koreanize_matplotlib")
#: Signals the launcher passes on to the child's process group.
FORWARDED = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2")
                  if hasattr(signal, name))
#: Seconds the stand-in waits for the zygote's answer (a fork takes milliseconds) before it
#: becomes a plain kernel instead.
REQUEST_TIMEOUT = float(os.environ.get("COURSE_ZYGOTE_REQUEST_TIMEOUT") or 20)
_HEADER = struct.Struct(">I")
_MAX_MESSAGE = 16 * 2**20


def import_key(env: dict) -> dict:
    """What a child's environment must share with its zygote's: every variable except the
    :data:`LATE_PREFIXES` ones, with an unset PYTHONHASHSEED counted as ``"0"`` (the seed
    every zygote has when none was asked for)."""
    key = {k: v for k, v in env.items() if not k.startswith(LATE_PREFIXES)}
    key["PYTHONHASHSEED"] = env.get("PYTHONHASHSEED") or "0"
    return key


# ----------------------------------------------------------------------------- messages


def send_message(sock: socket.socket, payload: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(payload).encode("utf-8")
    data = _HEADER.pack(len(data)) + data
    if fds:
        sent = socket.send_fds(sock, [data], fds)
        data = data[sent:]
    sock.sendall(data)


def recv_message(sock: socket.socket, maxfds: int = 0) -> tuple[dict | None, list[int]]:
    """One message and the descriptors sent with it; ``(None, [])`` at end of stream."""
    fds: list[int] = []
    if maxfds:
        chunk, fds, _flags, _addr = socket.recv_fds(sock, 65536, maxfds)
    else:
        chunk = sock.recv(65536)
    buf = bytearray(chunk)
    if not buf:
        return None, fds
    while len(buf) < _HEADER.size:
        more = sock.recv(65536)
        if not more:
            return None, fds
        buf += more
    (size,) = _HEADER.unpack_from(buf)
    if size > _MAX_MESSAGE:
        raise ValueError(f"message of {size} bytes")
    while len(buf) < _HEADER.size + size:
        more = sock.recv(65536)
        if not more:
            return None, fds
        buf += more
    return json.loads(bytes(buf[_HEADER.size:_HEADER.size + size]).decode("utf-8")), fds


def _signal_group(pid: int, signum: int) -> None:
    """Signal the child's process group (the child and what it started), else the child."""
    for send in (os.killpg, os.kill):
        try:
            send(pid, signum)
            return
        except (ProcessLookupError, PermissionError):
            continue


# ----------------------------------------------------------------------------- the launcher


def plain_kernel_argv(kernel_args: list[str]) -> list[str]:
    return [sys.executable, "-m", "ipykernel_launcher", *kernel_args]


def _exec_plain_kernel(kernel_args: list[str]) -> None:
    for signum in FORWARDED:
        signal.signal(signum, signal.SIG_DFL)
    for name in ("SIGPIPE", "SIGXFSZ"):  # as subprocess.Popen(restore_signals=True) leaves them
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    argv = plain_kernel_argv(kernel_args)
    os.execv(argv[0], argv)


def _exit_like(message: dict | None, child: int) -> None:
    """Leave the way the child left: its exit code, or killed by its signal."""
    if message is None:  # the zygote is gone, and with it the child (parent-death signal)
        _signal_group(child, signal.SIGKILL)
        message = {"signal": int(signal.SIGKILL)}
    if "signal" in message:
        signum = int(message["signal"])
        for step in (lambda: signal.signal(signum, signal.SIG_DFL),  # refused for SIGKILL: no matter
                     lambda: signal.pthread_sigmask(signal.SIG_UNBLOCK, [signum]),
                     lambda: os.kill(os.getpid(), signum)):
            try:
                step()
            except (OSError, ValueError):
                pass
        os._exit(128 + signum)  # a signal whose default action is not to terminate
    os._exit(int(message.get("exit", 1)))


def launch(sock_path: str, kernel_args: list[str]) -> None:
    """Stand in for a kernel forked by the zygote at ``sock_path``; never returns."""
    import select

    state: dict = {"pid": None, "pending": []}

    def forward(signum, _frame):
        if state["pid"] is None:
            state["pending"].append(signum)
        else:
            _signal_group(state["pid"], signum)

    for signum in FORWARDED:
        signal.signal(signum, forward)
    parent = os.getppid()
    reply = None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(REQUEST_TIMEOUT)  # a zygote that does not answer must not hang the kernel's start
    try:
        sock.connect(sock_path)
        send_message(sock, {"op": "kernel", "argv": kernel_args, "cwd": os.getcwd(), "env": dict(os.environ),
                            "umask": _current_umask()}, fds=[0, 1, 2])
        reply, _ = recv_message(sock)
    except socket.timeout:
        print(f"course kernels: the zygote did not answer within {REQUEST_TIMEOUT:g} s; starting a plain kernel",
              file=sys.stderr, flush=True)
        reply = None
    except (OSError, ValueError):
        reply = None
    if not reply or "pid" not in reply:
        sock.close()  # the zygote kills a child it forks for a closed connection
        _exec_plain_kernel(kernel_args)  # no child to be had: become a plain kernel
    sock.settimeout(None)
    state["pid"] = pid = int(reply["pid"])
    for signum in state["pending"]:
        _signal_group(pid, signum)
    while True:
        ready, _, _ = select.select([sock], [], [], 1.0)
        if ready:
            try:
                message, _ = recv_message(sock)
            except (OSError, ValueError):
                message = None
            _exit_like(message, pid)
        if os.getppid() != parent:  # our parent (jupyter_client's process) is gone: so are we
            os._exit(1)  # the zygote sees the connection close and kills the child


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ----------------------------------------------------------------------------- the zygote


class _Zygote:
    def __init__(self, sock_path: str, modules: list[str]):
        self.sock_path = sock_path
        self.modules = modules
        self.reference = dict(os.environ)  # the environment this zygote imports under
        self.key = import_key(self.reference)
        self.imported_env: dict[str, str | None] = {}  # what the imports changed in os.environ
        self.children: dict[int, socket.socket | None] = {}
        self.finished: list[dict] = []
        self.retiring = False
        self.signals = {s: signal.getsignal(s) for s in (*FORWARDED, signal.SIGCHLD)}

    # -- start-up

    def preload(self) -> dict:
        import gc
        import importlib
        import time
        import warnings

        start, cpu = time.perf_counter(), time.process_time()
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")   # as course_utils imports TensorFlow
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # as ipykernel sets it, before any import
        missing = []
        for name in self.modules:
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:  # not installed here: a kernel could not import it either
                if exc.name is None or not (name == exc.name or name.startswith(exc.name + ".")):
                    raise
                missing.append(name)
        for name in ("TF_CPP_MIN_LOG_LEVEL", "MPLBACKEND"):
            if name not in self.reference:
                os.environ.pop(name, None)
        self.imported_env = {k: os.environ.get(k) for k in set(os.environ) | set(self.reference)
                             if os.environ.get(k) != self.reference.get(k)}
        self.warning_filters = list(warnings.filters)
        self.path = list(sys.path)
        gc.collect()
        gc.freeze()  # the preloaded objects stay out of the children's collections: fewer pages copied
        with warnings.catch_warnings():
            # Python 3.12+ warns that the process has threads: OpenBLAS's, which its pthread_atfork
            # handler stops before the fork really happens. A first fork lets it do so; after it
            # the zygote must be single-threaded (fork_hazards checks).
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        return {"seconds": round(time.perf_counter() - start, 3), "cpu": round(time.process_time() - cpu, 3),
                "modules": len(sys.modules), "missing": missing}

    def fork_hazards(self) -> list[str]:
        """Why forking this process would not give a fresh kernel (empty: safe)."""
        problems = []
        task_dir = f"/proc/{os.getpid()}/task"
        if os.path.isdir(task_dir) and len(os.listdir(task_dir)) != 1:
            names = sorted(_read(f"{task_dir}/{t}/comm") for t in os.listdir(task_dir))
            problems.append(f"{len(names)} threads after the imports ({', '.join(names)})")
        loaded = [m for m in NOT_PRELOADED if m in sys.modules or any(k.startswith(m + ".") for k in sys.modules)]
        if loaded:
            problems.append(f"modules that must be imported by each kernel were imported: {', '.join(loaded)}")
        context = sys.modules.get("tensorflow.python.eager.context")
        if context is not None and getattr(context, "context_safe", lambda: None)() is not None:
            problems.append("TensorFlow's context (and its thread pools) already exists")
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None and getattr(pyplot, "_backend_mod", None) is not None:
            problems.append("matplotlib's backend was already chosen")
        return problems

    # -- serving

    def serve(self, proto, info: dict) -> int:
        import selectors

        self.proto = proto
        self.listener = listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.sock_path)
        listener.listen(64)
        self.wake = wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda *_: self._retire(kill=True))
        self.selector = sel = selectors.DefaultSelector()
        sel.register(listener, selectors.EVENT_READ, "accept")
        sel.register(wake_r, selectors.EVENT_READ, "wake")
        sel.register(0, selectors.EVENT_READ, "owner")
        proto.write(json.dumps({"ready": True, "pid": os.getpid(), **info}) + "\n")
        proto.flush()
        while not (self.retiring and not self.children):
            for key, _ in sel.select(timeout=1.0):
                if key.data == "accept":
                    conn, _ = listener.accept()
                    self._handle(conn)
                elif key.data == "wake":
                    os.read(wake_r, 4096)
                elif key.data == "owner":
                    if not os.read(0, 4096):
                        sel.unregister(0)
                        sel.unregister(listener)
                        listener.close()
                        self._retire(kill=False)
                else:  # a launcher's connection: it never writes again, so this is its end
                    self._launcher_gone(key.data)
            self._reap()
        return 0

    def _retire(self, kill: bool) -> None:
        self.retiring = True
        if kill:
            for pid in list(self.children):
                _signal_group(pid, signal.SIGKILL)

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        fds: list[int] = []
        try:
            request, fds = recv_message(conn, maxfds=3)
            if request is None:
                conn.close()
            elif request.get("op") == "stats":
                send_message(conn, {"children": self.finished})
                conn.close()
            elif request.get("op") == "kernel":
                refusal = None if len(fds) == 3 else "the standard streams did not arrive"
                refusal = refusal or self._refusal(request)
                if refusal or self.retiring:
                    send_message(conn, {"refused": refusal or "the zygote is shutting down"})
                    conn.close()
                else:
                    self._fork(conn, request, fds)
            else:
                conn.close()
        except (OSError, ValueError):
            conn.close()
        finally:
            for fd in fds:
                try:
                    os.close(fd)
                except OSError:
                    pass

    def _refusal(self, request: dict) -> str | None:
        """Why a forked child would not be what a fresh kernel with this request would be."""
        env, cwd = request.get("env") or {}, request.get("cwd") or ""
        if import_key(env) != self.key:
            differ = sorted(k for k in set(import_key(env)) | set(self.key) if import_key(env).get(k) != self.key.get(k))
            return f"environment differs from the zygote's in {', '.join(differ[:5])}"
        if not os.path.isdir(cwd):
            return f"no folder {cwd}"
        try:
            entries = os.listdir(cwd)
        except OSError as exc:
            return f"cannot list {cwd}: {exc}"
        if "matplotlibrc" in entries:
            return "the folder has a matplotlibrc, which matplotlib reads at import"
        loaded = {name.partition(".")[0] for name in sys.modules}
        for entry in entries:  # a module here would shadow a preloaded one in a fresh kernel
            stem = entry.partition(".")[0]
            if stem in loaded and (entry.endswith((".py", ".pyc", ".so", ".pyd")) or
                                   os.path.isfile(os.path.join(cwd, entry, "__init__.py"))):
                return f"{entry} in the folder would shadow the preloaded module {stem}"
        return None

    def _fork(self, conn: socket.socket, request: dict, fds: list[int]) -> None:
        import selectors

        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            self._become_kernel(conn, request, fds)  # never returns
        self.children[pid] = conn
        conn.settimeout(None)
        try:
            send_message(conn, {"pid": pid})
        except OSError:
            _signal_group(pid, signal.SIGKILL)
        self.selector.register(conn, selectors.EVENT_READ, pid)

    def _launcher_gone(self, pid: int) -> None:
        conn = self.children.get(pid)
        if conn is not None:
            self.selector.unregister(conn)
            conn.close()
            self.children[pid] = None
        _signal_group(pid, signal.SIGKILL)

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            result: dict = {"pid": pid, "cpu": round(usage.ru_utime + usage.ru_stime, 3),
                            "maxrss": usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)}
            if os.WIFSIGNALED(status):
                result["signal"] = os.WTERMSIG(status)
            else:
                result["exit"] = os.waitstatus_to_exitcode(status)
            self.finished.append(result)
            del self.finished[:-1000]
            conn = self.children.pop(pid, None)
            if conn is not None:
                self.selector.unregister(conn)
                try:
                    send_message(conn, result)
                except OSError:
                    pass
                conn.close()

    # -- in the child

    def _become_kernel(self, conn: socket.socket, request: dict, fds: list[int]) -> None:
        code = 1
        try:
            zygote = os.getppid()
            os.setsid()  # its own session and process group, as jupyter_client gives a kernel
            _die_with_parent()
            if os.getppid() != zygote:
                os._exit(1)
            signal.set_wakeup_fd(-1)
            for signum, handler in self.signals.items():
                signal.signal(signum, handler)
            self._close_zygote_files(conn)
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
            for fd in fds:
                if fd > 2:
                    os.close(fd)
            os.umask(int(request.get("umask", 0o022)))
            os.chdir(request["cwd"])
            self._fresh_process_state(request)
            code = _run_ipykernel()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                print(exc.code, file=sys.stderr)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            _finish(code)

    def _close_zygote_files(self, conn: socket.socket) -> None:
        self.selector.close()
        for sock in (self.listener, conn, *(c for c in self.children.values() if c is not None)):
            sock.close()
        self.proto.close()
        for fd in self.wake:
            os.close(fd)

    def _fresh_process_state(self, request: dict) -> None:
        """What a new interpreter would have: environment, argv, path, warning filters, seeds."""
        import warnings

        os.environ.clear()
        os.environ.update(request.get("env") or {})
        for name, value in self.imported_env.items():  # what the imports set (TF2_BEHAVIOR, ...)
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        launcher = _module_origin("ipykernel_launcher")
        sys.argv = [launcher, *request.get("argv", [])]
        sys.orig_argv = [sys.executable, "-m", "ipykernel_launcher", *request.get("argv", [])]
        sys.path[:] = [os.getcwd(), *self.path]  # `python -m` puts the working folder first ...
        warnings.filters[:] = self.warning_filters
        getattr(warnings, "_filters_mutated", lambda: None)()
        if sys.stdout is not None and hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(line_buffering=os.isatty(1))
        numpy_random = sys.modules.get("numpy.random")
        if numpy_random is not None:
            numpy_random.seed()  # NumPy's global generator, seeded from the OS as at import
        process = sys.modules.get("multiprocessing.process")
        if process is not None:
            process.current_process().authkey = os.urandom(32)
        _pandas_as_in_a_kernel()
        # Python's `random` reseeds itself after a fork (os.register_at_fork).


def _pandas_as_in_a_kernel() -> None:
    """pandas picks ``display.max_columns`` when imported: 0 ("fit the terminal", so a wide frame
    shows ``...``) outside IPython, as in the zygote, and 20 inside a Jupyter kernel. Give the
    child the kernel's default (also for ``reset_option``)."""
    config = sys.modules.get("pandas._config.config")
    options = getattr(config, "_registered_options", None)
    option = options.get("display.max_columns") if isinstance(options, dict) else None
    if option is None or option.defval != 0:
        return
    options["display.max_columns"] = option._replace(defval=20)
    config.set_option("display.max_columns", 20)


def _read(path: str) -> str:
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return "?"


def _module_origin(name: str) -> str:
    import importlib.util

    spec = importlib.util.find_spec(name)
    return spec.origin if spec is not None and spec.origin else name


def _die_with_parent() -> None:
    """Linux: the child is killed when the zygote dies (PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _run_ipykernel() -> int:
    """What ``python -m ipykernel_launcher`` does (ipykernel 6.29-7.x)."""
    if sys.path and (sys.path[0] == "" or os.path.realpath(sys.path[0]) == os.path.realpath(os.getcwd())):
        del sys.path[0]  # ... and ipykernel_launcher takes it away (IPython puts "" back)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
    return 0


def _finish(code: int) -> None:
    """End the child as an interpreter ends: threads, atexit, streams; never back into the zygote."""
    try:
        import threading

        shutdown = getattr(threading, "_shutdown", None)
        if shutdown is not None:
            shutdown()
        import atexit

        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except BaseException:
        pass
    os._exit(code)


def serve(sock_path: str, modules: list[str]) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or os.curdir) == here:
        del sys.path[0]  # this script's folder is not on a kernel's path
    proto = os.fdopen(os.dup(1), "w")  # the owner's channel; stray prints go to the log (fd 2)
    os.dup2(2, 1)
    zygote = _Zygote(sock_path, modules)
    try:
        info = zygote.preload()
        problems = zygote.fork_hazards()
    except BaseException as exc:  # an import that fails, or exits
        info, problems = {}, [f"preloading failed: {type(exc).__name__}: {exc}"]
    if problems:
        proto.write(json.dumps({"ready": False, "problems": problems}) + "\n")
        proto.flush()
        return 1
    return zygote.serve(proto, info)


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "serve":
        return serve(argv[1], argv[2:])
    if len(argv) >= 3 and argv[0] == "launch" and argv[2] == "--":
        launch(argv[1], argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
