"""Group candidate_tests: the candidate's own test_* functions exist, pass, and have teeth.

"Teeth" is measured by mutation. Every trial runs the candidate's tests in a fresh candidate process
where load_data, build_pipeline and evaluate are all replaced (``submission.fresh(overrides=...)``)
by the same wrappers: in the original trial every wrapper passes straight through to the
candidate's function, in a mutant trial one of them is broken in one specific way. Every trial
defines the same helpers, byte for byte, under neutral names shuffled per run, without closures;
trials differ only in which entry of a shuffled table each wrapper uses, so neither names,
qualnames, code objects nor closures tell a process which trial it is. Each process only reports
which of the candidate's tests raised; the verdict is reached here: the original trial must pass,
and a mutant counts as caught only if some test fails against it."""

import re

import numpy as np
import pytest
from churn_support import cached, call

MIN_TESTS = 2
MIN_CAUGHT = 2
TARGETS = ("load_data", "build_pipeline", "evaluate")
TRIAL_TIMEOUT = 150
_cache: dict = {}

# Defined, byte for byte, in every trial of a run (so nothing in them says which trial it is):
# `_hl_prev` holds the candidate's own functions, `_HL_PLAN` (the only line that differs between
# trials: a number per target) picks each wrapper's entry of the table. Every function and class
# below is compiled under a neutral alias shuffled per run (its `__name__`, `__qualname__`,
# `co_name` and every reference to it), none is a closure, and the pass-through entry has the
# same signature as a flawed one, so names, qualnames, closures and call shapes are the same in
# the original trial and in a mutant.
HELPERS = r"""
import numpy as _hl_np
import pandas as _hl_pd
from sklearn.base import BaseEstimator as _hl_BaseEstimator
from sklearn.base import ClassifierMixin as _hl_ClassifierMixin
from sklearn.base import clone as _hl_clone
from sklearn.pipeline import Pipeline as _hl_Pipeline

_hl_prev = {name: globals()[name] for name in TARGETS_PRESENT}


def _hl_pass(target, flaw, args, kwargs):
    return _hl_prev[target](*args, **kwargs)


def _hl_load_loses_rows(target, flaw, args, kwargs):
    frame = _hl_prev[target](*args, **kwargs)
    complete = frame.dropna()
    return complete if len(complete) < len(frame) else frame.iloc[: len(frame) * 9 // 10]


def _hl_load_flips_labels(target, flaw, args, kwargs):
    frame = _hl_prev[target](*args, **kwargs).copy()
    if "churned" in frame.columns:
        frame["churned"] = 1 - frame["churned"]
    return frame


class _HLBroken(_hl_ClassifierMixin, _hl_BaseEstimator):
    def __init__(self, inner=None, flaw="nan"):
        self.inner = inner
        self.flaw = flaw

    def _check(self, X):
        frame = _hl_pd.DataFrame(X)
        if self.flaw == "nan" and frame.isna().to_numpy().any():
            raise ValueError("Input X contains NaN.")
        if self.flaw == "unseen" and hasattr(self, "seen_"):
            for column, seen in self.seen_.items():
                if column in frame.columns and not set(frame[column].dropna()) <= seen:
                    raise ValueError(f"Found unknown categories in column {column}")

    def fit(self, X, y, **kwargs):
        self._check(X)
        try:
            self.inner_ = _hl_clone(self.inner)
        except Exception:
            self.inner_ = self.inner
        self.inner_.fit(X, y, **kwargs)
        self.classes_ = getattr(self.inner_, "classes_", _hl_np.array([0, 1]))
        frame = _hl_pd.DataFrame(X)
        self.seen_ = {
            column: set(frame[column].dropna())
            for column in frame.columns
            if not _hl_pd.api.types.is_numeric_dtype(frame[column])
        }
        self.prior_ = float(_hl_np.mean(_hl_np.asarray(y) == self.classes_[-1]))
        return self

    def predict_proba(self, X):
        self._check(X)
        proba = _hl_np.asarray(self.inner_.predict_proba(X), dtype=float)
        positive = proba[:, -1]
        if self.flaw == "constant":
            positive = _hl_np.full(len(positive), self.prior_)
        if self.flaw == "leak" and "refund_issued" in _hl_pd.DataFrame(X).columns:
            refund = _hl_pd.DataFrame(X)["refund_issued"].fillna(0).to_numpy(dtype=float)
            positive = _hl_np.clip(0.3 * positive + 0.7 * refund, 0, 1)
        return _hl_np.column_stack([1 - positive, positive])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


def _hl_pipeline_flawed(target, flaw, args, kwargs):
    original = _hl_prev[target](*args, **kwargs)
    broken = _HLBroken(original, flaw)
    if isinstance(original, _hl_Pipeline):  # a type check alone must not catch the flaw
        return _hl_Pipeline([("model", broken)])
    return broken


class _HLHardLabels:
    def __init__(self, model):
        self._model = model

    def predict(self, X):
        return self._model.predict(X)

    def predict_proba(self, X):
        hard = _hl_np.asarray(self._model.predict(X), dtype=float)
        return _hl_np.column_stack([1 - hard, hard])

    def __getattr__(self, name):
        return getattr(self.__dict__["_model"], name)


def _hl_argument(args, kwargs, position, name, change):
    # args and kwargs with the argument at `position` (or keyword `name`) changed
    args, kwargs = list(args), dict(kwargs)
    if len(args) > position:
        args[position] = change(args[position])
    elif name in kwargs:
        kwargs[name] = change(kwargs[name])
    return args, kwargs


def _hl_evaluate_on_hard_labels(target, flaw, args, kwargs):
    args, kwargs = _hl_argument(args, kwargs, 0, "model", _HLHardLabels)
    return _hl_prev[target](*args, **kwargs)


def _hl_flip(y):
    return 1 - (y if hasattr(y, "__sub__") or hasattr(y, "__rsub__") else _hl_np.asarray(y))


def _hl_evaluate_flips_labels(target, flaw, args, kwargs):
    args, kwargs = _hl_argument(args, kwargs, 2, "y", _hl_flip)
    return _hl_prev[target](*args, **kwargs)


def _hl_dispatch(target, args, kwargs):
    entry, flaw = _HL_TABLE[_HL_PLAN[target]]
    return entry(target, flaw, args, kwargs)

"""

