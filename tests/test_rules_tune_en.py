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


# Third pass (i11c batches): each wording below is new, written for the test.


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(
    "text, category",
    [
        ("Settle this today or we will make sure your boss has you sacked.", "pressure"),
        ("Use the cash you kept aside for groceries and clear the balance.", "pressure"),
        ("Think how humiliating a visit would be in front of your neighbours.", "pressure"),
        ("Pay what you owe or accept the full consequences.", "pressure"),
        ("You've got no other choice. Pay the arrears now.", "pressure"),
        ("Not replying to us shows that you refuse to pay.", "pressure"),
        ("Unless you pay, your savings account is going to be frozen.", "false_legal_threat"),
        ("Your TV and furniture will be repossessed on Monday.", "false_legal_threat"),
        ("We will start seizing your belongings next week.", "false_legal_threat"),
        ("If this is not paid your kids may be placed into foster care.", "false_legal_threat"),
        ("You will no longer get your state pension payments until you pay.", "false_legal_threat"),
        ("Police officers are coming round to your address tonight.", "false_legal_threat"),
        ("Calling from the Revenue Agency: a tax fraud case against you is open, call back.", "scam_suspect"),
        ("We will publish your name and face on Facebook as a debtor.", "threat_third_party"),
        ("Tell everyone: this woman is a liar and a swindler.", "insult"),
        ("Call me back today, otherwise we will start looking for you.", "threat_violence"),
        ("I'm going to wreck your life over this.", "threat_violence"),
        ("Your shop is going to be padlocked tomorrow.", "threat_violence"),
        ("Has your daughter ever been attacked?", "threat_violence"),
        ("The agency is set to revoke your driving licence.", "false_legal_threat"),
        ("Spend tonight at home, not in prison: pay now.", "false_legal_threat"),
        ("Pay or we will tank your credit score.", "pressure"),
        ("We are deadly serious about this balance.", "pressure"),
        ("We will sue you and strip you of everything you own.", "false_legal_threat"),
        ("Refusing to repay a loan is a criminal offence.", "false_legal_threat"),
        ("You could end up behind bars for this.", "false_legal_threat"),
        ("Your parents are going to be held liable if you vanish.", "false_legal_threat"),
        ("No lender will ever approve you again after this.", "pressure"),
        ("The EFCC has already been notified of your default.", "false_legal_threat"),
        ("By tonight you will be declared wanted.", "false_legal_threat"),
        ("Your national ID number is going to be blacklisted.", "false_legal_threat"),
        ("You will never be able to take out any mortgage after this.", "pressure"),
    ],
)
def test_unseen_wordings_of_the_third_pass_concepts_are_findings(pack, text, category) -> None:
    assert category in categories(text, pack)


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(
    "text",
    [
        "If you have no other options, ask us about a hardship plan.",
        "We're not open on Saturdays; call us on Monday.",
        "Your silence on this matter is understood; call us when ready.",
        "You may face consequences such as late fees and a lower credit score.",
        "Money you need for rent or food should not be used to pay us.",
        "Your children will be taken to the party by the school bus.",
        "The names of the raffle winners will be published in the newsletter.",
        "Your funds will be released once the cheque clears.",
        "The IRS will never phone to threaten arrest; hang up on such calls.",
        "It was embarrassing for me to ask you for money, sorry.",
        "Have you ever been to our office?",
        "We are looking for you to confirm your address.",
        "Don't let a late payment ruin your credit; set up autopay.",
        "You will not go to jail for a debt.",
        "Your driving licence will be renewed next month.",
        "Failure to pay is not a criminal offence.",
        "Your husband said he will pay on Friday.",
        "Non-payment is considered a breach of your agreement.",
        "We wanted to remind you that your payment is due.",
        "Your SIM card will be blocked if it is not registered by Friday.",
        "Without a plan you won't be able to borrow from us again.",
    ],
)
def test_third_pass_look_alikes_are_not_findings(pack, text) -> None:
    assert scan_text(text, pack) == []


