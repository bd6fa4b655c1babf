"""The grading image's inputs: pinned like the host venv, tagged by content."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from sandbox.image import build

IMAGE = Path(build.__file__).parent


def test_requirements_are_pinned_to_the_host_versions():
    pins = {}
    for line in (IMAGE / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            pins[name] = pinned
    assert all(pins.values()), "every requirement is pinned with =="
    for name in (
        "pandas",
        "numpy",
        "scikit-learn",
        "scipy",
        "matplotlib",
        "pytest",
        "nbclient",
        "nbformat",
        "ipykernel",
    ):
        assert pins[name] == version(name), f"{name}: image {pins[name]} != host {version(name)}"


def test_dockerfile_takes_the_base_as_an_argument_and_drops_root():
    dockerfile = (IMAGE / "Dockerfile").read_text()
    assert "ARG BASE_IMAGE" in dockerfile and "FROM ${BASE_IMAGE}" in dockerfile
    assert "USER 10001" in dockerfile and "--no-index --find-links" in dockerfile


def test_tag_is_stable_and_follows_the_inputs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    tag = build.image_tag()
    assert tag == build.image_tag() and tag.startswith("hirelab/grader:")
    changed = tmp_path / "requirements.txt"
    changed.write_text((IMAGE / "requirements.txt").read_text() + "\n# changed\n")
    monkeypatch.setattr(build, "IMAGE_DIR", tmp_path)
    (tmp_path / "Dockerfile").write_text((IMAGE / "Dockerfile").read_text())
    assert build.image_tag() != tag
