"""Packages import downwards only: the layer order of app/ is declared here, once.

A *unit* is a package of app/ (app/grading/) or a top-level module (app/audit.py). Domain modules
(everything but the adapters) may import their own unit and units of lower layers, and the units
never import each other in a cycle. Adapters — views, CLI commands, queue tasks, the worker, the
portals and demo loaders — are the top of every unit: they may call any unit's domain modules,
never another unit's adapters (features call each other's operations, never each other's views).
`sandbox/` imports nothing from app/.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from app.config import REPO_ROOT

LAYERS: tuple[tuple[str, ...], ...] = (
    # foundation: settings, database, models, request plumbing, small shared helpers
    (
        "settings_types", "config", "database", "extensions", "errors", "forms", "commit", "models",
        "timezones", "timespan", "csv_export", "urls", "security", "http_errors", "queue",
        "gunicorn_conf", "gunicorn_worker", "yaml_source",
    ),
    # services every feature uses; assessment_upkeep keeps the reports' derived rows current
    ("audit", "outbox", "messages", "mail", "webhooks", "assessment_upkeep"),
    ("auth",),  # who may reach what: the visibility policy, blind review, scorecard independence
    ("account", "search", "similarity", "notifications"),
    ("grading",),
    ("pipeline", "profiles", "authorship", "health"),
    ("scorecards",),
    ("reports",),
    # features nothing builds on; a unit not declared here counts as one of these
    ("privacy", "admin", "api", "integrations", "main", "demo", "cli", "__init__"),
)
ADAPTER = re.compile(r"^(views|cli|tasks|worker|portal|demo)$|_(views|cli|portal)$")
# create_app, the command registration and the demo seed put every feature's adapters together.
COMPOSITION_ROOTS = {"__init__", "cli", "demo"}
LAYER_OF = {unit: index for index, units in enumerate(LAYERS) for unit in units}
TOP = len(LAYERS) - 1


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "app":
                found |= {f"app.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def _is_adapter(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 2 and bool(ADAPTER.search(parts[-1]))


def _app_modules() -> dict[str, set[str]]:
    modules = {}
    for path in sorted((REPO_ROOT / "app").rglob("*.py")):
        name = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = {
            target for target in _imports(path) if target.split(".")[0] == "app"
        }
    return modules


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_domain_modules_import_only_their_own_and_lower_layers():
    upward = []
    for module, targets in _app_modules().items():
        if _is_adapter(module):
            continue
        unit = _unit(module)
        for target in targets:
            other = _unit(target)
            if other != unit and LAYER_OF.get(other, TOP) > LAYER_OF.get(unit, TOP):
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_adapters_never_import_another_units_adapters_and_domain_never_imports_adapters():
    wrong = []
    for module, targets in _app_modules().items():
        for target in targets:
            if not _is_adapter(target) or _unit(target) == _unit(module):
                continue
            if _unit(module) not in COMPOSITION_ROOTS:

                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_units_never_import_each_other_in_a_cycle():
    graph: dict[str, set[str]] = defaultdict(set)
    for module, targets in _app_modules().items():
        if not _is_adapter(module):
            graph[_unit(module)] |= {_unit(t) for t in targets if _unit(t) != _unit(module)}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(f"{a} <-> {b}" for a in graph for b in graph[a] if reaches(b, a, {b}))
    assert cycles == []


def test_the_sandbox_imports_nothing_from_the_app():
    leaks = [
        f"{path.relative_to(REPO_ROOT)} -> {target}"
        for path in sorted((REPO_ROOT / "sandbox").rglob("*.py"))
        for target in _imports(path)
        if target.split(".")[0] in {"app", "flask", "sqlalchemy"}
    ]
    assert leaks == []


def test_every_declared_unit_exists():
    units = {_unit(module) for module in _app_modules()}
    assert set(LAYER_OF) - units == set()
