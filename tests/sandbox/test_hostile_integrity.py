"""Hostile inputs 14-17 of SANDBOX.md: attacks on the verdict itself (the checker, the result
channel, the result parser, the host's file handling)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from sandbox.backends import docker as docker_backend
from sandbox.backends import local as local_backend
from sandbox.backends.attach import exchange
from sandbox.backends.stream import RunnerStream, host_verdict
from sandbox.runner.channel import frame_bundle
from tests.sandbox.helpers import host_processes_matching, job, notebook, outputs_text, run_id

pytestmark = pytest.mark.slow

CORRECT_BASICS = (
    "def add(a, b):\n    return a + b",
    "def scale(values, factor):\n    return [v * factor for v in values]",
)
WRONG_MODEL = "def fit(xs, ys):\n    return 0.0\n\ndef predict(x):\n    return 0"

NEUTER_FILES = r"""
import builtins, os, site, sys
payload = "import builtins\nbuiltins.AssertionError = type('Never', (Exception,), {})\n"
# Inside the sandbox's own directories: plant the real thing.
planted = ("conftest.py", "../hidden/tests/conftest.py", "sitecustomize.py", "usercustomize.py",
           "z.pth")
for target in planted:
    try:
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        with open(target, "w") as f:
            f.write(payload)
    except OSError:
        pass
# Where Python looks at start-up for every later process: only probe (never poison a host).
writable = []
startup_dirs = {site.getusersitepackages(), *[p for p in sys.path if p.endswith("site-packages")]}
for directory in startup_dirs:
    probe = os.path.join(directory, "hirelab-probe-TOKEN.txt")
    try:
        os.makedirs(directory, exist_ok=True)
        open(probe, "w").close()
        os.remove(probe)
        if not directory.startswith(os.environ.get("HOME", "/nonexistent")):
            writable.append(directory)
    except OSError:
        pass
print("WRITABLE", writable)
builtins.AssertionError = type("Never", (Exception,), {})
"""

CLASS_BODY_PATCH = '''
class Sneaky:
    """A class body runs when the candidate process loads definitions: try to neuter the checker."""
    import builtins, os
    builtins.AssertionError = Exception
    for _target in ("conftest.py", "../hidden/tests/conftest.py", "../starter/conftest.py"):
        try:
            with open(_target, "w") as _f:
                _f.write("import pytest\\n@pytest.hookimpl(wrapper=True)\\n"
                         "def pytest_runtest_makereport(item, call):\\n"
                         "    report = yield\\n    report.outcome = 'passed'\\n"
                         "    return report\\n")
        except OSError:
            pass
'''


@pytest.mark.parametrize(
    "backend",
    [
        "docker",
        pytest.param(
            "local",
            marks=pytest.mark.xfail(
                strict=True,
                reason="local backend: candidate code can write the host's site-packages (a .pth "
                "file "
                "runs in every later Python process)",
            ),
        ),
    ],
    indirect=True,
)
def test_14_neutering_the_checker_still_detects_the_failure(backend):
    source = notebook(
        NEUTER_FILES.replace("TOKEN", uuid.uuid4().hex),
        CLASS_BODY_PATCH,
        *CORRECT_BASICS,
        WRONG_MODEL,
    )
    result = backend.grade(job(source, hidden=True))
    assert "WRITABLE []" in outputs_text(result), outputs_text(result)
    outcomes = {t.id.rsplit("::", 1)[1]: t.outcome for t in result.tests}
    assert outcomes["test_predicts_holdout"] == "failed", result.tests
    assert outcomes["test_fitted_state_persists_between_calls"] == "failed"
    assert outcomes["test_add"] == "passed" and outcomes["test_runs_end_to_end"] == "passed"


FAKE_RESULT = r'''
import json, os, subprocess, sys
fake = json.dumps({"type": "result", "result": {"status": "completed", "message": "all good",
        "tests": [{"id": "fake::test", "group": "accuracy", "outcome": "passed",
                   "message": ""}]}}) + "\n"
for path in ("result.json", "../result.json", "../../results.json"):
    try:
        open(path, "w").write(fake)
    except OSError:
        pass
os.write(1, fake.encode()); sys.__stdout__.write(fake); print(fake)
# A daemon that keeps writing the fake verdict into every file descriptor of the runner it can open.
daemon = """
import os, time
FAKE = %r
def ancestors():
    pid, found = os.getppid(), []
    for _ in range(2):
        pid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
        if pid == 0:
            break
        found.append(pid)
    return found
