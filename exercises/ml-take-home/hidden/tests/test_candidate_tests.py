"""Group candidate_tests: the candidate's own test_* functions exist, pass, and have teeth.

"Teeth" is measured by mutation: the candidate's load_data, build_pipeline and evaluate are
replaced, one at a time, by deliberately broken variants built on the candidate's own code, and
the candidate's tests are run again. Good tests fail against at least some of them.
"""

import pytest
from churn_support import cached, call

MIN_TESTS = 2
MIN_CAUGHT = 2
# Running the candidate's tests up to nine times (as written, then once per broken variant, stopping
# early) may take longer than one ordinary call.
MUTATION_TIMEOUT = 300
_cache: dict = {}

# Runs in the candidate process. The broken variants wrap the candidate's own functions, so they
# are broken in one specific way each and otherwise behave like the candidate's code.
MUTATION_RUN = r'''
import numpy as _hl_np
import pandas as _hl_pd
from sklearn.base import BaseEstimator as _hl_BaseEstimator
from sklearn.base import ClassifierMixin as _hl_ClassifierMixin
from sklearn.base import clone as _hl_clone
from sklearn.pipeline import Pipeline as _hl_Pipeline

_hl_namespace = globals()
_hl_tests = [
    name for name in NAMES if name.startswith("test_") and callable(_hl_namespace.get(name))
]
_hl_original = {
    name: _hl_namespace[name]
    for name in ("load_data", "build_pipeline", "evaluate")
    if callable(_hl_namespace.get(name))
}


def _hl_run_tests(first_failure_only=False):
    failures = {}
    for name in _hl_tests:
        try:
            _hl_namespace[name]()
        except BaseException as exc:  # a failing test may raise anything
            failures[name] = (type(exc).__name__ + ": " + str(exc))[:200]
            if first_failure_only:
                break  # the broken variant is caught; the other tests need not run
    return failures


def _hl_load_loses_rows(path, *args, **kwargs):
    frame = _hl_original["load_data"](path, *args, **kwargs)
    complete = frame.dropna()
    return complete if len(complete) < len(frame) else frame.iloc[: len(frame) * 9 // 10]


def _hl_load_flips_labels(path, *args, **kwargs):
    frame = _hl_original["load_data"](path, *args, **kwargs).copy()
    if "churned" in frame.columns:
        frame["churned"] = 1 - frame["churned"]
    return frame


class _HLBroken(_hl_ClassifierMixin, _hl_BaseEstimator):
    """The candidate's pipeline with one flaw: nan, unseen, constant or leak."""

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


def _hl_pipeline_with(flaw):
    def build_pipeline(*args, **kwargs):
        original = _hl_original["build_pipeline"](*args, **kwargs)
        broken = _HLBroken(original, flaw)
        if isinstance(original, _hl_Pipeline):  # a type check alone must not catch the flaw
            return _hl_Pipeline([("model", broken)])
        return broken

    return build_pipeline


class _HLHardLabels:
    """A fitted model whose probabilities are its 0/1 predictions."""

    def __init__(self, model):
        self._model = model

    def predict(self, X):
        return self._model.predict(X)

    def predict_proba(self, X):
        hard = _hl_np.asarray(self._model.predict(X), dtype=float)
        return _hl_np.column_stack([1 - hard, hard])

    def __getattr__(self, name):
        return getattr(self.__dict__["_model"], name)


def _hl_evaluate_on_hard_labels(model, X, y, *args, **kwargs):
    return _hl_original["evaluate"](_HLHardLabels(model), X, y, *args, **kwargs)


def _hl_evaluate_flips_labels(model, X, y, *args, **kwargs):
    flipped = 1 - (y if hasattr(y, "__sub__") or hasattr(y, "__rsub__") else _hl_np.asarray(y))
    return _hl_original["evaluate"](model, X, flipped, *args, **kwargs)


_hl_mutants = [
    ("load_data drops rows", "load_data", _hl_load_loses_rows),
    ("load_data flips the churned label", "load_data", _hl_load_flips_labels),
    ("the pipeline fails on missing values", "build_pipeline", _hl_pipeline_with("nan")),
    ("the pipeline fails on unseen categories", "build_pipeline", _hl_pipeline_with("unseen")),
    ("the pipeline predicts the same probability for everyone", "build_pipeline",
     _hl_pipeline_with("constant")),
    ("the pipeline leans on refund_issued", "build_pipeline", _hl_pipeline_with("leak")),
    ("evaluate scores 0/1 predictions instead of probabilities", "evaluate",
     _hl_evaluate_on_hard_labels),
    ("evaluate flips the labels", "evaluate", _hl_evaluate_flips_labels),
]

_hl_report = {"tests": _hl_tests, "failures": _hl_run_tests(), "caught": [], "missed": []}
if _hl_tests and not _hl_report["failures"]:
    for _hl_label, _hl_target, _hl_broken in _hl_mutants:
        if _hl_target not in _hl_original:
            continue
        _hl_namespace[_hl_target] = _hl_broken
        try:
            _hl_failed = _hl_run_tests(first_failure_only=True)
        finally:
            _hl_namespace[_hl_target] = _hl_original[_hl_target]
        (_hl_report["caught"] if _hl_failed else _hl_report["missed"]).append(_hl_label)
        if len(_hl_report["caught"]) >= STOP_AFTER:
            break  # enough evidence; keeps grading time bounded
result = _hl_report
'''


