"""A portable SQL expression for the seconds between two timestamps (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement[float]):  # lower case: used like the SQL function
    """seconds_between(later, earlier): `later - earlier` in seconds, as a float."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


def _operands(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    later, earlier = list(element.clauses)
    return compiler.process(later, **kw), compiler.process(earlier, **kw)


@compiles(seconds_between, "sqlite")
def _sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite stores UTC datetimes as ISO text; julianday() reads them (days, double precision).
    later, earlier = _operands(element, compiler, **kw)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _postgresql(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = _operands(element, compiler, **kw)
    return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION)"


@compiles(seconds_between)
def _unsupported(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"seconds_between is not implemented for {compiler.dialect.name}")
