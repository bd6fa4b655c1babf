from app import demo
from app.models import Application, Candidate, Role, StageKind, User
from app.reports.demo import COHORT


def test_create_user_makes_a_staff_account(runner, db):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Rec@HireLab.example",
            "--name",
            "Rec",
            "--role",
            "recruiter",
            "--password",
            "long enough pw",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User))
    assert (user.email, user.role) == ("rec@hirelab.example", Role.RECRUITER)


def test_create_user_refuses_a_duplicate_with_a_clear_message(runner, db, create_user):
    existing = create_user(Role.ADMIN)
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            existing.email,
            "--name",
            "X",
            "--role",
            "admin",
            "--password",
            "long enough pw",
        ]
    )
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert db.session.query(User).count() == 1


def test_create_user_refuses_short_password_and_unknown_role(runner, db):
    short = runner.invoke(
        args=[
            "create-user",
            "--email",
            "a@hirelab.example",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            "short",
        ]
    )
    assert short.exit_code == 2 and "at least 10 characters" in short.output
    role = runner.invoke(
        args=[
            "create-user",
            "--email",
            "a@hirelab.example",
            "--name",
            "A",
            "--role",
            "candidate",
            "--password",
            "long enough pw",
        ]
    )
    assert role.exit_code == 2 and "candidate" in role.output
    assert db.session.query(User).count() == 0


def test_seed_demo_loads_once_and_prints_logins(runner, db):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "admin@hirelab.example" in result.output and "hirelab-demo" in result.output
    roles = [role for (role,) in db.session.execute(db.select(User.role))]
    assert sorted(roles) == sorted([Role.ADMIN, Role.RECRUITER, Role.INTERVIEWER, Role.INTERVIEWER])
    assert db.session.query(Candidate).count() == len(demo.CANDIDATES) + COHORT
    stages = {app.stage.name for app in db.session.scalars(db.select(Application))}
    assert {
        "Applied",
        "Take-home",
        "Technical interviews",
        "Hired",
        "Rejected",
        "Withdrawn",
    } <= stages
    terminal = [
        app for app in db.session.scalars(db.select(Application)) if app.stage.kind.is_terminal
    ]
    assert all(
        app.transitions[-1].reason for app in terminal if app.stage.kind is not StageKind.HIRED
    )

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert db.session.query(Candidate).count() == len(demo.CANDIDATES) + COHORT


def test_seed_demo_without_if_empty_on_loaded_database_fails_cleanly(runner, db):
    runner.invoke(args=["seed-demo"])
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 2
    assert "already exists" in again.output and "empty database" in again.output
    assert db.session.query(Candidate).count() == len(demo.CANDIDATES) + COHORT
