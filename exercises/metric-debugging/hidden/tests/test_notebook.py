"""Groups end_to_end and root_cause: what the notebook itself shows.

The Root cause is read as rendered, visible text. Naming topics earns nothing: each planted defect
needs one sentence that states its mechanism (what the code did wrong and what it should do).
"""

import re

import pytest
from sandbox.runner.text import visible_text

PLACEHOLDER = "replace this text"
MIN_WORDS = 30
# A markdown heading ("## Root cause"), or a line that reads like one ("**Root cause**").
HEADING = re.compile(
    r"^\s{0,3}(?:#{1,6}\s*(.*)|(?:\*\*|__)\s*(.*?)(?:\*\*|__).*|(root cause)\s*:?.*)$", re.I
)


def _root_cause(notebook) -> str | None:
    """The text under the first heading containing "root cause", up to the next code cell."""
    cells = notebook.cells
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        lines = visible_text(cell.source).splitlines()
        for position, line in enumerate(lines):
            heading = HEADING.match(line)
            title = heading and next((part for part in heading.groups() if part), "")
            if title and "root cause" in title.lower():
                text = "\n".join(lines[position:])  # an inline "Root cause: ..." counts too
                for following in cells[index + 1 :]:
                    if following.cell_type != "markdown":
                        break
                    text += "\n" + visible_text(following.source)
                return text
    return None


@pytest.mark.group("end_to_end")
def test_notebook_runs_top_to_bottom(execution):
    assert execution.status == "completed", (
        f"The notebook did not run top to bottom in a fresh kernel (status {execution.status}, "
        f"{execution.cells_executed} of {execution.cells_total} code cells ran; "
        f"{execution.error}). The check cell must pass: restart the kernel and run all cells."
    )
    assert not execution.unexecuted, (
        "Code cells "
        + ", ".join(str(n) for n in execution.unexecuted)
        + " did not run in a fresh kernel: every code cell must run, top to bottom."
    )


@pytest.mark.group("root_cause")
def test_root_cause_cell_is_present(submission):
    text = _root_cause(submission.notebook)
    assert text is not None, 'Add a markdown cell headed "Root cause" (e.g. "## Root cause").'
    words = re.findall(r"\w+", text)
    assert PLACEHOLDER not in text.lower() and len(words) >= MIN_WORDS, (
        "The Root cause cell still holds the starter placeholder or is very short "
        f"({len(words)} words): explain what was wrong, why, and how you fixed it."
    )


# Each planted defect, and what a sentence stating its mechanism contains: every pattern of one
# row must match the same sentence. Sentences also need the shape of prose (SENTENCE_WORDS).
MECHANISMS = {
    "precision and recall were swapped (each divided by the other's denominator)": (
        r"precision",
        r"recall",
        r"swap|switch|exchang|interchang|revers|mix(ed)?[ -]?up|the other|wrong denominator"
        r"|backwards|inverted|confus|tp\s*\+\s*f[pn]",
    ),
    "ROC AUC was computed from thresholded 0/1 predictions instead of the scores": (
        r"(?<![a-z])(roc|auc|auroc)(?![a-z])",
        r"threshold|0/1|hard|binary|predicted labels|y_pred|predictions",
        r"score|probabilit|rank",
    ),
    "the cutoff day landed on both sides of the split (<= and >=)": (
        r"cutoff|cut-off|cut off|boundary|4 march|march 4|2024-03-04|the day",
        r"both|twice|duplicat|overlap|<=|inclusive|in train and|each side",
    ),
}
SENTENCE_WORDS = 6
FUNCTION_WORDS = {
    "the", "a", "an", "was", "were", "is", "are", "of", "on", "in", "to", "by", "so", "and",
    "instead", "which", "from", "for", "it", "its", "that", "with", "than", "as",
}  # fmt: skip


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?;])\s+|\n\s*\n|\n\s*(?:[-*]|\d+[.)])\s+", text)
    return [part for part in parts if _prose(part)]


def _prose(sentence: str) -> bool:
    words = re.findall(r"[a-z][a-z'/-]*", sentence.lower())
    return len(words) >= SENTENCE_WORDS and sum(w in FUNCTION_WORDS for w in words) >= 2


def _explains(text: str, patterns: tuple[str, ...]) -> bool:
    return any(
        all(re.search(pattern, sentence, re.I) for pattern in patterns)
        for sentence in _sentences(text)
    )


@pytest.mark.group("root_cause")
@pytest.mark.parametrize("defect", list(MECHANISMS))
def test_root_cause_states_each_defects_mechanism(submission, defect):
    text = _root_cause(submission.notebook) or ""
    assert _explains(text, MECHANISMS[defect]), (
        f"The Root cause cell does not explain this problem in a sentence: {defect}. Say what the "
        "code did, why that produced the numbers it did, and how you fixed it."
    )
