"""Phase 1's warm kernel on the host: connected before the notebook arrives, with the message cap
the exercise's output budget needs; a client with another cap is not used."""

from __future__ import annotations

import dataclasses
import gc

import pytest
import zmq
from jupyter_core.utils import run_sync

from sandbox.runner.capped_client import MESSAGE_SLACK
from sandbox.runner.execute import execute_notebook
from sandbox.runner.warm import start_warm_kernel
from tests.sandbox.helpers import FAST, notebook

LIMITS = dataclasses.replace(FAST, output_bytes=64 * 1024)
CAP = LIMITS.output_bytes + MESSAGE_SLACK


def _run(tmp_path, warm):
    try:
        return execute_notebook(
            notebook("print(6 * 7)"), tmp_path, LIMITS, use_cgroup=False, on_cell=lambda i, n: None,
            warm=warm,
        )  # fmt: skip
    finally:
        if warm.client is not None:
            warm.client.stop_channels()
        run_sync(warm.manager.shutdown_kernel)(now=True)
        gc.collect()  # the runner's process ends with the phase; here, finalise its sockets now


# The clients' zmq sockets are left to the garbage collector (in the sandbox the process exits).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def test_the_warm_kernel_s_client_is_connected_and_capped_before_the_notebook(tmp_path):
    warm = start_warm_kernel(tmp_path, preimport=False, message_bytes=CAP)
    assert warm.client is not None and warm.client.channels_running
    assert warm.client.iopub_channel.socket.getsockopt(zmq.MAXMSGSIZE) == CAP
    result = _run(tmp_path, warm)
    assert result.status == "completed", result.message
    assert "42" in result.notebook.decode()
    # The handshake (kernel_info, then a 0.2 s IOPub flush) was done before the notebook came.
    assert result.timings.kernel_start_s < 0.2, result.timings


def test_a_warm_client_with_another_message_cap_is_replaced_by_one_with_the_exercise_s(tmp_path):
    warm = start_warm_kernel(tmp_path, preimport=False, message_bytes=CAP * 2)
    result = _run(tmp_path, warm)
    assert result.status == "completed", result.message
    assert result.timings.kernel_start_s >= 0.2, result.timings  # nbclient connected anew
