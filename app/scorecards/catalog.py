"""All rubrics and kits of a directory (config `RUBRICS_DIR`), validated together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.scorecards.kits import Kit, load_kit
from app.scorecards.rubrics import Rubric, load_rubric
from app.scorecards.source import RubricError
from app.yaml_source import FileCache


@dataclass(frozen=True)
class Catalog:
    rubrics: dict[str, Rubric]
    kits: dict[str, Kit]

    def rubric(self, rubric_id: str) -> Rubric:
        try:
            return self.rubrics[rubric_id]
        except KeyError:
            raise RubricError(f"No rubric with id {rubric_id!r} is installed.") from None

    def kit(self, kit_id: str) -> Kit:
        try:
            return self.kits[kit_id]
        except KeyError:
            raise RubricError(f"No interview kit with id {kit_id!r} is installed.") from None


def _display(path: Path, root: Path) -> str:
    return f"{root.name}/{path.relative_to(root)}"


def load_catalog(directory: Path) -> Catalog:
    """Validate every `*.yaml` rubric and every `kits/*.yaml` kit; a kit must name an installed
    rubric and only that rubric's dimensions."""
    rubrics: dict[str, Rubric] = {}
    for path in sorted(directory.glob("*.yaml")):
        name = _display(path, directory)
        rubric = load_rubric(path, name)
        if rubric.id != path.stem:
            raise RubricError(f"{name}: id {rubric.id!r} must match the file name ({path.stem!r})")
        rubrics[rubric.id] = rubric
    kits: dict[str, Kit] = {}
    for path in sorted((directory / "kits").glob("*.yaml")):
        kit, source = load_kit(path, _display(path, directory))
        if kit.id != path.stem:
            problem = f"{kit.id!r} must match the file name ({path.stem!r})"
            raise RubricError(source.message(("id",), problem))
        if kit.rubric_id not in rubrics:
            problem = f"no rubric {kit.rubric_id!r} in {directory.name}/"
            raise RubricError(source.message(("rubric",), problem))
        known = rubrics[kit.rubric_id].dimension_keys
        for index, key in enumerate(kit.dimensions):
            if key not in known:
                problem = (
                    f"{key!r} is not a dimension of rubric {kit.rubric_id!r} ({', '.join(known)})"
                )
                raise RubricError(source.message(("dimensions", index), problem))
        kits[kit.id] = kit
    return Catalog(rubrics, kits)


_catalogs: FileCache[Catalog] = FileCache()


def catalog_in(directory: Path) -> Catalog:
    """The catalog of `directory`, validated once and again only after one of its files changed."""
    files = [*directory.glob("*.yaml"), *(directory / "kits").glob("*.yaml")]
    return _catalogs.get(directory, files, lambda: load_catalog(directory))


def catalog() -> Catalog:
    """The app's catalog (RUBRICS_DIR; cached, see catalog_in)."""
    return catalog_in(Path(current_app.config["RUBRICS_DIR"]))


def catalog_problems(directory: Path) -> list[str]:
    """What is wrong with the rubrics and kits of `directory` (checked at start-up): the first
    broken file's `file:line: field: message`, or nothing."""
    try:
        catalog_in(directory)
    except RubricError as error:
        return [str(error)]
    return []
