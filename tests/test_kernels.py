"""Forked kernels (course_utils.tools.kernels): a zygote's child is a fresh kernel, and jupyter_client
controls it as it controls a plain one (interrupt, kill, exit status), with a clean fallback.

Most tests use a light zygote (NumPy and IPython only: it starts in about a second); the tests
through ``execute_notebook`` use the course's own (TensorFlow and the rest).
"""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

from benchmarks.p1_notebooks import comparable_outputs
from course_utils.tools import kernels
from course_utils.tools.course_runner import RUN_ENV
from course_utils.tools.executor import execute_notebook
from helpers import REPO, make_notebook

LIGHT = ("numpy", "IPython", "ipykernel.ipkernel")


def zygote_pids() -> set[int]:
    return {z["pid"] for z in kernels.status()["zygotes"]}


def gone(pid: int, within: float = 15.0) -> bool:
    """True once no process ``pid`` exists (waiting up to ``within`` seconds)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie of ours counts as gone
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except (OSError, IndexError):
            return True
        time.sleep(0.1)
    return False


class Kernel:
    """A kernel started by jupyter_client from a kernel spec of :mod:`kernels` (or ``argv``)."""

    def __init__(self, cwd: Path, env: dict | None = None, modules=LIGHT, argv: list[str] | None = None,
                 drop: tuple[str, ...] = (), stderr=None):
        self.env = {k: v for k, v in {**os.environ, **(env or {})}.items() if k not in drop}
        if argv is None:
            specs = kernels.KernelSpecs(self.env, modules=modules)
            self.forked = kernels.status()["last_kernel_forked"]
        else:
            spec = KernelSpec(argv=argv, display_name="t", language="python", metadata={}, env={})

            class specs(KernelSpecManager):  # noqa: N801
                def get_kernel_spec(self, kernel_name):
                    return spec

            specs = specs()
        self.km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
        self.km.start_kernel(cwd=str(cwd), env=self.env, extra_arguments=["--IPKernelApp.log_level=ERROR"],
                             **({"stderr": stderr} if stderr is not None else {}))
        self.launcher = self.km.provisioner.process  # the kernel spec's process (a stand-in or a plain kernel)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    def run(self, code: str, timeout: float = 60) -> tuple[dict, str]:
        out: list[str] = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=hook)
        return reply["content"], "".join(out)

    def value(self, expression: str):
        """The JSON value of ``expression`` in the kernel (read from the reply, not from the output)."""
        for _ in range(50):
            reply = self.kc.execute_interactive("import json as _j", timeout=60,
                                                user_expressions={"v": f"_j.dumps({expression})"})
            if reply["content"]["status"] != "aborted":
                break
            time.sleep(0.1)  # ipykernel aborts requests that arrive just after an error (stop_on_error)
        result = reply["content"]["user_expressions"]["v"]
        assert result["status"] == "ok", result
        return json.loads(ast.literal_eval(result["data"]["text/plain"]))

    def close(self) -> None:
        self.kc.stop_channels()
        if self.km.has_kernel:
            self.km.shutdown_kernel(now=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def wait_dead(kernel: Kernel, within: float = 15.0) -> int | None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and kernel.km.is_alive():
        time.sleep(0.1)
    return kernel.launcher.poll()


# --------------------------------------------------------------------------- a forked kernel works


def test_a_forked_kernel_runs_code_in_its_own_process(tmp_path):
    with Kernel(tmp_path) as k:
        assert k.forked, kernels.status()
        pid, ppid = k.value("[__import__('os').getpid(), __import__('os').getppid()]")
        assert ppid in zygote_pids()                       # forked by the zygote ...
        assert pid not in (k.launcher.pid, os.getpid())    # ... its own process, not the stand-in
        content, out = k.run("import numpy as np\nprint(int((np.ones((300, 300)) @ np.ones((300, 300))).sum()))")
        assert content["status"] == "ok" and out == "27000000\n"   # BLAS works after the fork


def test_interrupt_reaches_the_forked_kernel(tmp_path):
    with Kernel(tmp_path) as k:
        msg_id = k.kc.execute("import time\nfor _ in range(600):\n    time.sleep(0.1)")
        time.sleep(1.5)
        k.km.interrupt_kernel()
        reply = k.kc.get_shell_msg(timeout=20)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
        assert k.value("'still here'") == "still here"


def test_kill_ends_the_forked_kernel(tmp_path):
    k = Kernel(tmp_path)
    pid = k.value("__import__('os').getpid()")
    k.close()  # shutdown_kernel(now=True): SIGKILL to the stand-in's process group
    assert k.launcher.poll() == -signal.SIGKILL
    assert gone(pid), "the forked kernel outlived its stand-in"


@pytest.mark.parametrize("code, status", [("import os; os._exit(3)", 3),
                                          ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", -signal.SIGKILL)])
def test_a_dying_kernel_ends_its_stand_in_with_the_same_status(tmp_path, code, status):
    with Kernel(tmp_path) as k:
        k.kc.execute(code)
        assert wait_dead(k) == status
        assert not k.km.is_alive()


def test_dead_kernel_and_timeout_through_execute_notebook(tmp_path):
    nb = make_notebook("print('before')", "import os\nos._exit(1)", "print('never')")
    result = execute_notebook(nb, cwd=tmp_path)
    assert kernels.status()["last_kernel_forked"]
    assert result.kernel_died and [(e.index, e.ename) for e in result.errors] == [(1, "DeadKernelError")]
    result = execute_notebook(make_notebook("import time\ntime.sleep(60)"), cwd=tmp_path, cell_timeout=2)
    assert result.timed_out and result.errors[0].ename == "CellTimeoutError"


# --------------------------------------------------------------------------- a fresh kernel for every notebook


def test_each_kernel_has_its_own_folder_and_environment(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with Kernel(tmp_path / "a", {"COURSE_WHO": "a", "COURSE_ONLY_A": "1"}) as a, \
            Kernel(tmp_path / "b", {"COURSE_WHO": "b"}) as b:
        assert a.forked and b.forked
        probe = "[__import__('os').getcwd(), dict(__import__('os').environ)]"
        (cwd_a, env_a), (cwd_b, env_b) = a.value(probe), b.value(probe)
    assert Path(cwd_a) == (tmp_path / "a").resolve() and Path(cwd_b) == (tmp_path / "b").resolve()
    assert env_a["COURSE_WHO"] == "a" and env_b["COURSE_WHO"] == "b" and "COURSE_ONLY_A" not in env_b
    assert env_a["JPY_PARENT_PID"] == str(os.getpid())          # what jupyter_client gave the stand-in
    assert {k: v for k, v in env_b.items() if k != "COURSE_WHO"} == \
        {k: v for k, v in env_a.items() if k not in ("COURSE_WHO", "COURSE_ONLY_A")}


def test_two_kernels_share_no_state(tmp_path):
    with Kernel(tmp_path) as a:
        a.run("import json, numpy as np\njson.course_marker = 1\nleft_behind = 41\nnp.random.seed(5)")
        draws_a = a.value("[__import__('random').random(), __import__('numpy').random.rand()]")
        with Kernel(tmp_path) as b:  # started while a lives, from the same zygote
            assert b.value("[hasattr(__import__('json'), 'course_marker'), 'left_behind' in globals()]") == [False, False]
            draws_b = b.value("[__import__('random').random(), __import__('numpy').random.rand()]")
        with Kernel(tmp_path) as c:
            draws_c = c.value("[__import__('random').random(), __import__('numpy').random.rand()]")
    # unseeded generators start from the OS in each kernel, as in a new process
    assert len({draws_a[0], draws_b[0], draws_c[0]}) == 3
    assert draws_b[1] != draws_c[1]


def test_a_forked_kernel_looks_like_a_plain_one(tmp_path):
    """The same probe in a plain and in a forked kernel (course zygote) gives the same answers."""
    probe = textwrap.dedent("""\
        import json, os, sys, warnings, tensorflow, keras, matplotlib
        print(json.dumps({
            "cwd": os.getcwd(), "path": sys.path, "argv0": sys.argv[0], "argc": len(sys.argv),
            "orig_argv": sys.orig_argv[:3], "environ": dict(os.environ), "flags": list(sys.flags),
            "hash": hash("course"), "backend": matplotlib.get_backend(),
            "filters": sorted(repr(f) for f in warnings.filters), "stdout": type(sys.stdout).__name__,
            "course_utils": "course_utils" in sys.modules, "ppid": os.getppid()}))""")
    env = {"COURSE_PROBE": "1"}
    plain = execute_notebook(make_notebook(probe), cwd=tmp_path, env={**env, "COURSE_FAST_KERNELS": "0"})
    forked = execute_notebook(make_notebook(probe), cwd=tmp_path, env=env)
    assert plain.ok and forked.ok and kernels.status()["last_kernel_forked"]
    # (a plain kernel also shows TensorFlow's import-time log lines on stderr: the forked one imported it
    # in the zygote, so they are in the zygote's log; the course's set-up cell silences them anyway)
    a, b = (json.loads(next(o["text"] for o in r.nb.cells[0].outputs if o.get("name") == "stdout"))
            for r in (plain, forked))
    assert a.pop("ppid") == os.getpid() and b.pop("ppid") in zygote_pids()
    a["environ"].pop(kernels.SWITCH)
    assert a == b


WITH_MPL = (*LIGHT, "matplotlib", "matplotlib.pyplot")


@pytest.mark.parametrize("backend", ["svg", None])
def test_matplotlib_backend_comes_from_the_kernels_environment(tmp_path, backend):
    """MPLBACKEND is read when matplotlib is imported: each value gets its own zygote; unset, the
    kernel gets ipykernel's inline backend, as a plain kernel does."""
    env, drop = ({"MPLBACKEND": backend}, ()) if backend else ({}, ("MPLBACKEND",))
    probe = "[__import__('matplotlib.pyplot').get_backend(), __import__('os').environ.get('MPLBACKEND')]"
    with Kernel(tmp_path, env, modules=WITH_MPL, drop=drop) as forked:
        assert forked.forked
        seen = forked.value(probe)
        assert forked.value("__import__('os').getppid()") in zygote_pids()
    with Kernel(tmp_path, env, argv=kernels.plain_argv(), drop=drop) as plain:
        assert seen == plain.value(probe)
    assert seen[0] == (backend or "module://matplotlib_inline.backend_inline")


