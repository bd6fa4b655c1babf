"""The code every candidate of an exercise was given or may legitimately share: the starter
notebook and the reference answers (`exercises/<slug>/starter|reference/*.ipynb`)."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import current_app

from app.similarity.fingerprints import KINDS, base_hashes

EMPTY = {kind: frozenset[int]() for kind in KINDS}


def exercise_base(slug: str) -> dict[str, frozenset[int]]:
    """Base hashes of exercise `slug` (none when the exercise folder is gone)."""
    folder = Path(current_app.config["EXERCISES_DIR"]) / slug
    paths = sorted(folder.glob("starter/*.ipynb")) + sorted(folder.glob("reference/*.ipynb"))
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in paths)
    return _cached(stamp) if stamp else EMPTY


@functools.lru_cache(maxsize=32)
def _cached(stamp: tuple[tuple[str, int], ...]) -> dict[str, frozenset[int]]:
    return base_hashes([Path(path).read_bytes() for path, _ in stamp])
