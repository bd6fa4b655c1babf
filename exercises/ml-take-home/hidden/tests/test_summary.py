"""Group summary: a markdown cell headed "Summary" with results and next steps, honestly reported.

Only the rendered, visible text counts (`visible_text`: no HTML comments or hidden elements). The
ROC AUC and average precision the Summary reports are compared with the grader's own measurement of
the candidate's pipeline under the brief's protocol (baseline.py's validation split: 75/25,
stratified, seed 0); a headline claim more than CLAIM_TOLERANCE above it is an overclaim: the
check fails and a red flag is recorded for the interviewer.
"""

import re

import pytest
from churn_support import FIT_ON_TRAIN, LABEL, call, split, train_frame, valid_scores
from sandbox.runner.text import visible_text
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

CLAIM_TOLERANCE = 0.05  # stated in the brief
NUMBER = r"(\d{1,3}(?:\.\d+)?\s?%|[01]?\.\d+)"
METRICS = {
    "ROC AUC": r"roc[\s_-]*auc|auroc|au[\s-]?roc|(?<!pr[\s_-])(?<![a-z])auc(?![a-z])",
    "average precision": r"average[\s_-]+precision|(?<![a-z])ap(?![a-z])|pr[\s_-]*auc|auprc",
}

PLACEHOLDER = "replace this text"
MIN_WORDS = 60
# A markdown heading ("## Summary"), or a line that reads like one ("**Summary**", "Summary:").
HEADING = re.compile(
    r"^\s{0,3}(?:#{1,6}\s*(.*)|(?:\*\*|__)\s*(.*?)(?:\*\*|__).*|(summary)\s*:?.*)$", re.I
)


def _summary(notebook) -> str | None:
    """The text under the first heading containing "summary", up to the next code cell."""
    cells = notebook.cells
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        lines = visible_text(cell.source).splitlines()
        for position, line in enumerate(lines):
            heading = HEADING.match(line)
            title = heading and next((part for part in heading.groups() if part), "")
            if title and "summary" in title.lower():
                text = "\n".join(lines[position:])  # an inline "Summary: ..." counts too
                for following in cells[index + 1 :]:
                    if following.cell_type != "markdown":
                        break
                    text += "\n" + following.source
                return visible_text(text)
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9][\w.%'-]*", text)


@pytest.mark.group("summary")
def test_summary_cell_is_present(submission):
    text = _summary(submission.notebook)
    assert text is not None, 'Add a markdown cell headed "Summary" (e.g. "## Summary").'
    assert PLACEHOLDER not in text.lower() and len(_words(text)) >= 15, (
        "The Summary cell still holds the starter placeholder or is nearly empty: "
        "write your results and next steps there."
    )


@pytest.mark.group("summary")
def test_summary_reports_results_and_next_steps(submission):
    text = _summary(submission.notebook) or ""
    words = _words(text)
    assert len(words) >= MIN_WORDS, (
        f"The Summary has {len(words)} words; give at least {MIN_WORDS}: the results, the choices "
        "you made, limitations and next steps."
    )
    assert re.search(r"\d\.\d|\d\s?%", text), (
        "The Summary states no numbers: report your results (e.g. ROC AUC on validation, "
        "compared with the baseline)."
    )
    next_steps = (
        r"\b(next|would|could|should|future|further|improv\w*|try|todo|to do|follow[- ]up)\b"
    )
    assert re.search(next_steps, text, re.IGNORECASE), (
        "The Summary does not say what you would do next."
    )


def _claims(text: str) -> dict[str, float]:
    """The first number reported for each metric ("ROC AUC of about 0.79", "AP: 50%")."""
    found = {}
    for metric, name in METRICS.items():
        match = re.search(rf"(?:{name})[^0-9.%\n]{{0,40}}?{NUMBER}", text, re.I)
        if match:
            raw = match.group(1).replace(" ", "")
            found[metric] = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    return found


def _measured(submission, starter) -> dict[str, float]:
    train = train_frame(starter)
    fit_part, valid_part = train_test_split(
        train, test_size=0.25, stratify=train[LABEL], random_state=0
    )
    X_train, y_train = split(fit_part)
    X_valid, y_valid = split(valid_part)
    with submission.fresh() as process:
        scores = call(
            process,
            FIT_ON_TRAIN + "result = _hl_scores(_hl_model, X)",
            "Fitting build_pipeline() on the brief's validation split",
            X_train=X_train,
            y_train=y_train,
            X=X_valid,
        )
    scores = valid_scores(scores, len(X_valid), "Predicting the validation split")
    return {
        "ROC AUC": roc_auc_score(y_valid, scores),
        "average precision": average_precision_score(y_valid, scores),
    }


@pytest.mark.group("summary")
def test_summary_numbers_match_the_pipeline(submission, starter, red_flag):
    claims = _claims(_summary(submission.notebook) or "")
    assert claims, (
        "The Summary reports no ROC AUC or average precision of your pipeline: state what you "
        "measured (e.g. 'validation ROC AUC 0.78, baseline 0.67')."
    )
    measured = _measured(submission, starter)
    over = {
        metric: value
        for metric, value in claims.items()
        if value > measured[metric] + CLAIM_TOLERANCE
    }
    if over:
        detail = "; ".join(
            f"{metric} {value:.3f} reported, {measured[metric]:.3f} measured"
            for metric, value in over.items()
        )
        red_flag("overclaim", f"the Summary reports more than the pipeline achieves: {detail}")
    assert not over, (
        "The Summary reports better numbers than your pipeline achieves under the brief's "
        f"protocol (baseline.py's validation split): {detail}. Report what you measured."
    )
