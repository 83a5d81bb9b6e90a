"""Output files (reports, exports, bundles): private (0600), atomic, never written through a link."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from helpers_report import fill_cn

from harasslog.errors import InputError
from harasslog.outfile import output_file, write_output

VICTIM = b"someone else's file\n"

COMMANDS = {
    "report": ("report", "--template", "lawyer", "--lang", "en", "-o"),
    "export csv": ("export", "csv", "-o"),
    "export json": ("export", "json", "-o"),
    "export bundle": ("export", "bundle", "--no-pdf", "--lang", "en", "-o"),
}
SUFFIX = {"report": "md", "export csv": "csv", "export json": "json", "export bundle": "zip"}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.mark.parametrize("command", COMMANDS)
def test_outputs_are_private_to_the_owner(command, cli, store, tmp_path):
    fill_cn(store)
    out = tmp_path / "out" / f"result.{SUFFIX[command]}"
    result = cli(*COMMANDS[command], str(out))
    assert result.exit_code == 0, result.stderr
    assert _mode(out) == 0o600
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no temporary file left behind


@pytest.mark.parametrize("command", COMMANDS)
def test_a_symlink_at_the_target_is_replaced_not_followed(command, cli, store, tmp_path):
    fill_cn(store)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(VICTIM)
    out = tmp_path / f"result.{SUFFIX[command]}"
    out.symlink_to(victim)
    result = cli(*COMMANDS[command], str(out))
    assert result.exit_code == 0, result.stderr
    assert victim.read_bytes() == VICTIM
    assert not out.is_symlink() and out.stat().st_size > 0


@pytest.mark.parametrize("command", COMMANDS)
def test_a_symlink_at_the_old_temporary_name_is_not_followed(command, cli, store, tmp_path):
    fill_cn(store)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(VICTIM)
    out = tmp_path / f"result.{SUFFIX[command]}"
    (tmp_path / f".{out.name}.partial").symlink_to(victim)
    result = cli(*COMMANDS[command], str(out))
    assert result.exit_code == 0, result.stderr
    assert victim.read_bytes() == VICTIM


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    out = tmp_path / "report.html"
    out.write_bytes(b"the old report")
    with pytest.raises(RuntimeError), output_file(out) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("stopped half way")
    assert out.read_bytes() == b"the old report"
    assert os.listdir(tmp_path) == ["report.html"]


def test_temporary_names_are_unpredictable(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    write_output(tmp_path / "a.csv", "x")
    write_output(tmp_path / "a.csv", "y")
    assert len(set(seen)) == 2 and all(name.startswith(".a.csv.") for name in seen)
    assert (tmp_path / "a.csv").read_text() == "y"


def test_a_folder_as_target_is_one_clear_error(tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        write_output(tmp_path / "taken", b"data")