@pytest.mark.parametrize("pack", PACKS)
def test_a_third_party_told_to_pay_is_a_false_legal_claim_only_when_a_third_party(pack) -> None:
    text = "If your cousin does not pay, we will recover it from your mobile wallet."
    assert "false_legal_threat" in categories(text, pack, recipient="third_party")
    assert "false_legal_threat" not in categories(text, pack)
    # A real co-signer is a party to the debt.
    signed = "You co-signed her loan, so we will recover it from your account."
    assert "false_legal_threat" not in categories(signed, pack, recipient="third_party")


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(
    "text, category",
    [
        ("I am going to drag you into court over this.", "false_legal_threat"),
        ("You'll be hearing from our attorneys.", "false_legal_threat"),
        ("Regarding a pending legal matter, ring us.", "false_legal_threat"),
        ("Federal Legal Services Bureau: contact us about your file.", "impersonation"),
        ("Transaction failed, insufficient funds. Call 877-555-0142 now.", "scam_suspect"),
        ("Send the money to my own Zelle today.", "scam_suspect"),
        ("A warrant has been issued; settle via the link below to stop it.", "scam_suspect"),
        ("Last chance. Remember the law is with us.", "pressure"),
        ("She named you as her guarantor when she borrowed.", "false_legal_threat"),
        ("Your account is now flagged for litigation.", "false_legal_threat"),
        ("Our field investigators are going to pay you a visit.", "false_legal_threat"),
        ("A process server has been dispatched regarding your loan.", "false_legal_threat"),
        ("Notice from the Debt Recovery Tribunal about your loan.", "impersonation"),
        ("Understand that you are talking to the state authorities now.", "impersonation"),
        ("Your file has been handed over to the district court.", "false_legal_threat"),
        ("Litigation has now been commenced against you.", "false_legal_threat"),
    ],
)
def test_third_pass_review_concepts(pack, text, category) -> None:
    assert category in categories(text, pack, tier="review")


@pytest.mark.parametrize("pack", PACKS)
def test_lawful_urgency_is_not_a_review_item(pack) -> None:
    for text in (
        "Your final statement is attached; thank you for your custom.",
        "Your payment failed. Please update your card in the app.",
        "Pay your bill online using this link: www.example.com/pay",
        "You may file a complaint with the CFPB at consumerfinance.gov.",
        "A copy of this notice can be used in any later court proceedings.",
        "We may recommend to our client that proceedings are commenced.",
    ):
        assert scan_text(text, pack, tier="review") == [], text


def test_a_request_for_a_one_time_code_or_pin_is_a_scam_finding_in_the_us_pack() -> None:
    assert "scam_suspect" in categories("Read me the code we just texted you, the OTP, to close the case.", US)
    assert "scam_suspect" in categories("Text us your PIN number to confirm the payment.", US)
    assert scan_text("We will post you a new PIN; never share it with anyone.", US) == []
    # The UK pack has no findings-tier scam rule: the same request is a review item there.
    assert "scam_suspect" in categories("Text us your PIN number to confirm the payment.", UK, tier="review")


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(
    "text",
    [
        "Keep this between us and pay before 5 pm.",
        "Wire the balance to my supervisor's account, ours is frozen.",
        "We take payment strictly through Western Union.",
        "An upfront fee of $60 unlocks your new credit line.",
    ],
)
def test_scam_shapes_are_review_items(pack, text) -> None:
    assert "scam_suspect" in categories(text, pack, tier="review")


@pytest.mark.parametrize("pack", PACKS)
def test_ordinary_call_handling_is_not_a_scam_shape(pack) -> None:
    for text in (
        "Please stay on the line, your call is important to us.",
        "Your one-time payment of $50 was received; your loan is now cleared.",
    ):
        assert scan_text(text, pack, tier="review") == [], text
