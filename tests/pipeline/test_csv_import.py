"""CSV import of candidates: row-level errors, all-or-nothing unless bad rows are skipped."""

import io

import pytest

from app.errors import DomainError
from app.models import Application, Candidate, Role
from app.pipeline import operations
from app.pipeline.csv_import import ImportRejected, import_candidates

GOOD = "name,email,source\nAda Lovelace,ada@example.com,referral\nAlan Turing,alan@example.com,\n"
MIXED = (
    "Name,Email,Source\n"
    "Ada Lovelace,ada@example.com,Referral\n"
    ",nobody@example.com,referral\n"
    "Grace Hopper,not-an-email,referral\n"
    "Edsger Dijkstra,edsger@example.com,carrier pigeon\n"
    "Ada Again,ADA@example.com,referral\n"
    "\n"
    "Barbara Liskov,barbara@example.com,university\n"
)


def counts(db):
    return db.session.query(Candidate).count(), db.session.query(Application).count()


def test_valid_file_imports_everyone_into_the_first_stage(db, create_job):
    job = create_job()
    report = import_candidates(job, GOOD.encode(), None)
    db.session.commit()
    assert report.imported == ["Ada Lovelace", "Alan Turing"] and report.skipped == []
    candidates = {c.email: c for c in db.session.scalars(db.select(Candidate))}
    assert candidates["alan@example.com"].source == "other"
    assert {c.applications[0].stage.name for c in candidates.values()} == {"Applied"}


def test_any_invalid_row_imports_nothing_and_lists_every_problem(db, create_job):
    job = create_job()
    with pytest.raises(ImportRejected) as raised:
        import_candidates(job, MIXED.encode(), None)
    db.session.rollback()
    assert counts(db) == (0, 0)
    assert [(e.line, e.message) for e in raised.value.errors] == [
        (3, "Name is empty."),
        (4, "“not-an-email” is not a valid email address."),
        (5, "Source “carrier pigeon” is not one of: " + ", ".join(operations.SOURCES) + "."),
        (6, "The same email is on line 2."),
    ]


def test_skipping_invalid_rows_imports_the_rest(db, create_job):
    job = create_job()
    report = import_candidates(job, MIXED.encode(), None, skip_invalid=True)
    db.session.commit()
    assert report.imported == ["Ada Lovelace", "Barbara Liskov"]
    assert [error.line for error in report.skipped] == [3, 4, 5, 6]
    assert counts(db) == (2, 2)


def test_known_candidates_reapply_and_duplicates_in_the_job_are_row_errors(
    db, create_job, create_candidate
):
    first, second = create_job("First"), create_job("Second")
    known = create_candidate(first, name="Known Person")
    data = f"name,email\nKnown Person,{known.email.upper()}\nNew Person,new@example.com\n"
    report = import_candidates(second, data.encode(), None)
    db.session.commit()
    assert report.reapplied == ["Known Person"] and report.imported == ["New Person"]
    assert {a.job.title for a in known.applications} == {"First", "Second"}
    with pytest.raises(ImportRejected) as raised:
        import_candidates(second, data.encode(), None)
    assert raised.value.errors[0].message == (
        f"Known Person ({known.email}) already applied to Second."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"first,last\nA,B\n", "missing: name, email"),
        (b"name,email\n", "no candidates"),
        ("name,email\nZoë,z@example.com\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_unreadable_files_say_what_to_fix(db, create_job, data, message):
    with pytest.raises(DomainError, match=message):
        import_candidates(create_job(), data, None)


def test_import_page(client, auth, db, create_user, create_job):
    job = create_job()
    auth.login(create_user(Role.RECRUITER).email)
    page = client.post(
        f"/jobs/{job.id}/import",
        data={"file": (io.BytesIO(MIXED.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert "Nothing was imported: 4 row(s) need fixing." in page.text
    assert "The same email is on line 2." in page.text
    assert counts(db) == (0, 0)
    done = client.post(
        f"/jobs/{job.id}/import",
        data={"file": (io.BytesIO(MIXED.encode()), "people.csv"), "skip_invalid": "y"},
        content_type="multipart/form-data",
    )
    assert "2 new candidate(s) imported, 4 row(s) skipped." in done.text
    assert counts(db) == (2, 2)
    missing = client.post(f"/jobs/{job.id}/import", data={}, content_type="multipart/form-data")
    assert "Choose a CSV file to upload." in missing.text
