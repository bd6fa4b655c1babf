"""The docker backend's container settings, and its verdicts when the machinery itself fails."""

from __future__ import annotations

import gc

import pytest

from sandbox.backends.docker import LABEL, DockerBackend, container_settings, remove_orphans
from sandbox.limits import GRADER_MEMORY_MB
from tests.sandbox.helpers import job, notebook, run_id


def test_containers_get_every_restriction_of_sandbox_md():
    settings = container_settings(job(notebook("1")), "execute")
    assert settings["network_disabled"] is True and settings["network_mode"] == "none"
    assert settings["mem_limit"] == settings["memswap_limit"] == "256m"
    assert settings["pids_limit"] == 64 and settings["read_only"] is True
    assert settings["cap_drop"] == ["ALL"] and settings["security_opt"] == ["no-new-privileges"]
    # Root only to separate uids: the minimal capabilities, dropped by the runner for good.
    # No secrets in the environment: only the runner's arguments (kept off the command line).
    assert settings["user"] == "0:0" and list(settings["environment"]) == ["HIRELAB_RUNNER_ARGS"]
    assert settings["environment"]["HIRELAB_RUNNER_ARGS"].startswith("--deadline ")
    assert sorted(settings["cap_add"]) == ["CHOWN", "KILL", "SETGID", "SETUID"]
    assert {u["Name"]: u["Hard"] for u in settings["ulimits"]}["core"] == 0
    assert set(settings["tmpfs"]) == {"/work", "/tmp"}
    assert "privileged" not in settings and "volumes" not in settings
    assert settings["labels"][LABEL].startswith("pytest-")


def test_phase_2_adds_the_graders_own_memory_to_the_candidates():
    notebook_job = job(notebook("1"))
    tests_settings = container_settings(notebook_job, "test")
    grader_share = GRADER_MEMORY_MB
    assert (
        tests_settings["mem_limit"] == tests_settings["memswap_limit"] == f"{256 + grader_share}m"
    )
    assert notebook_job.limits.phase_memory_mb("execute") == 256


@pytest.mark.docker
def test_a_missing_image_is_a_retryable_error_saying_make_image(docker_client):
    backend = DockerBackend(image="hirelab/grader:does-not-exist", client=docker_client)
    result = backend.grade(job(notebook("1")))
    assert result.status == "error" and result.retryable
    assert "make image" in result.message


# docker-py leaves the socket of a failed connection to the garbage collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_unreachable_engine_is_a_retryable_error(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    result = DockerBackend(image="any").grade(job(notebook("1")))
    gc.collect()  # finalise that socket now, while this test's warning filter applies
    assert result.status == "error" and result.retryable and "make docker" in result.message


@pytest.mark.docker
def test_remove_orphans_removes_only_the_named_run(docker_client, grading_image):
    mine, other = run_id(), run_id()
    for value in (mine, other):
        docker_client.containers.create(
            grading_image, command=["--deadline", "1"], labels={LABEL: value}, network_disabled=True
        )
    assert remove_orphans(docker_client, run_id=mine) == 1
    assert remove_orphans(docker_client, run_id=mine) == 0
    assert remove_orphans(docker_client, run_id=other) == 1
