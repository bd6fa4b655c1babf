"""Grade every reference notebook of the exercises on the docker backend and check its verdict.

Each reference's expected result is in exercises/<slug>/reference/verdicts.yaml (schema in
exercises/README.md). The notebooks go through intake as in production, as `flask grade` does.
All references are graded up front, two at a time (a container gets one CPU; CI has two).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from app.grading.exercises import parse_exercise
from app.grading.scoring import score
from sandbox.intake import sanitize_notebook
from sandbox.job import GradingJob
from sandbox.results import GradingResult
from tests.exercises.exercise_folders import EXERCISES, OWNED

pytestmark = [pytest.mark.docker, pytest.mark.slow]
PARALLEL_GRADINGS = 2


def _verdicts() -> dict[tuple[str, str], dict]:
    found = {}
    for exercise in OWNED:
        path = EXERCISES / exercise / "reference" / "verdicts.yaml"
        for name, verdict in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            found[(exercise, name)] = verdict
    return found


VERDICTS = _verdicts()


def _grade(image: str, exercise: str, name: str) -> tuple[GradingResult, float]:
    from sandbox.backends.docker import DockerBackend

    loaded = parse_exercise(EXERCISES / exercise)
    job = GradingJob(
        notebook=sanitize_notebook((loaded.folder / "reference" / name).read_bytes()),
        notebook_name=loaded.notebook,
        starter_dir=loaded.starter_dir,
        hidden_dir=loaded.hidden_dir,
        limits=loaded.limits,
        kind=loaded.kind,
    )
    started = time.monotonic()
    result = DockerBackend(image).grade(job)  # one backend (and engine client) per grading
    return result, time.monotonic() - started


@pytest.fixture(scope="module")
def graded() -> dict[tuple[str, str], tuple[GradingResult, float]]:
    from docker.errors import DockerException, ImageNotFound

    from sandbox.backends.docker import DockerBackend

    backend = DockerBackend()
    try:
        backend.client.images.get(backend.image)
    except ImageNotFound:
        pytest.fail(f"the grading image {backend.image} is missing: run `make image`")
    except DockerException as error:
        pytest.fail(f"no Docker engine ({error}): run `make services`")
    with ThreadPoolExecutor(max_workers=PARALLEL_GRADINGS) as pool:
        futures = {key: pool.submit(_grade, backend.image, *key) for key in VERDICTS}
        return {key: future.result() for key, future in futures.items()}


@pytest.mark.parametrize(
    ("exercise", "name"), list(VERDICTS), ids=[f"{e}/{n}" for e, n in VERDICTS]
)
def test_reference_gets_its_verdict(graded, exercise, name, record_property):
    verdict = VERDICTS[(exercise, name)]
    result, seconds = graded[(exercise, name)]
    record_property("grading_seconds", round(seconds, 1))
    scored = score(result, parse_exercise(EXERCISES / exercise))
    percent = 100 * scored.score / scored.max_score
    report = f"{result.status}: {percent:.1f}% in {seconds:.1f} s ({result.message})\n" + "\n".join(
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