def test_pandas_shows_frames_as_in_a_plain_kernel(tmp_path):
    """pandas' display.max_columns default depends on where it was imported (terminal: 0, kernel: 20)."""
    cell = "import pandas as pd\nseen = [pd.get_option('display.max_columns')]\npd.reset_option('display.max_columns')\n" \
           "seen.append(pd.get_option('display.max_columns'))"  # imported in a cell, as a notebook does
    with Kernel(tmp_path, modules=("pandas", *LIGHT)) as forked:
        assert forked.forked and forked.value("__import__('os').getppid()") in zygote_pids()
        assert forked.run(cell)[0]["status"] == "ok"
        seen = forked.value("seen")
    with Kernel(tmp_path, argv=kernels.plain_argv()) as plain:
        assert plain.run(cell)[0]["status"] == "ok"
        assert seen == plain.value("seen") == [20, 20]


@pytest.mark.parametrize("seed", ["123", None])
def test_the_hash_seed_is_the_environments_or_0(tmp_path, seed):
    env, drop = ({"PYTHONHASHSEED": seed}, ()) if seed else ({}, ("PYTHONHASHSEED",))
    with Kernel(tmp_path, env, drop=drop) as k:
        assert k.forked
        seen = k.value("[hash('course'), __import__('sys').flags.hash_randomization, "
                       "__import__('os').environ.get('PYTHONHASHSEED')]")
    fresh = subprocess.run([sys.executable, "-c", "print(hash('course'))"], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed or "0"}).stdout
    # as a fresh `python` with that seed (sys.flags.hash_randomization is 0 only for seed 0); unset:
    # the zygote's seed is 0, and the variable stays unset in the kernel's environment
    assert seen == [int(fresh), 0 if seed is None else 1, seed]


