"""The built-in adversarial pack: attacks on the verdict, generic over exercises.

An attack transforms an honest notebook of an exercise (its *honest twin*: by default the starter
notebook as downloaded) into a hostile one. Its verdict: the hostile notebook scores no more than
its twin, in total and in every test group (``at_most_twin``); an attack that plants a real flaw
(``below_twin``) must score less. Attacks know the grader's shape (replies, processes, files,
cell metadata, markdown), never an exercise's function names, so they apply to any exercise;
``validate`` (app/grading/validation.py) grades them. The numbering of mechanisms is issue 12's.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import nbformat

from app.grading.attacks import notebooks as nb
from app.grading.attacks.instrument import instrument
from app.grading.attacks.lookup import lookup_attack
from app.grading.exercises import Exercise

MECHANISMS = {
    1: "verdicts computed where candidate code runs (forged replies)",
    2: "shared writable state (files, stashes)",
    3: "signals truncate the run",
    4: "cell tags and execution metadata",
    5: "weak checks (text, thresholds, mutants, seeds, grader detection)",
    6: "claims not checked (overclaiming, mutated inputs)",
    7: "sys.path recreates the hidden tests folder",
}


@dataclass(frozen=True)
class AttackContext:
    """What an attack may use besides the twin: the exercise (its brief and source, as a candidate
    who read the grader's code knows them) and its best reference (the *donor*, for attacks that
    swap in or replay correct code), if it has one."""

    exercise: Exercise
    donor: nbformat.NotebookNode | None

    @property
    def brief(self) -> str:
        return self.exercise.brief

    @property
    def donor_source(self) -> str | None:
        if self.donor is None:
            return None
        return "\n\n".join(c.source for c in self.donor.cells if c.cell_type == "code")


@dataclass(frozen=True)
class Attack:
    id: str
    mechanism: int
    title: str
    build: Callable[[nbformat.NotebookNode, AttackContext], nbformat.NotebookNode | None]
    expect: str = "at_most_twin"  # or "below_twin"
    twin: str = "starter"  # "starter" or "best"; reference/attacks.yaml may name another
    applies: Callable[[Exercise], bool] = lambda exercise: True


def without_hidden_data(exercise: Exercise) -> bool:
    """A candidate knows the grader's source, not its hidden data."""
    data = exercise.hidden_dir / "data"
    return not (data.is_dir() and any(data.iterdir()))


def calls_candidate_code(exercise: Exercise) -> bool:
    """Whether the hidden tests call candidate code at all (``submission.run`` or a process of
    ``submission.fresh()``): an exercise whose answers are data (queries read from the source,
    run by the test process) gives an attack on the candidate's functions nothing to act on."""
    for path in sorted((exercise.hidden_dir / "tests").glob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            return True  # cannot tell: grade the attack
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("run", "fresh")
            ):
                return True
    return False


def _kit(*calls: str, trigger: str = "class_body"):
    """The kit, armed at definition load by `trigger` running each of `calls`."""
    return lambda twin, context: nb.with_kit(twin, *calls, trigger=trigger)


def _in_source(**rewrite: Any):
    """The kit, and every top-level function of the twin rewritten (see instrument.py)."""
    return lambda twin, context: nb.with_kit(instrument(twin, **rewrite))


def _signal(how: str):
    return _in_source(on_error=f"_rt_signal_now({how!r})")


STASH = {
    "prologue": "_rt_stash_arguments(list(locals().values()))",
    "wrap_return": ("_rt_stash_return", ()),
}
DEGENERATE = {"wrap_return": ("_rt_degenerate", ())}


def _salad(twin, context):
    return nb.rewrite_markdown(twin, lambda source: nb.vocabulary(context.brief, source))


def _hidden(twin, context):
    return nb.rewrite_markdown(
        twin, lambda source: nb.hidden_html(nb.vocabulary(context.brief, source))
    )


def _overclaim(twin, context):
    return nb.rewrite_markdown(twin, lambda source: nb.OVERCLAIM)


def _swap(use_kernel_marker: bool):
    prologue = (
        f"_rt_other = _rt_donor_call({{name}}, dict(locals()), {use_kernel_marker})\n"
        "if not (isinstance(_rt_other, str) and _rt_other == _RT_NOTHING):\n"
        "    return _rt_other"
    )

    def build(twin, context):
        if not context.donor_source:
            return None
        donor = f"_RT_DONOR = {context.donor_source!r}"
        return nb.with_kit(instrument(twin, prologue=prologue), extra=donor)

    return build


def _recognise_mutants(twin, context):
    tests = "\n\n".join(
        f"def test_rt_{name}(_snapshot=_rt_snapshot(globals())):\n"
        "    assert _rt_unchanged(globals(), _snapshot), 'a function was replaced'\n"
        for name in ("functions_are_the_originals", "nothing_was_swapped")
    )
    return nb.with_kit(twin, extra=tests)


