"""Issue 11 tuning of the English packs: concepts, not phrases. Each wording here is written for the
test (not a corpus message nor a pack example), so it fails if a rule only knew the words it was
tuned on; the benign ones guard the findings tier against the same words used harmlessly."""

from __future__ import annotations

import pytest

from harasslog.rules.loader import load_pack
from harasslog.rules.wording import scan_text

US = load_pack("us")
UK = load_pack("uk")
PACKS = [pytest.param(US, id="us"), pytest.param(UK, id="uk")]


def categories(text: str, pack, **kw) -> set[str]:
    return {m.category for m in scan_text(text, pack, **kw)}


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(
    "text, category",
    [
        ("Clear the loan or we message every number in your phonebook.", "threat_third_party"),
        ("We shall publicly disgrace you before your people.", "threat_third_party"),
        ("Tomorrow we circulate her edited photos.", "threat_third_party"),
        ("This person is a known swindler, be careful.", "insult"),
        ("Pay or we come for your organs.", "threat_violence"),
        ("We are going to hack into your WhatsApp.", "threat_violence"),
        ("Be informed that a restraining order has been issued.", "false_legal_threat"),
        ("We have lodged an FIR and will freeze your savings account.", "false_legal_threat"),
        ("Cash out your 401k and send it to us.", "pressure"),
    ],
)
def test_unseen_wordings_of_a_tuned_concept_are_findings(pack, text, category) -> None:
    assert category in categories(text, pack)


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(
    "text",
    [
        "You can add this number to your contacts so you know it is us.",
        "Please upload a photo of your ID in the app.",
        "She is a fraud prevention officer and will call you back.",
        "You can ask your bank to cancel the direct debit at any time.",
        "We will call you back within the hour.",
        "Don't take money out of your pension to pay us; call us for a plan.",
    ],
)
def test_the_same_words_used_harmlessly_are_not_findings(pack, text) -> None:
    assert scan_text(text, pack) == []


@pytest.mark.parametrize("pack", PACKS)
def test_accusing_the_debtor_to_a_third_party_discloses(pack) -> None:
    text = "Beware of her, she took money and ran."
    assert categories(text, pack) == set()
    assert "privacy_disclosure" in categories(text, pack, recipient="third_party")
