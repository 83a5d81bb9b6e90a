"""Issue 10: a dossier states only what the store can show (provenance, precision, withdrawals)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import datetime

from helpers_import import sms, write_sbr
from helpers_report import FIXED_NOW, fill_cn

from harasslog.dossier import build_context, collect, load_strings, render_data

INIT = ("init", "--name", "张三", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")


def _typed_case(cli) -> None:
    assert cli(*INIT).exit_code == 0
    assert cli("add", "call", "13912345678", "--at", "2026-11-20 22:30").exit_code == 0
    assert cli("add", "sms", "13912345678", "--at", "2026-11-20 22:40", "--text", "再不还钱就让你坐牢").exit_code == 0
    assert cli("analyze").exit_code == 0


def test_typed_only_complaint_claims_no_original_records(cli, tmp_path):
    """The issue's case: every event typed by hand; the complaint said the facts came from the
    original call records and SMS on the phone, unaltered, and the declaration called them original."""
    _typed_case(cli)
    zh, en = tmp_path / "c.zh.md", tmp_path / "c.en.md"
    assert cli("report", "-t", "cn-complaint", "-o", str(zh)).exit_code == 0
    assert cli("report", "-t", "cn-complaint", "--lang", "en", "-o", str(en)).exit_code == 0
    text_zh, text_en = zh.read_text(encoding="utf-8"), en.read_text(encoding="utf-8")
    for claim in ("手机中的原始通话记录", "所附证据为原始记录，未经修改", "亲身经历", "证据均为原始电子数据"):
        assert claim not in text_zh
    for claim in ("original call log", "the original record, unaltered", "first-hand", "original electronic data"):
        assert claim not in text_en
    assert "全部记录均为手工录入，没有任何记录导入自手机或导出文件。" in text_zh
    assert "2 条记录由投诉人用 harasslog 手工录入" in text_zh
    assert "Every record was entered by hand; none was imported from a phone or an export file." in text_en
    # The evidence list marks each record's source.
    # Typed to the minute, shown to the minute: no seconds the store never recorded.
    assert "| EX-001 | 2026-11-20 22:30 | 电话 +8613912345678 | 手工录入 |" in text_zh


def test_imported_records_name_their_file_and_its_sha256(cli, tmp_path):
    assert cli(*INIT).exit_code == 0
    body = "\n".join(
        sms("10690000123", 1763647980000 + i * 60000, 1, f"【某某消费金融】您的借款已逾期{i}天，请及时还款。")
        for i in range(3)
    )
    export = write_sbr(tmp_path / "sms-20261120.xml", body, count=3)
    assert cli("import", str(export)).exit_code == 0
    assert cli("add", "call", "13912345678", "--at", "2026-11-20 12:00").exit_code == 0
    out = tmp_path / "lawyer.md"
    assert cli("report", "-t", "lawyer", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    digest = hashlib.sha256(export.read_bytes()).hexdigest()
    assert f"3 条记录导入自文件 sms-20261120.xml（格式 sbr，SHA-256 {digest}" in text
    assert "1 条记录由投诉人用 harasslog 手工录入" in text
    assert "全部记录均为手工录入" not in text
    assert "导入：sms-20261120.xml" in text  # each imported record's own marker in the log


def test_date_only_and_withdrawn_events(store):
    """Date-only entries say the time was not recorded; a withdrawn event is in the full log,
    marked with its reason, and in no count or finding."""
    ids = fill_cn(store)
    data = collect(store)
    threat, night_call = ids["threat"], ids["night_call"]
    data.events = [
        replace(e, withdrawn="entered twice by mistake")
        if e.id == night_call
        else replace(e, at_precision="day")
        if e.id == threat
        else e
        for e in data.events
    ]
    t = load_strings("en")
    ctx = build_context(data, lang="en", strings=t, now=FIXED_NOW)
    by_id = {r["id"]: r for r in ctx["log"]}
    assert by_id[threat]["time"] == "2026-11-12 (time not recorded)"
    assert night_call not in {r["id"] for r in ctx["events"]}
    assert by_id[night_call]["withdrawn_label"] == "withdrawn: entered twice by mistake"
    assert ctx["counts"]["total"] == len(data.events) - 1
    assert all(night_call not in [e["id"] for e in f["events"]] for f in ctx["findings"])
    assert any("were withdrawn by the complainant" in line for line in ctx["provenance"])
    assert any("have a date but no time of day" in line for line in ctx["provenance"])
    md = render_data(data, "lawyer", fmt="md", lang="en", strings=t, now=FIXED_NOW)
    assert "**withdrawn: entered twice by mistake**" in md
    assert "2026-11-12 (time not recorded)" in md


def test_unknown_source_stays_a_visible_blank(store):
    fill_cn(store)
    data = collect(store)
    data.events = [replace(e, source="") for e in data.events]
    ctx = build_context(
        data, lang="en", strings=load_strings("en"), now=datetime(2026, 11, 22, tzinfo=FIXED_NOW.tzinfo)
    )
    assert any(line.startswith(f"{len(data.events)} records of unrecorded origin: ＿") for line in ctx["provenance"])
    assert {r["source_label"] for r in ctx["events"]} == {"＿＿＿＿ (not recorded)"}


def test_report_after_new_events_analyzes_again(cli, tmp_path, db_path):
    """The issue's case: analyze, add events, report. The complaint counted the new contacts but
    its findings left them out, with no sign the analysis was stale."""
    _typed_case(cli)  # two contacts at night, analyzed
    for minute in (10, 20, 30):  # three more night calls after the analysis
        assert cli("add", "call", "13912345678", "--at", f"2026-11-20 23:{minute}").exit_code == 0
    out = tmp_path / "c.md"
    result = cli("report", "-t", "cn-complaint", "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "已重新检查（第 2 次" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "5 contacts were recorded" in text
    # The quiet-hours finding now covers all five night contacts, the new ones included.
    assert "2026-11-20 22:30 to 2026-11-20 23:30" in text
    for minute in (10, 20, 30):
        assert f"| 2026-11-20 23:{minute}<br>typed |" in text  # each new call is flagged evidence
    # Nothing changed since: the next report does not analyze again.
    again = cli("report", "-t", "cn-complaint", "--lang", "en", "-o", str(tmp_path / "d.md"))
    assert again.exit_code == 0 and "重新检查" not in again.stderr


def test_export_bundle_analyzes_again_after_a_request(cli, tmp_path):
    _typed_case(cli)
    assert cli("party", "add", "某某催收", "--kind", "agency", "--number", "13912345678").exit_code == 0
    result = cli("export", "bundle", "--no-pdf", "-o", str(tmp_path / "b.zip"))
    assert result.exit_code == 0, result.stderr
    assert "已重新检查（第 2 次" in result.stderr


def test_party_complained_about_is_only_one_the_evidence_links(cli, tmp_path):
    """The issue's case: the only creditor on record was named as the institution complained about
    and an unlinked number listed under it, though nothing linked them."""
    _typed_case(cli)
    assert cli("party", "add", "某某消费金融有限公司", "--kind", "creditor").exit_code == 0
    out = tmp_path / "c.md"
    assert cli("report", "-t", "cn-complaint", "-o", str(out)).exit_code == 0
    section = out.read_text(encoding="utf-8").split("## 二、")[1].split("## 三、")[0]
    assert "某某消费金融有限公司" not in section
    assert "被投诉机构名称：＿＿＿＿＿＿（请填写：被投诉机构全称）" in section
    assert "+8613912345678（未关联到任何机构；来电 1" in section
    # Once the evidence links the number to an agency the creditor hired, both are named.
    assert cli("party", "add", "某某催收", "--kind", "agency", "--creditor", "某某消费金融有限公司").exit_code == 0
    assert cli("party", "link", "13912345678", "某某催收").exit_code == 0
    assert cli("report", "-t", "cn-complaint", "-o", str(out)).exit_code == 0
    section = out.read_text(encoding="utf-8").split("## 二、")[1].split("## 三、")[0]
    assert "被投诉机构名称：某某消费金融有限公司" in section
    assert "+8613912345678（某某催收；来电 1" in section


def test_render_all_writes_0600_and_never_through_a_symlink(store, tmp_path):
    import stat

    from harasslog.dossier import render_all

    fill_cn(store)
    out = tmp_path / "demo"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (out / "cn-complaint.zh.md").symlink_to(victim)
    written = render_all(store, out, "zh", now=FIXED_NOW, pdf=False)
    assert victim.read_text(encoding="utf-8") == "keep me"
    target = out / "cn-complaint.zh.md"
    assert target in written and not target.is_symlink()
    assert all(stat.S_IMODE(p.lstat().st_mode) == 0o600 for p in written)
    text = target.read_text(encoding="utf-8")
    assert "条记录由投诉人用 harasslog 手工录入" in text  # provenance
    assert "投诉人尚未逐项审阅" in text and "未经人工审阅" in text  # review status


def test_demo_dossiers_show_provenance_and_review_status(tmp_path):
    from harasslog.demo import run_demo

    list(run_demo(tmp_path / "demo"))
    complaint = (tmp_path / "demo" / "cn-pause-daily-calls" / "cn-complaint.zh.md").read_text(encoding="utf-8")
    # Each record's source is stated (a case file once the store records it as such).
    assert re.search(r"- \d+ 条记录(载入自案例文件|由投诉人用 harasslog 手工录入)", complaint)
    assert "投诉人尚未逐项审阅" in complaint


def test_daily_calls_in_a_pause_read_as_one_fact_with_the_agreement(cli, tmp_path):
    """Pattern case: a pause agreed on 10-30, then a call every day from 11-01 to 11-05."""
    assert cli(*INIT).exit_code == 0
    assert cli("party", "add", "某某催收", "--kind", "agency", "--number", "13912345678").exit_code == 0
    assert cli("add", "call", "13912345678", "--at", "2026-10-30 10:00", "--party", "某某催收").exit_code == 0
    args = ("request", "add", "--party", "某某催收", "--kind", "pause", "--from", "2026-10-30")
    assert cli(*args, "--until", "2027-10-30", "--event", "1").exit_code == 0
    for day in range(1, 6):
        assert cli("add", "call", "13912345678", "--at", f"2026-11-0{day} 10:00").exit_code == 0
    assert cli("analyze").exit_code == 0
    out = tmp_path / "c.md"
    assert cli("report", "-t", "cn-complaint", "--lang", "en", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    facts = text.split("## 4\\.")[1].split("## 5\\.")[0]
    assert "From 2026-11-01 to 2026-11-05, every day for 5 days, 5 contacts in all, 某某催收" in facts
    assert "The agreement at issue: 某某催收, agreed pause in collection, from 2026-10-30 to 2027-10-30;" in facts
    assert "the contact in which it was made is record #1" in facts
    for day in range(1, 6):  # each call is still listed as evidence
        assert f"2026-11-0{day} 10:00<br>typed" in text.split("## 5\\.")[1]


def test_a_finding_on_a_date_only_record_quotes_no_time_of_day(cli, tmp_path):
    """A message logged with its day only is stored at midnight; the finding (and the complaint that
    quotes it) must not say it came at 00:00."""
    assert cli(*INIT).exit_code == 0
    assert cli("add", "sms", "13912345678", "--at", "2026-11-20", "--text", "再不还钱就爆你通讯录").exit_code == 0
    assert cli("analyze").exit_code == 0
    out = tmp_path / "c.md"
    assert cli("report", "-t", "cn-complaint", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "2026-11-20 （时间未记录） 的短信" in text
    assert "00:00" not in text
    explained = json.JSONDecoder().raw_decode(cli("analyze", "--json").output)[0][0]["explanation"]
    assert explained.startswith("2026-11-20 （时间未记录） 的短信") and "00:00" not in explained


def test_complaint_facts_are_numbered_without_gaps(cli, tmp_path):
    """Findings of one rule on several contacts of a collector are told as one fact; the
    facts are still numbered 1, 2, 3 … (numbering by the first finding of each left gaps: 1, 2, 4)."""
    assert cli(*INIT).exit_code == 0
    said = "再不还钱明天就去你单位找你领导"
    assert cli("add", "call", "13912345678", "--at", "2026-11-20 21:00", "--text", said).exit_code == 0
    text = "你再不还钱，我们就把你欠钱的事发到你的通讯录，让你全家都知道"
    assert cli("add", "sms", "13912345678", "--at", "2026-11-20 21:13", "--text", text).exit_code == 0
    assert cli("analyze").exit_code == 0
    out = tmp_path / "c.md"
    assert cli("report", "-t", "cn-complaint", "-o", str(out)).exit_code == 0
    numbers = [int(n) for n in re.findall(r"^(\d+)\. \*\*", out.read_text(encoding="utf-8"), re.MULTILINE)]
    assert len(numbers) >= 2
    assert numbers == list(range(1, len(numbers) + 1))
