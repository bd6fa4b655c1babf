"""Calendar invites for interviews: one iCalendar event per interview (stable UID), mailed with
the .ics attached to the candidate and every panel member; updates raise SEQUENCE, cancellations
send METHOD:CANCEL for the same UID, so calendar apps move or remove the one event."""

from __future__ import annotations

from datetime import UTC, timedelta
from email.utils import parseaddr
from typing import Any

from icalendar import Calendar, Event, vCalAddress, vText

from app import mail
from app.messages import templates
from app.models import Interview, OutboxMessage, User, now_utc
from app.timezones import format_in_zone

PRODID = "-//HireLab//Interviews//EN"
CHANGES = {
    "new": "Interview invitation",
    "moved": "Interview moved",
    "cancelled": "Interview cancelled",
}


def event_uid(interview: Interview, config: dict[str, Any]) -> str:
    domain = parseaddr(config["MAIL_SENDER"])[1].rpartition("@")[2] or "hirelab.invalid"
    return f"interview-{interview.id}@{domain}"


def _attendee(email: str, name: str, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    address.params["ROLE"] = vText(role)
    address.params["RSVP"] = vText("TRUE")
    return address


def calendar(interview: Interview, config: dict[str, Any], method: str) -> bytes:
    """The interview as an iCalendar REQUEST (new or moved) or CANCEL."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", event_uid(interview, config))
    event.add("sequence", interview.sequence)
    event.add("dtstamp", now_utc())
    start = interview.scheduled_at.astimezone(UTC)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=interview.duration_minutes))
    event.add("summary", f"Interview: {interview.kit_title} — {interview.application.job.title}")
    where = interview.location or interview.video_url
    if where:
        event.add("location", where)
    if interview.video_url:
        event.add("url", interview.video_url)
    event.add("description", _description(interview))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    sender = parseaddr(config["MAIL_SENDER"])
    organizer = vCalAddress(f"mailto:{sender[1]}")
    organizer.params["CN"] = vText(sender[0] or "HireLab")
    event.add("organizer", organizer)
    candidate = interview.application.candidate
    event.add("attendee", _attendee(candidate.email, candidate.name, "REQ-PARTICIPANT"))
    for member in interview.interviewers:
        event.add("attendee", _attendee(member.email, member.name, "REQ-PARTICIPANT"))
    cal.add_component(event)
    return cal.to_ical()


def _description(interview: Interview) -> str:
    lines = [f"{interview.kit_title} for {interview.application.job.title}."]
    if interview.video_url:
        lines.append(f"Join: {interview.video_url}")
    if interview.location:
        lines.append(f"Where: {interview.location}")
    return "\n".join(lines)


def recipients(interview: Interview) -> list[tuple[str, str, str]]:
    """(email, name, time zone) of the candidate and every panel member."""
    candidate = interview.application.candidate
    account: User | None = candidate.user
    people = [(candidate.email, candidate.name, account.time_zone if account else "UTC")]
    people += [(m.email, m.name, m.time_zone) for m in interview.interviewers]
    return people


def send(interview: Interview, config: dict[str, Any], change: str) -> list[OutboxMessage]:
    """Mail the invite (`change`: "new", "moved" or "cancelled") to everyone, .ics attached."""
    method = "CANCEL" if change == "cancelled" else "REQUEST"
    ics = calendar(interview, config, method)
    attachment = mail.Attachment(
        "invite.ics" if method == "REQUEST" else "cancel.ics",
        f"text/calendar; method={method}",
        ics,
    )
    job = interview.application.job
    messages = []
    for email, name, zone in recipients(interview):
        starts = format_in_zone(interview.scheduled_at, zone, "%A %d %B %Y, %H:%M")
        subject, body = templates.render(
            job,
            "interview_invite",
            {
                "name": name,
                "job_title": job.title,
                "interview_title": interview.kit_title,
                "change": CHANGES[change],
                "starts": starts if zone == "UTC" else f"{starts} ({zone})",
                "duration_minutes": str(interview.duration_minutes),
                "where": " · ".join(p for p in (interview.location, interview.video_url) if p)
                or "to be confirmed",
            },
        )
        messages.append(
            mail.send(
                config,
                email,
                subject,
                body,
                candidate=interview.application.candidate,
                attachment=attachment,
            )
        )
    return messages
