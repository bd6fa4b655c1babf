"""The phase-2 candidate process: ``python -m sandbox.runner.candidate READ_FD WRITE_FD``.

It loads the submission's definitions, then answers the test process's requests. Requests arrive
pickled (from the trusted test side); answers leave as JSON only, so nothing the candidate controls
is ever unpickled by the tests. This process is untrusted: it holds no hidden material and the test
process treats whatever it says as the candidate's answer, nothing more.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import pickle
import sys
import types
from typing import Any

from sandbox.runner import framing
from sandbox.runner.definitions import extract_definitions

MAX_REQUEST_BYTES = 1 << 31
MAX_DEPTH = 200


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


def load(cells: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Run the definitions in a fresh ``__main__``; return the namespace and skip notes."""
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


def main() -> None:
    """Serve requests until the test process closes the pipe."""
    read_fd, write_fd = int(sys.argv[1]), int(sys.argv[2])
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the candidate's prints go nowhere; the pipes are the only channel
        os.dup2(devnull, fd)
    # If memory runs out, the kernel's OOM killer takes this process, not the test process.
    with contextlib.suppress(OSError), open("/proc/self/oom_score_adj", "w") as adj:
        adj.write("1000")
    sys.path.insert(0, os.getcwd())
    cells = pickle.loads(framing.recv(read_fd, MAX_REQUEST_BYTES))
    namespace, notes = load(cells)
    framing.send(
        write_fd,
        json.dumps(
            {
                "ok": True,
                "names": sorted(k for k in namespace if not k.startswith("__")),
                "notes": notes,
            }
        ).encode(),
    )
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


if __name__ == "__main__":
    main()