def test_forked_and_plain_runs_of_course_notebooks_give_identical_outputs():
    """Determinism: two solutions that train models, run as `course run` runs them."""
    for path in (REPO / "solutions" / "02_00_perceptron_logic_gates.ipynb",
                 REPO / "solutions" / "02_09_nonlinear_regression.ipynb",
                 REPO / "notebooks" / "02_03_house_price_raw.ipynb"):  # pandas frames shown wide
        name = path.name
        plain = execute_notebook(path, cwd=path.parent, env={**RUN_ENV, "COURSE_FAST_KERNELS": "0"}, cell_timeout=300)
        forked = execute_notebook(path, cwd=path.parent, env=RUN_ENV, cell_timeout=300)
        assert kernels.status()["last_kernel_forked"]
        assert plain.ok and forked.ok, (plain.errors, forked.errors)
        assert comparable_outputs(plain.nb) == comparable_outputs(forked.nb), name
        assert any("image/png" in out.get("data", {}) for cell in forked.nb.cells for out in cell.get("outputs", []))


def test_forked_kernels_print_nothing_stray(tmp_path, capfd):
    setup = "from course_utils.lesson import setup_notebook\nsetup_notebook(seed=0);\nimport keras\nprint(keras.ops.ones(2))"
    result = execute_notebook(make_notebook(setup), cwd=tmp_path)
    assert result.ok and kernels.status()["last_kernel_forked"]
    streams = {out.get("name") for out in result.nb.cells[0].outputs if out.output_type == "stream"}
    assert streams == {"stdout"}, result.nb.cells[0].outputs       # no stderr in the notebook
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""                # nor on the runner's terminal


