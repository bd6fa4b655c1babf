"""Independence: an interviewer reads no other scorecard of a candidate before submitting their
own, on any route; interviewers open only the interviews they sit on."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

from app.auth import independence
from app.extensions import db
from app.models import Role
from tests.scorecards.conftest import full_input, save, schedule, staff, submit

SECRET = "first-interviewer-secret-note"
DRAFT_SECRET = "an unsent draft thought"


def scorecard_urls(app, ids: dict[str, int]) -> list[str]:
    """Every GET URL of the scorecards blueprint (and the home page) with these object ids."""
    adapter = app.url_map.bind("localhost")
    urls = ["/"]
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("scorecards.") or "GET" not in (rule.methods or ()):
            continue
        values = {
            name: ids[name]
            for name, conv in rule._converters.items()
            if isinstance(conv, IntegerConverter)
        }
        urls.append(adapter.build(rule.endpoint, values))
    return urls


def leaks(client, urls, secret=SECRET) -> dict[str, int]:
    found = {}
    for url in urls:
        response = client.get(url)
        if secret in response.get_data(as_text=True):
            found[url] = response.status_code
    return found


def first_submits(panel):
    notes = {"production_mindset": SECRET}
    return submit(panel.interview, panel.first, full_input("strong", dimension_notes=notes))


def test_no_route_shows_a_scorecard_before_the_reader_submitted(app, panel, client, auth):
    card = first_submits(panel)
    urls = scorecard_urls(
        app,
        {
            "interview_id": panel.interview.id,
            "scorecard_id": card.id,
            "application_id": panel.application.id,
        },
    )
    assert len(urls) >= 12
    auth.login_as(panel.second)
    assert leaks(client, urls) == {}
    assert client.get(f"/scorecards/{card.id}").status_code == 403
    debrief = client.get(f"/interviews/{panel.interview.id}/debrief")
    assert debrief.status_code == 200 and "hidden until you submit yours" in debrief.text
    csv = client.get(f"/interviews/{panel.interview.id}/scorecards.csv").text
    assert csv.count("\n") == 1  # the header only
    # A draft of their own changes nothing.
    save(panel.interview, panel.second, full_input("below"))
    assert leaks(client, urls) == {}

    submit(panel.interview, panel.second, full_input("below"))
    assert client.get(f"/scorecards/{card.id}").status_code == 200
    found = leaks(client, urls)
    assert f"/scorecards/{card.id}" in found
    assert f"/interviews/{panel.interview.id}/debrief" in found
    assert f"/interviews/{panel.interview.id}/scorecards.csv" in found


def test_outsider_opens_nothing_and_reads_nothing(app, panel, client, auth):
    card = first_submits(panel)
    ids = {
        "interview_id": panel.interview.id,
        "scorecard_id": card.id,
        "application_id": panel.application.id,
    }
    auth.login_as(panel.outsider)
    for url in scorecard_urls(app, ids):
        response = client.get(url)
        assert SECRET not in response.text, url
        if url != "/":
            assert response.status_code == 403, url
    fill = f"/interviews/{panel.interview.id}/scorecard"
    assert client.post(fill, data={"submit": "1"}).status_code == 403
    assert client.post(f"/scorecards/{card.id}/amend", data={"reason": "x"}).status_code == 403


def test_recruiters_see_a_panel_they_are_not_on_but_cannot_fill_it(panel, client, auth):
    card = first_submits(panel)
    for role in (Role.RECRUITER, Role.ADMIN):
        auth.login_as(staff(role, f"Someone {role.value}"))
        assert SECRET in client.get(f"/scorecards/{card.id}").text
        assert SECRET in client.get(f"/applications/{panel.application.id}/debrief").text
        csv = client.get(f"/applications/{panel.application.id}/scorecards.csv")
        assert SECRET in csv.text and csv.mimetype == "text/csv"
        assert client.get(f"/interviews/{panel.interview.id}/scorecard").status_code == 403


def test_drafts_stay_private_even_after_submitting(app, panel, client, auth):
    save(panel.interview, panel.first, full_input(notes=DRAFT_SECRET))
    draft_id = panel.interview.scorecards[0].id
    submit(panel.interview, panel.second)
    auth.login_as(panel.second)
    urls = scorecard_urls(
        app,
        {
            "interview_id": panel.interview.id,
            "scorecard_id": draft_id,
            "application_id": panel.application.id,
        },
    )
    assert leaks(client, urls, DRAFT_SECRET) == {}
    assert client.get(f"/scorecards/{draft_id}").status_code == 403


def test_a_later_interview_hides_the_others_again_until_it_is_scored(panel, client, auth):
    card = first_submits(panel)
    submit(panel.interview, panel.second)
    auth.login_as(panel.second)
    assert client.get(f"/scorecards/{card.id}").status_code == 200
    later = schedule(panel.application, [panel.second], kit_id="fundamentals", hours_ago=1)
    assert client.get(f"/scorecards/{card.id}").status_code == 403
    hidden = client.get(f"/scorecards/{card.id}").text
    assert f"/interviews/{later.id}/scorecard" in hidden  # says what to do
    installed_input = full_input(
        levels={"ml_fundamentals": "meets", "data_sql": "meets", "learning_agility": "meets"}
    )
    submit(later, panel.second, installed_input)
    assert client.get(f"/scorecards/{card.id}").status_code == 200


def test_an_amendment_draft_keeps_the_submitted_version_readable(panel, client, auth):
    from app.scorecards import operations

    card = first_submits(panel)
    operations.amend(card, panel.first, "adding detail")
    db.session.commit()
    submit(panel.interview, panel.second)
    auth.login_as(panel.second)
    page = client.get(f"/scorecards/{card.id}").text
    assert SECRET in page
    assert "adding detail" not in page  # the amendment draft is private
    assert independence.may_read_scorecard(panel.second, card)
