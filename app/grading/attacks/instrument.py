"""Source-level attacks: rewrite the body of every top-level function of a notebook.

A wrapper installed while the definitions load can be undone by a grader that rebinds functions
from the notebook's source; code written into the functions themselves cannot. Each top-level
function (names starting with ``_`` or ``test_`` are left alone) gets, as asked:
``prologue`` statements first (``{name}`` is the function's name), every ``return X`` rewritten
as ``return WRAP(*EXTRA, X)``, and its body wrapped in ``try/except BaseException: ON_ERROR; raise``
and ``finally: AFTER``. A cell that does not parse is left as it is.
"""

from __future__ import annotations

import ast
import copy

import nbformat


class _Returns(ast.NodeTransformer):
    def __init__(self, wrap: str, extra: tuple[str, ...]) -> None:
        self.wrap, self.extra = wrap, extra

    def visit_FunctionDef(self, node):  # nested functions keep their own returns
        return node

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_Return(self, node: ast.Return) -> ast.Return:
        value = node.value or ast.Constant(None)
        args = [ast.Name(name, ast.Load()) for name in self.extra] + [value]
        return ast.Return(ast.Call(ast.Name(self.wrap, ast.Load()), args, []))


def _statements(source: str, name: str) -> list[ast.stmt]:
    return ast.parse(source.replace("{name}", repr(name))).body


def _rewrite(
    function: ast.FunctionDef,
    prologue: str | None,
    wrap_return: tuple[str, tuple[str, ...]] | None,
    on_error: str | None,
    after: str | None,
) -> None:
    body = list(function.body)
    docstring = []
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        docstring = [body.pop(0)]
    if wrap_return is not None:
        transformer = _Returns(*wrap_return)
        body = [transformer.visit(statement) for statement in body]
    if on_error is not None or after is not None:
        handlers = []
        if on_error is not None:
            handlers = [
                ast.ExceptHandler(
                    ast.Name("BaseException", ast.Load()),
                    None,
                    [*_statements(on_error, function.name), ast.Raise()],
                )
            ]
        final = _statements(after, function.name) if after is not None else []
        body = [ast.Try(body or [ast.Pass()], handlers, [], final)]
    head = _statements(prologue, function.name) if prologue is not None else []
    function.body = docstring + head + body


def instrument(
    notebook: nbformat.NotebookNode,
    *,
    prologue: str | None = None,
    wrap_return: tuple[str, tuple[str, ...]] | None = None,
    on_error: str | None = None,
    after: str | None = None,
) -> nbformat.NotebookNode:
    hostile = copy.deepcopy(notebook)
    for cell in hostile.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        changed = False
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith(("_", "test_")):
                _rewrite(node, prologue, wrap_return, on_error, after)
                changed = True
        if changed:
            cell.source = ast.unparse(ast.fix_missing_locations(tree))
    return hostile
