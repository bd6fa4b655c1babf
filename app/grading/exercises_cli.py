"""`flask exercises validate SLUG...`: can an exercise be gamed? (thin: parse, validate, print)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click
from flask import current_app
from flask.cli import AppGroup

from app.grading.attacks import PACK
from app.grading.backends import docker_available, make_backend
from app.grading.exercises import ExerciseError, load_exercise
from app.grading.validation import Row, ValidationError, validate, with_more_time
from app.grading.variants import VariantError
from app.settings_types import SANDBOX_BACKENDS

exercises_group = AppGroup("exercises", help="Exercise authoring tools.")


@exercises_group.command("validate")
@click.argument("slugs", nargs=-1, required=True)
@click.option("--backend", type=click.Choice(SANDBOX_BACKENDS), default="docker", show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Gradings at once (default: the number of cores).",
)
@click.option(
    "--attack",
    "attack_ids",
    multiple=True,
    type=click.Choice([a.id for a in PACK]),
    help="Only these attacks (repeatable).",
)
@click.option("--no-references", is_flag=True, help="Grade the attacks and their twins only.")
@click.option("--no-attacks", is_flag=True, help="Grade the references only.")
@click.option(
    "--time-factor",
    type=click.FloatRange(min=1),
    default=1.0,
    help="Multiply every time limit (a loaded machine; the default grades as production does).",
)
@click.option(
    "--seeds",
    type=click.IntRange(min=0),
    default=0,
    help="Also grade the references on the variants of seeds 1..N (exercises with variants; "
    "others are graded N more times, each run drawing fresh hidden inputs).",
)
@click.option(
    "--seed-reference",
    "seeded_references",
    multiple=True,
    help="With --seeds: only these references on the extra seeds, NAME or EXERCISE/NAME "
    "(repeatable; default all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as one JSON list.")
def validate_command(
    slugs,
    backend,
    workers,
    attack_ids,
    no_references,
    no_attacks,
    time_factor,
    seeds,
    seeded_references,
    as_json,
) -> None:
    """Grade each exercise's references against reference/verdicts.yaml and the adversarial pack;
    exit non-zero when a reference misses its verdict or an attack scores above its honest twin."""
    try:
        exercises = [
            with_more_time(load_exercise(current_app.config["EXERCISES_DIR"], slug), time_factor)
            for slug in slugs
        ]
    except ExerciseError as error:
        raise click.UsageError(str(error)) from error
    if backend == "docker":
        reason = docker_available()
        if reason is not None:
            raise click.ClickException(
                f"cannot grade on docker: {reason}. Run `make services image`, or pass "
                "--backend local (no isolation; attacks may then harm this machine)."
            )
    try:
        rows = validate(
            exercises,
            lambda: make_backend(backend),
            workers=workers,
            attack_ids=attack_ids or None,
            references=not no_references,
            seeds=range(1, seeds + 1),
            seeded_references=seeded_references or None,
            attacks=not no_attacks,
            progress=lambda done, total: click.echo(f"graded {done} of {total}", err=True),
        )
    except (ValidationError, VariantError) as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps([asdict(row) for row in rows]))
    else:
        print_table(rows)
    failed = [row for row in rows if not row.passed]
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(rows)} rows FAIL")


def print_table(rows: list[Row]) -> None:
    header = ("exercise", "reference/attack", "expected", "score", "status", "result")
    table = [header] + [
        (
            row.exercise,
            row.name,
            row.expected,
            f"{row.graded.percent:g}%",
            row.graded.status,
            ("PASS" if row.passed else "FAIL") + f": {row.reason}",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header) - 1)]
    for line in table:
        cells = [text.ljust(width) for text, width in zip(line, widths, strict=False)]
        click.echo("  ".join([*cells, line[-1]]))
