"""A submission whose reported numbers fit another candidate's variant better than its own is
flagged for people, with why and a link; honest numbers and vague ones are not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app

from app.extensions import db
from app.grading import operations as grading
from app.grading.exercises import load_exercise
from app.models import Application, Job, Role, VariantNumbersFlag
from app.pipeline import operations as pipeline
from app.similarity import variant_numbers
from tests.scorecards.conftest import staff
from tests.similarity.answers import ORIGINAL, notebook
from tests.similarity.conftest import EXERCISE, graded_again

AUC, AP = "baseline validation ROC AUC", "baseline validation average precision"


def _candidate(job: Job, name: str) -> Application:
    """A candidate who was given the exercise and downloaded their variant (numbers stored)."""
    from app.auth import operations as auth_operations

    candidate = pipeline.add_candidate(f"{name} Person", f"{name.lower()}@example.com", "referral")
    candidate.user = auth_operations.create_user(
        candidate.email, candidate.name, Role.CANDIDATE, None
    )
    application = pipeline.apply(candidate, job, job.owner)
    assignment = grading.assign_exercise(
        application, EXERCISE, 120, job.owner, timedelta(days=3)
    )
    grading.open_assignment(assignment)
    exercise = load_exercise(current_app.config["EXERCISES_DIR"], EXERCISE)
    grading.variant_folder(assignment, exercise)
    db.session.commit()
    return application


def _summary(numbers: dict[str, float]) -> str:
    return (
        "## Summary\n\nMy model reaches a validation ROC AUC of about 0.79. The baseline gets "
        f"ROC AUC {numbers[AUC]:.3f} and average precision {100 * numbers[AP]:.1f}%; next I would "
        "tune the threshold with the retention team."
    )


def _submit(application: Application, summary: str):
    return graded_again(application, notebook([*ORIGINAL, ("markdown", summary)]))


@pytest.fixture
def pair(similarity_app, tmp_path, monkeypatch):
    monkeypatch.setenv("HIRELAB_VARIANT_CACHE", str(tmp_path / "variants"))
    rita = staff(Role.RECRUITER, "Rita Recruiter")
    job = pipeline.create_job("Junior AI Engineer", rita)
    db.session.commit()
    return {"rita": rita, "ada": _candidate(job, "Ada"), "cy": _candidate(job, "Cy")}


def _numbers(application: Application) -> dict[str, float]:
    return grading.assignments_of(application)[0].variant_numbers


def test_numbers_of_another_candidates_data_are_flagged(pair):
    ada_numbers = _numbers(pair["ada"])
    assert ada_numbers != _numbers(pair["cy"]), "two candidates, two variants"
    ada = _submit(pair["ada"], _summary(ada_numbers))
    copied = _submit(pair["cy"], _summary(ada_numbers))
    flags = db.select(VariantNumbersFlag)
    assert db.session.scalars(flags.filter_by(submission_id=ada.id)).all() == []
    (flag,) = db.session.scalars(flags.filter_by(submission_id=copied.id))
    assert flag.other_assignment_id == grading.assignments_of(pair["ada"])[0].id
    assert {m["name"] for m in flag.matched} == {AUC, AP}
    cy_numbers = _numbers(pair["cy"])
    assert {m["own"] for m in flag.matched} == {cy_numbers[AUC], cy_numbers[AP]}


def test_own_numbers_and_two_decimal_numbers_are_not_flagged(pair):
    ada_numbers = _numbers(pair["ada"])
    own = _submit(pair["cy"], _summary(_numbers(pair["cy"])))
    vague = _submit(
        pair["ada"],
        f"## Summary\n\nBaseline ROC AUC {ada_numbers[AUC]:.2f}, AP {ada_numbers[AP]:.2f}.",
    )
    assert db.session.scalars(db.select(VariantNumbersFlag)).all() == []
    assert own.id and vague.id


def test_reported_numbers_read_rendered_markdown_only():
    hidden = notebook(
        [("markdown", "AUC 0.6712 and 12.5% <!-- 0.9999 --> `0.123`"), ("code", "x = 0.555")],
        with_starter=False,
    )
    assert variant_numbers.reported_numbers(hidden) == {
        (0.6712, 4),
        (0.125, 3),
        (0.123, 3),
    }
    assert variant_numbers.fits({(0.6712, 4)}, {"a": 0.67118, "b": 0.6}) == [
        {"name": "a", "reported": 0.6712, "value": 0.67118}
    ]


def test_the_review_page_says_why_and_links_to_the_other_candidate(
    app, client, auth, tmp_path, monkeypatch
):
    monkeypatch.setenv("HIRELAB_VARIANT_CACHE", str(tmp_path / "variants"))
    rita = staff(Role.RECRUITER, "Rita Recruiter")
    job = pipeline.create_job("Junior AI Engineer", rita)
    db.session.commit()
    ada_app, cy_app = _candidate(job, "Ada"), _candidate(job, "Cy")
    ada = _submit(ada_app, _summary(_numbers(ada_app)))
    copied = _submit(cy_app, _summary(_numbers(ada_app)))
    auth.login_as(rita)
    page = client.get(f"/submissions/{copied.id}").get_data(as_text=True)
    assert "Numbers from another candidate&#39;s data" in page or (
        "Numbers from another candidate's data" in page
    )
    assert f'href="/submissions/{ada.id}"' in page and "Ada Person" in page
    assert "baseline validation ROC AUC" in page
    own_page = client.get(f"/submissions/{ada.id}").get_data(as_text=True)
    assert "Numbers from another candidate" not in own_page


def test_erasing_either_candidate_removes_the_flag(pair):
    from app.privacy.erasure import erase_candidate

    ada_numbers = _numbers(pair["ada"])
    _submit(pair["ada"], _summary(ada_numbers))
    _submit(pair["cy"], _summary(ada_numbers))
    assert len(db.session.scalars(db.select(VariantNumbersFlag)).all()) == 1
    erase_candidate(pair["ada"].candidate, pair["rita"])  # the side that was copied from
    db.session.commit()
    assert db.session.scalars(db.select(VariantNumbersFlag)).all() == []
