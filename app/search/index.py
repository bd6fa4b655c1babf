"""Each candidate's search document and the full-text index over it.

`Candidate.search_text` holds name, email, location, tags, notes and résumé text; `refresh` rebuilds
it whenever one of them changes. SQLite indexes it with an FTS5 external-content table kept in step
by triggers; PostgreSQL matches `to_tsvector('simple', search_text)` directly.
"""

from __future__ import annotations

import re

from sqlalchemy import DDL, ColumnElement, event, func, literal_column, select, text
from sqlalchemy.engine import Connection

from app.extensions import db
from app.models import Candidate, Note

FTS_TABLE = "candidate_search"
_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "search_text, content='candidates', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON candidates BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON candidates BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF search_text ON candidates BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
)
SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)


def is_index_table(name: str | None) -> bool:
    """The FTS5 table and its shadow tables: not models, so schema comparisons skip them."""
    return bool(name) and (name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_"))


def create_sqlite_index(connection: Connection) -> None:
    for statement in SQLITE_DDL:
        connection.execute(text(statement))
    connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))


@event.listens_for(Candidate.__table__, "after_create")
def _index_created_with_the_table(target, connection: Connection, **kw) -> None:
    if connection.dialect.name == "sqlite":
        create_sqlite_index(connection)


@event.listens_for(Candidate.__table__, "before_drop")
def _index_dropped_with_the_table(target, connection: Connection, **kw) -> None:
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            connection.execute(DDL(statement))


def document(candidate: Candidate) -> str:
    """What search finds a candidate by."""
    notes = db.session.scalars(select(Note.body).where(Note.candidate_id == candidate.id))
    resume = candidate.resume.text if candidate.resume is not None else ""
    # The email's parts too: PostgreSQL's parser keeps an address as one token.
    email_words = " ".join(_TOKEN.findall(candidate.email))
    parts = [candidate.name, candidate.email, email_words, candidate.location, candidate.tags]
    parts += [*notes, resume]
    return "\n".join(part for part in parts if part)


def refresh(candidate: Candidate) -> None:
    """Rebuild the candidate's search document after a change to anything it holds."""
    db.session.flush()
    candidate.search_text = document(candidate)
    db.session.flush()


def terms(query: str) -> list[str]:
    """The words of a query (punctuation and operators dropped, so no input is a syntax error)."""
    return [token.lower() for token in _TOKEN.findall(query)][:MAX_TERMS]


def matches(query: str) -> ColumnElement[bool]:
    """A WHERE clause on Candidate: every word of `query` occurs (as a word prefix)."""
    words = terms(query)
    if not words:
        return Candidate.id.is_not(None)
    if db.engine.dialect.name == "postgresql":
        tsquery = func.to_tsquery("simple", " & ".join(f"{word}:*" for word in words))
        return func.to_tsvector("simple", Candidate.search_text).op("@@")(tsquery)
    fts = " ".join(f'"{word}"*' for word in words)
    hits = (
        select(literal_column("rowid"))
        .select_from(text(FTS_TABLE))
        .where(text(f"{FTS_TABLE} MATCH :fts").bindparams(fts=fts))
    )
    return Candidate.id.in_(hits)
