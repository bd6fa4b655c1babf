"""Intake validation of an uploaded notebook, before it is stored or graded (hostile input 18).

Order matters: the size cap comes before any parsing, nesting depth is bounded before nbformat walks
the tree, and what comes out is a normalised notebook with the python3 kernelspec and no outputs.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import nbformat

MAX_NOTEBOOK_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
# Cell metadata nbclient honours when executing: `tags` (``raises-exception`` lets a cell fail
# and execution go on, ``skip-execution`` skips it) and `execution` (timings it records). Reset at
# intake so every submission runs the same way: every cell, stopping at the first error.
EXECUTION_METADATA = ("tags", "execution")
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


class IntakeError(ValueError):
    """The upload is not an acceptable notebook; the message says why and what to do."""


def _depth(value: Any) -> int:
    """Nesting depth of decoded JSON, iteratively (no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def sanitize_notebook(
    data: bytes, *, max_bytes: int = MAX_NOTEBOOK_BYTES, max_depth: int = MAX_DEPTH
) -> bytes:
    """Validate an uploaded ``.ipynb`` and return it normalised; raises IntakeError."""
    if len(data) > max_bytes:
        raise IntakeError(
            f"the notebook is {len(data):,} bytes; the limit is {max_bytes:,}. "
            "Clear its outputs (Kernel > Restart & Clear Output) and upload it again."
        )
    try:
        raw = json.loads(data)
    except RecursionError:
        raise IntakeError("the notebook's JSON is nested too deeply to be a notebook") from None
    except ValueError as exc:
        raise IntakeError(
            f"the file is not a Jupyter notebook: it is not valid JSON ({exc})"
        ) from None
    if not isinstance(raw, dict) or "cells" not in raw or "nbformat" not in raw:
        raise IntakeError(
            "the file is not a Jupyter notebook: it has no 'cells' or 'nbformat' field"
        )
    if _depth(raw) > max_depth:
        raise IntakeError(f"the notebook's JSON is nested more than {max_depth} levels deep")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # nbformat warns about e.g. missing cell ids; we normalise
            nb = nbformat.reads(data.decode("utf-8"), as_version=4)
            nbformat.validate(nb)
    except Exception as exc:
        first_line = (
            str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        )
        raise IntakeError(
            f"the notebook does not follow the Jupyter notebook format: {first_line}. "
            "Save it from Jupyter or VS Code and upload it again."
        ) from None
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for key in EXECUTION_METADATA:  # every cell type: a raw cell could be retyped later
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nbformat.writes(nb).encode("utf-8")
