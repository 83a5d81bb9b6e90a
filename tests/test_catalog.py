"""One catalog for every word a user reads (issue 9.4): templates/strings.toml, zh and en side by side."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harasslog import catalog
from harasslog.rules import engine
from harasslog.rules.loader import CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "harasslog").rglob("*.py"))


def test_every_entry_has_both_languages():
    assert catalog.problems() == []


def test_an_entry_in_one_language_only_is_reported():
    tree = {"a": {"zh": "甲", "en": "A"}, "b": {"c": {"zh": "丙"}}, "d": "bare"}
    assert catalog.problems(tree) == ["b.c: missing en", "d: missing zh, en"]


# Keys written out in the code: t(lang, "KEY"), tell(store, "KEY"), words(store, "KEY"), or any "cli.KEY".
_KEY_USES = (
    re.compile(r"""\bt\([^,()]+,\s*"([a-z_][a-z0-9_.]*)\""""),
    re.compile(r"""\b(?:tell|words)\([^,()]+,\s*"([a-z_][a-z0-9_.]*)\""""),
    re.compile(r""""(cli\.[a-z0-9_.]+)\""""),
)


def used_keys() -> set[str]:
    keys = set()
    for path in SOURCES:
        text = path.read_text("utf-8")
        for pattern in _KEY_USES:
            keys.update(pattern.findall(text))
    return keys


def test_every_key_the_code_uses_exists():
    used = used_keys()
    assert len(used) > 20 and "cli.add.recorded" in used  # the scan finds the calls
    sections = {key.rsplit(".", n)[0] for key in catalog.entries() for n in range(1, key.count(".") + 1)}
    # "cli.help." and the like name a section (a prefix the code looks entries up under), not an entry.
    missing = sorted(key for key in used if not catalog.has(key) and key.rstrip(".") not in sections)
    assert missing == []


def test_keys_built_from_names_exist():
    from harasslog.cli.importing import IMPORT_LABELS

    built = [f"categories.{c}" for c in CATEGORIES] + [f"cli.import.{k}" for k in IMPORT_LABELS]
    assert [key for key in built if not catalog.has(key)] == []


def test_one_name_per_category_in_the_engine_the_cli_and_the_dossiers():
    for category in CATEGORIES:
        zh, en = engine.CATEGORY_LABELS[category]
        assert zh == catalog.strings("zh")["categories"][category] == catalog.t("zh", f"categories.{category}")
        assert en == catalog.strings("en")["categories"][category]
    assert engine.CATEGORY_LABELS["over_frequency"][0] == "频繁催收"
    for path in [*SOURCES, *sorted((ROOT / "templates").iterdir())]:
        if path.is_file():
            assert "频率过高" not in path.read_text("utf-8"), path


def test_t_fills_placeholders_in_each_language():
    assert catalog.t("en", "cli.debt.saved", id=3, creditor="Acme") == "Debt #3 with Acme saved"
    assert catalog.t("zh", "cli.debt.saved", id=3, creditor="某某") == "已保存债务 #3（某某）"
    with pytest.raises(KeyError):
        catalog.t("en", "cli.no_such_key")
    with pytest.raises(KeyError):
        catalog.t("en", "cli")  # a namespace, not an entry


def test_templates_get_the_same_mapping_as_before():
    zh, en = catalog.strings("zh"), catalog.strings("en")
    assert zh["lawyer"]["title"] == "催收骚扰证据汇编" and en["channels"]["sms"] == "text"
    assert zh["weekdays"][0] == "周一" and en["lawyer"]["request_kinds"]["pause"] == "agreed pause in collection"
    assert "cli" not in zh  # command-line words are not handed to templates


@pytest.mark.parametrize(
    "override",
    [
        '[en.lawyer]\ntitle = "Binder for Smith & Co"\n',  # one table per language (the older form)
        '[lawyer]\ntitle.en = "Binder for Smith & Co"\n',  # side by side, like ours
    ],
)
def test_a_template_dir_override_in_either_form(tmp_path, override):
    (tmp_path / "strings.toml").write_text(override, "utf-8")
    en = catalog.strings("en", tmp_path)
    assert en["lawyer"]["title"] == "Binder for Smith & Co"
    assert en["lawyer"]["appendix_title"] == "Appendix: full log"  # the rest stays ours
    assert catalog.strings("zh", tmp_path)["lawyer"]["title"] == "催收骚扰证据汇编"


def test_cli_messages_come_from_the_catalog(cli):
    result = cli("--lang", "zh", "init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    assert result.exit_code == 0
    assert result.stderr.startswith("证据库已就绪：")
    result = cli("--lang", "en", "debt", "add", "--creditor", "Acme")
    assert result.stderr == "Debt #1 with Acme saved\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_table_heading_is_in_the_catalog(cli, lang):
    """Headings are built from names (f"cli.list.{key}"): render every table in both languages."""
    assert cli("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn").exit_code == 0
    cli("add", "sms", "13912345678", "--at", "2026-11-20T23:30", "--text", "再不还钱就让你坐牢")
    for args in (
        ("list",),
        ("analyze",),
        ("rules", "list"),
        ("stats", "--by", "day"),
        ("stats", "--by", "hour"),
        ("stats", "--by", "party"),
        ("deadlines",),
        ("scan", "再不还钱就让你坐牢"),
    ):
        result = cli("--lang", lang, *args)
        assert result.exit_code == 0, (args, result.stderr)
    assert catalog.t(lang, "cli.list.title", count=1) in cli("--lang", lang, "list").stdout
