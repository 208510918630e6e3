"""Run a notebook in a fresh kernel and report every failing cell (tooling, all lessons).

Used by the exercise tests (every blank must raise ``NotImplementedError``, every other
cell must run) and by the course runner. Built on nbclient, but it runs the cells one by
one itself so that it can:

* use the ``python3`` kernel of *this* interpreter (``sys.executable``), whatever kernel
  specs the machine has installed: a fresh kernel process forked from a zygote that has
  already imported TensorFlow and the rest (:mod:`course_utils.tools.kernels`; about 5 s of
  CPU saved per notebook), or a plain ``ipykernel`` when that cannot be used
  (``COURSE_FAST_KERNELS=0``, not Linux, ...);
* bound each cell by ``cell_timeout`` and the whole run by ``total_timeout`` (the time
  left bounds each cell; the clock starts once the kernel is ready);
* record every failing cell as a :class:`CellError` and keep going (``allow_errors=True``),
  or stop at the first one (``allow_errors=False``);
* survive a kernel that dies (``os._exit`` in a cell, out of memory) without hanging.

A cell that times out, or whose kernel dies, is recorded as an error with ``ename``
``"CellTimeoutError"`` / ``"DeadKernelError"`` and the run stops there. Messages name a
cell the way every course tool does: ``cell N`` is its 1-based position in the notebook,
with its id, e.g. ``cell 3 (id cell-02)``.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import nbformat
from jupyter_client import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from ..errors import NotebookError, ToolOptionError
from . import kernels
from .notebook_io import cell_label, read_notebook

__all__ = ["CellError", "ExecutionResult", "execute_notebook"]

#: Seconds a new kernel has to answer its first request (nbclient's default is 60). A forked
#: kernel that does not is given up for a plain one, and so are the next kernels.
STARTUP_TIMEOUT = 60

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


@dataclass(frozen=True)
class CellError:
    """One failing cell: its position in ``nb.cells`` (``index``, 0-based; a message calls
    it ``cell {index + 1}``), its id, the exception and the last traceback line (ANSI
    colour codes removed), e.g. ``"ValueError: boom"``."""

    index: int
    cell_id: str | None
    ename: str
    evalue: str
    last_line: str


@dataclass
class ExecutionResult:
    """What :func:`execute_notebook` returns: the executed copy of the notebook (with
    outputs), the failing cells in order, and whether the run timed out or the kernel died."""

    nb: nbformat.NotebookNode
    errors: list[CellError] = field(default_factory=list)
    timed_out: bool = False
    kernel_died: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every cell ran without error, in time, with the kernel alive."""
        return not (self.errors or self.timed_out or self.kernel_died)


def _last_line(traceback: list[str] | None, ename: str, evalue: str) -> str:
    text = _ANSI.sub("", "\n".join(traceback or []))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines:
        return lines[-1]
    return f"{ename}: {evalue}" if evalue else ename


