"""Interviews reach people: an iCalendar invite mailed to the candidate and the panel (.ics in
the outbox), rescheduling updates the same event (same UID, SEQUENCE + 1), cancelling sends
METHOD:CANCEL; times typed and shown in each user's own time zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from app.extensions import db
from app.models import Interview, OutboxMessage, Role, User, now_utc
from tests.scorecards.conftest import staff


def _event(message: OutboxMessage):
    calendar = Calendar.from_ical(message.attachment)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _schedule(client, panel, when: str, **extra):
    return client.post(
        f"/applications/{panel.application.id}/interviews/new",
        data={
            "kit": "ship-this-model",
            "stage": panel.application.stage_id,
            "interviewers": [panel.first.id, panel.second.id],
            "scheduled_at": when,
            "video_url": "https://meet.example/abc",
            **extra,
        },
    )


def test_schedule_move_and_cancel_send_one_calendar_event(client, auth, panel):
    recruiter = db.session.get(User, panel.recruiter.id)
    recruiter.time_zone = "Europe/Berlin"
    panel.first.time_zone = "America/New_York"
    db.session.commit()
    auth.login_as(recruiter)
    before = db.session.query(OutboxMessage).count()
    year = now_utc().year + 1
    response = _schedule(client, panel, f"{year}-07-01T15:00", location="Room 4")
    assert response.status_code == 302
    interview = db.session.scalars(db.select(Interview).order_by(Interview.id.desc())).first()
    # 15:00 in Berlin (summer, UTC+2) is 13:00 UTC.
    assert interview.scheduled_at == datetime(year, 7, 1, 13, 0, tzinfo=UTC)
    sent = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id > before)).all()
    to = sorted(message.to for message in sent)
    assert to == sorted([panel.application.candidate.email, panel.first.email, panel.second.email])
    calendar, event = _event(sent[0])
    assert str(calendar["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 0
    uid = str(event["UID"])
    assert event.decoded("DTSTART") == datetime(year, 7, 1, 13, 0, tzinfo=UTC)
    assert "Room 4" in str(event["LOCATION"]) and str(event["URL"]) == "https://meet.example/abc"
    attendees = {str(a).removeprefix("mailto:") for a in event["ATTENDEE"]}
    assert panel.first.email in attendees and panel.application.candidate.email in attendees
    # Each recipient reads the time in their own zone.
    by_to = {message.to: message for message in sent}
    assert "09:00 EDT (America/New_York)" in by_to[panel.first.email].body
    assert "13:00 UTC, " in by_to[panel.application.candidate.email].body

    outbox = client.get("/outbox").text
    assert "invite.ics" in outbox
    link = re.search(r'href="(/outbox/\d+/attachment)"', outbox).group(1)
    download = client.get(link)
    assert download.mimetype == "text/calendar" and b"BEGIN:VCALENDAR" in download.data

    page = client.get(f"/interviews/{interview.id}").text
    assert f"{year}-07-01 15:00 CEST" in page  # shown in the recruiter's zone
    client.post(
        f"/interviews/{interview.id}/reschedule",
        data={"scheduled_at": f"{year}-07-02T10:30", "video_url": "https://meet.example/abc"},
    )
    moved = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.subject.startswith("Interview moved"))
    ).all()
    assert len(moved) == 3
    calendar, event = _event(moved[0])
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == datetime(year, 7, 2, 8, 30, tzinfo=UTC)

    client.post(f"/interviews/{interview.id}/cancel")
    cancelled = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.subject.startswith("Interview cancelled"))
    ).all()
    calendar, event = _event(cancelled[0])
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CANCELLED"
    assert "Cancelled" in client.get(f"/interviews/{interview.id}").text


def test_bad_place_is_refused_and_sends_nothing(client, auth, panel):
    auth.login_as(panel.recruiter)
    before = (db.session.query(Interview).count(), db.session.query(OutboxMessage).count())
    page = _schedule(
        client,
        panel,
        (now_utc() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        video_url="javascript:alert(1)",
    ).text
    assert "https:// address" in page
    after = (db.session.query(Interview).count(), db.session.query(OutboxMessage).count())
    assert after == before


def test_interviewer_cannot_move_or_cancel(client, auth, panel):
    auth.login_as(panel.first)
    assert client.post(f"/interviews/{panel.interview.id}/cancel").status_code == 403
    other = staff(Role.RECRUITER, "Other Recruiter")
    panel.application.job.owner = panel.recruiter
    db.session.commit()
    auth.login_as(other)
    assert client.post(f"/interviews/{panel.interview.id}/cancel").status_code == 403
    assert db.session.get(Interview, panel.interview.id).cancelled_at is None


def test_a_scored_interview_cannot_move(app, panel):
    from app.errors import DomainError
    from app.scorecards import scheduling
    from tests.scorecards.conftest import submit

    submit(panel.interview, panel.first)
    with pytest.raises(DomainError, match="already submitted"):
        scheduling.reschedule(panel.interview, now_utc(), None, "", "", app.config)
