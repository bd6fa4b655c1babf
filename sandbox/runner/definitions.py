"""Which parts of a submission the phase-2 candidate process loads: definitions only.

``import``, ``def``, ``class`` and assignments of literal constants are kept; every other top-level
statement (training, printing, writing files, patching builtins) is dropped. Lines starting with
``%`` or ``!`` (IPython magics, shell escapes) are removed first; a cell that does not parse is
skipped.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

DEFINITION_NODES = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Definitions:
    """Kept statements with their code cell numbers (1-based), and a note per skipped cell."""

    statements: tuple[tuple[int, ast.stmt], ...]
    skipped: tuple[str, ...]


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _names_only(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, (ast.Tuple, ast.List)) and all(_names_only(t) for t in target.elts)


def is_definition(node: ast.stmt) -> bool:
    """True for the statements the candidate process runs."""
    if isinstance(node, DEFINITION_NODES):
        return True
    if isinstance(node, ast.Assign):
        return all(_names_only(t) for t in node.targets) and _is_literal(node.value)
    if isinstance(node, ast.AnnAssign):
        return node.value is not None and _names_only(node.target) and _is_literal(node.value)
    return False


def strip_magics(source: str) -> str:
    """Drop lines whose first non-blank character is ``%`` or ``!``."""
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def extract_definitions(cells: list[str]) -> Definitions:
    """Keep the definitions of every code cell, in order."""
    body: list[tuple[int, ast.stmt]] = []
    skipped: list[str] = []
    for number, source in enumerate(cells, start=1):
        try:
            tree = ast.parse(strip_magics(source), filename=f"<cell {number}>")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            skipped.append(f"code cell {number} does not parse: {type(exc).__name__}: {exc}")
            continue
        body.extend((number, node) for node in tree.body if is_definition(node))
    return Definitions(tuple(body), tuple(skipped))


def defined_names(definitions: Definitions) -> list[str]:
    """Top-level names the kept statements bind (functions, classes, imports, constants)."""
    names: set[str] = set()
    for _, node in definitions.statements:
        names.update(_bound(node))
    return sorted(n for n in names if not n.startswith("__"))


def where_defined(definitions: Definitions, name: str, last_cell: int) -> tuple[int, int]:
    """(cell, line) of the last kept statement binding ``name``; else the last cell, line 1."""
    found = (max(last_cell, 1), 1)
    for cell, node in definitions.statements:
        if name in _bound(node):
            found = (cell, node.lineno)
    return found


def _bound(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {
            (alias.asname or alias.name.split(".")[0]) for alias in node.names if alias.name != "*"
        }
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return {n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)}
