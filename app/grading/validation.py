"""Validate an exercise: its references get their verdicts, and the adversarial pack cannot win.

``validate`` grades every notebook in ``reference/verdicts.yaml`` and every attack of the pack
(app/grading/attacks) built from its honest twin, in parallel, each distinct notebook once, and
returns one row per reference and per attack with PASS/FAIL and the reason. Which twin an attack
transforms is the attack's default (the starter notebook, or the best reference) unless
``reference/attacks.yaml`` names one: ``twins: {attack-id: some-reference.ipynb}``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from app.grading.attacks import PACK, Attack, AttackContext
from app.grading.exercises import Exercise
from app.grading.scoring import score
from sandbox.backends.base import Backend
from sandbox.intake import IntakeError, sanitize_notebook

TOLERANCE = 0.01  # percent points: scores are rounded to hundredths of a point per group


class ValidationError(ValueError):
    """The exercise cannot be validated (no verdicts, a twin that does not exist, ...)."""


@dataclass(frozen=True)
class Graded:
    """One notebook's grade, as percent of the exercise's maximum and per group."""

    status: str
    percent: float
    groups: dict[str, float]  # group id -> percent of that group's points
    message: str
    retryable: bool


@dataclass(frozen=True)
class Row:
    exercise: str
    kind: str  # "reference" or "attack"
    name: str
    expected: str
    graded: Graded
    passed: bool
    reason: str
    mechanism: int | None = None
    twin: str | None = None
    twin_graded: Graded | None = None
    variant_seed: int | None = None  # a reference graded on this seed's variant (None: default)


@dataclass
class _Plan:
    exercise: Exercise
    verdicts: dict[str, dict]
    notebooks: dict[str, bytes] = field(default_factory=dict)  # case name -> sanitized bytes
    attacks: list[tuple[Attack, str]] = field(default_factory=list)  # (attack, twin case name)


def _sanitized(raw: bytes, what: str) -> bytes:
    try:
        return sanitize_notebook(raw)
    except IntakeError as error:
        raise ValidationError(f"{what} is rejected at intake: {error}") from error


def _yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValidationError(f"{path}: cannot be read as YAML: {error}") from error
    if not isinstance(data, dict):
        raise ValidationError(f"{path}: must be a mapping")
    return data


def plan(exercise: Exercise, attack_ids: Sequence[str] | None = None) -> _Plan:
    """What to grade for `exercise`; raises ValidationError when it cannot be validated."""
    references = exercise.folder / "reference"
    verdicts_path = references / "verdicts.yaml"
    if not verdicts_path.is_file():
        raise ValidationError(
            f"{exercise.id} has no {verdicts_path.relative_to(exercise.folder.parent)}: "
            "list each reference notebook with the verdict it must get (see exercises/README.md)"
        )
    verdicts = _yaml(verdicts_path)
    result = _Plan(exercise, verdicts)
    for name in verdicts:
        path = references / name
        if not path.is_file():
            raise ValidationError(f"{verdicts_path}: {name} does not exist in reference/")
        result.notebooks[name] = _sanitized(path.read_bytes(), f"reference/{name}")
    starter = "starter/" + exercise.notebook
    result.notebooks[starter] = _sanitized((exercise.folder / starter).read_bytes(), starter)
    best = next((n for n, v in verdicts.items() if (v or {}).get("min_score", 0) >= 100), None)
    twins_path = references / "attacks.yaml"
    twins = _yaml(twins_path).get("twins", {}) if twins_path.is_file() else {}
    known = {a.id for a in PACK}
    unknown = sorted(set(twins) - known) + sorted(set(attack_ids or ()) - known)
    if unknown:
        raise ValidationError(
            f"unknown attack(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    context = AttackContext(exercise, _read(result.notebooks[best]) if best else None)
    for attack in PACK:
        if (attack_ids and attack.id not in attack_ids) or not attack.applies(exercise):
            continue
        twin = twins.get(attack.id) or (best if attack.twin == "best" else starter)
        if twin is None or twin not in result.notebooks:
            raise ValidationError(
                f"attack {attack.id}: twin {twin!r} is not a reference of {exercise.id}"
            )
        hostile = attack.build(_read(result.notebooks[twin]), context)
        if hostile is None:
            continue  # the attack needs what this exercise lacks (e.g. no full-marks reference)
        result.notebooks["attack/" + attack.id] = _sanitized(
            nbformat.writes(hostile).encode(), f"attack {attack.id}"
        )
        result.attacks.append((attack, twin))
    return result


def _read(data: bytes) -> nbformat.NotebookNode:
    return nbformat.reads(data.decode("utf-8"), as_version=4)


def grade_notebook(
    backend: Backend, exercise: Exercise, notebook: bytes, variant_seed: int | None = None
) -> Graded:
    job = exercise.job(notebook, variant_seed=variant_seed)
    result = backend.grade(job)
    scored = score(result, exercise)
    return Graded(
        status=result.status,
        percent=round(100 * scored.score / scored.max_score, 2),
        groups={g.group_id: round(100 * g.score / g.max_score, 2) for g in scored.groups},
        message=result.message,
        retryable=result.retryable,
    )


def _check_reference(verdict: dict, graded: Graded) -> str | None:
    """Why `graded` misses `verdict`, or None."""
    if graded.retryable:
        return f"grading error (retryable): {graded.message}"
    if "status" in verdict and graded.status != verdict["status"]:
        return f"status {graded.status}, expected {verdict['status']}"
    if graded.percent < verdict.get("min_score", 0) - TOLERANCE:
        return f"{graded.percent:g}% is below {verdict['min_score']}%"
    if graded.percent > verdict.get("max_score", 100) + TOLERANCE:
        return f"{graded.percent:g}% is above {verdict['max_score']}%"
    for group in verdict.get("failed_groups", []):
        if graded.groups.get(group, 0) >= 100:
            return f"group {group} should fail but got full points"
    for group in verdict.get("passed_groups", []):
        if graded.groups.get(group, 0) < 100:
            return f"group {group} should pass but got {graded.groups.get(group, 0):g}%"
    return None


def _expectation(verdict: dict) -> str:
    parts = [verdict.get("status", "any")]
    parts.append(f"{verdict.get('min_score', 0):g}-{verdict.get('max_score', 100):g}%")
    return " ".join(parts)


def _check_attack(attack: Attack, graded: Graded, twin: Graded) -> str | None:
    if twin.retryable:
        return f"the honest twin could not be graded: {twin.message}"
    if graded.retryable:  # no verdict at all: production retries it, and never scores it
        return None if attack.expect == "at_most_twin" else f"grading error: {graded.message}"
    gained = {
        group: (twin.groups.get(group, 0), value)
        for group, value in graded.groups.items()
        if value > twin.groups.get(group, 0) + TOLERANCE
    }
    if graded.percent > twin.percent + TOLERANCE or gained:
        detail = ", ".join(f"{g} {old:g}->{new:g}%" for g, (old, new) in gained.items())
        return f"scores {graded.percent:g}% against its twin's {twin.percent:g}% ({detail})"
    if attack.expect == "below_twin" and graded.percent >= twin.percent - TOLERANCE:
        return f"the planted flaw goes unnoticed: {graded.percent:g}%, same as its twin"
    return None


TIME_LIMITS = (
    "cell_timeout_s",
    "notebook_timeout_s",
    "call_timeout_s",
    "tests_timeout_s",
    "startup_grace_s",  # the kernel start: the first thing a loaded machine slows down
)


def with_more_time(exercise: Exercise, factor: float) -> Exercise:
    """The exercise with every time limit multiplied by `factor` (for a loaded machine, where an
    honest notebook would otherwise time out and every row would compare timeouts)."""
    limits = exercise.limits.with_overrides(
        {name: getattr(exercise.limits, name) * factor for name in TIME_LIMITS}
    )
    return exercise.model_copy(update={"limits": limits})


def _seeded(p: _Plan, seeds: Sequence[int], names: Sequence[str] | None) -> list[tuple[str, int]]:
    """(reference, seed) pairs to grade on variants: the references `names` chooses (a name, or
    `exercise/name` for one exercise's), or all."""
    chosen = [
        n for n in p.verdicts if names is None or n in names or f"{p.exercise.id}/{n}" in names
    ]
    return [(name, seed) for seed in seeds for name in chosen]


def _seed_label(exercise: Exercise, seed: int) -> str:
    return f"variant seed {seed}" if exercise.has_variants else f"repeat {seed} (no variants)"


def validate(
    exercises: Sequence[Exercise],
    make_backend: Callable[[], Backend],
    *,
    workers: int | None = None,
    attack_ids: Sequence[str] | None = None,
    references: bool = True,
    progress: Callable[[int, int], None] | None = None,
    seeds: Sequence[int] = (),
    seeded_references: Sequence[str] | None = None,
    attacks: bool = True,
) -> list[Row]:
    """Grade the references and the pack for each exercise; one row per reference and attack.

    The exercise's own files are the default variant. With `seeds`, the references (those named
    in `seeded_references`, or all) are graded again on each seed's variant, one row per seed; an
    exercise without variants grades them again as they are (each run draws fresh hidden inputs).
    """
    plans = [plan(exercise, attack_ids) for exercise in exercises]
    if not attacks:
        plans = [dataclasses.replace(p, attacks=[]) for p in plans]
    known = {n for p in plans for n in p.verdicts} | {
        f"{p.exercise.id}/{n}" for p in plans for n in p.verdicts
    }
    unknown = sorted(set(seeded_references or ()) - known)
    if unknown:
        raise ValidationError(f"no reference {', '.join(unknown)} in any reference/verdicts.yaml")
    jobs: dict[tuple[str, str, int | None], tuple[Exercise, bytes, int | None]] = {}
    for p in plans:
        wanted = set(p.verdicts) if references else set()
        wanted |= {twin for _, twin in p.attacks} | {"attack/" + a.id for a, _ in p.attacks}
        for name in wanted:
            data = p.notebooks[name]
            key = (p.exercise.id, hashlib.sha256(data).hexdigest(), None)
            jobs.setdefault(key, (p.exercise, data, None))
        for name, seed in _seeded(p, seeds, seeded_references):
            data = p.notebooks[name]
            key = (p.exercise.id, hashlib.sha256(data).hexdigest(), seed)
            jobs.setdefault(key, (p.exercise, data, seed))
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = {
            pool.submit(lambda job: grade_notebook(make_backend(), *job), job): key
            for key, job in jobs.items()
        }
        grades = {}
        for done, future in enumerate(as_completed(futures), start=1):
            grades[futures[future]] = future.result()
            if progress is not None:
                progress(done, len(futures))
    rows: list[Row] = []
    for p in plans:

        def graded(name: str, seed: int | None = None, p: _Plan = p) -> Graded:
            return grades[(p.exercise.id, hashlib.sha256(p.notebooks[name]).hexdigest(), seed)]

        cases = [(name, None) for name in p.verdicts] if references else []
        for name, seed in cases + _seeded(p, seeds, seeded_references):
            verdict = p.verdicts[name] or {}
            reason = _check_reference(verdict, graded(name, seed))
            rows.append(
                Row(
                    p.exercise.id,
                    "reference",
                    name if seed is None else f"{name} @ {_seed_label(p.exercise, seed)}",
                    _expectation(verdict),
                    graded(name, seed),
                    reason is None,
                    reason or "verdict holds",
                    variant_seed=seed,
                )
            )
        for attack, twin in p.attacks:
            mine, theirs = graded("attack/" + attack.id), graded(twin)
            reason = _check_attack(attack, mine, theirs)
            note = "grading error, no verdict" if mine.retryable else "no gain over its twin"
            expected = (
                "<" if attack.expect == "below_twin" else "<="
            ) + f" {twin} ({theirs.percent:g}%)"
            rows.append(
                Row(
                    p.exercise.id,
                    "attack",
                    attack.id,
                    expected,
                    mine,
                    reason is None,
                    reason or note,
                    attack.mechanism,
                    twin,
                    theirs,
                )
            )
    return rows
