"""Voluntary self-identification: the configured questions, and storing or erasing answers.

The questions come from a YAML file (`SELF_ID_FILE`, default app/reports/self_identification.yaml);
"Prefer not to say" is added to every question, so it is always offered. Answers are category keys
only (no free text) in `self_identifications`; reading them is left to the aggregate reports
(app/reports/adverse_impact.py). Operations flush, the caller commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import delete, select

from app import assessment_upkeep as upkeep
from app.errors import DomainError
from app.extensions import db
from app.models import Candidate, SelfIdentification

PREFER_NOT_TO_SAY = "prefer_not_to_say"
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"
KEY = re.compile(r"^[a-z0-9][a-z0-9_]{0,59}$")


class SelfIdConfigError(ValueError):
    """The self-identification file cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    options: tuple[Option, ...]  # the configured categories, then "Prefer not to say"

    @property
    def categories(self) -> tuple[Option, ...]:
        """The groups a report compares (everything but "Prefer not to say")."""
        return tuple(option for option in self.options if option.key != PREFER_NOT_TO_SAY)

    def label_of(self, answer: str) -> str:
        return next((o.label for o in self.options if o.key == answer), answer)


def load_questions(path: Path) -> tuple[Question, ...]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SelfIdConfigError(f"{path}: cannot be read as YAML: {error}") from error
    raw_questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(raw_questions, list) or not raw_questions:
        raise SelfIdConfigError(f"{path}: field 'questions' must be a non-empty list")
    questions = tuple(_question(path, index, raw) for index, raw in enumerate(raw_questions))
    if len({q.key for q in questions}) != len(questions):
        raise SelfIdConfigError(f"{path}: field 'questions' has duplicate keys")
    return questions


def _question(path: Path, index: int, raw: object) -> Question:
    where = f"{path}: questions[{index}]"
    if not isinstance(raw, dict):
        raise SelfIdConfigError(f"{where} must be a mapping with key, label and options")
    key, label = raw.get("key"), raw.get("label")
    if not isinstance(key, str) or not KEY.match(key):
        raise SelfIdConfigError(f"{where}.key must be lower-case letters, digits and _")
    if not isinstance(label, str) or not label.strip():
        raise SelfIdConfigError(f"{where}.label must be a non-empty string")
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        raise SelfIdConfigError(f"{where}.options must list at least two categories")
    options = []
    for number, option in enumerate(raw_options):
        okey = option.get("key") if isinstance(option, dict) else None
        olabel = option.get("label") if isinstance(option, dict) else None
        if not isinstance(okey, str) or not KEY.match(okey) or okey == PREFER_NOT_TO_SAY:
            raise SelfIdConfigError(
                f"{where}.options[{number}].key must be lower-case letters, digits and _ "
                f"(and not {PREFER_NOT_TO_SAY!r}, which is always added)"
            )
        if not isinstance(olabel, str) or not olabel.strip():
            raise SelfIdConfigError(f"{where}.options[{number}].label must be a non-empty string")
        options.append(Option(okey, olabel.strip()))
    if len({o.key for o in options}) != len(options):
        raise SelfIdConfigError(f"{where}.options has duplicate keys")
    options.append(Option(PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL))
    return Question(key, label.strip(), tuple(options))


def questions() -> tuple[Question, ...]:
    """The installed questions (read on every call: the file is small and may be edited)."""
    return load_questions(current_app.config["SELF_ID_FILE"])


def answers_of(candidate: Candidate) -> dict[str, str]:
    """The candidate's own answers, for their own form only (never shown to staff)."""
    rows = db.session.execute(
        select(SelfIdentification.question, SelfIdentification.answer).where(
            SelfIdentification.candidate_id == candidate.id
        )
    )
    return {question: answer for question, answer in rows}


def save_answers(candidate: Candidate, answers: dict[str, str]) -> None:
    """Store the candidate's answers; an empty answer removes a previous one. Writes nothing
    unless every answer is one of its question's options."""
    installed = {q.key: q for q in questions()}
    for question_key, answer in answers.items():
        question = installed.get(question_key)
        if question is None:
            raise DomainError(f"There is no question {question_key!r} on this form.")
        if answer and answer not in {o.key for o in question.options}:
            raise DomainError(
                f"Choose one of the listed answers to “{question.label}”.", field=question_key
            )
    existing = {
        row.question: row
        for row in db.session.scalars(
            select(SelfIdentification).where(SelfIdentification.candidate_id == candidate.id)
        )
    }
    for question_key, answer in answers.items():
        row = existing.get(question_key)
        if not answer:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(
                SelfIdentification(candidate_id=candidate.id, question=question_key, answer=answer)
            )
        elif row.answer != answer:
            # A new row, not an update: the report cache notices new rows by their id.
            db.session.delete(row)
            db.session.flush()
            db.session.add(
                SelfIdentification(candidate_id=candidate.id, question=question_key, answer=answer)
            )
    db.session.flush()
    upkeep.refresh_answers(candidate.id)


def erase_answers(candidate_id: int) -> None:
    """Delete every answer of a candidate (erasure, or the candidate withdrawing them all)."""
    db.session.execute(
        delete(SelfIdentification).where(SelfIdentification.candidate_id == candidate_id)
    )
    upkeep.refresh_answers(candidate_id)
