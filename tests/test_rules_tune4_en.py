"""Issue 11, fourth pass on the English packs: concepts checked on a batch nobody read (i11d-r4en).

Each wording is written for this test (not a corpus message nor a pack example), so a rule that only
knew the words it was written from fails here; the hard negatives are the lawful messages the brief
names (a court's own notice, a bank's fraud warning, a two-factor code, a lawful notice of suit)."""

from __future__ import annotations

import pytest

from harasslog.rules.loader import load_pack
from harasslog.rules.wording import scan_text

US = load_pack("us")
UK = load_pack("uk")
PACKS = [pytest.param(US, id="us"), pytest.param(UK, id="uk")]


def findings(text: str, pack) -> set[str]:
    return {m.category for m in scan_text(text, pack)}


def review(text: str, pack) -> set[str]:
    return {m.category for m in scan_text(text, pack, tier="review")}


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(
    "text, category",
    [
        # the debt called a crime, a penal-code section cited
        ("From today you are suspected of embezzlement of the loan.", "false_legal_threat"),
        ("An FIR under section 406 IPC is ready against you.", "false_legal_threat"),
        # an institution said to have acted already
        ("The police have already registered a complaint about your loan.", "false_legal_threat"),
        # legal action claimed as pending or about to start
        ("We are now in the process of filing a lawsuit against you.", "false_legal_threat"),
        # speaking in an institution's name about the debt
        ("Police notice: clear your overdue EMI before 6 pm.", "impersonation"),
        # a fee to release or clear, a 'safe' account
        ("Deposit the clearance fee before we can remove your name from the defaulters list.", "scam_suspect"),
        ("Transfer your savings to a designated account while we investigate.", "scam_suspect"),
        # borrow elsewhere
        ("We do not care who you borrow from, the money must be in today.", "pressure"),
        # passive third-party threat
        ("Your colleagues are going to be told about your unpaid loan.", "threat_third_party"),
        ("We will humiliate you in front of the whole street.", "threat_third_party"),
        # name-calling without a swear word, veiled harm
        ("You are nothing but a filthy freeloader.", "insult"),
        ("Your family will not be safe if this drags on.", "threat_violence"),
    ],
)
def test_unseen_wordings_of_a_tune4_concept_are_findings(pack, text, category) -> None:
    assert category in findings(text, pack)


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(
    "text",
    [
        "County Court: your hearing is listed for 14 March at 10:00. Bring the claim form.",
        "Bank fraud team: we will never ask you to move money to a safe account. Call the number on your card.",
        "Your verification code is 551902. Do not tell anyone this code.",
        "If we cannot agree a plan, our client may start court proceedings after 14 days.",
        "A judgment has been entered; you may apply to the court to pay by instalments.",
        "Please do not borrow from another lender to pay us; call us to agree a plan.",
        "Your family will not be contacted about this account.",
        "You may be the victim of a scammer; do not pay anyone who calls you.",
    ],
)
def test_lawful_messages_stay_clean_in_the_findings_tier(pack, text) -> None:
    assert findings(text, pack) == set()


@pytest.mark.parametrize("pack", PACKS)
def test_a_police_unit_named_is_left_to_a_person(pack) -> None:
    text = "The crime branch has your file about the loan."
    assert "impersonation" in review(text, pack)
    assert "impersonation" not in findings(text, pack)