def execute_notebook(
    nb_or_path: nbformat.NotebookNode | str | Path,
    *,
    cwd: str | Path,
    cell_timeout: float | None = 60,
    total_timeout: float | None = None,
    env: Mapping[str, str] | None = None,
    allow_errors: bool = True,
) -> ExecutionResult:
    """Execute a notebook (or a path to one) in a fresh ``python3`` kernel of this interpreter.

    ``cwd`` is the kernel's working folder (run a notebook "from its own folder" by passing
    its parent). ``env`` is merged onto ``os.environ`` for the kernel. ``cell_timeout`` and
    ``total_timeout`` are in seconds (``None`` = no limit). The input notebook is not
    modified; the executed copy is ``result.nb``.
    """
    if isinstance(nb_or_path, (str, Path)):
        source_name = str(nb_or_path)
        nb = read_notebook(nb_or_path)
    else:
        source_name = "<notebook>"
        nb = copy.deepcopy(nb_or_path)
    cwd = Path(cwd)
    if not cwd.is_dir():
        raise NotebookError(f"Cannot run {source_name}: the working folder {cwd} does not exist.")
    for name, limit in (("cell_timeout", cell_timeout), ("total_timeout", total_timeout)):
        if limit is not None and not limit > 0:
            raise ToolOptionError(f"{name} must be a positive number of seconds or None, got {limit!r}.")
    kernel_env = {**os.environ, **{str(k): str(v) for k, v in (env or {}).items()}}

    result = ExecutionResult(nb=nb)
    limits: dict[str, Any] = {"seconds": None, "why": ""}
    start = time.monotonic()  # includes the kernel's start (and waiting for the zygote's imports)
    spec = kernels.kernel_spec(kernel_env)

    def new_client(spec) -> NotebookClient:
        return NotebookClient(
            nb,
            km=AsyncKernelManager(kernel_name="python3", kernel_spec_manager=kernels.spec_manager(spec)),
            kernel_name="python3",
            allow_errors=True,  # errors are recorded below; stopping is decided here
            interrupt_on_timeout=False,  # a timeout raises CellTimeoutError
            timeout_func=lambda cell: limits["seconds"],
            shutdown_kernel="immediate",
            record_timing=False,
            startup_timeout=STARTUP_TIMEOUT,
            # ipykernel 7 warns on stderr for every local TCP kernel; keep real errors only.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )

    client = new_client(spec)
    replies: dict[int, dict[str, Any]] = {}

    def remember_reply(cell: Any, cell_index: int, execute_reply: dict[str, Any] | None) -> None:
        if execute_reply is not None:
            replies[cell_index] = execute_reply.get("content", {})

    def fail(index: int, cell_id: str | None, ename: str, evalue: str) -> None:
        result.errors.append(CellError(index, cell_id, ename, evalue, f"{ename}: {evalue}"))

    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(client.setup_kernel(cwd=str(cwd), env=kernel_env, cleanup_kc=True))
        except RuntimeError as exc:  # nbclient: no kernel_info reply within startup_timeout, or died first
            if not kernels.is_forked(spec):
                raise NotebookError(f"Cannot run {source_name}: the kernel did not start ({exc}).") from exc
            kernels.give_up(kernel_env, f"a forked kernel did not start ({exc})")
            client = new_client(kernels.kernel_spec(kernel_env))  # a plain kernel now
            try:
                stack.enter_context(client.setup_kernel(cwd=str(cwd), env=kernel_env, cleanup_kc=True))
            except RuntimeError as again:
                raise NotebookError(f"Cannot run {source_name}: neither a forked nor a plain kernel started "
                                    f"({exc}; then {again}).") from again
        client.on_cell_executed = remember_reply
        deadline = None if total_timeout is None else time.monotonic() + total_timeout
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            cell_id = cell.get("id")
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                result.timed_out = True
                fail(index, cell_id, "CellTimeoutError",
                     f"{cell_label(index, cell)} was not started: the notebook used up its total limit of {total_timeout:g} s")
                break
            if remaining is not None and (cell_timeout is None or remaining < cell_timeout):
                limits["seconds"], limits["why"] = remaining, f"the notebook's total limit of {total_timeout:g} s"
            else:
                limits["seconds"], limits["why"] = cell_timeout, f"the cell limit of {cell_timeout:g} s"
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                result.timed_out = True
                fail(index, cell_id, "CellTimeoutError", f"{cell_label(index, cell)} did not finish within {limits['why']}")
                break
            except DeadKernelError:
                result.kernel_died = True
                fail(index, cell_id, "DeadKernelError",
                     f"the kernel died while running {cell_label(index, cell)} (os._exit, a crash, or out of memory)")
                break
            reply = replies.get(index, {})
            if reply.get("status") == "error":
                ename, evalue = reply.get("ename", "Error"), reply.get("evalue", "")
                result.errors.append(CellError(index, cell_id, ename, evalue, _last_line(reply.get("traceback"), ename, evalue)))
                if not allow_errors:
                    break
    result.seconds = time.monotonic() - start
    return result
