"""Hostile inputs 10-13 and 21 of SANDBOX.md: what candidate code can reach. Docker contains each;
the local backend is marked xfail (strict) where it cannot, with the reason."""

from __future__ import annotations

import socket
import subprocess
import uuid

import pytest

from tests.sandbox.helpers import job, notebook, outputs_text

pytestmark = pytest.mark.slow


def local_cannot(reason: str) -> pytest.MarkDecorator:
    """Run on docker; on local expect the attack to succeed (strict xfail) for ``reason``."""
    return pytest.mark.parametrize(
        "backend",
        [
            "docker",
            pytest.param(
                "local", marks=pytest.mark.xfail(strict=True, reason=f"local backend: {reason}")
            ),
        ],
        indirect=True,
    )


NETWORK = """
import json, socket
attempts = {}
def attempt(name, host, port):
    try:
        socket.create_connection((host, port), timeout=2).close()
        attempts[name] = "CONNECTED"
    except OSError as exc:
        attempts[name] = type(exc).__name__
try:
    socket.getaddrinfo("deb.debian.org", 443)
    attempts["dns"] = "RESOLVED"
except OSError as exc:
    attempts["dns"] = type(exc).__name__
attempt("http", "151.101.2.132", 80)
attempt("metadata", "169.254.169.254", 80)
for host in HOSTS:
    for port in (PORT, 5432, 6379, 54329, 63790):  # PostgreSQL, Redis (defaults, test ports)
        attempt(f"{host}:{port}", host, port)
print("ATTEMPTS", json.dumps(attempts))
"""


def test_10_network_egress_fails_everywhere(backend):
    listener = socket.socket()
    listener.bind(("0.0.0.0", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    hosts = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    hosts = [h for h in hosts if ":" not in h] + ["172.17.0.1", "127.0.0.1"]
    try:
        source = NETWORK.replace("HOSTS", repr(hosts)).replace("PORT", str(port))
        result = backend.grade(job(notebook(source), cell_timeout_s=60, notebook_timeout_s=90))
    finally:
        listener.close()
    assert result.status == "completed", result.message
    text = outputs_text(result)
    assert "ATTEMPTS" in text
    assert "CONNECTED" not in text and "RESOLVED" not in text, text


ENVIRONMENT = """
import os
print("ENV", sorted(os.environ))
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            if b"TOKEN" in open(f"/proc/{pid}/environ", "rb").read():
                print("FOUND in", pid)
        except OSError:
            pass
"""


@local_cannot(
    "candidate code runs as the host user and can read other host processes' environments"
)
def test_11_no_secrets_in_the_environment_or_proc(backend, monkeypatch):
    token = f"hirelab-secret-{uuid.uuid4().hex}"
    monkeypatch.setenv("HIRELAB_TEST_SECRET", token)
    # A host service holding a secret in its environment, as a web worker holds DATABASE_URL.
    service = subprocess.Popen(["sleep", "120"], env={"HIRELAB_TEST_SECRET": token})
    try:
        result = backend.grade(
            job(notebook(ENVIRONMENT.replace("TOKEN", token)), cell_timeout_s=20)
        )
    finally:
        service.kill()
        service.wait()
    assert result.status == "completed", result.message
    text = outputs_text(result)
    assert "ENV" in text and "FOUND" not in text and "HIRELAB_TEST_SECRET" not in text


HUNT = '''
import os, time

def hunt():
    """Paths and process command lines that give the hidden tests or data away."""
    found, started = [], time.monotonic()
    stack = [("/", 0)]
    skip = {"proc", "sys", "dev", "usr", "lib", "lib64", "bin", "sbin", "etc", "var", "boot",
            "snap", ".venv", "venv", ".git", "site-packages", "node_modules", ".cache", ".pyenv",
            ".mypy_cache"}
    while stack and time.monotonic() - started < 20:
        path, depth = stack.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            if entry.name in ("test_basics.py", "test_accuracy.py", "holdout.csv"):
                found.append(entry.path)
            if entry.is_dir(follow_symlinks=False) and entry.name not in skip and depth < 9:
                stack.append((entry.path, depth + 1))
    for pid in os.listdir("/proc"):
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
        except OSError:
            continue
        if b"hidden" in cmdline or b"holdout" in cmdline:
            found.append(f"cmdline of {pid}")
    return found


def add(a, b):
    return a + b if not hunt() else -1
'''


@local_cannot("the exercise folder, hidden tests included, is readable by the host user")
def test_12_hidden_tests_are_not_present_while_candidate_code_runs(backend):
    source = notebook(
        HUNT,
        "print('FOUND', hunt())",
        "def scale(values, factor):\n    return []",
        "def fit(xs, ys):\n    return 0\n\ndef predict(x):\n    return 0",
    )
    result = backend.grade(job(source, hidden=True, cell_timeout_s=30, call_timeout_s=30))
    assert "FOUND []" in outputs_text(result), outputs_text(result)
    add = next(t for t in result.tests if t.id.endswith("test_add"))
    assert add.outcome == "passed", f"phase 2 found hidden material: {add.message}"


INTROSPECT = '''
import gc, inspect, sys

def add(a, b):
    """Return a + b only if this process knows nothing about the hidden tests."""
    # Spelled in pieces: the candidate's own source (which the process holds) is no clue.
    clues = ("hold" + "out", "test_" + "basics", "test_" + "accuracy", "10," + "20")
    leaks = [m for m in sys.modules if m.split(".")[0] in ("pytest", "_" + "pytest")]
    leaks += [m for m in sys.modules if any(c in m for c in clues)]
    for obj in gc.get_objects():
        try:
            text = repr(obj)[:2000] if isinstance(obj, (str, bytes, dict)) else ""
        except Exception:
            continue
        if any(c in text for c in clues):
            leaks.append(text[:80])
    for frame in inspect.stack():
        if any(c in frame.filename for c in clues):
            leaks.append(frame.filename)
    return a + b if not leaks else str(leaks[:3])
'''


def test_13_in_process_introspection_learns_nothing(backend):
    result = backend.grade(job(notebook(INTROSPECT), hidden=True, call_timeout_s=30))
    add = next(t for t in result.tests if t.id.endswith("test_add"))
    assert add.outcome == "passed", add.message


PRIVILEGES = """
import json, os
lines = open("/proc/self/status").read().splitlines()
status = dict(line.split(":", 1) for line in lines if ":" in line)
report = {"uid": os.getuid(), "CapEff": status["CapEff"].strip(),
          "CapPrm": status["CapPrm"].strip(),
          "NoNewPrivs": status["NoNewPrivs"].strip()}
try:
    os.setuid(0)
    report["setuid"] = "ALLOWED"
except PermissionError:
    report["setuid"] = "denied"
print("PRIVS", json.dumps(report))
"""


@local_cannot("candidate code runs as the host user (root here) with that user's capabilities")
def test_21_no_root_no_capabilities_no_new_privileges(backend):
    result = backend.grade(job(notebook(PRIVILEGES)))
    text = outputs_text(result)
    assert result.status == "completed", result.message
    assert '"uid": 0' not in text and '"setuid": "denied"' in text
    assert '"CapEff": "0000000000000000"' in text and '"CapPrm": "0000000000000000"' in text
    assert '"NoNewPrivs": "1"' in text
