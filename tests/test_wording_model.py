"""The review tier's statistical layer: the shipped weights, its items, and a reproducible trainer.

The messages below are not in tests/corpus/wording.jsonl (the model never saw them).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harasslog.rules import model
from harasslog.rules.loader import WORDING_CATEGORIES, load_pack
from harasslog.rules.triage import _model_items, review_items
from harasslog.rules.wording import normalize

ROOT = Path(__file__).resolve().parents[1]
TRAINER = ROOT / "benchmarks" / "train_wording_model.py"

VEILED_ZH = "钱再拖着不还，哪天你回家路上出点意外可别怪我们"
VEILED_EN = "We know where your kids go to school. Pay what you owe by Friday or something bad might happen to them."
LAWFUL_ZH = "您好，您在本平台的借款已逾期5天，请尽快还款。如有困难，可致电客服申请延期或分期。"
LAWFUL_EN = "This is a reminder that your payment of $45.00 was due on March 3. Please call us to discuss your options."


def corpus_texts() -> set[str]:
    lines = (ROOT / "tests" / "corpus" / "wording.jsonl").read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["text"] for line in lines if line.strip()}


def test_the_shipped_weights_say_what_they_were_trained_on():
    info = model.load().info
    assert info["trained_on"]["file"] == "tests/corpus/wording.jsonl"
    assert info["trained_on"]["rows"] > 0 and len(info["trained_on"]["sha256"]) == 64
    assert model.load().heads == (model.ANY, *WORDING_CATEGORIES)
    assert set(info["kfold"]["model"]) == {"zh", "en"}


@pytest.mark.parametrize(("text", "pack"), [(VEILED_ZH, "cn"), (VEILED_EN, "us")])
def test_a_veiled_threat_goes_to_review_with_spans_of_the_original(text, pack):
    assert text not in corpus_texts()
    assert review_items(text, load_pack(pack)), "a veiled threat must reach a person"
    items = _model_items(text, "zh" if pack == "cn" else "en", set())
    assert items, "the model must see it too, with its evidence"
    for item in items:
        assert item.category in WORDING_CATEGORIES and item.rule_id == ""
        assert 0 <= item.score <= 1
        assert item.text and text[item.start : item.end] == item.text
        assert f"“{item.text}”" in item.why  # the evidence, quoted


def test_why_is_in_the_readers_language():
    zh = _model_items(VEILED_ZH, "zh", set())
    en = _model_items(VEILED_ZH, "en", set())
    assert zh[0].why.startswith("措辞与已知的")
    assert en[0].why.startswith("wording like known")


@pytest.mark.parametrize(("text", "pack"), [(LAWFUL_ZH, "cn"), (LAWFUL_EN, "us")])
def test_a_lawful_reminder_raises_nothing(text, pack):
    assert text not in corpus_texts()
    assert model.score(normalize(text).text).passed == ()
    assert review_items(text, load_pack(pack)) == []


def test_spans_map_back_through_normalization():
    # Traditional characters and full-width forms: the item quotes the text as it was sent.
    text = "錢再拖著不還，哪天你回家路上出點意外可別怪我們"
    items = _model_items(text, "zh", set())
    assert items
    assert all(text[i.start : i.end] == i.text and i.text in text for i in items)


def test_a_message_a_rule_already_names_gets_no_model_items():
    assert _model_items(VEILED_ZH, "zh", set())
    assert _model_items(VEILED_ZH, "zh", {"pressure"}) == []


FIXTURE = [
    {"id": f"r{n}", "lang": lang, "text": text, "categories": cats, "url": f"https://example.org/{n}"}
    for n, (lang, text, cats) in enumerate(
        [
            ("zh", "再不还钱就爆你通讯录", ["threat_third_party"]),
            ("zh", "再不还就通知你全家和单位", ["threat_third_party"]),
            ("zh", "不还钱就抓你去坐牢", ["false_legal_threat"]),
            ("zh", "请于月底前还款，以免影响征信", []),
            ("zh", "您的账单已逾期，请尽快还款", []),
            ("en", "Pay now or you will be arrested", ["false_legal_threat"]),
            ("en", "Pay now or we call your boss", ["threat_third_party"]),
            ("en", "Your payment is past due, please call us", []),
            ("en", "Please pay your balance by Friday", []),
        ]
    )
]


def load_trainer():
    spec = importlib.util.spec_from_file_location("train_wording_model", TRAINER)
    assert spec and spec.loader
    trainer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trainer)
    return trainer


def test_the_trainer_writes_the_same_bytes_every_time(tmp_path):
    corpus = tmp_path / "tiny.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in FIXTURE), encoding="utf-8")
    here = tmp_path / "here.json"
    load_trainer().main(["--corpus", str(corpus), "--out", str(here), "--kfold", "2", "--no-rules"])
    # Another process, another hash seed (set and dict orders differ with it): the same bytes.
    there = tmp_path / "there.json"
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    cmd = [sys.executable, str(TRAINER), "--corpus", str(corpus), "--out", str(there), "--kfold", "2", "--no-rules"]
    subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=60)
    assert here.read_bytes() == there.read_bytes()
    trained = model.from_dict(json.loads(here.read_bytes()))
    assert trained.info["trained_on"]["rows"] == len(FIXTURE)
    assert trained.weights and 0 < trained.threshold(model.ANY) < 1


def test_character_ngrams_quote_whole_words_of_the_original():
    # "arrested" shares " arre" and "rest" with "arrest": a character n-gram stands for the words
    # it touches, so an explanation never quotes half a word.
    text = "Officers will have you ARRESTED at work"
    norm = normalize(text)
    words = {(m.start(), m.end()) for m in re.finditer(r"\w+", norm.text)}
    chars = [g for g in model.grams(norm.text, (3, 4, 5)) if g[0].startswith(model.CHAR)]
    assert ("\x02rest", 23, 31) in chars  # inside "arrested", spanning it whole
    for _gram, s, e in chars:
        assert any(a == s for a, _ in words) and any(b == e for _, b in words)
    assert model.CHAR + " arre" in model.features(norm.text, (5,))
    assert model.CHAR + " arre" not in model.features(norm.text)  # words only unless asked


def test_the_review_threshold_spends_the_benign_budget_the_rules_leave():
    trainer = load_trainer()
    # Ten benign English messages: one a rule flags already; the model scores the rest. With a 20 %
    # budget one more may be flagged, so the threshold sits just above the second highest score.
    probs = [[p, 1.0] for p in (0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05)]
    ys = [[0.0]] * 10
    found = [set()] * 10
    found[0] = {"insult"}
    params = {"benign_budget": 0.2, "evidence_margin": 0.0}
    t = trainer._budget_threshold(probs, ys, ["en"] * 10, found, "en", params)
    assert 0.7 < t < 0.8
    assert trainer._budget_threshold(probs, ys, ["zh"] * 10, found, "en", params) == 0.5  # no English rows
