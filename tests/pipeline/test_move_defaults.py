"""The Move form proposes the next stage; a backwards move needs an explicit confirmation."""

import re

from app.models import Application, Role, StageTransition
from app.pipeline import operations


def _stage(job, name):
    return next(stage for stage in job.stages if stage.name == name)


def _selected_option(html: str, select_name: str) -> str | None:
    select = html.split(f'name="{select_name}"')[1].split("</select>")[0]
    match = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', select)
    return next(g for g in match.groups() if g) if match else None


def test_move_form_preselects_the_next_stage(
    client, auth, db, create_user, create_job, create_candidate
):
    job = create_job()
    candidate = create_candidate(job)
    (application,) = candidate.applications
    operations.move(application, _stage(job, "Recruiter screen"), None)
    db.session.commit()
    auth.login(create_user(Role.RECRUITER).email)
    page = client.get(f"/candidates/{candidate.id}").text
    assert _selected_option(page, f"app{application.id}-stage") == str(_stage(job, "Take-home").id)


def test_backwards_move_needs_confirmation_on_the_server(
    client, auth, db, create_user, create_job, create_candidate
):
    job = create_job()
    candidate = create_candidate(job)
    (application,) = candidate.applications
    operations.move(application, _stage(job, "Recruiter screen"), None)
    db.session.commit()
    auth.login(create_user(Role.RECRUITER).email)
    prefix = f"app{application.id}"
    applied = _stage(job, "Applied")
    page = client.post(
        f"/applications/{application.id}/move",
        data={f"{prefix}-stage": applied.id},
        follow_redirects=True,
    ).text
    assert "comes before the current stage" in page
    assert db.session.get(Application, application.id).stage.name == "Recruiter screen"
    assert db.session.query(StageTransition).count() == 2
    client.post(
        f"/applications/{application.id}/move",
        data={f"{prefix}-stage": applied.id, f"{prefix}-backwards": "y"},
    )
    db.session.expire_all()
    assert db.session.get(Application, application.id).stage.name == "Applied"


def test_move_without_a_stage_moves_nothing(
    client, auth, db, create_user, create_job, create_candidate
):
    job = create_job()
    candidate = create_candidate(job)
    (application,) = candidate.applications
    auth.login(create_user(Role.RECRUITER).email)
    page = client.post(f"/applications/{application.id}/move", data={}, follow_redirects=True).text
    assert "Choose a stage to move to." in page
    assert db.session.get(Application, application.id).stage.name == "Applied"


def test_bulk_move_error_keeps_the_ticked_candidates(
    client, auth, db, create_user, create_job, create_candidate
):
    job = create_job()
    ids = [create_candidate(job).applications[0].id for _ in range(3)]
    auth.login(create_user(Role.RECRUITER).email)
    rejected = _stage(job, "Rejected")
    response = client.post(
        f"/jobs/{job.id}/move",
        data={"applications": ids[:2], "stage": rejected.id, "back": f"/jobs/{job.id}"},
        follow_redirects=True,
    )
    assert "choose a reason from the list" in response.text
    ticked = set(re.findall(r'value="(\d+)" form="bulk-move" data-pick checked', response.text))
    assert ticked == {str(ids[0]), str(ids[1])}
    assert f'value="{ids[2]}" form="bulk-move" data-pick checked' not in response.text