def _everything(twin, context):
    hostile = instrument(twin, prologue=STASH["prologue"], wrap_return=STASH["wrap_return"])
    hostile = instrument(hostile, **DEGENERATE)
    hostile = nb.with_kit(hostile, "_rt_arm_forger()", "_rt_arm_poison()")
    hostile = nb.rewrite_markdown(hostile, lambda source: nb.OVERCLAIM)
    return nb.tag_code_cells(hostile, "raises-exception")


PACK: tuple[Attack, ...] = (
    Attack(
        "forge-replies-class-body",
        1,
        "a class body walks the stack and replaces the reply handler with a forger",
        _kit("_rt_arm_forger()"),
    ),
    Attack(
        "forge-replies-by-shape",
        1,
        "a default argument patches the serialiser only: replies are recognised by their shape, "
        "no grader internals named",
        _kit("_rt_arm_forger(reach_handler=False)", trigger="default_argument"),
    ),
    Attack(
        "poison-starter-data",
        2,
        "a decorator rewrites starter CSVs the test process may read later (laundering "
        "label-leaking columns)",
        _kit("_rt_arm_poison()", trigger="decorator"),
    ),
    Attack(
        "stash-grader-model",
        2,
        "every function stashes any fitted model the grader hands over and returns it later",
        _in_source(**STASH),
    ),
    Attack(
        "sigint-parent",
        3,
        "SIGINT to the test process when the candidate's code is about to fail",
        _signal("sigint"),
    ),
    Attack(
        "sigstop-parent",
        3,
        "SIGSTOP to the test process when the candidate is about to fail",
        _signal("sigstop"),
    ),
    Attack(
        "kill-parent",
        3,
        "SIGKILL to the parent (ppid) when the candidate is about to fail",
        _signal("sigkill"),
    ),
    Attack(
        "signal-process-group",
        3,
        "SIGINT to the process group and the parent's group",
        _signal("group"),
    ),
    Attack(
        "tag-raises-exception",
        4,
        "every code cell tagged raises-exception",
        lambda twin, context: nb.tag_code_cells(twin, "raises-exception"),
    ),
    Attack(
        "tag-skip-execution",
        4,
        "every code cell tagged skip-execution",
        lambda twin, context: nb.tag_code_cells(twin, "skip-execution"),
    ),
    Attack("word-salad", 5, "every markdown section filled with the brief's vocabulary", _salad),
    Attack("hidden-html-text", 5, "the word salad in HTML comments and hidden elements", _hidden),
    Attack(
        "degenerate-metrics",
        5,
        "every returned dict of numbers also claims recall 1.0",
        _in_source(**DEGENERATE),
    ),
    Attack(
        "recognise-mutants",
        5,
        "tests that fail when a function's code, name or qualname differs from the one loaded",
        _recognise_mutants,
    ),
    Attack(
        "seed-lookup-table",
        5,
        "answers recorded for the grader's fixed inputs replayed, the twin's own code otherwise",
        lambda twin, context: lookup_attack(twin, context.exercise, context.donor),
        applies=without_hidden_data,
    ),
    Attack(
        "detect-grader",
        5,
        "the best reference's code answers where sys.modules, environment, cwd or /proc reveal "
        "the grader",
        _swap(False),
    ),
    Attack(
        "detect-no-kernel",
        5,
        "the best reference's code answers wherever no IPython shell runs (a grader may import "
        "IPython to look like a kernel; it cannot run the shell)",
        _swap(True),
    ),
    Attack(
        "overclaiming-summary",
        6,
        "markdown sections claim ROC AUC 0.99 and more",
        _overclaim,
    ),
    Attack(
        "mutate-inputs",
        6,
        "every function changes its caller's arguments in place after answering",
        _in_source(
            prologue="_rt_arguments = list(locals().values())",
            after="_rt_mutate_all(_rt_arguments)",
        ),
        expect="below_twin",
        twin="best",
        applies=calls_candidate_code,
    ),
    Attack(
        "syspath-hidden-tests",
        7,
        "recreates the hidden tests folder with conftest.py and modules shadowing lazy imports",
        _kit("_rt_arm_syspath()"),
    ),
    Attack(
        "everything-at-once",
        1,
        "forger, stash, poison, degenerate metrics, overclaim and raises-exception tags together "
        "(the 100/100 notebook with no model)",
        _everything,
    ),
)


def attack(attack_id: str) -> Attack:
    for candidate in PACK:
        if candidate.id == attack_id:
            return candidate
    raise KeyError(attack_id)
