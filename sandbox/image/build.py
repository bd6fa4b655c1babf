"""Build the grading image, offline-friendly: ``python -m sandbox.image.build`` prints its tag.

The tag is a hash of every input (Dockerfile, pinned requirements, the runner's sources), so an
unchanged tree reuses the image and any change rebuilds it. Where no registry is reachable the base
is a debootstrapped Debian bookworm imported with ``docker import``, cached under its own tag, and
wheels are downloaded on the host with ``pip download`` (the host's pip configuration applies).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

IMAGE_DIR = Path(__file__).resolve().parent
SANDBOX_DIR = IMAGE_DIR.parent
REPO_DIR = SANDBOX_DIR.parent
IMAGE_REPOSITORY = "hirelab/grader"
BASE_PACKAGES = ("python3", "python3-venv")
BASE_TAG = (
    "hirelab/base:bookworm-" + hashlib.sha256(",".join(BASE_PACKAGES).encode()).hexdigest()[:12]
)
WHEEL_CACHE = REPO_DIR / ".cache" / "wheels"
# The sandbox files that run inside the container (the runner and what it imports).
RUNTIME_SOURCES = ("__init__.py", "results.py", "limits.py", "runner")


def _runtime_files() -> list[tuple[str, Path]]:
    """(path inside the build context, source path) for every runtime source, sorted."""
    files: list[tuple[str, Path]] = []
    for name in RUNTIME_SOURCES:
        source = SANDBOX_DIR / name
        paths = sorted(source.rglob("*.py")) if source.is_dir() else [source]
        files += [(f"sandbox/{p.relative_to(SANDBOX_DIR).as_posix()}", p) for p in paths]
    return sorted(files)


def image_tag() -> str:
    """The tag of the current inputs, computed without building (the docker backend's default)."""
    digest = hashlib.sha256()
    inputs = [
        ("Dockerfile", IMAGE_DIR / "Dockerfile"),
        ("requirements.txt", IMAGE_DIR / "requirements.txt"),
    ]
    for name, path in inputs + _runtime_files():
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(BASE_TAG.encode())
    return f"{IMAGE_REPOSITORY}:{digest.hexdigest()[:16]}"


def _debian_mirror() -> str:
    """The first Debian mirror configured for apt (deb822 or one-line format)."""
    for path in [*sorted(Path("/etc/apt/sources.list.d").glob("*")), Path("/etc/apt/sources.list")]:
        if not path.is_file() or path.suffix not in (".sources", ".list"):
            continue
        for line in path.read_text().splitlines():
            words = line.split()
            if (
                line.startswith("URIs:")
                and len(words) > 1
                and words[1].rstrip("/").endswith("/debian")
            ):
                return words[1]
            if (
                line.startswith("deb ")
                and len(words) > 1
                and words[1].rstrip("/").endswith("/debian")
            ):
                return words[1]
    return "http://deb.debian.org/debian"


def _image_exists(tag: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", tag], capture_output=True).returncode == 0


def ensure_base_image() -> str:
    """Debootstrap and import the base image unless its tag exists; return the tag."""
    if _image_exists(BASE_TAG):
        return BASE_TAG
    with tempfile.TemporaryDirectory(prefix="hirelab-rootfs-") as rootfs:
        command = [
            "debootstrap",
            "--variant=minbase",
            "--include=" + ",".join(BASE_PACKAGES),
            "bookworm",
            rootfs,
            _debian_mirror(),
        ]
        print("building base image:", " ".join(command), file=sys.stderr)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        subprocess.run(
            ["docker", "import", "-", BASE_TAG],
            stdin=tar.stdout,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        if tar.wait() != 0:
            raise RuntimeError("tar of the debootstrapped root filesystem failed")
    return BASE_TAG


def _run(command: list[str], what: str) -> None:
    """Run a build step quietly; on failure raise with the tail of its output."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{(result.stdout + result.stderr)[-4000:]}")


def _download_wheels() -> Path:
    """Download the pinned wheels once into .cache/wheels (pip skips files already present)."""
    WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
    requirements = str(IMAGE_DIR / "requirements.txt")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--only-binary=:all:",
            "--dest",
            str(WHEEL_CACHE),
            "-r",
            requirements,
        ],
        "pip download of the grading wheels",
    )
    return WHEEL_CACHE


def _write_context(context: Path, wheels: Path) -> None:
    shutil.copy2(IMAGE_DIR / "Dockerfile", context / "Dockerfile")
    shutil.copy2(IMAGE_DIR / "requirements.txt", context / "requirements.txt")
    shutil.copytree(wheels, context / "wheels")
    for name, path in _runtime_files():
        target = context / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def build(base_image: str | None = None) -> str:
    """Build the grading image if its tag is missing; return the tag.

    ``base_image`` (or ``HIRELAB_BASE_IMAGE``) overrides the debootstrapped base, e.g. with an
    official ``python:3.11-slim-bookworm`` where a registry is reachable.
    """
    tag = image_tag()
    if _image_exists(tag):
        return tag
    base = base_image or os.environ.get("HIRELAB_BASE_IMAGE") or ensure_base_image()
    wheels = _download_wheels()
    with tempfile.TemporaryDirectory(prefix="hirelab-image-") as context:
        _write_context(Path(context), wheels)
        command = [
            "docker",
            "build",
            "--build-arg",
            f"BASE_IMAGE={base}",
            "-t",
            tag,
            "--label",
            "org.hirelab.image=grader",
            context,
        ]
        _run(command, f"docker build of {tag}")
    return tag


def main() -> int:
    """Entry point of ``python -m sandbox.image.build`` (``make image``)."""
    try:
        print(build())
    except (RuntimeError, subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(
            f"error: {exc}\nIs the Docker engine running? Try `make docker`.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
