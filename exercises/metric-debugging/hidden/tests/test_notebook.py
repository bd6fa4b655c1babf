"""Groups end_to_end and root_cause: what the notebook itself shows."""

import re

import pytest

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
        lines = cell.source.splitlines()
        for position, line in enumerate(lines):
            heading = HEADING.match(line)
            title = heading and next((part for part in heading.groups() if part), "")
            if title and "root cause" in title.lower():
                text = "\n".join(lines[position:])  # an inline "Root cause: ..." counts too
                for following in cells[index + 1 :]:
                    if following.cell_type != "markdown":
                        break
                    text += "\n" + following.source
                return text
    return None


@pytest.mark.group("end_to_end")
def test_notebook_runs_top_to_bottom(execution):
    assert execution.status == "completed", (
        f"The notebook did not run top to bottom in a fresh kernel (status {execution.status}, "
        f"{execution.cells_executed} of {execution.cells_total} code cells ran; "
        f"{execution.error}). The check cell must pass: restart the kernel and run all cells."
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


@pytest.mark.group("root_cause")
def test_root_cause_covers_the_metric_and_split_problems(submission):
    text = (_root_cause(submission.notebook) or "").lower()
    # No letter may precede a keyword ("process" is not ROC); underscores may ("time_split").
    topics = {
        "the precision/recall mix-up": "precision" in text and "recall" in text,
        "how ROC AUC was computed": bool(re.search(r"(?<![a-z])(roc|auc|auroc)(?![a-z])", text)),
        "the time split at the cutoff": bool(
            re.search(r"(?<![a-z])(split|cutoff|cut-off|cut off|boundar)", text)
        ),
    }
    missing = [topic for topic, covered in topics.items() if not covered]
    assert not missing, f"The Root cause cell does not explain: {', '.join(missing)}."
