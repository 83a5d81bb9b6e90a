"""Shared fixtures: every test gets its own store under tmp_path; nothing touches the real home."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

# Fuzz tests (tests/test_fuzz_*.py) take max_examples from the profile: Hypothesis' default (100)
# in CI; `HYPOTHESIS_PROFILE=long` for a longer hunt (2000 examples per strategy, about 15 minutes).
settings.register_profile("long", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "samples"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may read or write the user's real store or settings."""
    monkeypatch.setenv("HARASSLOG_DB", str(tmp_path / "default-store" / "harasslog.db"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    monkeypatch.delenv("HARASSLOG_DEBUG", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "case" / "case.db"


@pytest.fixture
def store(db_path: Path):
    """An opened store with a Chinese borrower's profile (Asia/Shanghai, region CN, pack cn)."""
    from harasslog.db import open_store

    s = open_store(db_path)
    with s.transaction():
        s.profile.set(name="张三", phone="13800138000", region="CN", tz="Asia/Shanghai", jurisdiction="cn")
    yield s
    s.close()


@pytest.fixture
def us_store(tmp_path: Path):
    """An opened store with a US borrower's profile (America/New_York, region US, pack us)."""
    from harasslog.db import open_store

    s = open_store(tmp_path / "us" / "us.db")
    with s.transaction():
        s.profile.set(name="Jane Doe", phone="+12025550143", region="US", tz="America/New_York", jurisdiction="us")
    yield s
    s.close()


@pytest.fixture
def cli(db_path: Path) -> Callable[..., object]:
    """Run the CLI against the test's store: cli("list", "--json", input="...")."""
    from harasslog.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None, db: Path | None = None):
        return runner.invoke(app, ["--db", str(db or db_path), *args], input=input, catch_exceptions=False)

    return run


@pytest.fixture
def cn(cli):
    """The CLI on a store initialised for a borrower in China (zh, Asia/Shanghai, cn rules)."""
    result = cli("init", "--name", "张三", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    assert result.exit_code == 0, result.stderr
    return cli


@pytest.fixture
def us(cli):
    """The CLI on a store initialised for a borrower in the US (America/New_York, us rules)."""
    result = cli("init", "--region", "US", "--tz", "America/New_York", "--jurisdiction", "us")
    assert result.exit_code == 0, result.stderr
    return cli
