"""The exercise kind registry: a kind's name (``kind:`` in exercise.yaml) -> the class that
grades it, registered explicitly (as CTFd's ``CHALLENGE_CLASSES``). The sandbox asks it how to
take in and grade a submission; the exercise loader asks it whether a folder is usable.

Adding a kind: one ``ExerciseKind`` subclass (``sandbox/kinds/base.py``) and its tests, plus a
``register(...)`` line below. See exercises/README.md, "Adding an exercise kind".
"""

from __future__ import annotations

from sandbox.kinds.base import ExerciseKind
from sandbox.kinds.notebook import NotebookKind

KINDS: dict[str, type[ExerciseKind]] = {}


class UnknownKind(LookupError):
    """No kind of that name is registered; the message lists those that are."""


def register(kind: type[ExerciseKind]) -> type[ExerciseKind]:
    """Make ``kind`` available under ``kind.name``; a name is registered once."""
    existing = KINDS.get(kind.name)
    if existing is not None and existing is not kind:
        raise ValueError(f"exercise kind {kind.name!r} is already registered ({existing.__name__})")
    KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (for tests that register a throwaway one)."""
    KINDS.pop(name, None)


def kind_for(name: str) -> ExerciseKind:
    """An instance of the kind registered as ``name``."""
    try:
        return KINDS[name]()
    except KeyError:
        known = ", ".join(sorted(KINDS)) or "none"
        raise UnknownKind(f"no exercise kind {name!r}; registered kinds: {known}") from None


register(NotebookKind)

__all__ = ["KINDS", "ExerciseKind", "UnknownKind", "kind_for", "register", "unregister"]
