"""`flask grade`: grade one notebook file against an exercise, without the web app or database.

Registered as a ``flask.commands`` plugin (setup.cfg), so ``flask --app wsgi grade`` never builds
the app: it loads only the exercise, the scoring and the sandbox backend, reading EXERCISES_DIR
and SANDBOX_BACKEND from the environment (or from an app whose context is pushed, as in tests).
SIGINT and SIGTERM stop the grading and remove every sandbox container it started.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click
from flask import current_app, has_app_context

from app.config import SETTINGS, load
from app.grading.backends import make_backend
from app.grading.exercises import ExerciseError, load_exercise
from app.grading.scoring import score
from app.grading.variants import VariantError
from app.settings_types import SANDBOX_BACKENDS
from sandbox.backends.base import Backend
from sandbox.intake import IntakeError
from sandbox.kinds import kind_for
from sandbox.results import GradingResult


@click.command("grade")
@click.argument("notebook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--exercise", "exercise_ref", required=True, help="Exercise slug or folder.")
@click.option(
    "--backend",
    type=click.Choice(SANDBOX_BACKENDS),
    default=None,
    help="Sandbox backend (default: SANDBOX_BACKEND).",
)
@click.option(
    "--variant-seed",
    type=click.IntRange(min=1),
    default=None,
    help="Grade against this seed's variant of the data (default: the exercise's own files).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def grade_command(
    notebook: Path, exercise_ref: str, backend: str | None, variant_seed: int | None, as_json: bool
) -> None:
    """Grade NOTEBOOK against an exercise and report the verdict, score and test groups."""
    exercises_dir, default_backend = _settings()
    try:
        exercise = load_exercise(exercises_dir, exercise_ref)
    except ExerciseError as error:
        raise click.UsageError(str(error)) from error
    if not notebook.is_file():
        raise click.UsageError(f"{notebook} does not exist or is not a file.")
    try:
        data = kind_for(exercise.kind).accept(notebook.read_bytes())
    except IntakeError as error:
        result = GradingResult.failed("rejected", f"The notebook was rejected: {error}")
    else:
        try:
            job = exercise.job(data, variant_seed=variant_seed)
        except VariantError as error:
            raise click.ClickException(f"the variant could not be made: {error}") from error
        # One grading: nothing kept ready beyond it (phase 2's container still starts early).
        chosen = make_backend(backend or default_backend, keep_ready=0)
        with _interruptible(chosen):
            result = chosen.grade(job)
    report = grading_report(result, exercise)
    if as_json:
        click.echo(json.dumps(report))
    else:
        print_report(report)


def _settings() -> tuple[Path, str]:
    """EXERCISES_DIR and SANDBOX_BACKEND of the app in context, else of the environment."""
    if has_app_context():
        return current_app.config["EXERCISES_DIR"], current_app.config["SANDBOX_BACKEND"]
    needed = tuple(s for s in SETTINGS if s.env in {"EXERCISES_DIR", "SANDBOX_BACKEND"})
    config = load(Path("instance"), settings=needed)
    return config["EXERCISES_DIR"], config["SANDBOX_BACKEND"]


class Interrupted(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: unwinding removes the phase's container."""


@contextmanager
def _interruptible(backend: Backend) -> Iterator[None]:
    """Turn SIGTERM into an exception while grading; on either signal, remove every container
    this process started (the phase's own in its ``finally``, the pre-started ones here)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    except KeyboardInterrupt as interrupt:
        backend.close()
        code = 128 + signal.SIGTERM if isinstance(interrupt, Interrupted) else 130
        click.echo("Interrupted: grading stopped, its sandbox containers removed.", err=True)
        sys.exit(code)
    finally:
        signal.signal(signal.SIGTERM, previous)


def grading_report(result: GradingResult, exercise) -> dict:
    scored = score(result, exercise)
    return {
        "status": result.status,
        "score": scored.score,
        "max_score": scored.max_score,
        "groups": [
            {
                "id": g.group_id,
                "title": g.title,
                "score": g.score,
                "max_score": g.max_score,
                "dimension": g.dimension,
                "message": g.message,
            }
            for g in scored.groups
        ],
        "tests": [
            {"id": t.id, "group": t.group, "outcome": t.outcome, "message": t.message}
            for t in result.tests
        ],
        "duration_s": round(result.duration_s, 3),
        "message": result.message,
    }


def print_report(report: dict) -> None:
    out = sys.stdout
    out.write(
        f"{report['status']}: {report['score']:g} / {report['max_score']:g} points "
        f"in {report['duration_s']:.1f} s\n{report['message']}\n\n"
    )
    for group in report["groups"]:
        out.write(
            f"  {group['score']:>5g} / {group['max_score']:<4g} {group['title']} "
            f"[{group['dimension']}]\n      {group['message']}\n"
        )
