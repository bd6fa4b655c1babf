"""A phase-2 candidate process, forked from the zygote (``sandbox.runner.zygote``).

It loads the submission's definitions (then any overrides the test asked for), then answers the
test process's requests. Requests arrive pickled (from the trusted test side); answers leave as JSON
only, so nothing the candidate controls is ever unpickled by the tests. This process is untrusted:
candidate code can replace anything here, so the test process treats every answer as a claim (raw
values it checks itself), never as a judgement. It holds no hidden material and, on docker, runs
under a uid of its own.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import pickle
import signal
import sys
import types
import uuid
from pathlib import Path
from typing import Any

from sandbox.runner import framing, zygote
from sandbox.runner.definitions import extract_definitions, where_defined

MAX_REQUEST_BYTES = 1 << 31
_EXEC = exec  # taken before candidate code can patch builtins
MAX_DEPTH = 200
# What ipykernel and jupyter_client add to a phase-1 kernel's environment (JPY_PARENT_PID: the
# parent's pid), so a candidate process's environment has the kernel's shape.
KERNEL_ENVIRONMENT = {
    "PYDEVD_USE_FRAME_EVAL": "NO",
    "TERM": "xterm-color",
    "CLICOLOR": "1",
    "FORCE_COLOR": "1",
    "CLICOLOR_FORCE": "1",
    "PAGER": "cat",
    "GIT_PAGER": "cat",
}


def to_jsonable(value: Any, depth: int = 0) -> Any:
    """numpy/pandas via ``.tolist()`` (DataFrames as {column: list}); else plain JSON types."""
    if depth > MAX_DEPTH:
        raise TypeError("result is nested too deeply")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {
            str(k) if not isinstance(k, str) else k: to_jsonable(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, depth + 1) for v in value]
    if hasattr(value, "tolist"):
        return to_jsonable(value.tolist(), depth + 1)
    if hasattr(value, "to_dict") and hasattr(value, "columns"):
        return to_jsonable(value.to_dict(orient="list"), depth + 1)
    raise TypeError(f"result of type {type(value).__name__} is not JSON-serialisable")


def _error(exc: BaseException) -> dict[str, Any]:
    return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:4000]}


def load(
    cells: list[str], overrides: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Run the definitions in a fresh ``__main__``, then the overrides; namespace and skip notes.

    An override is compiled as if written where the candidate defined that name (same cell
    filename and first line), so the replacement carries the original's metadata.
    """
    module = types.ModuleType("__main__")
    sys.modules["__main__"] = module
    namespace = module.__dict__
    definitions = extract_definitions(cells)
    notes = list(definitions.skipped)
    for cell, node in definitions.statements:
        try:
            code = compile(ast.Module(body=[node], type_ignores=[]), f"<cell {cell}>", "exec")
            exec(code, namespace)
        except BaseException as exc:
            notes.append(f"code cell {cell}, line {node.lineno}: {type(exc).__name__}: {exc}"[:500])
    # Code that ran at definition load (a class body, a decorator, a default argument) may have
    # rebound the candidate's functions (e.g. swapped in other code when it sensed the grader):
    # the plain functions graded are the ones the notebook's source defines.
    for cell, node in definitions.statements:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.decorator_list:
            continue
        if where_defined(definitions, node.name, len(cells)) == (cell, node.lineno):
            with contextlib.suppress(BaseException):
                code = compile(ast.Module(body=[node], type_ignores=[]), f"<cell {cell}>", "exec")
                _EXEC(code, namespace)
    for name, source in (overrides or {}).items():
        cell, line = where_defined(definitions, name, len(cells))
        tree = ast.parse(source)
        if tree.body:
            ast.increment_lineno(tree, line - tree.body[0].lineno)
        _EXEC(compile(tree, f"<cell {cell}>", "exec"), namespace)
    return namespace, notes


def answer(namespace: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """Run one request's code and report ``result`` as JSON-able data."""
    namespace.update(request.get("inputs") or {})
    namespace.pop("result", None)
    try:
        exec(compile(request["code"], "<hidden test>", "exec"), namespace)
        return {"ok": True, "result": to_jsonable(namespace.get("result"))}
    except BaseException as exc:
        return _error(exc)


def _reseed() -> None:
    """Forked children share the zygote's numpy global random state: give each its own."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(int.from_bytes(os.urandom(4), "big"))


def _close_other_fds(keep: tuple[int, ...]) -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the candidate's prints go nowhere; the pipes are the only channel
        os.dup2(devnull, fd)
    os.close(devnull)
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc/self/fd"):
            fd = int(entry)
            if fd > 2 and fd not in keep:
                with contextlib.suppress(OSError):
                    os.close(fd)


def look_like_a_kernel(workdir: Path) -> None:
    """Give this process the phase-1 kernel's shape where it is cheap to (exercises/README.md:
    phase 2 offers no marker phase 1 lacks; what cannot be changed, e.g. /proc/self/cmdline, is
    covered by the cross-check of phase 1): the kernel's argv, environment and ``sys.path`` (the
    working directory as ``""`` before site-packages), no grader modules."""
    runtime = os.environ.get("JUPYTER_RUNTIME_DIR", "/tmp/jupyter")
    sys.argv[:] = ["-c", "-f", f"{runtime}/kernel-{uuid.uuid4()}.json"]
    sys.argv.append("--HistoryManager.hist_file=:memory:")
    os.environ.update(KERNEL_ENVIRONMENT, JPY_PARENT_PID=str(os.getppid()))
    paths = [p for p in sys.path if p and p not in (".", str(workdir))]
    site = next((i for i, p in enumerate(paths) if p.endswith("-packages")), len(paths))
    sys.path[:] = [*paths[:site], "", *paths[site:]]
    zygote.main_module_clean()


def serve(read_fd: int, write_fd: int, workdir: Path, keep_fds: tuple[int, ...]) -> None:
    """Load the definitions the test sends, then serve requests until the pipe closes."""
    _close_other_fds(keep_fds)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    look_like_a_kernel(workdir)
    _reseed()
    first = pickle.loads(framing.recv(read_fd, MAX_REQUEST_BYTES))
    try:
        namespace, notes = load(first["cells"], first.get("overrides"))
        hello: dict[str, Any] = {"ok": True, "notes": notes}
    except BaseException as exc:  # an override that does not compile: an exercise bug
        namespace, hello = {}, _error(exc)
    framing.send(write_fd, json.dumps(hello).encode())
    while True:
        try:
            request = pickle.loads(framing.recv(read_fd, MAX_REQUEST_BYTES))
        except framing.FrameClosed:
            return
        reply = answer(namespace, request)
        try:
            data = json.dumps(reply).encode()
        except (TypeError, ValueError) as exc:
            data = json.dumps(_error(exc)).encode()
        framing.send(write_fd, data)
