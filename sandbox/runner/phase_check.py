"""Phase 2's side of the cross-check (``crosscheck.py``): ask again, compare in the test process.

The probes' inputs are drawn here from phase 1's seed and the trusted starter bytes, each probe is
answered by two fresh candidate processes (indistinguishable from any test's), and phase 1's
record is compared with both answers here. A probe that disagrees fails every test of its groups
and leaves a ``grader_detection`` red flag.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.results import RedFlag, TestOutcome
from sandbox.runner import crosscheck
from sandbox.runner.submission import Submission, SubmissionError

FAILED_MESSAGE = (
    "not scored: the graded functions answered differently when graded than in the notebook's "
    "own run (cross-check of phase 1)"
)


@dataclass
class PhaseCheck:
    """The exercise's probes and phase 1's record; what the comparison found."""

    spec: dict[str, Any]
    record: dict[str, Any]
    target: str | None = None  # the test before which the check runs (drawn at collection)
    done: bool = False
    compared: bool = False
    seconds: float = 0.0
    failed_groups: set[str] = field(default_factory=set)
    flags: list[RedFlag] = field(default_factory=list)

    @classmethod
    def from_phase_one(cls, spec_source: bytes | None, record: Any) -> PhaseCheck | None:
        spec = crosscheck.load_spec(spec_source)
        if spec is None:
            return None
        if not isinstance(record, dict) or not isinstance(record.get("seed"), int):
            record = {"seed": 0, "answers": {}}  # phase 1 kept no record: nothing answered
        if not isinstance(record.get("answers"), dict):
            record = {"seed": record["seed"], "answers": {}}
        return cls(spec, record)

    def run(self, submission: Submission, starter: Mapping[str, bytes]) -> None:
        """Answer every probe in two fresh processes and compare with phase 1 (once)."""
        if self.done:
            return
        self.done = True
        started = time.monotonic()
        try:
            self._compare(submission, starter)
        finally:
            self.seconds = time.monotonic() - started

    def _compare(self, submission: Submission, starter: Mapping[str, bytes]) -> None:
        seed = int(self.record["seed"])
        names = list(self.spec["PROBES"])
        inputs = self.spec["inputs"](starter, seed)
        rounds = []
        for _ in range(2):
            with submission.fresh() as process:
                rounds.append(
                    {
                        name: _ask(
                            process, crosscheck.probe_code(self.spec, name, seed), inputs[name]
                        )
                        for name in names
                    }
                )
        self.compared = True
        for name in names:
            why = crosscheck.verdict(
                self.record["answers"].get(name), [rounds[0][name], rounds[1][name]]
            )
            if why is None:
                continue
            groups = [str(g) for g in self.spec["PROBES"][name].get("groups", ())]
            self.failed_groups.update(groups)
            self.flags.append(
                RedFlag(
                    "grader_detection",
                    ",".join(groups),
                    f"crosscheck::{name}",
                    f"probe {name!r}: {why}; tests of {', '.join(groups)} not scored",
                )
            )

    def unverified_fail(self) -> None:
        """Where no comparison was made (the session stopped first, or no process started),
        nothing the probes cover is scored."""
        if self.done and self.compared:
            return
        self.failed_groups.update(
            str(g) for probe in self.spec["PROBES"].values() for g in probe.get("groups", ())
        )

    def apply(self, outcomes: tuple[TestOutcome, ...]) -> tuple[TestOutcome, ...]:
        """Every test of a group whose probe disagreed fails."""
        return tuple(
            TestOutcome(t.id, t.group, "failed", FAILED_MESSAGE)
            if t.group in self.failed_groups
            else t
            for t in outcomes
        )


def _ask(process: Any, code: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return {"ok": True, "result": process.run(code, **inputs)}
    except SubmissionError as exc:
        return {"ok": False, "error": str(exc)[:500]}
