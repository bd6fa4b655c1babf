"""The phase-1 cross-check: the graded functions answer the same calls in both phases.

An exercise may declare *probes* in ``exercises/<slug>/crosscheck.py`` (public, like the brief):
``PROBES = {name: {"groups": [...], "code": "..."}}`` (``code`` sets ``result`` from the
candidate's definitions and the probe's inputs, as a ``submission.run`` snippet does),
``STARTER_FILES`` (the starter files the inputs derive from) and
``inputs(starter: Mapping[str, bytes], seed: int) -> {name: {input: value}}``.

Phase 1, once the notebook's cells have finished: the runner draws a seed, then runs every probe
in the kernel on a namespace that holds the submission's definitions only (loaded as in phase 2,
so state the cells left behind plays no part) and records the raw answers; the seed and the
answers leave through the runner's result channel, never through the notebook. Phase 2 draws the
same inputs in the test process and runs the same probes in two fresh candidate processes at a
random point among the hidden tests. The comparison happens in the test process: phase 1's answer
must agree with phase 2's, within the spread phase 2's two answers show. A probe that disagrees is
a ``grader_detection`` red flag and fails every test of the probe's groups.
"""

from __future__ import annotations

import base64
import json
import math
import secrets
from collections.abc import Mapping
from typing import Any

SPEC_FILE = "crosscheck.py"  # beside job.json in the bundle, in both phases
MAX_RECORD_BYTES = 4 * 1024 * 1024
NO_ANSWER = "phase 1 gave no answer"

# Runs in the phase-1 kernel as one cell, in a private namespace. Everything it needs comes in
# PAYLOAD (base64 JSON); it prints one line, NONCE + the record as JSON, to stdout.
KERNEL_CELL = """
import base64 as _b64, json as _json, sys as _sys
_payload = _json.loads(_b64.b64decode(PAYLOAD))
_sys.path.insert(0, _payload["root"])
try:
    from sandbox.runner.crosscheck import kernel_probe as _probe
    _record = _probe(_payload)
except BaseException as _exc:
    _record = {"__error__": (type(_exc).__name__ + ": " + str(_exc))[:500]}
finally:
    _sys.path.remove(_payload["root"])
    for _name in [n for n in _sys.modules if n == "sandbox" or n.startswith("sandbox.")]:
        del _sys.modules[_name]
_sys.stdout.write("\\n" + _payload["nonce"] + _json.dumps(_record) + "\\n")
_sys.stdout.flush()
"""


def load_spec(source: bytes | None) -> dict[str, Any] | None:
    """The exercise's probe module (trusted exercise code), or None when it has none."""
    if not source:
        return None
    namespace: dict[str, Any] = {"__name__": "hirelab_crosscheck"}
    exec(compile(source, SPEC_FILE, "exec"), namespace)
    return namespace


def probe_code(spec: Mapping[str, Any], name: str, seed: int) -> str:
    """A probe's code as both phases run it: the global random state fixed first."""
    fixed = probe_seed(seed, name)
    return (
        f"import random as _hl_random\n_hl_random.seed({fixed})\n"
        f"try:\n    import numpy as _hl_np\n    _hl_np.random.seed({fixed})\n"
        f"except ImportError:\n    pass\n" + spec["PROBES"][name]["code"]
    )


def probe_seed(seed: int, name: str) -> int:
    return (seed * 1_000_003 + sum(name.encode())) % (2**32)


def kernel_cell(
    spec_source: bytes, starter: Mapping[str, bytes], cells: list[str], root: str
) -> tuple[str, int, str]:
    """(cell source, seed, nonce) for phase 1's probe; the seed is drawn here, after the cells."""
    seed, nonce = secrets.randbits(32), "HIRELAB-CROSSCHECK-" + secrets.token_hex(16) + ":"
    payload = {
        "spec": spec_source.decode("utf-8"),
        "starter": {k: base64.b64encode(v).decode() for k, v in starter.items()},
        "cells": cells,
        "seed": seed,
        "nonce": nonce,
        "root": root,
    }
    encoded = base64.b64encode(json.dumps(payload).encode()).decode()
    source = f"exec({KERNEL_CELL!r}, {{'__name__': '__hl_crosscheck__', 'PAYLOAD': {encoded!r}}})"
    return source, seed, nonce


