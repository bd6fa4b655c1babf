"""Admins manage staff accounts: deactivate, change role, reset a password — audited, with clear
refusals (one's own account, the last admin, a common password), and nothing written on refusal."""

from __future__ import annotations

from app.auth.passwords import verify_password
from app.extensions import db
from app.models import AuditEvent, Role, User


def audit_actions() -> list[tuple[str, str]]:
    return [
        (e.action, e.target)
        for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))
        if e.action.startswith("user.")
    ]


def test_admins_deactivate_change_roles_and_reset_passwords_audited(client, auth, create_user):
    admin = create_user(Role.ADMIN)
    user = create_user(Role.RECRUITER)
    auth.login(admin.email)
    page = client.get("/admin/users")
    assert page.headers["Cache-Control"] == "no-store"
    assert f"/admin/users/{user.id}/active" in page.text
    client.post(f"/admin/users/{user.id}/role", data={"role": "interviewer"})
    client.post(f"/admin/users/{user.id}/password", data={"password": "violet tractor sunrise"})
    client.post(f"/admin/users/{user.id}/active")
    db.session.expire_all()
    changed = db.session.get(User, user.id)
    assert changed.role is Role.INTERVIEWER and not changed.active
    assert verify_password(changed.password_hash, "violet tractor sunrise")
    target = f"user:{user.id}"
    assert audit_actions() == [
        ("user.role_changed", target),
        ("user.password_reset", target),
        ("user.deactivated", target),
    ]
    log = client.get("/admin/audit").text
    assert "changed an account&#39;s role" in log or "changed an account's role" in log
    refused = client.post(
        "/login", data={"email": user.email, "password": "violet tractor sunrise"}
    )
    assert "Wrong email or password" in refused.text


def test_refusals_say_why_and_write_nothing(client, auth, create_user):
    admin = create_user(Role.ADMIN)
    user = create_user(Role.RECRUITER)
    auth.login(admin.email)
    own = client.post(f"/admin/users/{admin.id}/active", follow_redirects=True)
    assert "cannot deactivate your own account" in own.text
    last = client.post(
        f"/admin/users/{admin.id}/role", data={"role": "recruiter"}, follow_redirects=True
    )
    assert "last active admin" in last.text
    common = client.post(
        f"/admin/users/{user.id}/password", data={"password": "password123"}, follow_redirects=True
    )
    assert "most common" in common.text
    candidate_role = client.post(
        f"/admin/users/{user.id}/role", data={"role": "candidate"}, follow_redirects=True
    )
    assert candidate_role.status_code == 200 and "Not a valid choice" in candidate_role.text
    db.session.expire_all()
    assert db.session.get(User, admin.id).role is Role.ADMIN
    assert db.session.get(User, user.id).role is Role.RECRUITER
    assert audit_actions() == []
    assert client.get("/admin/users").status_code == 200  # the admin is still signed in


def test_moves_rejections_and_scorecard_submissions_are_audited(app, client, auth):
    from tests.auth.shared_candidate import seed
    from tests.grading.conftest import FIXTURES

    app.config["EXERCISES_DIR"] = FIXTURES
    world = seed()
    actions = [
        (e.action, e.actor_id)
        for e in db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.candidate_id == world.candidate.id)
            .order_by(AuditEvent.id)
        )
        if e.action in ("application.moved", "application.rejected", "scorecard.submitted")
    ]
    assert actions == [
        ("application.moved", world.recruiter_a.id),
        ("application.moved", world.recruiter_b.id),
        ("scorecard.submitted", world.interviewer_a.id),
        ("application.rejected", world.recruiter_a.id),
    ]
    rejected = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "application.rejected")
    )
    assert "Experience level" in rejected.detail and "Internalrejecttext" not in rejected.detail