# --------------------------------------------------------------------------- falling back to a plain kernel


def test_the_switch_gives_plain_kernels(tmp_path):
    result = execute_notebook(make_notebook("import os; print(os.getppid())"), cwd=tmp_path,
                              env={"COURSE_FAST_KERNELS": "0"})
    assert result.ok and int(result.nb.cells[0].outputs[0]["text"]) == os.getpid()
    assert kernels.status()["last_kernel_forked"] is False
    assert "COURSE_FAST_KERNELS=0" in kernels.status()["why_plain"]


def test_a_module_that_is_not_installed_is_left_out(tmp_path):
    with Kernel(tmp_path, modules=(*LIGHT, "no_such_module_for_the_course_tests")) as k:
        assert k.forked and k.value("__import__('os').getppid()") in zygote_pids()
        assert any(z["not_installed"] == ["no_such_module_for_the_course_tests"] for z in kernels.status()["zygotes"])


def test_a_zygote_whose_imports_fail_gives_plain_kernels(tmp_path):
    (tmp_path / "broken_for_the_course_tests.py").write_text("raise ImportError('this library is broken')")
    with Kernel(tmp_path, {"PYTHONPATH": str(tmp_path)}, modules=(*LIGHT, "broken_for_the_course_tests")) as k:
        assert not k.forked
        assert "this library is broken" in kernels.status()["why_plain"]
        assert k.value("__import__('os').getppid()") == os.getpid()


@pytest.mark.parametrize("module, reason", [
    ("import threading, time\nthreading.Thread(target=time.sleep, args=(600,), daemon=True).start()", "threads"),
    ("import course_utils", "course_utils"),
])
def test_a_zygote_that_would_not_be_fresh_refuses_to_serve(tmp_path, module, reason):
    (tmp_path / "preload_me.py").write_text(module)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    assert kernels.kernel_argv(env, modules=("preload_me",)) == kernels.plain_argv()
    assert reason in kernels.status()["why_plain"]


@pytest.mark.parametrize("entry", ["matplotlibrc", "numpy.py"])
def test_a_folder_the_zygote_cannot_serve_gets_a_plain_kernel(tmp_path, entry):
    (tmp_path / entry).write_text("")
    with Kernel(tmp_path) as k:
        assert k.forked  # the zygote was asked ...
        # ... and refused: the stand-in became a plain kernel (same process, our child)
        assert k.value("[__import__('os').getpid(), __import__('os').getppid()]") == [k.launcher.pid, os.getpid()]


