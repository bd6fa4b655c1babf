"""Candidate profile: contact details, links, tags; a PDF résumé whose text is searchable, served
only as a download; bad input is refused with a message and writes nothing."""

from __future__ import annotations

import io

from app.models import AuditEvent, Candidate, Resume, Role
from tests.profiles.pdfs import pdf_with_text

JS_CATALOG = "/OpenAction << /S /JavaScript /JS (app.alert\\('pwned'\\)) >>"


def _upload(client, candidate_id, data, filename="cv.pdf"):
    return client.post(
        f"/candidates/{candidate_id}/resume",
        data={"resume-resume": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_profile_fields_are_saved_and_validated_all_at_once(
    client, auth, db, create_user, create_job, create_candidate
):
    candidate = create_candidate(create_job())
    auth.login(create_user(Role.RECRUITER).email)
    page = client.post(
        f"/candidates/{candidate.id}/profile",
        data={
            "profile-phone": "+49 30 1234567",
            "profile-location": "Berlin",
            "profile-links": "https://github.com/ada\nhttps://ada.example/cv",
            "profile-tags": "Python, ML,python",
        },
        follow_redirects=True,
    ).text
    assert "Profile saved." in page
    assert 'href="https://github.com/ada"' in page and "Berlin" in page
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).tag_list == ["python", "ml"]
    page = client.post(
        f"/candidates/{candidate.id}/profile",
        data={"profile-phone": "call me", "profile-links": "javascript:alert(1)"},
        follow_redirects=True,
    ).text
    assert "phone number" in page and "is not a web address" in page
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).phone == "+49 30 1234567"
    found = client.get("/candidates?q=berlin").text
    assert candidate.name in found


def test_resume_upload_extracts_text_and_is_only_ever_a_download(
    client, auth, db, create_user, create_job, create_candidate
):
    candidate = create_candidate(create_job())
    auth.login(create_user(Role.RECRUITER).email)
    page = _upload(client, candidate.id, pdf_with_text("Built a Bernoulli engine", JS_CATALOG)).text
    assert "Résumé uploaded." in page and "Built a Bernoulli engine" in page
    assert "app.alert" not in page
    assert candidate.name in client.get("/candidates?q=bernoulli").text
    download = client.get(f"/candidates/{candidate.id}/resume.pdf")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.mimetype == "application/octet-stream"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    assert download.data.startswith(b"%PDF-")
    assert db.session.query(AuditEvent).filter_by(action="candidate.resume_downloaded").count()


def test_bad_resumes_are_refused_and_write_nothing(
    client, auth, db, app, create_user, create_job, create_candidate
):
    candidate = create_candidate(create_job())
    auth.login(create_user(Role.RECRUITER).email)
    cases = [
        (b"hello", "cv.pdf", "not a PDF"),
        (pdf_with_text("x"), "cv.docx", "as a PDF file"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage" * 3, "cv.pdf", "could not be read"),
    ]
    for data, filename, message in cases:
        assert message in _upload(client, candidate.id, data, filename).text
    app.config["MAX_RESUME_BYTES"] = 100
    assert "larger than" in _upload(client, candidate.id, pdf_with_text("x" * 200)).text
    assert db.session.query(Resume).count() == 0


def test_other_recruiters_cannot_touch_the_profile(
    client, auth, db, create_user, create_job, create_candidate
):
    owner = create_user(Role.RECRUITER)
    candidate = create_candidate(create_job(owner=owner))
    auth.login(create_user(Role.RECRUITER).email)  # a job-less recruiter: sees only ownerless jobs
    assert _upload(client, candidate.id, pdf_with_text("x")).status_code == 403
    response = client.post(f"/candidates/{candidate.id}/profile", data={"profile-phone": "123456"})
    assert response.status_code == 403
    assert client.get(f"/candidates/{candidate.id}/resume.pdf").status_code == 403


def test_adding_a_duplicate_links_to_the_record_only_when_visible(
    client, auth, db, create_user, create_job, create_candidate
):
    """A visible duplicate is refused with a link to it; an email known only in a job the
    recruiter cannot reach makes a separate candidate, so nothing reveals it exists elsewhere."""
    mine = create_user(Role.RECRUITER)
    theirs = create_user(Role.RECRUITER)
    my_job = create_job(owner=mine)
    visible = create_candidate(create_job("Shared"))  # an ownerless job: the whole team's
    hidden = create_candidate(create_job("Secret", owner=theirs))
    auth.login(mine.email)
    page = client.post(
        "/candidates/new",
        data={"name": "Copy", "email": visible.email, "source": "referral", "job": my_job.id},
    ).text
    assert "already exists" in page
    assert f'href="/candidates/{visible.id}"' in page and visible.name in page
    response = client.post(
        "/candidates/new",
        data={"name": "Copy", "email": hidden.email, "source": "referral", "job": my_job.id},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "already exists" not in page and hidden.name not in page and "Secret" not in page
    assert f'href="/candidates/{hidden.id}"' not in page
    assert db.session.query(Candidate).count() == 3
