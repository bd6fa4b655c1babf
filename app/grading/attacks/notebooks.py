"""Notebook transformations the attacks are made of: each takes an honest notebook and returns a
hostile copy (the input is never changed)."""

from __future__ import annotations

import copy
import random
import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell

from app.grading.attacks.kit import KIT

PLACEHOLDER = re.compile(r"[^\n]*replace this text[^\n]*", re.IGNORECASE)
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S", re.MULTILINE)


def copied(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return copy.deepcopy(notebook)


def triggered(call: str, trigger: str) -> str:
    """Source that runs `call` while the definitions load, through the chosen trigger."""
    if trigger == "class_body":
        return f"class _RTSettings:\n    state = {call}\n"
    if trigger == "decorator":
        return (
            "def _rt_register(function):\n"
            f"    function.state = {call}\n"
            "    return function\n\n\n"
            "@_rt_register\n"
            "def _rt_helper():\n"
            "    return None\n"
        )
    if trigger == "default_argument":
        return f"def _rt_helper(state={call}):\n    return state\n"
    raise ValueError(f"unknown trigger {trigger!r}")


def before_first_code(notebook: nbformat.NotebookNode, source: str) -> nbformat.NotebookNode:
    """A copy with a code cell holding `source` before every other code cell (so the functions
    the notebook calls in phase 1 already find the helpers they were rewritten to use)."""
    hostile = copied(notebook)
    first = next((i for i, c in enumerate(hostile.cells) if c.cell_type == "code"), 0)
    hostile.cells.insert(first, new_code_cell(source))
    return hostile


def with_kit(
    notebook: nbformat.NotebookNode, *calls: str, trigger: str = "class_body", extra: str = ""
):
    """The kit before the first code cell; `extra` and the triggers of `calls` as the last code
    cell, after every definition."""
    hostile = before_first_code(notebook, KIT)
    body = "\n\n".join(triggered(call, trigger) for call in calls)
    if extra or body:
        hostile.cells.append(new_code_cell(extra + "\n\n" + body))
    return hostile


def tag_code_cells(notebook: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    """Every code cell carries an execution-changing tag (and its alternative spellings)."""
    hostile = copied(notebook)
    for cell in hostile.cells:
        if cell.cell_type == "code":
            tags = list(cell.metadata.get("tags", []))
            cell.metadata["tags"] = [*tags, tag]
    return hostile


def vocabulary(*texts: str, count: int = 240, seed: int = 12) -> str:
    """A word salad: every distinct word of the texts, shuffled, with a few numbers."""
    words = sorted(
        {w.lower() for text in texts for w in re.findall(r"[A-Za-z][A-Za-z_-]{2,}", text)}
    )
    rng = random.Random(seed)
    rng.shuffle(words)
    numbers = ["0.96", "0.91", "18%", "0.05", "next", "improve", "would", "try"]
    return " ".join((words * (1 + count // max(len(words), 1)))[:count] + numbers)


def rewrite_markdown(notebook: nbformat.NotebookNode, write) -> nbformat.NotebookNode:
    """Drop placeholder lines; append `write(cell source)` to each markdown cell with a heading.

    When no markdown cell has a heading, one cell per heading of the brief is added instead."""
    hostile = copied(notebook)
    touched = False
    for cell in hostile.cells:
        if cell.cell_type != "markdown" or not HEADING.search(cell.source):
            continue
        cell.source = PLACEHOLDER.sub("", cell.source).rstrip() + "\n\n" + write(cell.source)
        touched = True
    if not touched:
        hostile.cells.append(new_markdown_cell("## Summary\n\n" + write("")))
    return hostile


def hidden_html(text: str) -> str:
    """Text a reader of the rendered notebook never sees."""
    return (
        f'<!-- {text} -->\n\n<div hidden>{text}</div>\n\n<span style="display:none">{text}</span>\n'
    )


OVERCLAIM = (
    "The final pipeline reaches a ROC AUC of 0.99 and an average precision of 0.97 on the held-out "
    "validation split, against 0.66 and 0.31 for the baseline; recall is 0.95 at precision 0.93 at "
    "the chosen threshold of 0.3, accuracy 0.98, F1 0.94. Every defect was fixed and each fix is "
    "covered by a regression test: the precision and recall mix-up, the split overlap at the "
    "cutoff, the leaking refund column, missing values and unseen categories. Next steps: I would "
    "monitor drift, recalibrate monthly, try gradient boosting and improve the feature set further."
)
