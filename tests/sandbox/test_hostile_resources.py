"""Hostile inputs 1-9 of SANDBOX.md: resource exhaustion. Each gets a verdict, in bounded time,
leaves the host alone, and the next run is clean. Run on docker and on the local backend."""

from __future__ import annotations

import resource
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sandbox.backends.cgroup import RunCgroup
from tests.sandbox.helpers import (
    assert_next_run_clean,
    job,
    notebook,
    outputs_text,
    passing_reference,
)

pytestmark = pytest.mark.slow


def _grade_timed(backend, source: bytes, **kw):
    started = time.monotonic()
    result = backend.grade(job(source, **kw))
    return result, time.monotonic() - started


def test_1_fork_bomb_hits_the_pids_limit(backend):
    if backend.name == "local" and not RunCgroup.available():
        pytest.skip(
            "local backend without a pids cgroup (not root): a fork bomb would take the host down"
        )
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    result, elapsed = _grade_timed(backend, notebook(bomb))
    assert result.status == "timeout", result.message
    assert elapsed < 45
    assert_next_run_clean(backend)


def test_2_memory_bomb_is_a_memory_verdict(backend):
    bomb = "chunks = []\nwhile True:\n    chunks.append(b'\\x01' * (16 * 1024 * 1024))"
    result, elapsed = _grade_timed(backend, notebook(bomb))
    assert result.status == "memory_exceeded", result.message
    assert "memory" in result.message
    assert elapsed < 45
    assert_next_run_clean(backend)


def test_3_cpu_spin_times_out_and_the_batch_keeps_its_results(backend):
    with ThreadPoolExecutor(2) as pool:
        spin = pool.submit(backend.grade, job(notebook("while True:\n    pass")))
        good = pool.submit(backend.grade, job(passing_reference(), hidden=True))
        spun, passed = spin.result(timeout=90), good.result(timeout=90)
    assert spun.status == "timeout", spun.message
    assert "cell 1" in spun.message and "5-second" in spun.message
    assert passed.status == "completed", passed.message
    assert passed.tests and all(t.outcome == "passed" for t in passed.tests)


def test_4_sleep_hits_the_wall_clock(backend):
    result, elapsed = _grade_timed(backend, notebook("import time\ntime.sleep(10**6)"))
    assert result.status == "timeout", result.message
    assert elapsed < 30


def test_4_the_whole_notebook_budget_applies_across_cells(backend):
    # Every cell fits the per-cell limit; together they overrun the 6-second budget. How many
    # finish before it runs out depends on the machine's load, so only "not all" is asserted.
    cells = ["import time\ntime.sleep(2)"] * 5
    result, elapsed = _grade_timed(backend, notebook(*cells), notebook_timeout_s=6)
    assert result.status == "timeout", result.message
    assert "time budget" in result.message
    assert result.cells_executed < 5
    assert elapsed < 30


@pytest.mark.parametrize(
    "suicide", ["import os\nos.kill(os.getpid(), 9)", "import os\nos._exit(3)"]
)
def test_5_kernel_suicide_is_a_dead_kernel_verdict(backend, suicide):
    result, elapsed = _grade_timed(backend, notebook("x = 1", suicide, "x + 1"))
    assert result.status == "crashed", result.message
    assert "cell 2" in result.message and "kernel died" in result.message
    assert result.cells_executed == 1
    assert elapsed < 30


def test_6_ignored_sigint_does_not_stop_the_outer_kill(backend):
    stubborn = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    result, elapsed = _grade_timed(backend, notebook(stubborn))
    assert result.status == "timeout", result.message
    assert elapsed < 30
    assert_next_run_clean(backend)


@pytest.mark.parametrize(
    "flood",
    [
        "from IPython.display import display\nfor i in range(50_000):\n    display(i)",
        "import sys\nchunk = 'x' * (1 << 20)\nfor _ in range(4096):\n    sys.stdout.write(chunk)",
        "import os\nchunk = b'x' * (1 << 20)\nfor _ in range(4096):\n    os.write(1, chunk)",
    ],
    ids=["50k-outputs", "4GiB-stdout", "4GiB-fd1"],
)
def test_7_output_floods_are_truncated_and_memory_stays_flat(backend, flood):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result, elapsed = _grade_timed(backend, notebook(flood, "print('after')"))
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    # A flood ends by the cell limit, or, when the kernel itself buffers gigabytes before sending
    # them, by the memory limit: either way a verdict, with the outputs kept truncated at the cap.
    assert result.status in ("completed", "timeout", "memory_exceeded"), result.message
    assert result.notebook is not None and len(result.notebook) < 256 * 1024 + 64 * 1024
    assert grown_mib < 100, f"the host grew by {grown_mib:.0f} MiB"
    assert elapsed < 40
    assert_next_run_clean(backend)


DISK_FILL = """
import errno, json
codes = {}
for directory in ("/tmp", ".", "/dev/shm"):
    try:
        with open(f"{directory}/hirelab-fill-TOKEN", "wb") as f:
            while True:
                f.write(b"\\0" * (1 << 20))
    except OSError as exc:
        codes[directory] = exc.errno
print("CODES", json.dumps(codes))
"""


@pytest.mark.parametrize(
    "backend",
    [
        "docker",
        pytest.param(
            "local",
            marks=pytest.mark.xfail(
                strict=True,
                reason="local backend: /tmp, /dev/shm are the host's; RLIMIT_FSIZE bounds one file",
            ),
        ),
    ],
    indirect=True,
)
def test_8_disk_fill_is_enospc_inside_the_sandbox_only(backend):
    token = uuid.uuid4().hex
    host_files = [Path(f"/tmp/hirelab-fill-{token}"), Path(f"/dev/shm/hirelab-fill-{token}")]
    try:
        result, elapsed = _grade_timed(
            backend,
            notebook(DISK_FILL.replace("TOKEN", token)),
            memory_mb=512,
            file_size_mb=128,
            cell_timeout_s=20,
        )
        assert result.status == "completed", result.message
        assert '"/tmp": 28' in outputs_text(result) and '".": 28' in outputs_text(result)
        assert '"/dev/shm": 28' in outputs_text(result)
        assert not any(p.exists() for p in host_files), (
            "the sandbox wrote into the host's filesystem"
        )
        assert elapsed < 40
    finally:
        for path in host_files:
            path.unlink(missing_ok=True)
    assert_next_run_clean(backend)


def test_9_too_many_open_files_is_emfile(backend):
    result, _ = _grade_timed(
        backend, notebook("files = [open('/dev/null') for _ in range(100_000)]")
    )
    assert result.status == "error", result.message
    assert result.execution_error and "Too many open files" in result.execution_error


FITS_THE_LIMIT = """
def add(a, b):
    block = bytearray(150 * 1024 * 1024)  # most of the 256 MiB limit, touched page by page
    for i in range(0, len(block), 4096):
        block[i] = 1
    return a + b if block[-4096] == 1 else None


assert add(1, 1) == 2
"""


def test_phase_2_gives_candidate_code_the_memory_phase_1_gave_it(backend):
    """The grader's own processes in phase 2 (zygote, test process: ~200 MiB) do not eat the
    candidate's limit: code that fits in phase 1 fits when the hidden tests call it."""
    result = backend.grade(job(notebook(FITS_THE_LIMIT), hidden=True, call_timeout_s=30))
    assert result.execution_status == "completed", result.execution_error
    add = next(t for t in result.tests if t.id.endswith("test_add"))
    assert add.outcome == "passed", add.message