# (what the broken variant does, target, table entry, flaw); None: the original trial.
VARIANTS = [
    (None, "load_data", "_hl_pass", None),
    (None, "build_pipeline", "_hl_pass", None),
    (None, "evaluate", "_hl_pass", None),
    ("load_data drops rows", "load_data", "_hl_load_loses_rows", None),
    ("load_data flips the churned label", "load_data", "_hl_load_flips_labels", None),
    ("the pipeline fails on missing values", "build_pipeline", "_hl_pipeline_flawed", "nan"),
    ("the pipeline fails on unseen categories", "build_pipeline", "_hl_pipeline_flawed", "unseen"),
    (
        "the pipeline predicts the same probability for everyone",
        "build_pipeline",
        "_hl_pipeline_flawed",
        "constant",
    ),
    ("the pipeline leans on refund_issued", "build_pipeline", "_hl_pipeline_flawed", "leak"),
    (
        "evaluate scores 0/1 predictions instead of probabilities",
        "evaluate",
        "_hl_evaluate_on_hard_labels",
        None,
    ),
    ("evaluate flips the labels", "evaluate", "_hl_evaluate_flips_labels", None),
]
# Everything HELPERS defines: compiled under a neutral alias in every trial.
DEFINED = (
    "_hl_pass",
    "_hl_load_loses_rows",
    "_hl_load_flips_labels",
    "_HLBroken",
    "_hl_pipeline_flawed",
    "_HLHardLabels",
    "_hl_argument",
    "_hl_evaluate_on_hard_labels",
    "_hl_flip",
    "_hl_evaluate_flips_labels",
    "_hl_dispatch",
)


RUN_TESTS = """
_hl_ran, _hl_failures = [], {}
for _hl_name in NAMES:
    _hl_test = globals().get(_hl_name)
    if not callable(_hl_test):
        continue
    _hl_ran.append(_hl_name)
    try:
        _hl_test()
    except BaseException as _hl_exc:  # a failing test may raise anything
        _hl_failures[_hl_name] = (type(_hl_exc).__name__ + ": " + str(_hl_exc))[:200]
result = {"ran": _hl_ran, "failures": _hl_failures}
"""


def _candidate_tests(submission) -> list[str]:
    return sorted(name for name in submission.names() if name.startswith("test_"))


def _overrides(submission, mutant, seed: int) -> dict[str, str]:
    """Every present target wrapped; `mutant` (a VARIANTS row) broken, the rest pass through.

    The source is the same in every trial of a run but for the `_HL_PLAN` line, whose numbers
    index a table shuffled per run; every helper carries a neutral alias shuffled per run."""
    present = [name for name in TARGETS if submission.defines(name)]
    rng = np.random.default_rng([seed, 29])
    aliases = dict(zip(DEFINED, (f"_hl_v{n}" for n in rng.permutation(len(DEFINED))), strict=True))
    # One entry per VARIANTS row, each distinct (the flaw is the target's name where the entry
    # needs none): every target has a pass-through of its own, so in no trial do two targets
    # share an entry, and the plan's numbers are distinct in the original trial as in a mutant.
    table = [(entry, flaw or target) for _, target, entry, flaw in VARIANTS]
    shuffled = [table[i] for i in rng.permutation(len(table))]
    plan = {}
    for name in present:
        chosen = mutant if mutant is not None and mutant[1] == name else None
        row = chosen or next(v for v in VARIANTS if v[0] is None and v[1] == name)
        plan[name] = shuffled.index((row[2], row[3] or row[1]))
    source = f"TARGETS_PRESENT = {present!r}\n" + HELPERS
    source += "\n_HL_TABLE = [" + ", ".join(f"({e}, {f!r})" for e, f in shuffled) + "]\n"
    source += f"_HL_PLAN = {plan!r}\n"
    for helper in DEFINED:
        source = re.sub(rf"\b{helper}\b", aliases[helper], source)
    overrides = {}
    dispatch = aliases["_hl_dispatch"]
    for name in present:
        wrapper = f"def {name}(*args, **kwargs):\n    return {dispatch}({name!r}, args, kwargs)\n"
        overrides[name] = (source if not overrides else "") + wrapper
    return overrides


