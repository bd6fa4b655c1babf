"""Message templates with plain `{placeholder}` substitution — no template engine runs text a
user typed, so a template can only insert the listed values, never reach code or attributes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from app.errors import DomainError, DomainErrors
from app.extensions import db
from app.models import Job, MessageTemplate, User, now_utc

PLACEHOLDER = re.compile(r"\{(\w*)\}")
MAX_SUBJECT = 300
MAX_BODY = 10_000


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    placeholders: dict[str, str]  # name → sample value for the preview
    subject: str
    body: str


KINDS = {
    kind.key: kind
    for kind in (
        Kind(
            "exercise_invite",
            "Exercise invitation (to the candidate)",
            {
                "candidate_name": "Ada Lovelace",
                "job_title": "Junior AI Engineer",
                "exercise_title": "Take-home: predict which customers will churn",
                "time_box_minutes": "120",
                "start_before": "05 Dec 2026 17:00 UTC",
                "link": "https://hirelab.example/invite/…",
            },
            "Your HireLab exercise: {exercise_title}",
            "Hello {candidate_name},\n\n"
            "Thank you for your interest in the {job_title} role. As the next step we would like "
            "you to take a short exercise: {exercise_title}.\n\n"
            "Open this link to read the brief (no password needed):\n{link}\n\n"
            "You have a time box of {time_box_minutes} minutes, which starts only when you press "
            "Start on the exercise page. Please start before {start_before}.\n\n"
            "Good luck!\nThe hiring team\n",
        ),
        Kind(
            "interview_invite",
            "Interview invitation, move and cancellation (to the candidate and the panel)",
            {
                "name": "Ada Lovelace",
                "job_title": "Junior AI Engineer",
                "interview_title": '"Ship this model" system-thinking case',
                "change": "New interview",
                "starts": "Thursday 01 July 2027, 15:00 CEST (Europe/Berlin)",
                "duration_minutes": "60",
                "where": "https://meet.example/abc",
            },
            "{change}: {interview_title} ({job_title})",
            "Hello {name},\n\n{change}: {interview_title} for {job_title}.\n"
            "When: {starts}, {duration_minutes} minutes\nWhere: {where}\n\n"
            "The attached calendar file (.ics) updates your calendar.\n\n— The hiring team\n",
        ),
    )
}


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each {name} with its value; {{ and }} stand for literal braces."""
    marker = "\x00"
    text = text.replace("{{", marker + "(").replace("}}", marker + ")")
    filled = PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)
    return filled.replace(marker + "(", "{").replace(marker + ")", "}")


def check(kind: Kind, subject: str, body: str) -> None:
    """Every placeholder must be one this kind offers; report all problems at once."""
    errors = []
    if not subject.strip():
        errors.append(DomainError("Give the message a subject.", field="subject"))
    if len(subject) > MAX_SUBJECT:
        errors.append(DomainError(f"Keep the subject under {MAX_SUBJECT} characters.", "subject"))
    if not body.strip():
        errors.append(DomainError("Write the message.", field="body"))
    if len(body) > MAX_BODY:
        errors.append(DomainError(f"Keep the message under {MAX_BODY} characters.", "body"))
    for field, text in (("subject", subject), ("body", body)):
        stripped = text.replace("{{", "").replace("}}", "")
        unknown = sorted({name for name in PLACEHOLDER.findall(stripped)} - set(kind.placeholders))
        if unknown:
            names = ", ".join("{" + name + "}" for name in unknown)
            allowed = ", ".join("{" + name + "}" for name in kind.placeholders)
            errors.append(DomainError(f"Unknown placeholder {names}; use {allowed}.", field=field))
    if errors:
        raise errors[0] if len(errors) == 1 else DomainErrors(errors)


def stored(job: Job, kind: str) -> MessageTemplate | None:
    return db.session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.job_id == job.id, MessageTemplate.kind == kind
        )
    )


def wording(job: Job, kind: str) -> tuple[str, str]:
    """The job's subject and body for `kind`, or the defaults."""
    template = stored(job, kind)
    default = KINDS[kind]
    return (template.subject, template.body) if template else (default.subject, default.body)


def render(job: Job, kind: str, values: dict[str, str]) -> tuple[str, str]:
    subject, body = wording(job, kind)
    return fill(subject, values).replace("\n", " ")[:MAX_SUBJECT], fill(body, values)


def preview(kind: str, subject: str, body: str) -> tuple[str, str]:
    """The message as a candidate would read it, with sample values."""
    chosen = KINDS[kind]
    check(chosen, subject, body)
    return fill(subject, chosen.placeholders), fill(body, chosen.placeholders)


def save(job: Job, kind: str, subject: str, body: str, actor: User | None) -> MessageTemplate:
    """Store the job's wording for `kind` after checking its placeholders."""
    chosen = KINDS.get(kind)
    if chosen is None:
        raise DomainError("Choose a message from the list.", field="kind")
    check(chosen, subject, body)
    template = stored(job, kind) or MessageTemplate(job_id=job.id, kind=kind)
    template.subject, template.body = subject.strip(), body.replace("\r\n", "\n")
    template.updated_by_id = actor.id if actor else None
    template.updated_at = now_utc()
    db.session.add(template)
    db.session.flush()
    return template


def reset(job: Job, kind: str) -> None:
    template = stored(job, kind)
    if template is not None:
        db.session.delete(template)
        db.session.flush()
