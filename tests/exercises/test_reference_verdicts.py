"""Grade every reference notebook of the two exercises on the docker backend and check its verdict.

Each reference's expected result is in exercises/<slug>/reference/verdicts.yaml (schema in
exercises/README.md). The notebooks go through intake as in production, as `flask grade` does.
"""

from __future__ import annotations

import time

import pytest
import yaml

from app.grading.exercises import parse_exercise
from app.grading.scoring import score
from sandbox.intake import sanitize_notebook
from sandbox.job import GradingJob
from tests.exercises.exercise_folders import EXERCISES, OWNED

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def _references() -> list:
    cases = []
    for exercise in OWNED:
        verdicts = yaml.safe_load(
            (EXERCISES / exercise / "reference" / "verdicts.yaml").read_text()
        )
        cases += [pytest.param(exercise, name, verdict, id=f"{exercise}/{name}")
                  for name, verdict in verdicts.items()]  # fmt: skip
    return cases


@pytest.fixture(scope="module")
def docker_backend():
    from docker.errors import DockerException, ImageNotFound

    from sandbox.backends.docker import DockerBackend

    backend = DockerBackend()
    try:
        backend.client.images.get(backend.image)
    except ImageNotFound:
        pytest.fail(f"the grading image {backend.image} is missing: run `make image`")
    except DockerException as error:
        pytest.fail(f"no Docker engine ({error}): run `make services`")
    return backend


@pytest.mark.parametrize(("exercise", "name", "verdict"), _references())
def test_reference_gets_its_verdict(docker_backend, exercise, name, verdict, record_property):
    loaded = parse_exercise(EXERCISES / exercise)
    notebook = sanitize_notebook((loaded.folder / "reference" / name).read_bytes())
    job = GradingJob(
        notebook=notebook,
        notebook_name=loaded.notebook,
        starter_dir=loaded.starter_dir,
        hidden_dir=loaded.hidden_dir,
        limits=loaded.limits,
    )
    started = time.monotonic()
    result = docker_backend.grade(job)
    record_property("grading_seconds", round(time.monotonic() - started, 1))
    scored = score(result, loaded)
    percent = 100 * scored.score / scored.max_score
    report = f"{result.status}: {percent:.1f}% ({result.message})\n" + "\n".join(
        f"  {g.id}: {g.score:g}/{g.max_score:g} {g.message}" for g in scored.groups
    )
    assert result.status == verdict["status"], report
    assert percent >= verdict.get("min_score", 0), report
    assert percent <= verdict.get("max_score", 100), report
    by_id = {group.id: group for group in scored.groups}
    for group_id in verdict.get("failed_groups", []):
        assert by_id[group_id].score < by_id[group_id].max_score, (
            f"{group_id} should fail\n{report}"
        )
    for group_id in verdict.get("passed_groups", []):
        assert by_id[group_id].score == by_id[group_id].max_score, (
            f"{group_id} should pass\n{report}"
        )
