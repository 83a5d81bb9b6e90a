"""`harasslog import` on screenshots the tests draw themselves (SMS and WeChat-style, zh and en,
light and dark, a wrapped long bubble, emoji, a bubble cut off at the top), read by the real OCR
engine. One store is built per module (OCR takes seconds per image); each test reads it."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ocr_screens  # noqa: E402

from harasslog.cli import app  # noqa: E402
from harasslog.ocr import engine  # noqa: E402

pytestmark = [
    pytest.mark.skipif(not engine.available(), reason=f"needs the OCR engine: {engine.missing()}"),
    pytest.mark.skipif(ocr_screens.cjk_font_path() is None, reason="needs a CJK font: apt install fonts-noto-cjk"),
]


def run(db: Path, *args: str):
    result = CliRunner().invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def _spec(name: str) -> ocr_screens.Spec:
    return next(s for s in ocr_screens.screens() if s.name == f"Screenshot_20261125-{name}.png")


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    """A store with a typed SMS, then an SMS screenshot (zh, light) and a chat one (en, dark, cut off at the top)."""
    folder = tmp_path_factory.mktemp("shots")
    sms = ocr_screens.render(_spec("zh-sms-light"), folder)
    chat = ocr_screens.render(_spec("en-chat-scrolled-dark"), folder)
    db = folder / "case.db"
    run(db, "init", "--name", "张三", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    # The borrower had typed in one of the messages the screenshot shows.
    run(db, "add", "sms", "13800138000", "--at", "2026-11-25 09:05", "--text", "今天必须还，不然去你单位")
    imported = run(db, "import", str(sms), "--json")
    run(db, "import", str(chat), "--channel", "im", "--json")
    events = json.loads(run(db, "list", "--json").stdout)
    return {"db": db, "sms": sms, "chat": chat, "events": events, "summary": json.loads(imported.stdout)}


def _copy(case, tmp_path: Path) -> Path:
    """The shared store with its attachments, for a test that writes."""
    shutil.copytree(case["db"].parent, tmp_path / "copy")
    return tmp_path / "copy" / case["db"].name


def flat(text: str) -> str:
    return "".join((text or "").split())


def by_text(events, text):
    found = [e for e in events if flat(e["text"]) == flat(text)]
    assert len(found) == 1, (text, [e["text"] for e in events])
    return found[0]


def test_each_bubble_becomes_an_event_with_direction_number_and_time(case):
    events = case["events"]
    threat = by_text(events, "再不还钱就爆你通讯录，明天上门找你家人")  # wrapped, with an emoji drawn after it
    assert (threat["channel"], threat["direction"], threat["number"]) == ("sms", "in", "+8613800138000")
    assert (threat["at"], threat["at_precision"]) == ("2026-11-24T22:13:00+08:00", "minute")  # under 昨天 22:13
    reply = by_text(events, "请不要再打扰我的家人")
    assert (reply["direction"], reply["at"]) == ("out", "2026-11-25T09:05:00+08:00")
    pay = by_text(events, "Pay today or we come to your house")
    assert (pay["channel"], pay["direction"], pay["number"]) == ("im", "in", "Mark Acme")
    assert (pay["at"], pay["at_precision"]) == ("2026-11-20T22:13:00+08:00", "minute")  # under 11/20 10:13 PM
    stop = by_text(events, "Stop.")
    assert stop["direction"] == "out"


def test_a_bubble_without_a_separator_above_has_no_time_and_a_cut_one_is_marked(case):
    events = case["events"]
    mother = by_text(events, "Your mother was very helpful")
    assert mother["at_precision"] == "unknown"
    cut = [e for e in events if e["source"].startswith("ocr:") and flat(e["text"]).endswith("thisdebt.")]
    assert len(cut) == 1 and cut[0]["direction"] == "out" and cut[0]["at_precision"] == "unknown"
    shown = json.loads(run(case["db"], "show", str(cut[0]["id"]), "--json").stdout)
    assert shown["ocr"]["cropped"] is True


def test_events_name_their_image_by_sha256_and_link_it(case):
    sha = hashlib.sha256(case["sms"].read_bytes()).hexdigest()
    threat = by_text(case["events"], "再不还钱就爆你通讯录，明天上门找你家人")
    assert threat["source"] == f"ocr:{sha}"
    shown = json.loads(run(case["db"], "--lang", "en", "show", str(threat["id"]), "--json").stdout)
    assert [a["sha256"] for a in shown["attachments"]] == [sha]
    assert shown["ocr"]["note"] == f"transcribed by OCR from screenshot {sha}, check against the image."
    x0, y0, x1, y1 = shown["ocr"]["box"]
    assert x0 < 40 < 460 < x1 and y1 - y0 > 60  # the whole two-line bubble on the left
    assert "经文字识别转录" in run(case["db"], "--lang", "zh", "show", str(threat["id"])).stdout
    run(case["db"], "verify")


def test_a_bubble_showing_a_stored_message_corroborates_it_and_a_second_import_adds_nothing(case):
    typed = by_text(case["events"], "今天必须还，不然去你单位")  # one event, not two
    assert typed["source"] == "typed"
    shown = json.loads(run(case["db"], "show", str(typed["id"]), "--json").stdout)
    (attachment,) = shown["attachments"]
    assert attachment["note"].startswith("corroborates this event") and case["sms"].name == attachment["name"]
    (source,) = shown["corroborated_by"]  # the bubble, kept as a second source of that message
    assert source["source"].startswith("ocr:") and source["text"] == "今天必须还，不然去你单位"
    summary = case["summary"]
    assert (summary["new"], summary["corroborated"], summary["skipped"]) == (4, 1, 0)  # five bubbles, one stored
    again = json.loads(run(case["db"], "import", str(case["sms"]), "--json").stdout)
    assert (again["new"], again["duplicate"]) == (0, 5)  # every bubble of that image is in the store already


def test_wording_read_by_ocr_is_for_review_until_a_person_checks_it(case, tmp_path):
    db = _copy(case, tmp_path)  # this test writes: keep the shared store as it was
    threat = by_text(case["events"], "再不还钱就爆你通讯录，明天上门找你家人")

    def tiers():
        out = json.loads(run(db, "analyze", "--json", "--with-review").stdout)
        wording = {"threat_third_party", "threat_violence", "privacy_disclosure"}
        on = [f for f in out["findings"] if threat["id"] in f["event_ids"] and f["category"] in wording]
        held = [f for f in out["review"] if threat["id"] in f["event_ids"] and f["category"] in wording]
        return on, held

    on, held = tiers()
    assert on == [] and held, "unchecked OCR wording must wait for review"
    run(db, "ocr", "confirm", str(threat["id"]), "--reason", "checked against the image")
    on, _ = tiers()
    assert {f["category"] for f in on} & {"threat_third_party"}
    run(db, "verify")


def test_a_correction_keeps_the_ocr_text_and_the_analysis_reads_it(case, tmp_path):
    db = _copy(case, tmp_path)
    mother = by_text(case["events"], "Your mother was very helpful")
    out = json.loads(
        run(db, "ocr", "correct", str(mother["id"]), "--text", "Your mother was very helpful!", "--json").stdout
    )
    assert (out["text"], flat(out["ocr_text"])) == ("Your mother was very helpful!", "Yourmotherwasveryhelpful")
    shown = json.loads(run(db, "show", str(mother["id"]), "--json").stdout)
    assert flat(shown["text"]) == "Yourmotherwasveryhelpful"  # the event is never edited
    assert shown["ocr"]["checked"]["text"] == "Your mother was very helpful!"


def test_a_changed_correction_is_caught_by_verify(case, tmp_path):
    import sqlite3

    db = _copy(case, tmp_path)
    mother = by_text(case["events"], "Your mother was very helpful")
    run(db, "ocr", "correct", str(mother["id"]), "--text", "Your mother was helpful")
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER ocr_corrections_no_update")
    conn.execute("UPDATE ocr_corrections SET text = 'Your mother will be hurt'")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(app, ["--db", str(db), "--lang", "en", "verify"])
    assert result.exit_code == 1 and "ocr_corrections" in result.stdout + result.stderr


def test_a_file_that_is_no_image_is_refused_and_nothing_is_written(tmp_path):
    db = tmp_path / "c.db"
    run(db, "init", "--region", "CN", "--tz", "Asia/Shanghai")
    bad = tmp_path / "folder" / "shot.png"
    bad.parent.mkdir()
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    result = CliRunner().invoke(app, ["--db", str(db), "--lang", "en", "import", str(bad.parent)])  # a folder
    assert result.exit_code == 2 and "shot.png: not an image that can be read" in result.stderr
    assert json.loads(run(db, "list", "--json").stdout) == []
