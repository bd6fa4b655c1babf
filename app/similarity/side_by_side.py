"""The side-by-side view: both notebooks' cells with the regions that share fingerprints marked.

Returns plain segments (text, matched); the template escapes them and wraps matched ones in
<mark>, so the page is server-rendered spans under the app's strict CSP, with no script.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.similarity.fingerprints import KINDS, Fingerprint, notebook_cells, notebook_fingerprints


@dataclass(frozen=True)
class CellView:
    index: int
    kind: str
    segments: list[tuple[str, bool]]

    @property
    def matched(self) -> bool:
        return any(marked for _, marked in self.segments)


def _segments(source: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        if start > at:
            out.append((source[at:start], False))
        out.append((source[start:end], True))
        at = end
    if at < len(source):
        out.append((source[at:], False))
    return out


def _cells(data: bytes, prints: dict[str, list[Fingerprint]], shared: dict[str, set[int]]):
    spans: dict[int, list[tuple[int, int]]] = {}
    for kind in KINDS:
        for p in prints[kind]:
            if p.hash in shared[kind]:
                spans.setdefault(p.cell, []).append((p.start, p.end))
    return [
        CellView(index, cell_type, _segments(source, spans.get(index, [])))
        for index, (cell_type, source) in enumerate(notebook_cells(data))
        if cell_type in KINDS
    ]


def side_by_side(
    left: bytes, right: bytes, base: dict[str, frozenset[int]]
) -> tuple[list[CellView], list[CellView]]:
    """Cells of both notebooks, the spans of fingerprints they share (base code excluded) marked."""
    left_prints, right_prints = notebook_fingerprints(left), notebook_fingerprints(right)
    shared = {
        kind: ({p.hash for p in left_prints[kind]} & {p.hash for p in right_prints[kind]})
        - base[kind]
        for kind in KINDS
    }
    return _cells(left, left_prints, shared), _cells(right, right_prints, shared)
