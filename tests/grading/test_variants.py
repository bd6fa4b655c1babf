"""Per-candidate variants: each assignment's seed makes its own starter data and hidden holdout.

The real ml-take-home generator runs here (no docker); grading on docker across seeds is
tests/exercises/test_variant_verdicts.py.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from app.auth import operations as auth_operations
from app.extensions import db
from app.grading import operations, variants
from app.grading.exercises import ExerciseError, load_exercise, parse_exercise
from app.models import Role
from tests.grading.conftest import SLOPE_GENERATOR, TINY, tiny_with_generator

EXERCISES = Path(__file__).resolve().parents[2] / "exercises"
TRAIN, HOLDOUT = "starter/data/train.csv", "hidden/data/holdout.csv"


@pytest.fixture(autouse=True)
def variant_cache(tmp_path, monkeypatch) -> Path:
    cache = tmp_path / "variant-cache"
    monkeypatch.setenv(variants.CACHE_ENV, str(cache))
    return cache


@pytest.fixture(scope="module")
def churn():
    return load_exercise(EXERCISES, "ml-take-home")


def _assign(app, create_job, create_candidate, create_user, slug: str = "ml-take-home"):
    app.config["EXERCISES_DIR"] = EXERCISES
    candidate = create_candidate(create_job())
    candidate.user = auth_operations.create_user(
        candidate.email, candidate.name, Role.CANDIDATE, None
    )
    assignment = operations.assign_exercise(
        candidate.applications[0], slug, 120, create_user(Role.RECRUITER), timedelta(days=7)
    )
    operations.open_assignment(assignment)
    db.session.commit()
    return assignment


def _download(client, auth, assignment) -> dict[str, bytes]:
    auth.login_as(assignment.application.candidate.user)
    response = client.get(f"/me/assignments/{assignment.id}/starter.zip")
    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {name: archive.read(name) for name in archive.namelist()}


def test_two_candidates_download_different_data_with_the_same_schema(
    app, client, auth, create_job, create_candidate, create_user, churn
):
    first = _assign(app, create_job, create_candidate, create_user)
    second = _assign(app, create_job, create_candidate, create_user)
    assert first.variant_seed and second.variant_seed and first.variant_seed != second.variant_seed
    kit_a, kit_b = _download(client, auth, first), _download(client, auth, second)
    train = "ml-take-home/data/train.csv"
    assert set(kit_a) == set(kit_b), "both kits hold the same files"
    assert kit_a[train] != kit_b[train], "the training data differ between candidates"
    header_a, header_b = kit_a[train].split(b"\n")[0], kit_b[train].split(b"\n")[0]
    committed = (churn.starter_dir / "data" / "train.csv").read_bytes()
    assert header_a == header_b == committed.split(b"\n")[0], "same columns in the same order"
    assert kit_a[train].count(b"\n") == kit_b[train].count(b"\n") == committed.count(b"\n")
    notebook = "ml-take-home/churn.ipynb"
    assert kit_a[notebook] == kit_b[notebook] == (churn.starter_dir / "churn.ipynb").read_bytes()
    assert kit_a[train] != committed, "a variant is not the exercise's own data"


def test_the_same_assignment_always_gets_the_same_data(
    app, client, auth, create_job, create_candidate, create_user, churn, variant_cache
):
    assignment = _assign(app, create_job, create_candidate, create_user)
    first = _download(client, auth, assignment)
    shutil.rmtree(variant_cache)  # generated again from the stored seed, not read back
    again = _download(client, auth, assignment)
    assert first == again
    db.session.refresh(assignment)
    numbers = assignment.variant_numbers
    assert set(numbers) == {
        "baseline validation ROC AUC",
        "baseline validation average precision",
        "churn rate of the training file",
    }
    assert 0.6 < numbers["baseline validation ROC AUC"] < 0.75
    job = churn.job(b"{}", variant_seed=assignment.variant_seed)
    assert (job.starter_dir / "data" / "train.csv").read_bytes() == first[
        "ml-take-home/data/train.csv"
    ], "the data graded are exactly the data downloaded"


def test_grading_carries_the_variant_holdout_and_the_same_hidden_tests(churn):
    own = churn.job(b"{}")
    assert own.hidden_dir == churn.hidden_dir and own.starter_dir == churn.starter_dir
    one, other = churn.job(b"{}", variant_seed=11), churn.job(b"{}", variant_seed=12)
    holdouts = [(job.hidden_dir / "data" / "holdout.csv").read_bytes() for job in (one, other)]
    base = (churn.hidden_dir / "data" / "holdout.csv").read_bytes()
    assert len({*holdouts, base}) == 3, "each seed has its own hidden holdout"
    assert {h.split(b"\n")[0] for h in holdouts} == {base.split(b"\n")[0]}
    for job in (one, other):
        tests = sorted(p.name for p in (job.hidden_dir / "tests").glob("*.py"))
        assert tests == sorted(p.name for p in (churn.hidden_dir / "tests").glob("*.py"))
        for name in tests:
            assert (job.hidden_dir / "tests" / name).read_bytes() == (
                churn.hidden_dir / "tests" / name
            ).read_bytes()
    again = churn.job(b"{}", variant_seed=11)
    assert again.hidden_dir == one.hidden_dir, "a cached variant is reused"


COUNTING_GENERATOR = '''
from pathlib import Path

CALLS = Path(__file__).with_name("calls.txt")


def variant_files(seed):
    with CALLS.open("a") as calls:
        calls.write(f"{seed}\\n")
    header = (Path(__file__).parent / "hidden/data/holdout.csv").read_text().splitlines()[0]
    return {"hidden/data/holdout.csv": f"{header}\\n{seed},{seed}\\n".encode()}
'''


def test_variants_are_cached_by_version_seed_and_content(tmp_path):
    folder = tiny_with_generator(tmp_path, COUNTING_GENERATOR)
    calls = folder / "calls.txt"
    exercise = parse_exercise(folder)
    first = variants.variant_folder(exercise, 5)
    assert variants.variant_folder(exercise, 5) == first
    assert calls.read_text().split() == ["5"], "the second call reads the cache"
    assert variants.expected_numbers(exercise, 5) == {}  # no expected_numbers() defined
    test_file = next((folder / "hidden" / "tests").glob("test_*.py"))
    test_file.write_text(test_file.read_text() + "\n# edited\n")
    edited = variants.variant_folder(exercise, 5)
    assert edited != first and calls.read_text().split() == ["5", "5"]
    assert (edited / "hidden" / "tests" / test_file.name).read_text().endswith("# edited\n")
    yaml_path = folder / "exercise.yaml"
    yaml_path.write_text(
        yaml_path.read_text().replace(f"version: {exercise.version}\n", "version: 99\n")
    )
    bumped = variants.variant_folder(parse_exercise(folder), 5)
    assert bumped.name.startswith("v99-s5-") and calls.read_text().split() == ["5", "5", "5"]


@pytest.mark.parametrize(
    ("returned", "problem"),
    [
        ('{"hidden/tests/test_x.py": b"def test_x(): pass"}', "must replace a file"),
        ('{"starter/new.csv": b"a\\n1\\n"}', "must replace a file"),
        ('{"../../escape.csv": b"a"}', "must replace a file"),
        ('{"hidden/data/holdout.csv": b"other,columns\\n1,2\\n"}', "changes the CSV header"),
        ('{"hidden/data/holdout.csv": "text"}', "is not bytes"),
        ("{}", "must return"),
    ],
)
def test_a_generator_breaking_the_contract_is_refused_and_nothing_is_cached(
    tmp_path, variant_cache, returned, problem
):
    folder = tiny_with_generator(tmp_path, f"def variant_files(seed):\n    return {returned}\n")
    exercise = parse_exercise(folder)
    with pytest.raises(variants.VariantError, match=problem):
        variants.variant_folder(exercise, 3)
    assert not any(p.name.startswith("v") for p in (variant_cache / "tiny").iterdir())


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("variants: generate.sh\n", "must be a mapping"),
        ("variants:\n  generator: missing.py\n", "no file missing.py"),
        ("variants:\n  generator: ../../escape.py\n", "no file"),
    ],
)
def test_a_bad_variants_field_is_a_clear_exercise_error(tmp_path, field, message):
    folder = tmp_path / "exercises" / "tiny"
    shutil.copytree(TINY, folder)
    (folder / "exercise.yaml").write_text(
        (folder / "exercise.yaml").read_text(encoding="utf-8") + field, encoding="utf-8"
    )
    with pytest.raises(ExerciseError, match=message):
        parse_exercise(folder)


def test_an_exercise_without_variants_ignores_the_seed(exercises_app):
    tiny = load_exercise(exercises_app.config["EXERCISES_DIR"], "tiny")
    assert not tiny.has_variants
    job = tiny.job(b"{}", variant_seed=7)
    assert job.starter_dir == tiny.starter_dir and job.hidden_dir == tiny.hidden_dir


@pytest.mark.docker
def test_the_worker_grades_against_the_holdout_of_the_assignments_seed(
    exercises_app, opened, full_marks, tmp_path
):
    from app.grading.ingest import scored_run
    from app.grading.worker import GradingWorker
    from app.models import GradingRun, RunStatus
    from sandbox.backends.docker import DockerBackend

    folder = tiny_with_generator(tmp_path, SLOPE_GENERATOR)
    opened.variant_seed = 3  # a holdout the full-marks answer (slope 2) cannot fit
    run = operations.submit(opened, "tiny.ipynb", full_marks, 1, 10**6)
    db.session.commit()
    worker = GradingWorker(
        exercises_app, DockerBackend, lambda slug: parse_exercise(folder), scored_run
    )
    assert worker.process(run.id) is RunStatus.GRADED
    run = db.session.get(GradingRun, run.id)
    groups = {g.group_id: g for g in run.group_scores}
    assert groups["basics"].score == groups["basics"].max_score, run.message
    assert groups["accuracy"].score < groups["accuracy"].max_score, "graded on the own holdout"
    assert "0 of 3 holdout rows" in groups["accuracy"].message
