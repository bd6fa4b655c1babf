"""Per-candidate variants: one data set per assignment seed, generated on the trusted side, cached.

An exercise declares its generator once in exercise.yaml (`variants: {generator: script.py}`). The
script defines

- `variant_files(seed) -> {path: bytes}`: the files of one variant, each replacing a file of the
  folder's `starter/` or `hidden/data/` (same paths, so the layout is the same; a CSV keeps its
  header line, so the schema is the same);
- optionally `expected_numbers(files) -> {name: float}`: the numbers that differ per variant and
  that a candidate would report (e.g. the baseline's validation score), for `numbers_fit`.

`variant_folder` assembles the exercise folder of one seed, with `starter/` and `hidden/` holding
the generated files, in a cache keyed by the exercise's id, version, seed and the digest of the
folder's starter, hidden and generator files (an edited hidden test never grades against a stale
copy). The starter-kit download and every grading of the assignment read that folder, so the data a
candidate downloads is exactly the data graded, and the hidden holdout comes from the seed stored
on the assignment, never from anything the candidate sent.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import secrets
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.grading.exercises import Exercise

CACHE_ENV = "HIRELAB_VARIANT_CACHE"  # where generated variants are kept (default: the temp dir)
NUMBERS = "expected_numbers.json"
REPLACEABLE = ("starter/", "hidden/data/")
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


class VariantError(ValueError):
    """A variant generator that broke its contract (the message says how)."""


def new_seed() -> int:
    """A fresh assignment seed: unpredictable, positive, fits a 32-bit signed column."""
    return secrets.randbelow(2**31 - 2) + 1


def cache_root() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path(tempfile.gettempdir()) / "hirelab-variants")


def variant_folder(exercise: Exercise, seed: int | None) -> Path:
    """The folder (with `starter/` and `hidden/`) to download and grade for `seed`; the exercise's
    own folder when `seed` is None or the exercise has no variants."""
    if seed is None or not exercise.has_variants:
        return exercise.folder
    target = cache_root() / exercise.id / variant_key(exercise, seed)
    if not (target / NUMBERS).is_file():
        _build(exercise, seed, target)
    return target


def expected_numbers(exercise: Exercise, seed: int | None) -> dict[str, float]:
    """The generator's expected numbers for `seed` ({} without variants or without numbers)."""
    if seed is None or not exercise.has_variants:
        return {}
    return json.loads((variant_folder(exercise, seed) / NUMBERS).read_text(encoding="utf-8"))


def variant_key(exercise: Exercise, seed: int) -> str:
    digest = hashlib.sha256(f"{exercise.id}\0{exercise.version}\0{seed}\0".encode())
    for path in _source_files(exercise):
        digest.update(path.relative_to(exercise.folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return f"v{exercise.version}-s{seed}-{digest.hexdigest()[:16]}"


def _source_files(exercise: Exercise) -> list[Path]:
    files = [exercise.folder / str(exercise.variant_generator)]
    for root in (exercise.starter_dir, exercise.hidden_dir):
        files += sorted(
            p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    return files


def _build(exercise: Exercise, seed: int, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        shutil.copytree(exercise.starter_dir, work / "starter", symlinks=True, ignore=_IGNORED)
        if exercise.hidden_dir.is_dir():
            shutil.copytree(exercise.hidden_dir, work / "hidden", symlinks=True, ignore=_IGNORED)
        generator = _load_generator(exercise)
        files = generator.variant_files(seed)
        _check_files(exercise, files)
        for name, content in files.items():
            (work / name).write_bytes(content)
        numbers = getattr(generator, "expected_numbers", lambda _files: {})(files)
        (work / NUMBERS).write_text(
            json.dumps({str(k): float(v) for k, v in numbers.items()}, sort_keys=True),
            encoding="utf-8",
        )
        try:
            work.rename(target)
        except OSError:  # another worker built the same variant meanwhile: theirs is identical
            if not (target / NUMBERS).is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _load_generator(exercise: Exercise) -> ModuleType:
    path = exercise.folder / str(exercise.variant_generator)
    spec = importlib.util.spec_from_file_location(
        f"hirelab_variant_{exercise.id.replace('-', '_')}", path
    )
    if spec is None or spec.loader is None:
        raise VariantError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "variant_files", None)):
        raise VariantError(f"{path}: defines no variant_files(seed)")
    return module


def _check_files(exercise: Exercise, files: object) -> None:
    """Only files the folder already has, under starter/ or hidden/data/, CSV headers unchanged."""
    if not isinstance(files, dict) or not files:
        raise VariantError(f"{exercise.id}: variant_files(seed) must return {{path: bytes}}")
    for name, content in files.items():
        path = PurePosixPath(str(name))
        base = exercise.folder / path
        if (
            path.is_absolute()
            or ".." in path.parts
            or not str(path).startswith(REPLACEABLE)
            or not base.is_file()
        ):
            raise VariantError(
                f"{exercise.id}: variant file {name!r} must replace a file of starter/ or "
                "hidden/data/"
            )
        if not isinstance(content, bytes):
            raise VariantError(f"{exercise.id}: variant file {name!r} is not bytes")
        if path.suffix == ".csv" and _header(content) != _header(base.read_bytes()):
            raise VariantError(f"{exercise.id}: variant file {name!r} changes the CSV header")


def _header(content: bytes) -> bytes:
    return content.split(b"\n", 1)[0].rstrip(b"\r")
