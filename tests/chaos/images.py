"""The compose deployment's images, built offline on a given engine and cached by input hash:
the debootstrapped base (copied from the shared engine), the app image from it with wheels
downloaded on the host, and PostgreSQL and Redis from Debian's packages on the same base."""

from __future__ import annotations

import configparser
import hashlib
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent / "images"
BUILD_TIMEOUT_S = 1800  # a build or image copy that does not end fails the test (with its output)
WHEELS = REPO / ".cache" / "app-wheels"
APP_INPUTS = ("Dockerfile", "setup.cfg", "pyproject.toml", "wsgi.py", "app", "sandbox",
              "migrations", "exercises", "rubrics")


@dataclass(frozen=True)
class Images:
    app: str
    postgres: str
    redis: str


def _digest(paths: list[Path], *extra: str) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    for value in extra:
        digest.update(value.encode())
    return digest.hexdigest()[:16]


def _files(names: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for name in names:
        path = REPO / name
        files += [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    return files


def _exists(host: str, tag: str) -> bool:
    found = subprocess.run(["docker", "-H", host, "image", "inspect", tag], capture_output=True,
                           timeout=120)
    return found.returncode == 0


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)
    if result.returncode != 0:
        raise AssertionError(f"{what} failed:\n{(result.stdout + result.stderr)[-4000:]}")


def _base(host: str) -> str:
    """The debootstrapped base of sandbox/image, built on the shared engine, copied once."""
    from sandbox.image.build import ensure_base_image

    tag = ensure_base_image()
    if not _exists(host, tag):
        with subprocess.Popen(["docker", "save", tag], stdout=subprocess.PIPE) as save:
            subprocess.run(["docker", "-H", host, "load", "-q"], stdin=save.stdout, check=True,
                           capture_output=True, timeout=BUILD_TIMEOUT_S)
    return tag


def _requirements() -> list[str]:
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    lines = config["options"]["install_requires"].split("\n")
    lines += config["options.extras_require"]["prod"].split("\n")
    return [line.strip() for line in lines if line.strip()]


def _download_wheels() -> Path:
    """Wheels for the base's Python 3.11.2 (so redis needs async-timeout); pip keeps what it has."""
    WHEELS.mkdir(parents=True, exist_ok=True)
    _run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(WHEELS),
         "--only-binary=:all:", "--python-version", "3.11.2", "--implementation", "cp",
         "--platform", "manylinux2014_x86_64", "--platform", "manylinux_2_17_x86_64",
         "--platform", "manylinux_2_28_x86_64", "--platform", "any",
         *_requirements(), "async-timeout>=4.0.3", "setuptools>=69", "wheel"],
        "pip download of the app's wheels",
    )
    return WHEELS


def _build(host: str, tag: str, context: Path, base: str, *args: str) -> None:
    _run(
        ["docker", "-H", host, "build", "-q", "--network", "host", "--build-arg",
         f"BASE_IMAGE={base}", *args, "-t", tag, str(context)],
        f"docker build of {tag}",
    )


def ensure_images(host: str) -> Images:
    base = _base(host)
    app = f"hirelab/app:{_digest(_files(APP_INPUTS), base)}"
    if not _exists(host, app):
        wheels = _download_wheels()
        with tempfile.TemporaryDirectory(prefix="hirelab-app-") as tmp:
            context = Path(tmp)
            _run(["cp", "-r", *[str(REPO / n) for n in APP_INPUTS], str(context)], "copy")
            _run(["cp", "-r", str(wheels), str(context / "wheels")], "copy wheels")
            _build(host, app, context, base, "--build-arg",
                   "PIP_OPTIONS=--no-index --find-links wheels")
    services = {}
    for name in ("postgres", "redis"):
        folder = HERE / name
        tag = f"hirelab/{name}:{_digest(_files((str(folder.relative_to(REPO)),)), base)}"
        if not _exists(host, tag):
            _build(host, tag, folder, base)
        services[name] = tag
    return Images(app, services["postgres"], services["redis"])