def test_a_stand_in_without_its_zygote_becomes_a_plain_kernel(tmp_path):
    argv = [sys.executable, "-I", "-S", kernels.ZYGOTE_SCRIPT, "launch", str(tmp_path / "no.sock"), "--",
            "-f", "{connection_file}"]
    with Kernel(tmp_path, argv=argv) as k:
        assert k.value("[__import__('os').getpid(), __import__('os').getppid()]") == [k.launcher.pid, os.getpid()]


def test_an_environment_the_zygote_was_not_started_with_gets_a_plain_kernel(tmp_path):
    argv = kernels.kernel_argv({**os.environ, "COURSE_X": "1"}, modules=LIGHT)  # COURSE_*: same zygote
    assert argv != kernels.plain_argv()
    # started with another MPLBACKEND than the zygote imported matplotlib with: refused
    with Kernel(tmp_path, {"MPLBACKEND": "svg"}, argv=argv) as k:
        assert k.value("__import__('os').getppid()") == os.getpid()
    with Kernel(tmp_path, {"COURSE_X": "2"}, argv=argv) as k:   # COURSE_* may differ: forked
        assert k.value("__import__('os').getppid()") in zygote_pids()


def test_a_zygote_that_does_not_answer_gives_a_plain_kernel_in_time(tmp_path):
    """A zygote stuck after accepting the request: the stand-in waits REQUEST_TIMEOUT, says so, goes plain."""
    import socket

    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(str(tmp_path / "silent.sock"))
    silent.listen(1)  # accepts (the kernel connects), never answers
    argv = [sys.executable, "-I", "-S", kernels.ZYGOTE_SCRIPT, "launch", str(tmp_path / "silent.sock"), "--",
            "-f", "{connection_file}"]
    err = tmp_path / "stderr.txt"
    try:
        started = time.monotonic()
        with open(err, "w") as stderr:
            k = Kernel(tmp_path, {"COURSE_ZYGOTE_REQUEST_TIMEOUT": "2"}, argv=argv, stderr=stderr)
        with k:
            assert k.value("[__import__('os').getpid(), __import__('os').getppid()]") == [k.launcher.pid, os.getpid()]
        assert time.monotonic() - started < 60
    finally:
        silent.close()
    assert "the zygote did not answer within 2 s; starting a plain kernel" in err.read_text()


