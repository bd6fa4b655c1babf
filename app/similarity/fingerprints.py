"""Notebook fingerprints by k-gram winnowing (Schleimer, Wilkerson & Aiken, SIGMOD 2003 — MOSS).

Code cells are tokenized with Python's own `tokenize`: comments, blank lines, line breaks inside
brackets and indentation widths vanish; every identifier becomes `V` except attribute names,
keyword-argument names, builtins and names imported from libraries (API names a renamer does
not touch; found with `ast`); every number becomes
`N` and every string `S`; `;` counts as a line break. Markdown cells are compared separately as
lower-cased words. Every k-gram of normalised tokens is hashed and winnowing keeps the minimum
hash of each window of w consecutive k-grams, so any match of at least w + k - 1 tokens is found.
Each fingerprint remembers the cell and the source span (character offsets) it covers, for the
side-by-side view. Pure functions on plain values: no database, no Flask.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import io
import keyword
import re
import tokenize
from dataclasses import dataclass

import nbformat

CODE, MARKDOWN = "code", "markdown"
KINDS = (CODE, MARKDOWN)
# (k, w): code matches of >= 17 tokens (about two lines) and prose runs of >= 9 words are found.
GRAMS = {CODE: (12, 6), MARKDOWN: (6, 4)}
_BUILTINS = frozenset(dir(builtins))
_WORD = re.compile(r"\w+")
_SKIPPED = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
    tokenize.INDENT,
    tokenize.DEDENT,
}


@dataclass(frozen=True)
class Token:
    text: str  # the normalised form
    cell: int
    start: int  # character offsets in the cell's source
    end: int


@dataclass(frozen=True)
class Fingerprint:
    hash: int  # signed 64-bit, as the database stores it
    cell: int
    start: int
    end: int


def notebook_cells(data: bytes | str) -> list[tuple[str, str]]:
    """(cell type, source) of every cell; an unreadable notebook has none."""
    try:
        notebook = nbformat.reads(data.decode() if isinstance(data, bytes) else data, as_version=4)
    except Exception:
        return []
    return [(cell.cell_type, str(cell.source)) for cell in notebook.cells]


def _without_magics(source: str) -> str:
    """IPython magics and shell lines blanked (same line count, so offsets stay valid)."""
    return "".join(
        "\n" if line.lstrip().startswith(("%", "!")) else line
        for line in source.splitlines(keepends=True)
    )


def imported_names(sources: list[str]) -> frozenset[str]:
    """Names bound by `from x import name` (library API, kept); `import x as alias` aliases are
    the author's choice and are abstracted like any variable."""
    names: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(_without_magics(source))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names.update(alias.name for alias in node.names if alias.asname is None)
            elif isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names if a.asname is None)
    return frozenset(names)


def code_tokens(source: str, cell: int, library: frozenset[str] = frozenset()) -> list[Token]:
    """Normalised tokens of one code cell (`library`: imported names, kept as they are)."""
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    cleaned = _without_magics(source)
    tokens: list[Token] = []
    depth = 0
    previous = ""
    try:
        raw = list(tokenize.generate_tokens(io.StringIO(cleaned).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return tokens
    for index, tok in enumerate(raw):
        if tok.type in _SKIPPED:
            continue
        text = tok.string
        if tok.type == tokenize.NAME and not keyword.iskeyword(text):
            following = raw[index + 1].string if index + 1 < len(raw) else ""
            api_name = (
                previous == "."
                or text in _BUILTINS
                or text in library
                or (depth > 0 and following == "=")
            )
            text = text if api_name else "V"
        elif tok.type == tokenize.NUMBER:
            text = "N"
        elif tok.type == tokenize.STRING:
            text = "S"
        elif tok.type == tokenize.NEWLINE or text == ";":
            text = ";"
        elif text in "([{":
            depth += 1
        elif text in ")]}":
            depth = max(0, depth - 1)
        previous = tok.string
        if text == ";" and (not tokens or tokens[-1].text in (";", ":")):
            # empty statements, trailing semicolons and a block's body on its own line or
            # after the colon change nothing
            continue
        start = _offset(offsets, tok.start)
        end = _offset(offsets, tok.end)
        tokens.append(Token(text, cell, start, max(start, end)))
    return tokens


def _offset(offsets: list[int], position: tuple[int, int]) -> int:
    row, col = position
    return offsets[min(row - 1, len(offsets) - 1)] + col


def markdown_tokens(source: str, cell: int) -> list[Token]:
    return [
        Token(match.group().lower(), cell, match.start(), match.end())
        for match in _WORD.finditer(source)
    ]


def tokens_of(cells: list[tuple[str, str]], kind: str) -> list[Token]:
    tokens: list[Token] = []
    library = imported_names([source for cell_type, source in cells if cell_type == CODE])
    for index, (cell_type, source) in enumerate(cells):
        if cell_type != kind:
            continue
        if kind == CODE:
            tokens.extend(code_tokens(source, index, library))
        else:
            tokens.extend(markdown_tokens(source, index))
        if kind == CODE and tokens and tokens[-1].text != ";":
            tokens.append(Token(";", index, len(source), len(source)))
    return tokens


def _hash(text: str) -> int:
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def winnow(tokens: list[Token], k: int, w: int) -> list[Fingerprint]:
    """The winnowed fingerprints of a token stream (rightmost minimum per window, deduplicated)."""
    if len(tokens) < k:
        return []
    grams = [
        Fingerprint(
            _hash(" ".join(t.text for t in tokens[i : i + k])),
            tokens[i].cell,
            tokens[i].start,
            # a k-gram spanning cells is credited to its first cell, up to that cell's last token
            max(t.end for t in tokens[i : i + k] if t.cell == tokens[i].cell),
        )
        for i in range(len(tokens) - k + 1)
    ]
    chosen: dict[int, Fingerprint] = {}
    for i in range(max(1, len(grams) - w + 1)):
        window = grams[i : i + w]
        low = min(g.hash for g in window)
        pick = max(j for j, g in enumerate(window) if g.hash == low)
        chosen.setdefault(i + pick, window[pick])
    return [chosen[i] for i in sorted(chosen)]


def fingerprints(cells: list[tuple[str, str]], kind: str) -> list[Fingerprint]:
    k, w = GRAMS[kind]
    return winnow(tokens_of(cells, kind), k, w)


def notebook_fingerprints(data: bytes | str) -> dict[str, list[Fingerprint]]:
    cells = notebook_cells(data)
    return {kind: fingerprints(cells, kind) for kind in KINDS}


def base_hashes(notebooks: list[bytes | str]) -> dict[str, frozenset[int]]:
    """Hashes of code everyone was given (starter, reference answers): never evidence of copying."""
    found: dict[str, set[int]] = {kind: set() for kind in KINDS}
    for data in notebooks:
        cells = notebook_cells(data)
        for kind in KINDS:
            # every k-gram (a window of 1), not just the winnowed ones: a submission that keeps
            # the starter code may winnow other k-grams of it at the edges of its own changes
            k, _ = GRAMS[kind]
            found[kind].update(p.hash for p in winnow(tokens_of(cells, kind), k, 1))
    return {kind: frozenset(hashes) for kind, hashes in found.items()}
