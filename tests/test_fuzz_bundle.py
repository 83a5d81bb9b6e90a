"""Fuzzing `verify --bundle`: mutated zips (bytes flipped, cut, inserted), and forged ones whose
SHA256SUMS was recomputed after members or the manifest were changed. Property: exit 0 (intact),
1 (problems named) or 2 (not a zip we can read), with one line of error; never exit 3.

Examples per strategy come from the Hypothesis profile (see tests/conftest.py).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from helpers_report import fill_cn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_import import mutated, no_hang

from harasslog.bundle import verify_bundle, write_bundle

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def valid(store, tmp_path) -> Path:
    fill_cn(store)
    path = tmp_path / "valid.zip"
    write_bundle(store, path, lang="zh", dossiers={"lawyer.zh.md": "# 证据\n"})
    return path


def check_verify(cli, path: Path) -> int:
    with no_hang():
        result = cli("verify", "--bundle", str(path))
    assert result.exit_code in (0, 1, 2), result.stderr
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("harasslog: "), result.stderr
    return result.exit_code


@FUZZ
@given(data=st.data())
def test_fuzz_mutated_bundle_bytes(cli, valid, tmp_path, data) -> None:
    path = tmp_path / "mutated.zip"
    path.write_bytes(data.draw(mutated(valid.read_bytes())))
    check_verify(cli, path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
member_names = st.sampled_from(
    ["events.csv", "Events.csv", "events.json", "manifest.json", "MANIFEST.json", "SHA256SUMS", "a/../b", "x.txt"]
)


@FUZZ
@given(data=st.data())
def test_fuzz_forged_bundles(cli, valid, tmp_path, data) -> None:
    """Members changed, renamed, added or dropped, the manifest's fields replaced by any JSON, and
    SHA256SUMS recomputed to match, as a forger would."""
    with zipfile.ZipFile(valid) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    manifest = json.loads(members["manifest.json"])
    for key in data.draw(st.lists(st.sampled_from(sorted(manifest) + ["files"]), max_size=3)):
        manifest[key] = data.draw(json_values)
    if isinstance(manifest.get("files"), dict) and data.draw(st.booleans()):
        for entry in manifest["files"].values():
            if isinstance(entry, dict):
                entry["sha256"] = data.draw(st.sampled_from(["0" * 64, "", None, 5]))
    members["manifest.json"] = json.dumps(manifest).encode()
    for name in data.draw(st.lists(member_names, max_size=3)):
        members[name] = data.draw(st.binary(max_size=40) | st.sampled_from([b"id,hash\r\n1,x\r\n", b"\xef\xbb\xbf"]))
    for name in data.draw(st.lists(st.sampled_from(sorted(members)), max_size=2)):
        members.pop(name, None)
    if data.draw(st.booleans()):
        members["SHA256SUMS"] = "".join(
            f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(members.items()) if n != "SHA256SUMS"
        ).encode()
    path = tmp_path / "forged.zip"
    with zipfile.ZipFile(path, "w") as zout:
        for name, content in members.items():
            zout.writestr(name, content)
    check_verify(cli, path)


def test_a_chain_head_of_any_json_type_is_a_problem_not_a_crash(valid, tmp_path) -> None:
    """Found by fuzzing: a list as chain_head made the membership test raise TypeError."""
    with zipfile.ZipFile(valid) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    manifest = json.loads(members["manifest.json"])
    manifest["chain_head"] = ["not", "a", "hash"]
    members["manifest.json"] = json.dumps(manifest).encode()
    members["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(members.items()) if n != "SHA256SUMS"
    ).encode()
    path = tmp_path / "forged.zip"
    with zipfile.ZipFile(path, "w") as zout:
        for name, content in members.items():
            zout.writestr(name, content)
    assert verify_bundle(path) == ["manifest.json: chain_head is not a SHA-256"]
