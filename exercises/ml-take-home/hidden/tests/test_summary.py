"""Group summary: a markdown cell headed "Summary" with results and next steps."""

import re

import pytest

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
        lines = cell.source.splitlines()
        for position, line in enumerate(lines):
            heading = HEADING.match(line)
            title = heading and next((part for part in heading.groups() if part), "")
            if title and "summary" in title.lower():
                text = "\n".join(lines[position:])  # an inline "Summary: ..." counts too
                for following in cells[index + 1 :]:
                    if following.cell_type != "markdown":
                        break
                    text += "\n" + following.source
                return text
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
