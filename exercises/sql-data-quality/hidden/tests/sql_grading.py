"""How the sql-data-quality tests read and run a candidate's queries, entirely in the test process.

No candidate code runs while grading: the queries are string literals read from the notebook's
source with ``ast`` (``NAME = \"\"\"SELECT ...\"\"\"``, ``SANITY_CHECKS = {"name": "SELECT ..."}``),
and each one runs here, on a fresh in-memory copy of a database the test built, under an
authorizer that allows reading only (no writes, ATTACH, PRAGMA, transactions or extensions), a
limit on the CPU time it uses (progress handler; CPU time, so a busy grading machine does not fail
honest queries), a row cap and small length limits.
"""

from __future__ import annotations

import ast
import math
import re
import sqlite3
import time
from dataclasses import dataclass

QUERY_SECONDS = 2.0  # CPU seconds of this thread; the wall clock backs it up at WALL_FACTOR times
WALL_FACTOR = 15
CHECK_SECONDS = 1.0  # per sanity check and database: together they stay inside tests_timeout_s
MAX_CHECKS = 15
MAX_ROWS = 5000
MAX_SQL_CHARS = 20_000
HEAP_LIMIT_BYTES = 256 * 1024 * 1024
TOLERANCE = 1e-4  # the brief's numeric tolerance (absolute)
ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                   sqlite3.SQLITE_RECURSIVE}  # fmt: skip
DENIED_FUNCTIONS = {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}


class QueryProblem(Exception):
    """A query that is missing, not a literal, refused, too slow, or failing; the message says."""


@dataclass(frozen=True)
class Answer:
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


# --- reading the notebook --------------------------------------------------------------------
def _cell_source(source: str) -> str:
    # IPython magics and shell escapes are not Python; drop them as the runner does.
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def literal_assignments(notebook) -> dict[str, object]:
    """Top-level ``NAME = <literal>`` of the code cells, later cells winning; a name assigned
    anything else maps to ``NotALiteral``, so a computed query is reported, never evaluated."""
    found: dict[str, object] = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_cell_source(cell.source))
        except SyntaxError:
            continue
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AnnAssign) and node.value is not None:
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    value = node.value  # type: ignore[union-attr]
                    try:
                        found[target.id] = ast.literal_eval(value)
                    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                        found[target.id] = NotALiteral(ast.unparse(value)[:80])
    return found


@dataclass(frozen=True)
class NotALiteral:
    expression: str


def query_text(constants: dict[str, object], name: str) -> str:
    """The SQL string assigned to ``name``; QueryProblem says what is wrong otherwise."""
    if name not in constants:
        raise QueryProblem(f'{name} is not defined: assign it a string, {name} = """SELECT ..."""')
    value = constants[name]
    if isinstance(value, NotALiteral):
        raise QueryProblem(
            f"{name} must be a string literal (the grader reads it from the notebook, it does not "
            f"run your code), not the expression {value.expression}"
        )
    if not isinstance(value, str):
        raise QueryProblem(
            f"{name} must be a string holding one SELECT, not a {type(value).__name__}"
        )
    if not strip_comments(value).strip():
        raise QueryProblem(f"{name} is empty: write your query in it")
    if len(value) > MAX_SQL_CHARS:
        raise QueryProblem(f"{name} is longer than {MAX_SQL_CHARS} characters")
    return value


def sanity_checks(constants: dict[str, object]) -> dict[str, str]:
    """``SANITY_CHECKS``: a dict literal of check name -> SQL string (possibly empty)."""
    value = constants.get("SANITY_CHECKS")
    if value is None:
        raise QueryProblem('SANITY_CHECKS is not defined: a dict {"check name": """SELECT ..."""}')
    if isinstance(value, NotALiteral) or not isinstance(value, dict):
        raise QueryProblem("SANITY_CHECKS must be a dict literal of check name -> SQL string")
    if len(value) > MAX_CHECKS:
        raise QueryProblem(
            f"SANITY_CHECKS holds {len(value)} checks; at most {MAX_CHECKS} are graded, so keep "
            "one per promise"
        )
    checks = {}
    for key, sql in value.items():
        if not isinstance(key, str) or not isinstance(sql, str):
            raise QueryProblem("SANITY_CHECKS must map names (strings) to SQL strings")
        if strip_comments(sql).strip():
            checks[key] = sql[:MAX_SQL_CHARS]
    return checks


def strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S)


# --- running a query -------------------------------------------------------------------------
def _authorize(action: int, first, second, database, trigger) -> int:
    if action not in ALLOWED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and str(second).lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def run_query(
    sql: str, database: bytes, name: str = "the query", seconds: float = QUERY_SECONDS
) -> Answer:
    """``sql`` on a fresh read-only copy of ``database``; QueryProblem when refused or failing."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(f"PRAGMA hard_heap_limit={HEAP_LIMIT_BYTES}")
        connection.deserialize(database)
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1_000_000)
        connection.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_CHARS + 100)
        connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        if hasattr(connection, "enable_load_extension"):  # absent where SQLite lacks it
            connection.enable_load_extension(False)
        cpu_deadline = time.thread_time() + seconds
        wall_deadline = time.monotonic() + seconds * WALL_FACTOR

        def out_of_time() -> bool:
            return time.thread_time() > cpu_deadline or time.monotonic() > wall_deadline

        connection.set_progress_handler(lambda: int(out_of_time()), 2000)
        connection.set_authorizer(_authorize)
        try:
            cursor = connection.execute(sql)
            if cursor.description is None:
                raise QueryProblem(f"{name} is not a SELECT (it returns no result set)")
            rows = cursor.fetchmany(MAX_ROWS + 1)
        except sqlite3.Error as error:
            if out_of_time():
                raise QueryProblem(
                    f"{name} used more than {seconds:g} s of CPU time and was stopped"
                ) from None
            raise QueryProblem(f"{name} failed: {type(error).__name__}: {error}") from None
        except (OverflowError, MemoryError, ValueError) as error:
            raise QueryProblem(f"{name} failed: {type(error).__name__}: {error}") from None
        if len(rows) > MAX_ROWS:
            raise QueryProblem(f"{name} returned more than {MAX_ROWS} rows")
        columns = tuple(str(d[0]).strip().lower() for d in cursor.description)
        return Answer(columns, tuple(tuple(row) for row in rows))
    finally:
        connection.close()


# --- comparing answers -----------------------------------------------------------------------
def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=TOLERANCE)
    return a == b


def _sort_key(row: tuple) -> tuple:
    return tuple(
        (0, round(v, 3)) if isinstance(v, (int, float)) else (1, "") if v is None else (2, str(v))
        for v in row
    )


def difference(actual: Answer, expected: Answer, *, ordered: bool) -> str | None:
    """None when the answers match (numbers within TOLERANCE); otherwise what differs."""
    if actual.columns != expected.columns:
        return f"columns are {list(actual.columns)}, the brief asks for {list(expected.columns)}"
    got, want = list(actual.rows), list(expected.rows)
    if not ordered:
        got, want = sorted(got, key=_sort_key), sorted(want, key=_sort_key)
    if len(got) != len(want):
        return f"{len(got)} rows, expected {len(want)}"
    for index, (a, b) in enumerate(zip(got, want, strict=True)):
        if len(a) != len(b) or not all(_same(x, y) for x, y in zip(a, b, strict=True)):
            where = f"row {index + 1}" if ordered else "after sorting, a row"
            return f"{where} is {a!r}, expected {b!r}"
    return None
