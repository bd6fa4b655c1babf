"""`flask grade NOTEBOOK --exercise SLUG_OR_PATH [--backend] [--json]`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from app.grading.cli import grade_command
from sandbox.backends.docker import RUN_NAME_PREFIX
from sandbox.backends.pool import POOL_LABEL
from tests.grading.conftest import FIXTURES, TINY, notebook_bytes
from tests.grading.test_end_to_end import slow_solution
from tests.grading.workers import REPO
from tests.sandbox.helpers import require_docker


@pytest.fixture
def grade(exercises_app):
    runner = exercises_app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(grade_command, list(args))

    return invoke


def _report(output: str) -> dict:
    return json.loads(output)


@pytest.mark.docker
def test_full_marks_on_docker_as_json(grade):
    client, _ = require_docker()  # fails loudly without an engine or image
    client.close()
    result = grade(
        str(TINY / "reference" / "full-marks.ipynb"),
        "--exercise",
        "tiny",
        "--backend",
        "docker",
        "--json",
    )
    assert result.exit_code == 0, result.output
    report = _report(result.output)
    assert (report["status"], report["score"], report["max_score"]) == ("completed", 10, 10)
    assert {g["id"] for g in report["groups"]} == {"basics", "accuracy"}
    assert set(report["groups"][0]) == {"id", "title", "score", "max_score", "dimension", "message"}
    assert len(report["tests"]) == 5 and report["duration_s"] > 0 and report["message"]


def test_half_done_on_local_by_folder_path(grade):
    result = grade(
        str(TINY / "reference" / "half-done.ipynb"),
        "--exercise",
        str(TINY),
        "--backend",
        "local",
        "--json",
    )
    assert result.exit_code == 0, result.output
    report = _report(result.output)
    assert (report["status"], report["score"]) == ("completed", 4)


def test_a_rejected_notebook_is_a_verdict_with_exit_0(grade, tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_bytes(b"not a notebook")
    result = grade(str(bad), "--exercise", "tiny", "--backend", "local", "--json")
    assert result.exit_code == 0, result.output
    report = _report(result.output)
    assert report["status"] == "rejected" and report["score"] == 0 and "JSON" in report["message"]


def test_human_output(grade, tmp_path):
    source = tmp_path / "nb.ipynb"
    source.write_bytes(notebook_bytes("def add(a, b):\n    return a + b"))
    result = grade(str(source), "--exercise", "tiny", "--backend", "local")
    assert result.exit_code == 0, result.output
    assert "points" in result.output and "Defines the contract functions" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.ipynb", "--exercise", "tiny"], "does not exist"),
        (
            [str(TINY / "reference" / "full-marks.ipynb"), "--exercise", "nope"],
            "no exercise 'nope'",
        ),
        (
            [str(TINY / "reference" / "full-marks.ipynb"), "--exercise", "tiny", "--backend", "vm"],
            "'vm' is not one of",
        ),
        ([str(TINY / "reference" / "full-marks.ipynb")], "Missing option '--exercise'"),
    ],
)
def test_usage_errors_exit_2_and_say_what_to_fix(grade, args, message):
    result = grade(*args)
    assert result.exit_code == 2
    assert message in result.output


def _flask(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=REPO,
        env={**os.environ, "EXERCISES_DIR": str(FIXTURES), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def test_flask_grade_never_builds_the_web_app(tmp_path):
    """`flask --app wsgi grade` is a plugin command: neither wsgi nor the app's extensions load."""
    bad = tmp_path / "bad.ipynb"
    bad.write_bytes(b"not a notebook")
    probe = (
        "import runpy, sys\n"
        "try:\n"
        "    runpy.run_module('flask', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        "loaded = [m for m in ('wsgi', 'app.extensions', 'app.models') if m in sys.modules]\n"
        "print('PROBE', code, ','.join(loaded))\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", probe, "--app", "wsgi", "grade", str(bad), "--exercise", "tiny"],
        cwd=REPO,
        env={**os.environ, "EXERCISES_DIR": str(FIXTURES)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "rejected: 0 / 10 points" in process.stdout, process.stdout + process.stderr
    assert process.stdout.splitlines()[-1].split(" ")[1:] == ["0", ""], process.stdout


@pytest.mark.docker
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_flask_grade_removes_its_containers(tmp_path, signum):
    """Killed mid-notebook (Ctrl-C or SIGTERM), `flask grade` exits and leaves no container:
    neither the phase's own nor the one it pre-started for phase 2."""
    client, _ = require_docker()
    slow = tmp_path / "slow.ipynb"
    slow.write_bytes(slow_solution(120))
    process = _flask("grade", str(slow), "--exercise", "tiny", "--backend", "docker")
    mine = {"label": f"{POOL_LABEL}={socket.gethostname()}:{process.pid}"}
    try:
        deadline = time.monotonic() + 90
        while not any(
            c.name.startswith(RUN_NAME_PREFIX) and c.status == "running"
            for c in client.containers.list(filters=mine)
        ):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the grading never started its container"
            time.sleep(0.2)
        time.sleep(1)  # inside the slow cell, phase 2's container starting meanwhile
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
        expected = 130 if signum == signal.SIGINT else 128 + signal.SIGTERM
        assert process.returncode == expected, stderr
        assert "containers removed" in stderr
        assert client.containers.list(all=True, filters=mine) == []
    finally:
        process.kill()
        process.communicate()
        for container in client.containers.list(all=True, filters=mine):
            container.remove(force=True)
        client.close()