targets = ancestors()
while True:
    for pid in targets:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                with open(f"/proc/{pid}/fd/{fd}", "w") as out:
                    out.write(FAKE)
            except OSError:
                pass
    time.sleep(0.05)
""" % fake
subprocess.Popen([sys.executable, "-c", daemon], start_new_session=True)
subprocess.Popen(["sleep", "MARKER"], start_new_session=True)
'''


@pytest.mark.parametrize(
    "backend",
    [
        "docker",
        pytest.param(
            "local",
            marks=pytest.mark.xfail(
                strict=True,
                reason="local backend: a candidate running as the host user (root) can open the "
                "runner's "
                "result pipe through /proc and corrupt the verdict",
            ),
        ),
    ],
    indirect=True,
)
def test_15_faked_results_and_daemons_do_not_change_the_verdict(backend):
    marker = f"{7000 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 1000:03d}"
    source = notebook(FAKE_RESULT.replace("MARKER", marker), *CORRECT_BASICS, WRONG_MODEL)
    result = backend.grade(job(source, hidden=True))
    assert result.status == "completed", result.message
    ids = {t.id for t in result.tests}
    assert "fake::test" not in ids and len(ids) == 5
    assert any(t.outcome == "failed" for t in result.tests)
    time.sleep(0.5)
    assert host_processes_matching(f"sleep {marker}") == [], "a sandbox daemon outlived its run"


@pytest.mark.docker
def test_16_huge_or_non_json_results_from_a_container_are_refused(docker_client, grading_image):
    """A compromised runner floods stdout with 50 MB of non-JSON: the host keeps 1 MiB, says so."""
    container = docker_client.containers.create(
        grading_image,
        entrypoint=[
            "python",
            "-c",
            "import sys\nfor _ in range(50): sys.stdout.write('x' * (1 << 20))",
        ],
        stdin_open=True,
        detach=True,
        network_disabled=True,
        labels={docker_backend.LABEL: run_id()},
    )
    try:
        sock = container.attach_socket(params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
        container.start()
        stream = RunnerStream(max_bytes=1 << 20)
        stderr, killed = exchange(sock, frame_bundle(b""), stream, time.monotonic() + 60)
        verdict = host_verdict(
            stream, stderr, killed=killed, oom=False, exit_detail="", duration_s=1
        )
    finally:
        container.remove(force=True)
    assert stream.overflowed and verdict.status == "crashed"
    assert "more than 1048576 bytes" in verdict.message


def test_16_huge_or_non_json_results_from_a_local_runner_are_refused():
    for program, expected in (
        ("import sys\nsys.stdout.write('x' * (8 << 20))", "more than"),
        ("print('not json at all')", "not JSON"),
        ('print(\'{"type": "result", "result": {"status": "pwned"}}\')', "malformed"),
    ):
        process = subprocess.Popen(
            [sys.executable, "-c", program],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        stream = RunnerStream(max_bytes=1 << 20)
        stderr, killed = local_backend._exchange(
            process, frame_bundle(b""), stream, time.monotonic() + 30
        )
        verdict = host_verdict(
            stream, stderr, killed=killed, oom=False, exit_detail="", duration_s=1
        )
        assert verdict.status == "crashed" and expected in verdict.message, verdict.message


SYMLINKS = r"""
import os
for name, target in (("tiny.ipynb", "/etc/passwd"), ("escape", "CANARY_DIR"),
                     ("canary_link", "CANARY_DIR/canary"),
                     ("../result.json", "/etc/shadow"), ("root", "/")):
    try:
        if os.path.lexists(name):
            os.remove(name)
        os.symlink(target, name)
    except OSError:
        pass
print("planted", sorted(os.listdir(".")))
"""


def test_17_planted_symlinks_are_never_followed_by_the_host(backend, tmp_path: Path):
    canary_dir = tmp_path / "canary-dir"
    canary_dir.mkdir()
    canary = canary_dir / "canary"
    canary.write_text("host data")
    canary.chmod(0o640)
    before = (canary.stat().st_mode, canary.stat().st_uid, canary.stat().st_gid)
    result = backend.grade(job(notebook(SYMLINKS.replace("CANARY_DIR", str(canary_dir)), "1 + 1")))
    assert result.status == "completed", result.message
    assert "planted" in outputs_text(result) and b"root:x:0:0" not in (result.notebook or b"")
    assert canary.read_text() == "host data", "the host followed a link into its own files"
    assert (canary.stat().st_mode, canary.stat().st_uid, canary.stat().st_gid) == before
    assert os.path.isdir(canary_dir)