def _candidate_tests(submission) -> list[str]:
    return sorted(name for name in submission.names() if name.startswith("test_"))


def _report(submission) -> dict:
    def compute():
        return call(
            submission,
            MUTATION_RUN,
            "Running your test_* functions",
            timeout=MUTATION_TIMEOUT,
            NAMES=_candidate_tests(submission),
            STOP_AFTER=MIN_CAUGHT,
        )

    return cached(_cache, "report", compute)


CALLABLE_TESTS = """
result = [name for name in NAMES if name.startswith("test_") and callable(globals().get(name))]
"""


@pytest.mark.group("candidate_tests")
def test_at_least_two_tests_of_your_own(submission):
    # Only functions count: a constant such as `test_size = 0.25` is not a test.
    found = call(
        submission,
        CALLABLE_TESTS,
        "Listing your test_* functions",
        NAMES=_candidate_tests(submission),
    )
    assert len(found) >= MIN_TESTS, (
        f"Found {len(found)} test_* function(s) ({', '.join(found) or 'none'}); the brief asks for "
        f"at least {MIN_TESTS}, defined at the top level of the notebook."
    )


@pytest.mark.group("candidate_tests")
def test_your_tests_pass(submission):
    report = _report(submission)
    assert report["tests"], "There are no test_* functions to run."
    failing = "; ".join(f"{name}: {error}" for name, error in report["failures"].items())
    assert not failing, (
        "Your tests fail when the grader calls them with no arguments, using only the notebook's "
        f"definitions (top-level variables do not exist then): {failing}"
    )


def _caught(submission) -> list[str]:
    report = _report(submission)
    if not report["tests"] or report["failures"]:
        pytest.fail("Your tests must exist and pass before they can catch bugs.", pytrace=False)
    return report["caught"]


@pytest.mark.group("candidate_tests")
def test_your_tests_catch_a_broken_function(submission):
    report = _report(submission)
    caught = _caught(submission)
    assert caught, (
        "Your tests still pass when your functions are deliberately broken (e.g. "
        f"{'; '.join(report['missed'][:3])}). Assert on behaviour: row counts, label values, "
        "missing-value handling, metric values on a known case."
    )


@pytest.mark.group("candidate_tests")
def test_your_tests_catch_several_broken_functions(submission):
    report = _report(submission)
    caught = _caught(submission)
    assert len(caught) >= MIN_CAUGHT, (
        f"Your tests caught {len(caught)} deliberately broken variant(s) of your functions "
        f"({'; '.join(caught) or 'none'}) but missed: {'; '.join(report['missed'])}."
    )
