"""The lookup-table attack: answers recorded for the grader's inputs, replayed on the twin.

A grader whose generated inputs come from fixed seeds in its source asks the same questions every
run, so a candidate who knows the source can precompute the answers. The pack does what that
candidate would: it grades the exercise's best reference once, on the host (local backend), with a
recorder that writes every call of the candidate's functions (inputs and answer), then appends the
recorded table to the honest twin, whose functions answer from the table whenever the inputs match
and run their own (flawed) code otherwise. The pack applies it only to exercises without hidden
data (``without_hidden_data``): a table keyed on hidden rows is nothing a candidate could build.
"""

from __future__ import annotations

import pickle
import tempfile
import zlib
from pathlib import Path

import nbformat

from app.grading.attacks.instrument import instrument
from app.grading.attacks.notebooks import before_first_code
from app.grading.exercises import Exercise

SHARED = r"""
import hashlib as _rt_hashlib
import pickle as _rt_lookup_pickle
import zlib as _rt_zlib


def _rt_key(name, arguments):
    payload = _rt_lookup_pickle.dumps((name, sorted(arguments.items())), protocol=4)
    return _rt_hashlib.sha256(payload).hexdigest()
"""

RECORDER = (
    SHARED
    + r"""

def _rt_record(key, out):
    try:
        with open(_RT_RECORD_PATH, "ab") as handle:
            _rt_lookup_pickle.dump((key, _rt_lookup_pickle.dumps(out, protocol=4)), handle)
    except Exception:
        pass
    return out
"""
)

REPLAYER = (
    SHARED
    + r"""

def _rt_lookup(name, arguments):
    try:
        known = _RT_TABLE.get(_rt_key(name, arguments))
    except Exception:
        return None
    return None if known is None else _rt_lookup_pickle.loads(_rt_zlib.decompress(known))
"""
)

REPLAY_PROLOGUE = (
    "_rt_hit = _rt_lookup({name}, locals())\nif _rt_hit is not None:\n    return _rt_hit"
)


def record_answers(exercise: Exercise, donor: nbformat.NotebookNode) -> dict[str, bytes]:
    """Grade `donor` on the host with the recorder; every (input key -> pickled answer) seen."""
    from app.grading.backends import make_backend
    from sandbox.intake import sanitize_notebook

    with tempfile.TemporaryDirectory(prefix="hirelab-lookup-") as folder:
        path = Path(folder) / "answers.pkl"
        path.touch()
        path.chmod(0o666)  # the candidate process may run as another user
        Path(folder).chmod(0o777)
        recording = instrument(
            donor,
            prologue="_rt_k = _rt_key({name}, locals())",
            wrap_return=("_rt_record", ("_rt_k",)),
        )
        recorder = RECORDER + f"\n\n_RT_RECORD_PATH = {str(path)!r}\n"
        notebook = nbformat.writes(before_first_code(recording, recorder)).encode()
        job = exercise.job(sanitize_notebook(notebook))
        make_backend("local").grade(job)
        table: dict[str, bytes] = {}
        with path.open("rb") as handle:
            while True:
                try:
                    key, answer = pickle.load(handle)
                except EOFError:
                    break
                table.setdefault(key, zlib.compress(answer, 9))
    return table


def with_lookup_table(twin: nbformat.NotebookNode, table: dict[str, bytes]):
    replaying = instrument(twin, prologue=REPLAY_PROLOGUE)
    return before_first_code(replaying, REPLAYER + f"\n\n_RT_TABLE = {table!r}\n")


def lookup_attack(
    twin: nbformat.NotebookNode, exercise: Exercise, donor
) -> nbformat.NotebookNode | None:
    if donor is None:
        return None
    table = record_answers(exercise, donor)
    return with_lookup_table(twin, table) if table else None
