"""The bundled examples, `harasslog demo`, and documentation that keeps up with the commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harasslog.cli import app
from harasslog.demo import example_files

ROOT = Path(__file__).resolve().parents[1]


def expected_event_count(path: Path) -> int:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return sum(e.get("repeat", {}).get("times", 1) for e in data.get("events", []))


def test_the_four_scenarios_ship_with_the_package():
    names = [p.stem for p in example_files()]
    assert names == ["cn-escalation", "cn-pause-daily-calls", "cn-threat-sms", "us-reg-f"]


def test_demo_loads_analyzes_and_renders_every_example(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.stderr
    for case in example_files():
        store = tmp_path / "demo" / f"{case.stem}.db"
        assert f"{case.stem}: {expected_event_count(case)} events, verify OK" in result.stderr
        listed = runner.invoke(app, ["--db", str(store), "list", "--json"])
        assert len(json.loads(listed.stdout)) == expected_event_count(case)
        assert runner.invoke(app, ["--db", str(store), "verify"]).exit_code == 0
    threat = json.loads(
        runner.invoke(
            app,
            [
                "--db",
                str(tmp_path / "demo" / "cn-threat-sms.db"),
                "list",
                "--json",
                "--since",
                "2026-11-20T22:00",
                "--until",
                "2026-11-20T22:15",
            ],
        ).stdout
    )
    assert threat[0]["text"].startswith("李华你个老赖") and threat[0]["at"] == "2026-11-20T22:13:00+08:00"

    # Each scenario's point is made by the analysis the demo ran, and its dossiers are written.
    def rules_found(case: str) -> set[str]:
        findings = json.loads(
            runner.invoke(app, ["--db", str(tmp_path / "demo" / f"{case}.db"), "analyze", "--json"]).stdout
        )
        return {f["rule_id"] for f in findings}

    assert {"CN-REQ-001", "CN-FREQ-001"} <= rules_found("cn-pause-daily-calls")
    assert {"US-FREQ-001", "US-HOURS-001", "US-WORD-LEGAL-001"} <= rules_found("us-reg-f")
    complaint = (tmp_path / "demo" / "cn-threat-sms" / "cn-complaint.zh.html").read_text(encoding="utf-8")
    assert "发给你通讯录里所有人" in complaint
    assert (tmp_path / "demo" / "us-reg-f" / "us-cfpb.en.md").exists()
    assert str(tmp_path / "demo" / "us-reg-f" / "us-cfpb.en.html") in result.stderr


def test_demo_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--out", str(tmp_path)]).exit_code == 0
    again = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-P", "-m", "harasslog", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "Usage" in result.stdout


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, path)
        else:
            yield path, command


def _all_commands():
    from typer.main import get_command

    return list(_commands(get_command(app)))


@pytest.mark.parametrize(
    ("path", "command"), _all_commands(), ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_every_command_has_help_and_is_in_the_readme(path, command):
    assert command.help, f"{' '.join(path)} has no help"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"harasslog(?: --\S+ \S+)* " + re.escape(" ".join(path)) + r"\b", readme), " ".join(path)


def test_every_package_ships_in_the_wheel():
    """pyproject lists packages by hand (templates/ and examples/ are mapped in): a new package
    missing from the list installs a harasslog that cannot import itself."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    on_disk = {".".join(init.parent.relative_to(root).parts) for init in (root / "harasslog").rglob("__init__.py")}
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"