def children_of(pid: int) -> list[tuple[int, str, str]]:
    """(pid, state, command) of every process whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append((int(entry.name), fields[0], cmd))
    return found


def test_a_forked_kernel_that_does_not_start_is_given_up_for_a_plain_one(tmp_path, monkeypatch):
    """nbclient's start-up timeout on a forked kernel: execute_notebook retries with a plain kernel,
    and later kernels for that environment are plain too; the stuck process is ended."""
    from jupyter_client.kernelspec import KernelSpec as Spec

    from course_utils.tools import executor

    env = {"COURSE_TEST_GIVE_UP": "x", "TEST_GIVE_UP_KEY": str(tmp_path)}  # its own zygote key
    stuck = Spec(argv=[sys.executable, "-c", "import time; time.sleep(600)", kernels.ZYGOTE_SCRIPT, "-f",
                       "{connection_file}"], display_name="t", language="python", metadata={}, env={})
    assert kernels.is_forked(stuck)
    real, calls = kernels.kernel_spec, []

    def first_stuck(kernel_env, **kwargs):
        calls.append(1)
        return stuck if len(calls) == 1 else real(kernel_env, **kwargs)

    monkeypatch.setattr(kernels, "kernel_spec", first_stuck)
    monkeypatch.setattr(executor, "STARTUP_TIMEOUT", 3)
    result = execute_notebook(make_notebook("import os; print(os.getppid())"), cwd=tmp_path, env=env)
    assert result.ok and int(result.nb.cells[0].outputs[0]["text"]) == os.getpid()  # a plain kernel
    assert "a forked kernel did not start" in kernels.status()["why_plain"]
    assert not [c for c in children_of(os.getpid()) if "time.sleep(600)" in c[2] and c[1] != "Z"]
    monkeypatch.setattr(kernels, "kernel_spec", real)
    assert kernels.kernel_argv({**os.environ, **env}) == kernels.plain_argv()  # given up for this environment


def test_a_plain_kernel_that_does_not_start_is_a_clear_error(tmp_path, monkeypatch):
    from jupyter_client.kernelspec import KernelSpec as Spec

    from course_utils.errors import NotebookError
    from course_utils.tools import executor

    stuck = Spec(argv=[sys.executable, "-c", "import time; time.sleep(600)", "-f", "{connection_file}"],
                 display_name="t", language="python", metadata={}, env={})
    monkeypatch.setattr(kernels, "kernel_spec", lambda kernel_env, **kwargs: stuck)
    monkeypatch.setattr(executor, "STARTUP_TIMEOUT", 2)
    with pytest.raises(NotebookError, match="the kernel did not start"):
        execute_notebook(make_notebook("1"), cwd=tmp_path)


# --------------------------------------------------------------------------- nothing outlives its owner


def test_when_the_owner_dies_its_zygote_and_kernels_go_too(tmp_path):
    owner = textwrap.dedent(f"""\
        import os, sys, time
        from jupyter_client import KernelManager
        from course_utils.tools import kernels
        km = KernelManager(kernel_name="python3", kernel_spec_manager=kernels.KernelSpecs(modules={LIGHT!r}))
        km.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"])
        kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=120)
        out = []
        kc.execute_interactive("import os; print(os.getpid())", timeout=60,
                               output_hook=lambda m: out.append(m["content"].get("text", "")))
        print(kernels.status()["zygotes"][0]["pid"], "".join(out).strip(), flush=True)
        os._exit(0)  # no clean-up at all
        """)
    done = subprocess.run([sys.executable, "-c", owner], cwd=tmp_path, capture_output=True, text=True, timeout=180)
    zygote, kernel = map(int, done.stdout.split())
    assert gone(kernel), "the kernel outlived its owner"
    assert gone(zygote), "the zygote outlived its owner"


def test_a_kernel_shut_down_politely_exits_with_0(tmp_path):
    k = Kernel(tmp_path)
    pid = k.value("__import__('os').getpid()")
    k.kc.stop_channels()
    k.km.shutdown_kernel(now=False)  # shutdown_request: the kernel ends itself
    assert k.launcher.poll() == 0
    assert gone(pid)
    assert {"pid": pid, "exit": 0}.items() <= next(c for c in kernels.finished_children(k.env, LIGHT) if c["pid"] == pid).items()


def test_a_forked_copy_of_the_owner_does_not_keep_its_zygote_alive(tmp_path):
    owner = textwrap.dedent(f"""\
        import os, time
        from course_utils.tools import kernels
        kernels.kernel_argv(modules={LIGHT!r})
        zygote = kernels.status()["zygotes"][0]["pid"]
        copy = os.fork()
        if copy == 0:  # e.g. a multiprocessing worker: outlives the owner, owns no zygote
            assert kernels.status()["zygotes"] == []
            for fd in (1, 2):  # let the test read the owner's output without waiting for us
                os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
            time.sleep(30)
            os._exit(0)
        print(zygote, copy, flush=True)
        os._exit(0)
        """)
    done = subprocess.run([sys.executable, "-c", owner], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    zygote, copy = map(int, done.stdout.split())
    try:
        assert gone(zygote), "the zygote waited for the owner's forked copy"
        assert not gone(copy, within=0.1)
    finally:
        os.kill(copy, signal.SIGKILL)


def test_no_process_is_left_behind_after_runs(tmp_path):
    """After kernels end (normally, by os._exit, killed at a timeout) no stand-in, kernel or zombie that
    these runs started remains under this process or under the zygote."""
    before = {c[0] for c in children_of(os.getpid())}
    assert execute_notebook(make_notebook("print(1)"), cwd=tmp_path).ok
    assert kernels.status()["last_kernel_forked"]
    execute_notebook(make_notebook("import os; os._exit(1)"), cwd=tmp_path)
    execute_notebook(make_notebook("import time; time.sleep(60)"), cwd=tmp_path, cell_timeout=2)
    zygotes = zygote_pids()
    deadline = time.monotonic() + 15
    while True:
        left = [c for c in children_of(os.getpid()) if c[0] not in before | zygotes]
        left += [c for pid in zygotes for c in children_of(pid)]  # every child of a zygote is a kernel
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert left == []
