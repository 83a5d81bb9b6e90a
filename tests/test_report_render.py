"""Dossiers from a fixed case: golden Markdown, hostile text kept inert, blanks, redaction, filters."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from helpers_report import FIXED_NOW, HOSTILE, THREAT, fill_cn, fill_us, golden, scrub

from harasslog import dossier
from harasslog.errors import InputError
from harasslog.models import Citation, Finding, Match

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("HARASSLOG_UPDATE_GOLDEN"))


@pytest.fixture
def cn(store):
    fill_cn(store)
    return store


@pytest.fixture
def us(us_store):
    fill_us(us_store)
    return us_store


def _scrubbed(store, template: str, fmt: str, lang: str, **options) -> str:
    text = dossier.render(store, template, fmt=fmt, lang=lang, now=FIXED_NOW, **options)
    run_at = store.runs.last()["started"]
    from harasslog.normalize import from_utc_iso

    local_run = from_utc_iso(run_at).astimezone(store.tz).strftime("%Y-%m-%d %H:%M")
    return scrub(text, store).replace(local_run, "RUN-TIME")


@pytest.mark.parametrize(
    ("template", "lang"),
    [("cn-complaint", "zh"), ("cn-complaint", "en"), ("cn-12321", "zh"), ("lawyer", "zh"), ("lawyer", "en")],
)
def test_cn_markdown_matches_golden(cn, template, lang):
    golden(GOLDEN / f"{template}.{lang}.md", _scrubbed(cn, template, "md", lang), UPDATE)


@pytest.mark.parametrize(("template", "lang"), [("us-cfpb", "en"), ("us-cfpb", "zh"), ("lawyer", "en")])
def test_us_markdown_matches_golden(us, template, lang):
    golden(GOLDEN / f"us-{template}.{lang}.md", _scrubbed(us, template, "md", lang), UPDATE)


def test_uk_letter_matches_golden(tmp_path):
    from harasslog.db import open_store

    store = open_store(tmp_path / "uk.db")
    with store.transaction():
        store.profile.set(name="Sam Smith", phone="+447700900123", region="GB", tz="Europe/London", jurisdiction="uk")
    fill_us(store)  # the same two contacts, read as a UK case
    golden(GOLDEN / "uk-fos.en.md", _scrubbed(store, "uk-fos", "md", "en"), UPDATE)
    store.close()


@pytest.mark.parametrize("template", list(dossier.TEMPLATES))
@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_template_renders_in_each_format_and_language(cn, template, fmt, lang):
    text = dossier.render(cn, template, fmt=fmt, lang=lang, now=FIXED_NOW)
    assert "harasslog 0.1.0" in text
    if template != "us-cfpb":  # the CFPB narrative is a summary, not the message list
        assert "坐牢" in text


def test_html_keeps_hostile_text_inert(cn):
    html = dossier.render(cn, "lawyer", fmt="html", lang="en", now=FIXED_NOW)
    assert "<script>alert" not in html
    assert "<mark>&lt;script&gt;</mark>alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "{% raw %}" in html  # shown, never evaluated
    assert "\u202e" not in html and "[U+202E]" in html  # an RTL override cannot reorder the page
    assert "\x07" not in html and "[U+0007]bell" in html  # control characters made visible
    assert "&amp;amp;" in html  # an entity in a message is shown as typed, not decoded
    assert "<b>markup</b>" not in html and "&lt;b&gt;markup&lt;/b&gt;" in html  # finding explanations too
    assert 'href="javascript:' not in html  # a rule pack's URL is a link only when it is http(s)


def test_markdown_keeps_hostile_text_inert_and_tables_whole(cn):
    md = dossier.render(cn, "lawyer", fmt="md", lang="en", now=FIXED_NOW)
    row = next(line for line in md.splitlines() if "alert(" in line and line.startswith("| 5"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 8  # 7 columns: the message's own pipes are escaped
    assert "\\<script>" in row and "<script>" not in row.replace("\\<script>", "")
    assert "{{ 7\\*7 }}" in row
    assert "second line" in row  # the newline became <br>, the row did not break
    assert "\u202e" not in md and "\x07" not in md


def test_12321_quotes_every_message_verbatim_in_a_fence(cn):
    md = dossier.render(cn, "cn-12321", fmt="md", lang="zh", now=FIXED_NOW)
    assert f"```text\n{THREAT}\n```" in md
    visible = HOSTILE.replace("\x07", "[U+0007]").replace("\u202e", "[U+202E]").replace("\u202c", "[U+202C]")
    assert f"```text\n{visible}\n```" in md  # no Markdown escaping inside the fence


def test_unknown_fields_are_visible_blanks_never_invented(cn):
    md = dossier.render(cn, "cn-complaint", fmt="md", lang="zh", now=FIXED_NOW)
    assert "身份证件号码：＿＿＿＿＿＿（请填写：身份证件号码）" in md
    assert "被投诉从业人员：＿＿＿＿＿＿（请填写：" in md
    en = dossier.render(cn, "cn-complaint", fmt="md", lang="en", now=FIXED_NOW)
    assert "[to fill in: identity document number]" in en
    with cn.transaction():
        cn.profile.set(id_number="11010519491231002X")
    md = dossier.render(cn, "cn-complaint", fmt="md", lang="zh", now=FIXED_NOW)
    assert "身份证件号码：11010519491231002X" in md


def test_redact_masks_third_parties_and_id_number(cn):
    with cn.transaction():
        cn.profile.set(id_number="11010519491231002X")
    plain = dossier.render(cn, "lawyer", fmt="md", lang="zh", now=FIXED_NOW)
    assert "+8613700001111" in plain
    md = dossier.render(cn, "cn-complaint", fmt="md", lang="zh", now=FIXED_NOW, redact=True)
    assert "11010519491231002X" not in md and "[已隐去]" in md
    lawyer = dossier.render(cn, "lawyer", fmt="md", lang="zh", now=FIXED_NOW, redact=True)
    assert "+8613700001111" not in lawyer and "+8613912345678" not in lawyer
    assert "+86•••••••••11" in lawyer
    assert "10690000123" in lawyer  # an SMS gateway is an institution's number
    assert "某某消费金融有限公司" in lawyer  # institutions are named: they are what the complaint is about
    assert "本文件已隐去第三方姓名和号码" in lawyer


def test_filters_limit_events_and_findings(cn):
    filters = dossier.parse_filters(cn, "2026-11-14", None, None)
    md = dossier.render(cn, "lawyer", fmt="md", lang="en", now=FIXED_NOW, filters=filters)
    assert THREAT not in md and "alert(" in md
    assert "CN-WORD-002" not in md and "CN-WORD-009" in md
    assert "| Records | 2 / 6 " in md
    only_day = dossier.parse_filters(cn, "2026-11-13", "2026-11-13", None)  # a bare --until date is inclusive
    md = dossier.render(cn, "lawyer", fmt="md", lang="en", now=FIXED_NOW, filters=only_day)
    assert "| Records | 1 / 6 " in md
    with pytest.raises(InputError, match="the end of the period must be after its start"):
        dossier.parse_filters(cn, "2026-11-14", "2026-11-13T00:00", None)


def test_cfpb_picks_the_form_names_from_the_findings(us):
    md = dossier.render(us, "us-cfpb", fmt="md", lang="en", now=FIXED_NOW)
    assert "- Issue: Took or threatened to take negative or legal action" in md
    assert "- Sub-issue: Threatened to arrest you or take you to jail if you do not pay" in md
    assert "- Communication tactics / Called before 8am or after 9pm" in md
    assert "2027-03-02" in md  # FDCPA: one year from the 2026-03-02 violation


def test_cfpb_narrative_stays_within_the_form_box(us):
    from datetime import datetime

    from helpers_report import EST

    long = "x" * 600
    findings = [
        Finding(
            f"US-T-{i}",
            "insult",
            "low",
            (1,),
            datetime(2026, 3, 2, 9, i, tzinfo=EST),
            datetime(2026, 3, 2, 9, i, tzinfo=EST),
            long,
            citations=(Citation("15 USC", "1692d", "V"),),
            matches=(Match(f"US-T-{i}", "insult", long, 0, len(long)),),  # quoted in the narrative
        )
        for i in range(20)
    ]
    with us.transaction():
        us.runs.save(pack_id="us", pack_version="t", params={}, findings=findings)
    data = dossier.collect(us)
    context = dossier.build_context(data, lang="en", strings=dossier.load_strings("en"), now=FIXED_NOW)
    narrative = context["cfpb"]["narrative"]
    assert len(narrative) <= dossier.CFPB_NARRATIVE_LIMIT
    assert narrative.endswith("more incidents are listed in the attached log.")


def test_templates_use_strict_undefined(cn, tmp_path):
    (tmp_path / "lawyer.md.j2").write_text("{{ no_such_field }}", encoding="utf-8")
    with pytest.raises(InputError, match="no_such_field"):
        dossier.render(cn, "lawyer", fmt="md", lang="en", template_dir=tmp_path)


def test_template_dir_overrides_by_name(cn, tmp_path):
    (tmp_path / "lawyer.md.j2").write_text("{{ profile.name }} {{ counts.total }} {{ events[4].text }}", "utf-8")
    out = dossier.render(cn, "lawyer", fmt="md", lang="en", template_dir=tmp_path)
    assert out.startswith("张三 6 \\<script>")  # an override is escaped just the same
    # the other templates still come from the package
    assert "金融消费投诉书" in dossier.render(cn, "cn-complaint", fmt="md", lang="zh", template_dir=tmp_path)


def test_unknown_template_is_bad_input(cn):
    with pytest.raises(InputError, match="unknown template"):
        dossier.render(cn, "nope", fmt="md", lang="en")


def test_empty_store_renders(store):
    md = dossier.render(store, "cn-complaint", fmt="md", lang="zh", now=FIXED_NOW)
    assert "所选期间内没有记录" in md
    html = dossier.render(store, "lawyer", fmt="html", lang="en", now=FIXED_NOW)
    assert "No rule check has been run yet" in html


def test_both_languages_have_the_same_words():
    from harasslog import catalog

    assert catalog.problems() == []  # every entry of the catalog in zh and en (tests/test_catalog.py)


def test_render_all_writes_each_suitable_dossier(cn, tmp_path):
    paths = dossier.render_all(cn, tmp_path / "out", "zh", pdf=False)
    assert sorted(p.name for p in paths) == sorted(
        f"{t}.zh.{f}" for t in ("cn-complaint", "cn-12321", "lawyer") for f in ("html", "md")
    )
    assert all(p.stat().st_size > 0 for p in paths)


def test_report_cli_writes_by_suffix_and_rejects_bad_input(cli, store, tmp_path):
    fill_cn(store)
    out = tmp_path / "c.md"
    result = cli("report", "--template", "cn-complaint", "--lang", "zh", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_text("utf-8").startswith("# 金融消费投诉书")
    result = cli("--lang", "en", "report", "--template", "nope", "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 2 and "unknown template" in result.stderr
    result = cli("report", "--template", "lawyer", "--format", "doc", "-o", str(tmp_path / "x.doc"))
    assert result.exit_code == 2 and "--format" in result.stderr


def test_template_dir_strings_override_our_words(cn, tmp_path):
    (tmp_path / "strings.toml").write_text('[en.lawyer]\ntitle = "Exhibit binder for Smith & Co"\n', "utf-8")
    md = dossier.render(cn, "lawyer", fmt="md", lang="en", template_dir=tmp_path, now=FIXED_NOW)
    assert md.startswith("# Exhibit binder for Smith & Co\n")
    assert "## Appendix: full log" in md  # the words not overridden stay ours
