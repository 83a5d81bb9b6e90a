"""Issue 10 through the CLI: the call in which a pause was agreed is not a breach of the pause."""

from __future__ import annotations

import json

import pytest

from harasslog.cli import evidence

PARTY = "示例消费金融"
PAUSE = ("request", "add", "--party", PARTY, "--kind", "pause", "--from", "2026-10-30", "--until", "2027-10-30")


def ok(result, code: int = 0):
    assert result.exit_code == code, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result


@pytest.fixture
def pause_case(store, cli):
    """The pause is agreed on a call on 10-30 at 10:00; the collector calls again on 10-31 and 11-01."""
    for when in ("2026-10-30 10:00", "2026-10-31 09:30", "2026-11-01 09:30"):
        ok(cli("add", "call", "13912345678", "--at", when, "--duration", "300", "--party", PARTY))
    return store


def breaches(cli) -> list[list[int]]:
    findings = json.loads(ok(cli("analyze", "--json")).stdout)
    return [f["event_ids"] for f in findings if f["category"] == "request_violation"]


def test_the_agreeing_call_is_not_a_breach_when_the_pause_names_it(pause_case, cli) -> None:
    ok(cli(*PAUSE, "--event", "1"))
    assert breaches(cli) == [[2], [3]]


def test_on_a_terminal_request_add_offers_the_contact_of_that_day(pause_case, cli, monkeypatch) -> None:
    monkeypatch.setattr(evidence, "_interactive", lambda: True)
    result = ok(cli(*PAUSE, input="y\n"))
    assert "#1（电话，2026-10-30T10:00:00+08:00，13912345678）是当天与 示例消费金融 的联系" in result.stderr
    assert "已关联证明记录 #1" in result.stderr
    assert json.loads(ok(cli("request", "list", "--json")).stdout)[0]["event_id"] == 1
    assert breaches(cli) == [[2], [3]]


def test_declining_the_offer_records_the_request_without_a_proving_event(pause_case, cli, monkeypatch) -> None:
    monkeypatch.setattr(evidence, "_interactive", lambda: True)
    ok(cli(*PAUSE, input="n\n"))
    assert json.loads(ok(cli("request", "list", "--json")).stdout)[0]["event_id"] is None


def test_without_a_terminal_it_says_which_event_and_how_to_pass_it(pause_case, cli) -> None:
    result = ok(cli("--lang", "en", *PAUSE))
    assert "#1 (call, 2026-10-30T10:00:00+08:00, 13912345678) is a contact with 示例消费金融" in result.stderr
    assert "--event 1" in result.stderr
    assert json.loads(ok(cli("request", "list", "--json")).stdout)[0]["event_id"] is None


def test_several_contacts_that_day_are_offered_by_number(store, cli, monkeypatch) -> None:
    for when in ("2026-10-30 09:00", "2026-10-30 10:00"):
        ok(cli("add", "call", "13912345678", "--at", when, "--duration", "300", "--party", PARTY))
    monkeypatch.setattr(evidence, "_interactive", lambda: True)
    ok(cli(*PAUSE, input="7\n2\n"))  # 7 is not one of them: asked again
    assert json.loads(ok(cli("request", "list", "--json")).stdout)[0]["event_id"] == 2
    assert breaches(cli) == []  # the 09:00 call came before the agreement


def test_no_offer_when_the_party_had_no_contact_that_day(store, cli, monkeypatch) -> None:
    ok(cli("add", "call", "13912345678", "--at", "2026-10-29 10:00", "--party", PARTY))
    ok(cli("add", "call", "13700000000", "--at", "2026-10-30 10:00", "--party", "另一家公司"))
    monkeypatch.setattr(evidence, "_interactive", lambda: True)
    result = ok(cli("--lang", "en", *PAUSE))  # no input: a question would fail the command
    assert result.stderr == "Request #1 (pause) with 示例消费金融 recorded\n"
