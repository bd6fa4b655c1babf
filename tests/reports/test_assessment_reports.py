"""The assessment reports on a real database (SQLite and PostgreSQL) against known answers.

A cohort is built through the real operations with group points, interviewer levels, outcomes
and self-identification answers chosen here; the expected statistics are computed from those
same Python values with numpy, scipy and scikit-learn, independently of the SQL.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pytest
from flask import current_app
from scipy import stats as scipy_stats
from sklearn.metrics import cohen_kappa_score, roc_auc_score

from app.extensions import db
from app.grading.exercises import load_exercise
from app.models import Job, Role, now_utc
from app.pipeline import operations as pipeline
from app.privacy.erasure import erase_candidate
from app.reports import adverse_impact, self_id
from app.reports.agreement import agreement, evidence_level
from app.reports.demo import allow_demographic_reports, record_graded_run, record_interview
from app.reports.item_analysis import item_analysis
from app.reports.observations import Scope
from app.reports.prediction import prediction
from tests.conftest import app_context_on
from tests.reports.test_stats import alpha_numpy
from tests.scorecards.conftest import staff

EXERCISE = "ml-take-home"
KIT = "debugging"  # python_engineering, data_sql, learning_agility, collaboration
LEVELS = {1: "below", 2: "meets", 3: "strong"}


@dataclass
class Person:
    points: dict[str, float]
    gender: str | None
    path: list[str]  # stages after Take-home
    levels: dict[str, tuple[int, int]] = field(default_factory=dict)  # dimension → (ian, ines)


@dataclass
class Cohort:
    scope: Scope
    job_id: int
    groups: list
    people: list[Person]
    extra_recruiter_id: int


def plan(exercise, rng: random.Random) -> list[Person]:
    people = []
    for number in range(40):
        skill = rng.gauss(0, 1)
        points = {}
        for group in exercise.groups:
            chance = 1 / (1 + np.exp(-(1.2 * skill + 0.3)))
            passed = sum(rng.random() < chance for _ in range(4))
            points[group.id] = round(group.points * passed / 4, 2)
        if group.id == "end_to_end":
            points["end_to_end"] = exercise.group("end_to_end").points
        gender = ("woman", "man", "non_binary", "prefer_not_to_say", None)[
            [0, 1, 0, 1, 0, 1, 2, 3, 4][number % 9]
        ]
        share = sum(points.values()) / exercise.max_score
        if number % 10 == 9:
            path = []  # still at the take-home
        elif share < 0.45:
            path = ["Rejected"]
        elif skill + rng.gauss(0, 0.5) < 0.4:
            path = ["Technical interviews", "Rejected"]
        elif number % 6 == 1:
            path = ["Technical interviews"]  # undecided
        elif number % 8 == 3:
            path = ["Technical interviews", "Debrief", "Offer", "Withdrawn"]
        else:
            path = ["Technical interviews", "Debrief", "Offer", "Hired"]
        person = Person(points, gender, path)
        if "Technical interviews" in path:
            for dimension in ("python_engineering", "data_sql", "collaboration"):
                person.levels[dimension] = tuple(  # type: ignore[assignment]
                    min(3, max(1, round(2 + skill + rng.gauss(0, 0.6)))) for _ in range(2)
                )
        people.append(person)
    return people


def build(exercise) -> Cohort:
    recruiter = staff(Role.RECRUITER, "Rita Reports")
    ian, ines = staff(Role.INTERVIEWER, "Ian Panel"), staff(Role.INTERVIEWER, "Ines Panel")
    job = pipeline.create_job("Reports job", recruiter)
    other_job = pipeline.create_job("Someone else's job", staff(Role.RECRUITER, "Other"))
    stages = {stage.name: stage for stage in job.stages}
    people = plan(exercise, random.Random(11))
    at = now_utc() - timedelta(days=60)
    for number, person in enumerate(people):
        candidate = pipeline.add_candidate(f"Reports {number}", f"r{number}@example.com", "other")
        if person.gender:
            self_id.save_answers(candidate, {"gender": person.gender})
        application = pipeline.apply(candidate, job, recruiter, at=at)
        for name in ("Recruiter screen", "Take-home"):
            pipeline.move(application, stages[name], recruiter, at=at + timedelta(hours=1))
        if number == 0:  # an earlier upload that a re-upload replaces: counted once, as the newest
            record_graded_run(application, exercise, {}, at + timedelta(hours=2), recruiter)
        record_graded_run(application, exercise, person.points, at + timedelta(hours=3), recruiter)
        for step, name in enumerate(person.path):
            reason = "Other" if stages[name].kind.is_terminal else ""
            when = at + timedelta(hours=5 + step)
            pipeline.move(application, stages[name], recruiter, reason=reason, at=when)
            if name == "Technical interviews":
                levels = {
                    panelist: {
                        d: LEVELS[person.levels[d][index]]
                        for d in ("python_engineering", "data_sql", "collaboration")
                    }
                    | {"learning_agility": "meets"}
                    for index, panelist in enumerate((ian, ines))
                }
                record_interview(application, KIT, levels, when, recruiter)
    # Not counted: a job this recruiter does not work on.
    outsider = pipeline.add_candidate("Outsider", "outsider@example.com", "other")
    elsewhere = pipeline.apply(outsider, other_job, None, at=at)
    pipeline.move(elsewhere, other_job.stages[2], None, at=at + timedelta(hours=1))
    record_graded_run(elsewhere, exercise, {"summary": 10.0}, at + timedelta(hours=2), None)
    db.session.commit()
    return Cohort(Scope(EXERCISE, exercise.version, recruiter), job.id, list(exercise.groups),
                  people, recruiter.id)  # fmt: skip


@pytest.fixture
def cohort(database_url):
    with app_context_on(database_url) as app:
        db.create_all()
        exercise = load_exercise(current_app.config["EXERCISES_DIR"], EXERCISE)
        yield app, build(exercise), exercise


def test_reports_match_the_known_answers(cohort):
    _, built, exercise = cohort
    people, groups = built.people, built.groups
    matrix = np.array([[p.points[g.id] for g in groups] for p in people])

    items = item_analysis(built.scope)
    assert items.n == len(people)  # the re-upload counts once, the other job's run not at all
    assert items.alpha.value == pytest.approx(alpha_numpy(matrix), abs=1e-9)
    assert items.alpha.low < items.alpha.value < items.alpha.high
    for index, row in enumerate(items.items):
        column = matrix[:, index]
        assert row.difficulty.value == pytest.approx(column.mean() / groups[index].points)
        rest = matrix.sum(axis=1) - column
        if column.std() == 0:
            assert row.discrimination.value is None and row.non_informative == "always passes"
        else:
            expected = np.corrcoef(column, rest)[0, 1]
            assert row.discrimination.value == pytest.approx(expected, abs=1e-9)
            assert row.non_informative is None
    shares = matrix.sum(axis=1) / exercise.max_score
    assert items.histogram == list(np.bincount(np.minimum((shares * 10).astype(int), 9),
                                               minlength=10))  # fmt: skip

    rows = {row.dimension: row for row in agreement(built.scope)}
    for dimension in ("python_engineering", "data_sql", "collaboration"):
        member = [g for g in groups if g.dimension == dimension]
        evidence, given = [], []
        for person in people:
            if dimension not in person.levels:
                continue
            share = sum(person.points[g.id] for g in member) / sum(g.points for g in member)
            for level in person.levels[dimension]:
                evidence.append(round(share, 4))
                given.append(level)
        row = rows[dimension]
        assert row.pairs == len(given) and row.applications == len(given) // 2
        assert row.spearman.value == pytest.approx(
            scipy_stats.spearmanr(evidence, given).statistic, abs=1e-9
        )
        banded = [evidence_level(share, [1, 2, 3]) for share in evidence]
        assert row.kappa.value == pytest.approx(
            cohen_kappa_score(given, banded, labels=[1, 2, 3], weights="quadratic"), abs=1e-9
        )
    assert "learning_agility" not in rows  # no test group is evidence for it

    advanced, hired = prediction(built.scope)
    beyond = {"Debrief", "Offer", "Hired", "Withdrawn"}
    reached_next = [p for p in people if "Technical interviews" in p.path]
    labelled = [(p, bool(beyond & set(p.path))) for p in reached_next
                if beyond & set(p.path) or p.path[-1] == "Rejected"]  # fmt: skip
    y = [label for _, label in labelled]
    scores = [round(sum(p.points.values()) / exercise.max_score, 3) for p, _ in labelled]
    assert (advanced.positives, advanced.negatives) == (sum(y), len(y) - sum(y))
    assert advanced.auc.value == pytest.approx(roc_auc_score(y, scores), abs=1e-9)
    decided = [p for p in people if p.path and p.path[-1] in ("Hired", "Rejected")]
    y = [p.path[-1] == "Hired" for p in decided]
    scores = [round(sum(p.points.values()) / exercise.max_score, 3) for p in decided]
    assert hired.undecided == len(people) - len(decided)
    assert hired.auc.value == pytest.approx(roc_auc_score(y, scores), abs=1e-9)
    assert hired.auc.low < hired.auc.value < hired.auc.high


def test_adverse_impact_matches_hand_counts(cohort):
    _, built, exercise = cohort
    job = db.session.get(Job, built.job_id)
    questions = self_id.questions()
    by_step = {(c.step, c.question.key): c for c in adverse_impact.by_stage(job, questions)}
    comparison = by_step[("Take-home → Technical interviews", "gender")]
    tallies = Counter()
    for person in built.people:
        if not person.path:
            continue  # pending at the take-home: no decision
        key = person.gender or ""
        tallies[(key, "n")] += 1
        tallies[(key, "selected")] += person.path[0] == "Technical interviews"
    groups = {g.key: g for g in comparison.groups}
    for key in ("woman", "man"):
        assert (groups[key].n, groups[key].selected) == (tallies[(key, "n")],
                                                         tallies[(key, "selected")])  # fmt: skip
    assert groups["non_binary"].suppressed and groups["non_binary"].rate is None
    top = max(("woman", "man"), key=lambda k: groups[k].rate)
    low = "man" if top == "woman" else "woman"
    assert groups[top].highest and groups[low].ratio == pytest.approx(
        groups[low].rate / groups[top].rate
    )
    table = [[groups[low].selected, groups[low].n - groups[low].selected],
             [groups[top].selected, groups[top].n - groups[top].selected]]  # fmt: skip
    assert groups[low].p_value == pytest.approx(scipy_stats.fisher_exact(table).pvalue, rel=1e-9)
    assert not groups["prefer_not_to_say"].compared

    scope = Scope(EXERCISE, exercise.version, built.scope.viewer, built.job_id)
    cut = {(c.step, c.question.key): c for c in adverse_impact.by_cutoff(scope, questions)}
    at_60 = {g.key: g for g in cut[("score ≥ 60%", "gender")].groups}
    for key in ("woman", "man"):
        mine = [p for p in built.people if p.gender == key]
        passed = [p for p in mine if sum(p.points.values()) / exercise.max_score >= 0.6 - 1e-9]
        assert (at_60[key].n, at_60[key].selected) == (len(mine), len(passed))

    # The pages serve cached reports (app/reports/report_cache.py): a new graded run, and an
    # erasure, show at once.
    app = current_app._get_current_object()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = built.scope.viewer.get_id()
    page = f"/reports/exercises/{EXERCISE}/v{exercise.version}"
    assert f"<strong>{len(built.people)}</strong> graded" in client.get(page).text
    late = pipeline.add_candidate("Late", "late@example.com", "other")
    application = pipeline.apply(late, job, None)
    for name in ("Recruiter screen", "Take-home"):
        pipeline.move(application, next(s for s in job.stages if s.name == name), None)
    record_graded_run(application, exercise, {"summary": 5.0}, now_utc(), None)
    db.session.commit()
    assert f"<strong>{len(built.people) + 1}</strong> graded" in client.get(page).text

    allow_demographic_reports(built.scope.viewer, staff(Role.ADMIN, "Ada Admin"))
    db.session.commit()

    def women_applied() -> str:
        csv = client.get(f"/reports/jobs/{job.id}/adverse-impact/stages.csv").text
        row = next(line for line in csv.splitlines()
                   if line.startswith("Applied → Recruiter screen,Gender,Woman,"))  # fmt: skip
        return row.split(",")[3]

    before = int(women_applied())
    woman = next(c for c in job.applications if c.candidate.name == "Reports 0").candidate
    assert built.people[0].gender == "woman"
    erase_candidate(woman, None)
    db.session.commit()
    assert int(women_applied()) == before - 1