def _trial(submission, seed: int, mutant) -> dict:
    """The candidate's tests in a fresh process; returns {"ran": [...], "failures": {...}}."""
    with submission.fresh(overrides=_overrides(submission, mutant, seed)) as process:
        reply = call(
            process,
            RUN_TESTS,
            "Running your test_* functions",
            timeout=TRIAL_TIMEOUT,
            NAMES=_candidate_tests(submission),
        )
    ran = reply.get("ran") if isinstance(reply, dict) else None
    failures = reply.get("failures") if isinstance(reply, dict) else None
    if not isinstance(ran, list) or not isinstance(failures, dict):
        pytest.fail("Running your test_* functions gave no usable answer", pytrace=False)
    defined = set(_candidate_tests(submission))  # from the notebook's source, not from the reply
    return {
        "ran": [str(n) for n in ran if n in defined],
        "failures": {str(k): str(v) for k, v in failures.items()},
    }


def _report(submission, seed: int) -> dict:
    def compute():
        original = _trial(submission, seed, None)
        report = {
            "tests": original["ran"],
            "failures": original["failures"],
            "caught": [],
            "missed": [],
        }
        if not original["ran"] or original["failures"]:
            return report
        mutants = [v for v in VARIANTS if v[0] is not None and submission.defines(v[1])]
        order = np.random.default_rng([seed, 31]).permutation(len(mutants))
        for index in order:
            mutant = mutants[index]
            outcome = _trial(submission, seed, mutant)
            caught = bool(outcome["failures"]) and outcome["ran"] == original["ran"]
            (report["caught"] if caught else report["missed"]).append(mutant[0])
            if len(report["caught"]) >= MIN_CAUGHT:
                break  # enough evidence; keeps grading time bounded
        return report

    return cached(_cache, "report", compute)


CALLABLE_TESTS = """
result = [name for name in NAMES if name.startswith("test_") and callable(globals().get(name))]
"""


@pytest.mark.group("candidate_tests")
def test_at_least_two_tests_of_your_own(submission):
    # Only functions count: a constant such as `test_size = 0.25` is not a test.
    names = _candidate_tests(submission)
    reply = call(submission, CALLABLE_TESTS, "Listing your test_* functions", NAMES=names)
    found = [name for name in reply if name in names] if isinstance(reply, list) else []
    assert len(found) >= MIN_TESTS, (
        f"Found {len(found)} test_* function(s) ({', '.join(found) or 'none'}); the brief asks for "
        f"at least {MIN_TESTS}, defined at the top level of the notebook."
    )


@pytest.mark.group("candidate_tests")
def test_your_tests_pass(submission, seed):
    report = _report(submission, seed)
    assert report["tests"], "There are no test_* functions to run."
    failing = "; ".join(f"{name}: {error}" for name, error in report["failures"].items())
    assert not failing, (
        "Your tests fail when the grader calls them with no arguments, using only the notebook's "
        f"definitions (top-level variables do not exist then): {failing}"
    )


def _caught(submission, seed) -> list[str]:
    report = _report(submission, seed)
    if not report["tests"] or report["failures"]:
        pytest.fail("Your tests must exist and pass before they can catch bugs.", pytrace=False)
    return report["caught"]


@pytest.mark.group("candidate_tests")
def test_your_tests_catch_a_broken_function(submission, seed):
    report = _report(submission, seed)
    caught = _caught(submission, seed)
    assert caught, (
        "Your tests still pass when your functions are deliberately broken (e.g. "
        f"{'; '.join(report['missed'][:3])}). Assert on behaviour: row counts, label values, "
        "missing-value handling, metric values on a known case."
    )


@pytest.mark.group("candidate_tests")
def test_your_tests_catch_several_broken_functions(submission, seed):
    report = _report(submission, seed)
    caught = _caught(submission, seed)
    assert len(caught) >= MIN_CAUGHT, (
        f"Your tests caught {len(caught)} deliberately broken variant(s) of your functions "
        f"({'; '.join(caught) or 'none'}) but missed: {'; '.join(report['missed'])}."
    )
