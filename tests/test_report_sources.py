"""The binder shows every source of a contact, and a screenshot beside its transcription (issues 12, 16, 14).

A lawyer checks each exhibit against its sources: the phone's backup and the carrier's record of
the same SMS are two references to one contact (counted once); a message read from a screenshot is
shown next to the part of the image it was read from, with the person's check.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import sys
from pathlib import Path

import pytest
from helpers_import import call, write_sbr
from test_corroboration import COLLECTOR, carrier_sms, phone_sms
from test_import_formats_b import imported

from harasslog import dossier
from harasslog.dossier.collect import collect
from harasslog.dossier.templating import load_strings


def _exhibit(html: str, no: str) -> str:
    """The HTML of one exhibit, from its cover to its end marker."""
    start = html.index(f'<section class="exhibit" id="exh-{no}">')
    return html[start : html.index(f'id="exh-{no}-end"', start)]


def test_each_exhibit_lists_every_source_of_its_contact_counted_once(tmp_path: Path, store, cli) -> None:
    phone = phone_sms(tmp_path)
    imported(cli, phone)
    bill = carrier_sms(tmp_path, ["2026-11-20 22:13", "北京", COLLECTOR, "接收", "短信", "0.00"])
    imported(cli, bill)
    assert cli("analyze").exit_code == 0
    html = dossier.render(store, "lawyer", fmt="html", lang="en")
    assert isinstance(html, str)
    cover = _exhibit(html, "EX-001")  # the threat at 22:13:41: flagged, its exhibit comes first
    for path in (phone, bill):
        assert path.name in cover
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest[:16] in cover and digest[16:32] in cover  # printed in 16-character groups
    # Each source's own time, no more precise than it was recorded: the phone to the second, the carrier to the minute.
    assert "time as this source records it: 2026-11-20 22:13:41" in cover
    assert "time as this source records it: 2026-11-20 22:13<" in cover
    assert "These 2 sources record one and the same contact; it is counted once." in cover
    appendix = html[html.index('id="appendix"') :]
    assert "also recorded by: imported: 短信详单.xlsx (its time: 2026-11-20 22:13)" in appendix
    data = collect(store)
    context = dossier.build_context(data, lang="en", strings=load_strings("en"))
    assert context["counts"]["total"] == 2 and context["counts"]["sms"] == 2  # two SMS, not three
    zh = dossier.render(store, "lawyer", fmt="html", lang="zh")
    assert "另一来源，印证同一次联系" in zh and "该来源记载的时间：2026-11-20 22:13<" in zh


def test_a_caller_without_a_number_is_listed_by_its_kind(tmp_path: Path, store, cli) -> None:
    body = call("-2", 1763647980000, 3, presentation="2")  # SBR's marker for a withheld caller
    imported(cli, write_sbr(tmp_path / "calls.xml", body, root="calls"))
    for lang, kind in (("en", "withheld number"), ("zh", "隐藏号码")):
        html = dossier.render(store, "cn-12321", fmt="html", lang=lang)
        assert f"<h2>{kind}</h2>" in html
        assert "<h2>-2</h2>" not in html


def test_a_finding_at_one_moment_states_its_time_once(tmp_path: Path, store, cli) -> None:
    imported(cli, phone_sms(tmp_path))
    assert cli("analyze").exit_code == 0
    for lang in ("zh", "en"):
        text = dossier.render(store, "cn-complaint", fmt="md", lang=lang)
        assert isinstance(text, str)
        assert not re.search(r"(\d{4}-\d\d-\d\d \d\d:\d\d) (至|to) \1", text), "a period from a moment to itself"
        assert "harasslog review" not in text


# ---------------------------------------------------------------- screenshots (needs the ocr extra)

sys.path.insert(0, str(Path(__file__).parent))
import ocr_screens  # noqa: E402


@pytest.fixture(scope="module")
def shot_case(tmp_path_factory):
    pytest.importorskip("rapidocr_onnxruntime", reason="needs the ocr extra: pip install 'harasslog[ocr]'")
    if ocr_screens.cjk_font_path() is None:
        pytest.skip("needs a CJK font: apt install fonts-noto-cjk")
    folder = tmp_path_factory.mktemp("shot")
    spec = next(s for s in ocr_screens.screens() if s.name == "Screenshot_20261125-zh-sms-light.png")
    image = ocr_screens.render(spec, folder)
    db = folder / "case.db"

    from typer.testing import CliRunner

    from harasslog.cli import app

    runner = CliRunner()

    def run(*args: str):  # in this process: the OCR engine and the templates load once
        done = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
        assert done.exit_code == 0, done.stderr
        return done

    run("init", "--name", "张三", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    run("import", str(image), "--number", "13800138000")
    events = json.loads(run("list", "--json").stdout)
    return {"db": db, "image": image, "events": events, "run": run}


def _event(events: list[dict], starts: str) -> dict:
    (found,) = [e for e in events if "".join((e["text"] or "").split()).startswith(starts)]
    return found


def test_a_screenshot_event_shows_the_bubble_beside_its_transcription_and_the_check(shot_case) -> None:
    run, events = shot_case["run"], shot_case["events"]
    notice = _event(events, "【某某消费金融】")
    threat = _event(events, "再不还钱")
    run("ocr", "correct", str(notice["id"]), "--text", "【某某消费金融】您的借款已逾期两天", "--reason", "补全")
    run("ocr", "confirm", str(threat["id"]))
    run("analyze")
    out = shot_case["db"].parent / "binder.html"
    run("report", "--template", "lawyer", "--lang", "en", "-o", str(out))
    html = out.read_text("utf-8")
    box = json.loads(run("show", str(threat["id"]), "--json").stdout)["ocr"]["box"]
    threat_html = html[html.index(f'<tr><td>{threat["id"]}<br><span class="flag">') :]
    no = re.match(r'<tr><td>\d+<br><span class="flag">(EX-\d+)', threat_html)
    assert no is not None
    exhibit = _exhibit(html, no.group(1))
    crop = re.search(r'class="ocr-crop" src="data:image/png;base64,([^"]+)"', exhibit)
    assert crop is not None, "the bubble is drawn beside its transcription"
    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(crop.group(1)))) as part:
        assert part.size == (box[2] - box[0], box[3] - box[1])  # the bubble's box, as the OCR recorded it
    assert "transcribed by OCR from a screenshot" in exhibit
    assert "checked it against the image on" in exhibit and "confirmed it as read" in exhibit
    assert hashlib.sha256(shot_case["image"].read_bytes()).hexdigest() in exhibit
    assert f"Screenshot attached: {shot_case['image'].name} (exhibit EX-" in exhibit  # in its own row too
    # One screenshot, five bubbles: one exhibit of the image, attached to each record read from it.
    assert html.count('class="exhibit-img" src="data:image/png;base64,') == 1
    assert html.count("Attached to record #") == len(events)
    corrected = [
        x for x in re.findall(r'<section class="exhibit" id="exh-(EX-\d+)">', html) if "补全" in _exhibit(html, x)
    ]
    (fixed,) = corrected
    shown = _exhibit(html, fixed)
    assert "Corrected by the complainant against the image on" in shown
    assert "【某某消费金融】您的借款已逾期两天" in shown  # the correction...
    assert notice["text"] in shown  # ...and the text as OCR read it, both
    complaint = shot_case["db"].parent / "12321.html"
    run("report", "--template", "cn-12321", "--lang", "zh", "-o", str(complaint))
    text = complaint.read_text("utf-8")
    assert f"截图附件：{shot_case['image'].name}（证据 EX-" in text
