"""Commands: each feature's in its own cli module, registered in one place (app/cli.py)."""

from __future__ import annotations

from importlib.metadata import entry_points

CLI_MODULE_ENDINGS = (".cli", "_cli")


def test_every_command_lives_in_a_cli_module_and_is_registered_once(app):
    commands = app.cli.commands
    assert {"create-user", "create-token", "seed-demo", "worker", "queue", "retention"} <= set(
        commands
    )
    homes = {}
    for name, command in commands.items():
        for sub_name, sub in getattr(command, "commands", {name: command}).items():
            homes[sub_name if sub is not command else name] = sub.callback.__module__
    outside = {name: home for name, home in homes.items() if not home.endswith(CLI_MODULE_ENDINGS)}
    assert outside == {}


def test_grade_is_the_one_plugin_command_and_needs_no_app():
    plugins = {ep.name: ep.value for ep in entry_points(group="flask.commands")}
    assert plugins.get("grade") == "app.grading.cli:grade_command"
