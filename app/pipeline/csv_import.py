"""Import candidates into a job from a CSV file: every row checked before anything is written."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from app.auth import policy
from app.auth.operations import normalise_email
from app.errors import DomainError
from app.extensions import db
from app.models import Application, Candidate, Job, User
from app.pipeline.operations import SOURCES, apply
from app.search import index as search_index

MAX_IMPORT_BYTES = 2_000_000
MAX_IMPORT_ROWS = 5_000
REQUIRED_COLUMNS = ("name", "email")
OPTIONAL_COLUMNS = ("source",)
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class RowError:
    line: int  # the line number in the file, header = 1, as a spreadsheet shows it
    message: str


@dataclass(frozen=True)
class CandidateRow:
    line: int
    name: str
    email: str
    source: str


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)  # names, in file order
    reapplied: list[str] = field(default_factory=list)  # existing candidates added to this job
    # The same people's records (found by email): the report links to each one.
    reapplied_ids: list[int] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)


class ImportRejected(DomainError):
    """Some rows are invalid and the user did not choose to skip them: nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            f"Nothing was imported: {len(errors)} row(s) need fixing. Correct them and upload "
            "again, or tick “skip invalid rows” to import the others.",
            field="file",
        )
        self.errors = errors


def read_rows(data: bytes) -> tuple[list[CandidateRow], list[RowError]]:
    """Parse and check the file on its own (no database): well-formed rows and row errors."""
    if len(data) > MAX_IMPORT_BYTES:
        raise DomainError(
            f"The file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB; split it.", field="file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DomainError(
            "Save the file as UTF-8 CSV and upload it again.", field="file"
        ) from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise DomainError(
            f"The first line must name the columns; missing: {', '.join(missing)}. "
            f"Expected: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}.",
            field="file",
        )
    reader.fieldnames = header
    rows: list[CandidateRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue  # blank line
        if len(rows) + len(errors) >= MAX_IMPORT_ROWS:
            raise DomainError(
                f"Import at most {MAX_IMPORT_ROWS} candidates per file; split it.", field="file"
            )
        problems = []
        name = (record.get("name") or "").strip()
        if not name:
            problems.append("name is empty")
        elif len(name) > 200:
            problems.append("name is longer than 200 characters")
        email = normalise_email(record.get("email") or "")
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            problems.append(
                f"“{email}” is not a valid email address" if email else "email is empty"
            )
        source = (record.get("source") or "").strip().lower() or "other"
        if source not in SOURCES:
            problems.append(f"source “{source}” is not one of: {', '.join(SOURCES)}")
        if email and email in seen:
            problems.append(f"the same email is on line {seen[email]}")
        if problems:
            message = "; ".join(problems)
            errors.append(RowError(line, message[0].upper() + message[1:] + "."))
        else:
            seen[email] = line
            rows.append(CandidateRow(line, name, email, source))
    if not rows and not errors:
        raise DomainError("The file has a header but no candidates.", field="file")
    return rows, errors


def _existing(
    rows: list[CandidateRow], job: Job, actor: User | None
) -> tuple[dict[str, Candidate], set[int]]:
    """Candidates already known by email AND visible to `actor` (app/auth/policy.py), and which of
    them already applied to this job. A candidate the importer may not see is never matched: the
    row makes a separate candidate, and nothing in the report tells the email exists elsewhere."""
    known = policy.visible_candidates_by_email(actor, [row.email for row in rows])
    ids = [candidate.id for candidate in known.values()]
    applied: set[int] = set()
    for start in range(0, len(ids), LOOKUP_CHUNK):
        applied.update(
            db.session.scalars(
                select(Application.candidate_id).where(
                    Application.job_id == job.id,
                    Application.candidate_id.in_(ids[start : start + LOOKUP_CHUNK]),
                )
            )
        )
    return known, applied


def import_candidates(
    job: Job, data: bytes, actor: User | None, skip_invalid: bool = False
) -> ImportReport:
    """Add every candidate of a CSV (name, email[, source]) to `job`'s first stage.

    A known email re-applies that candidate to this job. Raises ImportRejected, having written
    nothing, when any row is invalid and `skip_invalid` is false.
    """
    rows, errors = read_rows(data)
    known, applied = _existing(rows, job, actor)
    valid: list[CandidateRow] = []
    for row in rows:
        candidate = known.get(row.email)
        if candidate is not None and candidate.id in applied:
            errors.append(
                RowError(
                    row.line, f"{candidate.name} ({row.email}) already applied to {job.title}."
                )
            )
        else:
            valid.append(row)
    errors.sort(key=lambda error: error.line)
    if errors and not skip_invalid:
        raise ImportRejected(errors)
    if not valid:
        raise ImportRejected(errors)
    report = ImportReport(skipped=errors)
    for row in valid:
        candidate = known.get(row.email)
        if candidate is None:
            candidate = Candidate(name=row.name, email=row.email, source=row.source)
            db.session.add(candidate)
            search_index.refresh(candidate)
            report.imported.append(row.name)
        else:
            report.reapplied.append(candidate.name)
            report.reapplied_ids.append(candidate.id)
        apply(candidate, job, actor)
    return report
