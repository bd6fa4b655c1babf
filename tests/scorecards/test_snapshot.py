"""A scorecard keeps the rubric it was scored against: YAML edits change no past scorecard."""

from __future__ import annotations

import shutil

from app.config import REPO_ROOT
from app.models import Scorecard
from app.scorecards.catalog import catalog
from tests.scorecards.conftest import full_input, schedule, submit

OLD_TITLE = "Production mindset"
NEW_TITLE = "Operational excellence"
OLD_FLAG = "Would use sensitive or personal data without controls"


def test_editing_the_rubric_never_alters_past_scorecards(app, panel, client, auth, db, tmp_path):
    directory = tmp_path / "rubrics"
    shutil.copytree(REPO_ROOT / "rubrics", directory)
    app.config["RUBRICS_DIR"] = directory
    card = submit(panel.interview, panel.first, full_input(red_flags=("pii_without_controls",)))
    assert (card.rubric_id, card.rubric_version) == ("junior-ai-engineer", 1)
    assert card.rubric_snapshot["dimensions"][3]["title"] == OLD_TITLE

    rubric_file = directory / "junior-ai-engineer.yaml"
    text = rubric_file.read_text()
    text = text.replace("version: 1", "version: 2", 1)
    text = text.replace(f"title: {OLD_TITLE}", f"title: {NEW_TITLE}", 1)
    text = text.replace("label: Meets", "label: Solid", 1)
    text = text.replace(OLD_FLAG, "Mishandles personal data", 1)
    rubric_file.write_text(text)
    assert catalog().rubric("junior-ai-engineer").version == 2

    db.session.expire_all()
    stored = db.session.get(Scorecard, card.id)
    assert stored.rubric_version == 1
    assert stored.rubric_snapshot["dimensions"][3]["title"] == OLD_TITLE

    auth.login_as(panel.first)
    page = client.get(f"/scorecards/{card.id}").text
    assert OLD_TITLE in page and NEW_TITLE not in page
    assert "Meets" in page and "Solid" not in page
    assert OLD_FLAG in page
    auth.login_as(panel.recruiter)
    debrief = client.get(f"/applications/{panel.application.id}/debrief").text
    assert OLD_TITLE in debrief and OLD_FLAG in debrief
    csv = client.get(f"/applications/{panel.application.id}/scorecards.csv").text
    assert "junior-ai-engineer v1" in csv

    # A scorecard started after the edit is scored against version 2.
    later = schedule(panel.application, [panel.second])
    auth.login_as(panel.second)
    form = client.get(f"/interviews/{later.id}/scorecard").text
    assert NEW_TITLE in form and "Solid" in form
    new_card = submit(later, panel.second)
    assert new_card.rubric_version == 2


def test_a_draft_keeps_its_snapshot_while_the_rubric_changes(app, panel, client, auth, tmp_path):
    from tests.scorecards.conftest import save

    directory = tmp_path / "rubrics"
    shutil.copytree(REPO_ROOT / "rubrics", directory)
    app.config["RUBRICS_DIR"] = directory
    save(panel.interview, panel.first, full_input(levels={}, recommendation=None))
    rubric_file = directory / "junior-ai-engineer.yaml"
    text = rubric_file.read_text().replace("version: 1", "version: 2", 1)
    rubric_file.write_text(text.replace(f"title: {OLD_TITLE}", f"title: {NEW_TITLE}", 1))
    auth.login_as(panel.first)
    form = client.get(f"/interviews/{panel.interview.id}/scorecard").text
    assert OLD_TITLE in form and NEW_TITLE not in form
    card = submit(panel.interview, panel.first)
    assert card.rubric_version == 1
