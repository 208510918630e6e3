"""The rules behind forked kernels (course_utils.tools.kernels), without starting any process."""

from __future__ import annotations

import os
import socket
import sys

import pytest

from course_utils.tools import _zygote, kernels


def test_a_zygote_serves_environments_that_differ_only_in_late_variables():
    base = {"PATH": "/bin", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "3"}
    key = _zygote.import_key(base)
    assert _zygote.import_key({**base, "COURSE_STRICT": "1", "PYTEST_CURRENT_TEST": "t", "JPY_PARENT_PID": "5"}) == key
    assert _zygote.import_key({k: v for k, v in base.items() if k != "PYTHONHASHSEED"}) == key  # unset = 0
    for name, value in (("MPLBACKEND", "svg"), ("PYTHONHASHSEED", "1"), ("TF_CPP_MIN_LOG_LEVEL", "0"),
                        ("HOME", "/elsewhere")):
        assert _zygote.import_key({**base, name: value}) != key, name


@pytest.mark.parametrize("value", ["0", "false", "No", " off "])
def test_the_switch_turns_fast_kernels_off(value):
    possible, why = kernels.fast_kernels_possible({"COURSE_FAST_KERNELS": value})
    assert not possible and why.startswith("COURSE_FAST_KERNELS=")


def test_fast_kernels_only_where_a_fork_gives_a_fresh_kernel(monkeypatch):
    if sys.platform.startswith("linux"):
        assert kernels.fast_kernels_possible({}) == (True, "")
        assert kernels.fast_kernels_possible({"COURSE_FAST_KERNELS": "1"}) == (True, "")
    assert not kernels.fast_kernels_possible({"PYTHONHASHSEED": "random"})[0]
    for platform in ("darwin", "win32"):
        monkeypatch.setattr(sys, "platform", platform)
        possible, why = kernels.fast_kernels_possible({})
        assert not possible and platform in why


def test_messages_carry_descriptors_and_survive_partial_reads():
    left, right = socket.socketpair()
    with left, right:
        payload = {"env": {f"V{i}": "x" * 100 for i in range(2000)}}  # about 230 kB: many reads
        read_end, write_end = os.pipe()
        try:
            import threading

            sender = threading.Thread(target=_zygote.send_message, args=(left, payload, [write_end]))
            sender.start()
            message, fds = _zygote.recv_message(right, maxfds=3)
            sender.join()
            assert message == payload and len(fds) == 1
            os.write(fds[0], b"through the passed descriptor")
            os.close(fds[0])
            assert os.read(read_end, 100) == b"through the passed descriptor"
        finally:
            os.close(read_end)
            os.close(write_end)
        left.close()
        assert _zygote.recv_message(right) == (None, [])  # end of stream


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="zygotes are used on Linux only")
def test_a_test_not_marked_notebook_cannot_start_a_zygote():
    with pytest.raises(RuntimeError, match="NOTEBOOK_TESTS"):
        kernels.kernel_argv({**os.environ, "COURSE_FAST_KERNELS": "1"}, modules=("json",))
