"""The adversarial pack builds a valid hostile notebook from each exercise's twin (no grading)."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from app.grading.attacks import PACK, attack
from app.grading.attacks.instrument import instrument
from app.grading.exercises import load_exercise
from app.grading.validation import plan
from sandbox.runner.definitions import extract_definitions
from tests.exercises.exercise_folders import EXERCISES, OWNED

OFFLINE = [a.id for a in PACK if a.id != "seed-lookup-table"]  # that one records on the host


@pytest.mark.parametrize("exercise", OWNED)
def test_every_attack_is_a_valid_notebook_whose_definitions_all_load(exercise):
    planned = plan(load_exercise(EXERCISES, exercise), OFFLINE)
    assert {a.id for a, _ in planned.attacks} == {
        a for a in OFFLINE if attack(a).applies(planned.exercise)
    }
    for hostile_attack, twin in planned.attacks:
        hostile = planned.notebooks["attack/" + hostile_attack.id]
        if hostile_attack.mechanism == 4:  # cell tags: intake strips them, the twin is graded
            assert hostile == planned.notebooks[twin], f"{hostile_attack.id} survived intake"
            continue
        assert hostile != planned.notebooks[twin], f"{hostile_attack.id} left its twin unchanged"
        cells = nbformat.reads(hostile.decode(), as_version=4).cells
        loaded = extract_definitions([c.source for c in cells if c.cell_type == "code"])
        assert not loaded.skipped, f"{hostile_attack.id}: {loaded.skipped}"


def test_instrumented_functions_keep_their_answers_and_run_the_injected_code():
    source = (
        "def half(values):\n    '''Doc.'''\n    if not values:\n"
        "        raise ValueError('empty')\n    return [v / 2 for v in values]\n"
    )
    twin = new_notebook(cells=[new_code_cell(source)])
    hostile = instrument(
        twin,
        prologue="SEEN.append({name})",
        wrap_return=("TAG", ()),
        on_error="SEEN.append('error')",
        after="SEEN.append('after')",
    )
    namespace = {"SEEN": [], "TAG": lambda value: ("tagged", value)}
    exec(hostile.cells[0].source, namespace)
    assert namespace["half"]([2, 4]) == ("tagged", [1.0, 2.0])
    assert namespace["half"].__doc__ == "Doc."
    with pytest.raises(ValueError, match="empty"):
        namespace["half"]([])
    assert namespace["SEEN"] == ["half", "after", "half", "error", "after"]


def test_mutate_inputs_is_left_out_where_hidden_tests_call_no_candidate_code():
    from app.grading.attacks import calls_candidate_code

    called = {name: calls_candidate_code(load_exercise(EXERCISES, name)) for name in OWNED}
    assert called == {"ml-take-home": True, "metric-debugging": True, "sql-data-quality": False}
    assert not attack("mutate-inputs").applies(load_exercise(EXERCISES, "sql-data-quality"))
