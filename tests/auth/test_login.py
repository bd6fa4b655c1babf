from app.models import Role
from tests.conftest import PASSWORD


def test_login_success_redirects_home_and_shows_role(client, auth, create_user):
    user = create_user(Role.RECRUITER, name="Riley")
    response = auth.login(user.email)
    assert response.status_code == 302
    assert response.location == "/"
    page = client.get("/").text
    assert "Riley" in page and "Recruiter" in page


def test_login_is_case_insensitive_on_email(auth, create_user):
    user = create_user(Role.ADMIN)
    assert auth.login(user.email.upper()).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, auth, create_user):
    user = create_user(Role.INTERVIEWER)
    response = auth.login(user.email, "not the password")
    assert response.status_code == 200
    assert "Wrong email or password." in response.text
    assert client.get("/").status_code == 302  # still anonymous


def test_unknown_email_gets_the_same_message(auth):
    response = auth.login("nobody@hirelab.example", PASSWORD)
    assert "Wrong email or password." in response.text


def test_candidates_cannot_sign_in_with_a_password(auth, create_user):
    candidate = create_user(Role.CANDIDATE)
    assert "Wrong email or password." in auth.login(candidate.email, PASSWORD).text


def test_deactivated_user_cannot_sign_in(db, auth, create_user):
    user = create_user(Role.RECRUITER)
    user.active = False
    db.session.commit()
    assert "Wrong email or password." in auth.login(user.email).text


def test_logout_needs_post_and_signs_out(client, auth, create_user):
    user = create_user(Role.RECRUITER)
    auth.login(user.email)
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 302
    assert client.get("/jobs").status_code == 302


def test_next_parameter_is_followed_only_for_local_paths(client, create_user):
    user = create_user(Role.RECRUITER)
    form = {"email": user.email, "password": PASSWORD}
    assert client.post("/login?next=/jobs", data=form).location == "/jobs"
    client.post("/logout")
    for hostile in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        assert client.post(f"/login?next={hostile}", data=form).location == "/"
        client.post("/logout")


def test_session_cookie_is_httponly_and_samesite(auth, create_user):
    user = create_user(Role.RECRUITER)
    response = auth.login(user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_passwords_are_stored_as_argon2_hashes(create_user):
    user = create_user(Role.RECRUITER)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