def kernel_probe(payload: dict[str, Any]) -> dict[str, Any]:
    """In the phase-1 kernel: load the definitions afresh and answer every probe."""
    import sys

    from sandbox.runner.candidate import answer, load

    spec = load_spec(payload["spec"].encode())
    assert spec is not None
    starter = {k: base64.b64decode(v) for k, v in payload["starter"].items()}
    inputs = spec["inputs"](starter, payload["seed"])
    main = sys.modules.get("__main__")
    try:
        namespace, _ = load(payload["cells"])
        return {
            name: answer(
                namespace,
                {"code": probe_code(spec, name, payload["seed"]), "inputs": inputs[name]},
            )
            for name in spec["PROBES"]
        }
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def record_from_text(text: str, nonce: str, seed: int, seconds: float = 0.0) -> dict[str, Any]:
    """Phase 1's record from the probe cell's stdout: {"seed", "answers", "seconds"} (answers
    may be {}: nothing answered)."""
    answers: Any = {}
    for line in text.splitlines():
        if line.startswith(nonce) and len(line) < MAX_RECORD_BYTES:
            try:
                answers = json.loads(line[len(nonce) :])
            except ValueError:
                answers = {}
    if not isinstance(answers, dict) or "__error__" in answers:
        answers = {}
    return {"seed": seed, "answers": answers, "seconds": round(seconds, 3)}


def differs(first: Any, second: Any, noise: float = 0.0) -> bool:
    """Whether ``first`` (phase 1) differs from ``second`` (phase 2): same structure, equal
    values, numbers within 1e-7 relative plus ten times ``noise``."""
    if isinstance(first, bool) or isinstance(second, bool):
        return first != second
    if isinstance(first, (int, float)) and isinstance(second, (int, float)):
        a, b = float(first), float(second)
        if math.isnan(a) or math.isnan(b):
            return not (math.isnan(a) and math.isnan(b))
        return abs(a - b) > 1e-7 * max(1.0, abs(a), abs(b)) + 10 * noise
    if isinstance(first, dict) and isinstance(second, dict):
        return set(first) != set(second) or any(differs(first[k], second[k], noise) for k in first)
    if isinstance(first, list) and isinstance(second, list):
        return len(first) != len(second) or any(
            differs(x, y, noise) for x, y in zip(first, second, strict=True)
        )
    return bool(first != second)


def spread(a: Any, b: Any) -> float:
    """The largest gap between two answers' paired numbers: how nondeterministic a function is
    (0.0 for one that answers the same twice)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return 0.0
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        gap = abs(float(a) - float(b))
        return 0.0 if math.isnan(gap) else gap
    if isinstance(a, dict) and isinstance(b, dict):
        return max((spread(a[k], b[k]) for k in a if k in b), default=0.0)
    if isinstance(a, list) and isinstance(b, list):
        return max((spread(x, y) for x, y in zip(a, b, strict=False)), default=0.0)
    return 0.0


def verdict(phase1: Any, phase2: list[dict[str, Any]]) -> str | None:
    """Why phase 1's answer contradicts phase 2's two answers, or None when they agree.

    Answers are ``{"ok": True, "result": ...}`` or ``{"ok": False, "error": "Type: ..."}``. Only an
    answer that phase 2 gave (and grading can score) counts: phase 2 failing where phase 1
    answered costs points in the tests already and is not evidence of detection.
    """
    first, second = phase2
    if not (first.get("ok") and second.get("ok")):
        return None  # phase 2 failed (or failed once: nondeterministic), nothing gained
    if not isinstance(phase1, dict) or "ok" not in phase1:
        return f"{NO_ANSWER}; phase 2 answered"
    if not phase1.get("ok"):
        error = str(phase1.get("error", ""))[:300]
        return f"phase 1 raised ({error}) where phase 2 answered"
    noise = spread(first["result"], second["result"])
    if differs(phase1.get("result"), first["result"], noise):
        return "phase 1 and phase 2 returned different values for the same inputs"
    return None
