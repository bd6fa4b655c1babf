"""What a reader sees when a markdown cell is rendered, for checks on a candidate's prose.

Hidden tests read this, never ``cell.source``: text in HTML comments, ``<script>``/``<style>``,
elements marked ``hidden`` or ``display:none``, attribute values (link targets, image sources,
alt text) and markdown link targets is invisible when rendered, so it must not earn points.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape
from html.parser import HTMLParser
from typing import Any

INVISIBLE_TAGS = {"script", "style", "template", "head", "title", "noscript", "iframe", "object"}
VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base"}
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0", re.I)
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](target) / ![alt](src): keep the text only
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S.*$", re.M)


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0
        self._stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            if tag in ("br", "hr"):
                self.parts.append("\n")
            return
        values = dict(attrs)
        hidden = (
            tag in INVISIBLE_TAGS
            or "hidden" in values
            or values.get("aria-hidden") == "true"
            or bool(HIDDEN_STYLE.search(values.get("style") or ""))
        )
        self._stack.append(hidden)
        self._hidden_depth += hidden
        if tag in ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS or not self._stack:
            return
        self._hidden_depth -= self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def visible_text(markdown: str) -> str:
    """The visible text of a markdown cell (markup characters kept where they are plain text)."""
    text = REFERENCE_DEFINITION.sub("", markdown)
    text = re.sub(r"<!--.*?(-->|$)", "", text, flags=re.S)  # comments, closed or not
    text = LINK.sub(r"\1", text)
    parser = _Visible()
    parser.feed(text)
    parser.close()
    return unescape("".join(parser.parts))


# A markdown heading ("## Summary"), or a line that reads like one ("**Summary**").
HEADING_LINE = re.compile(r"^\s{0,3}(?:#{1,6}\s*(.*)|(?:\*\*|__)\s*(.*?)(?:\*\*|__).*)$")


def _source(cell: Any) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def section(cells: Iterable[Any], heading: str) -> str | None:
    """The visible text of a notebook's section: from the first heading whose title contains
    `heading` (case-insensitive; also a bold line, or a line starting "Heading:") to the next code
    cell, heading line included. None when no markdown cell has such a heading. `cells` are
    notebook cells (nbformat nodes or the plain dicts of the JSON)."""
    wanted = heading.lower()
    cells = list(cells)
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        lines = visible_text(_source(cell)).splitlines()
        for position, line in enumerate(lines):
            match = HEADING_LINE.match(line)
            title = next((part for part in match.groups() if part), "") if match else ""
            if wanted in title.lower() or line.lstrip().lower().startswith(wanted):
                parts = ["\n".join(lines[position:])]  # an inline "Summary: ..." counts too
                for following in cells[index + 1 :]:
                    if following.get("cell_type") != "markdown":
                        break
                    parts.append(visible_text(_source(following)))
                return "\n".join(parts)
    return None
