"""--redact (issue 8.4): third parties' names and numbers, planted in every field, appear in no dossier."""

from __future__ import annotations

import pytest
from helpers_report import FIXED_NOW, PERSON, SECRETS, fill_third_parties

from harasslog import dossier

TEMPLATES = ["cn-complaint", "cn-12321", "us-cfpb", "uk-fos", "lawyer"]


@pytest.fixture
def case(store):
    fill_third_parties(store)
    return store


def test_the_planted_values_are_there_without_redaction(case):
    text = dossier.render(case, "lawyer", fmt="md", lang="zh", now=FIXED_NOW) + dossier.render(
        case, "cn-complaint", fmt="md", lang="zh", now=FIXED_NOW
    )
    for secret in SECRETS:
        assert secret in text, secret


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("party", [None, PERSON])
def test_redact_hides_every_third_party_name_and_number(case, template, fmt, lang, party):
    filters = dossier.parse_filters(case, None, None, party)
    text = dossier.render(case, template, fmt=fmt, lang=lang, now=FIXED_NOW, redact=True, filters=filters)
    leaks = [secret for secret in SECRETS if secret in text]
    assert not leaks
    assert "[A]" in text.replace("\\", "")  # the person, pseudonymised (Markdown escapes the brackets)


def test_redact_keeps_institutions_and_the_highlight(case):
    md = dossier.render(case, "lawyer", fmt="md", lang="zh", now=FIXED_NOW, redact=True)
    assert "某某消费金融有限公司" in md  # institutions are what the complaint is about
    assert "我是\\[A\\]，再不还钱就**上门**，请联系•••••••••22" in md  # names and numbers replaced, the match kept
    assert "\\[A\\]\\_IMG\\_•••••••••66.png" in md  # the attachment's name


def test_cli_redacts_the_cover_when_party_names_a_person(cli, case, tmp_path):
    out = tmp_path / "binder.md"
    result = cli("report", "-t", "lawyer", "--lang", "en", "--party", PERSON, "--redact", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text("utf-8")
    assert PERSON not in text and "Party: [A]" in text.replace("\\", "")
