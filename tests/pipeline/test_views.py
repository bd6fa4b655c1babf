from app.models import Application, Candidate, Role, StageTransition, User


def test_recruiter_adds_a_candidate_to_a_job(client, auth, db, create_user, create_job):
    job = create_job()
    auth.login(create_user(Role.RECRUITER).email)
    response = client.post(
        "/candidates/new",
        data={
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "source": "referral",
            "job": job.id,
        },
    )
    assert response.status_code == 302
    candidate = db.session.scalar(
        db.select(Candidate).where(Candidate.email == "grace@example.com")
    )
    assert candidate.applications[0].stage.name == "Applied"


def test_duplicate_candidate_email_is_a_form_error_and_writes_nothing(
    client, auth, db, create_user, create_job, create_candidate
):
    job = create_job()
    existing = create_candidate(job)
    auth.login(create_user(Role.RECRUITER).email)
    before = (db.session.query(Candidate).count(), db.session.query(Application).count())
    response = client.post(
        "/candidates/new",
        data={"name": "Copy", "email": existing.email.upper(), "source": "referral", "job": job.id},
    )
    assert response.status_code == 200
    assert f"A candidate with the email {existing.email} already exists." in response.text
    assert (db.session.query(Candidate).count(), db.session.query(Application).count()) == before


def test_invalid_candidate_form_says_what_to_fix(client, auth, create_user, create_job):
    create_job()
    auth.login(create_user(Role.RECRUITER).email)
    response = client.post(
        "/candidates/new",
        data={"name": "", "email": "not-an-email", "source": "referral", "job": 1},
    )
    assert "This field is required." in response.text
    assert "Invalid email address." in response.text


def test_duplicate_user_email_is_a_form_error(client, auth, db, create_user):
    admin = create_user(Role.ADMIN)
    auth.login(admin.email)
    response = client.post(
        "/admin/users",
        data={
            "name": "Clash",
            "email": admin.email,
            "role": "recruiter",
            "password": "long enough pw",
        },
    )
    assert response.status_code == 200
    assert f"A user with the email {admin.email} already exists." in response.text
    assert db.session.query(User).count() == 1


def test_admin_creates_a_staff_user(client, auth, db, create_user):
    auth.login(create_user(Role.ADMIN).email)
    response = client.post(
        "/admin/users",
        data={
            "name": "Ian",
            "email": "ian@hirelab.example",
            "role": "interviewer",
            "password": "long enough pw",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(User.role).where(User.email == "ian@hirelab.example")) is (
        Role.INTERVIEWER
    )


def test_move_from_the_candidate_page_and_reject_needs_reason(
    client, auth, db, create_user, create_job, create_candidate
):
    job = create_job()
    candidate = create_candidate(job)
    (application,) = candidate.applications
    auth.login(create_user(Role.RECRUITER).email)
    rejected = next(stage for stage in job.stages if stage.name == "Rejected")
    prefix = f"app{application.id}"
    page = client.post(
        f"/applications/{application.id}/move",
        data={f"{prefix}-stage": rejected.id, f"{prefix}-reason": ""},
        follow_redirects=True,
    )
    assert "Say why the candidate is rejected: choose a reason from the list." in page.text
    assert db.session.query(StageTransition).count() == 1
    client.post(
        f"/applications/{application.id}/move",
        data={
            f"{prefix}-stage": rejected.id,
            f"{prefix}-reason": "Not enough ML depth",
            f"{prefix}-details": "weak on evaluation",
        },
    )
    db.session.refresh(application)
    assert application.stage.name == "Rejected"
    timeline = client.get(f"/candidates/{candidate.id}").text
    assert "Applied → Rejected" in timeline
    assert "Not enough ML depth — weak on evaluation" in timeline


def test_board_shows_each_candidate_in_their_stage(
    client, auth, create_user, create_job, create_candidate
):
    job = create_job()
    create_candidate(job, name="Ada Lovelace")
    auth.login(create_user(Role.RECRUITER).email)
    board = client.get(f"/jobs/{job.id}").text
    applied_column = board.split('aria-label="Applied"')[1].split("</section>")[0]
    assert "Ada Lovelace" in applied_column


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
