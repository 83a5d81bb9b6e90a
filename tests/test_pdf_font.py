"""PDFs on a bare machine (issue 14.6): with no CJK font in fontconfig, Chinese PDFs are set in the
font the `pdf` extra installs, with or without HarfBuzz's subsetter; without it the user is told
once that PDFs are slower and what to install.

The bare machine is a subprocess whose FONTCONFIG_FILE names an empty font folder, so fontconfig
(already started in this process by other tests) cannot lend it a system font; for "no subsetter"
the subprocess is started through a launcher that hides libharfbuzz-subset from WeasyPrint."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pdf_support import WITHOUT_HARFBUZZ_SUBSET, missing_weasyprint, skip_reason

from harasslog import pdf

THREAT = "再不还钱就爆你通讯录，让你全家都知道"


def _bare_fontconfig(tmp_path: Path) -> Path:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{empty}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n",
        "utf-8",
    )
    return conf


_needs = missing_weasyprint()
if shutil.which("pdftotext") is None or shutil.which("pdffonts") is None:
    _needs.append("pdftotext and pdffonts (apt-get install poppler-utils)")
if pdf.packaged_cjk_font() is None:
    _needs.append("the pdf extra's font (pip install 'harasslog[pdf]')")


@pytest.fixture
def bare_machine(cli, db_path, tmp_path):
    """A Chinese store with a flagged threat, and how to run harasslog where fontconfig has no font."""
    for args in (
        ("init", "--name", "张三", "--region", "CN", "--tz", "Asia/Shanghai"),
        ("add", "sms", "16500000102", "--at", "2026-11-20T23:30", "--text", THREAT),
        ("analyze",),  # the complaint quotes the flagged messages
    ):
        assert cli(*args).exit_code == 0
    conf = _bare_fontconfig(tmp_path)
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HARASSLOG_DB": str(db_path)}
    listed = subprocess.run(["fc-list", ":lang=zh"], env=env, capture_output=True, text=True, check=False)
    assert listed.stdout.strip() == ""  # the machine really has no Chinese font

    def harasslog(*args: str, subsetter: bool) -> subprocess.CompletedProcess[str]:
        # -P: the installed package, not the checkout
        start = ["-m", "harasslog"] if subsetter else ["-c", WITHOUT_HARFBUZZ_SUBSET]
        cmd = [sys.executable, "-P", *start, *args]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)

    return harasslog


def _assert_chinese_pdf_with_the_packaged_font(out: Path) -> None:
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert THREAT in "".join(text.split())  # the words survive, whatever the line breaks
    assert "金融消费投诉书" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=False)
    embedded = [line for line in fonts.stdout.splitlines() if "Noto-Sans-CJK-SC" in line]
    assert embedded and all(" yes " in line for line in embedded)  # the packaged font, embedded
    assert "may be invalid" not in fonts.stderr  # a font program viewers can read (static CFF)


@pytest.mark.skipif(bool(_needs), reason=skip_reason(_needs))
@pytest.mark.skipif(not pdf.has_harfbuzz_subset(), reason="needs HarfBuzz subset (apt-get install libharfbuzz-subset0)")
def test_a_chinese_pdf_renders_with_no_system_cjk_font(bare_machine, tmp_path):
    """Slow (5-20 s on a loaded 2-CPU machine)."""
    out = tmp_path / "complaint.pdf"
    made = bare_machine("report", "--template", "cn-complaint", "--format", "pdf", "-o", str(out), subsetter=True)
    assert made.returncode == 0, made.stderr
    assert "No fonts configured" not in made.stderr
    assert "libharfbuzz-subset0" not in made.stderr  # the fast path says nothing
    _assert_chinese_pdf_with_the_packaged_font(out)


@pytest.mark.skipif(bool(_needs), reason=skip_reason(_needs))
def test_without_the_subsetter_the_pdf_is_made_and_the_user_told_once(bare_machine, tmp_path):
    """Slow (10-40 s on a loaded 2-CPU machine): fontTools cuts the font down instead of HarfBuzz."""
    out = tmp_path / "complaint.pdf"
    made = bare_machine("report", "--template", "cn-complaint", "--format", "pdf", "-o", str(out), subsetter=False)
    assert made.returncode == 0, made.stderr
    assert made.stderr.count("libharfbuzz-subset0") == 1, made.stderr  # the SLOW_PDF line, once
    assert "Traceback" not in made.stderr and "fontTools" not in made.stderr
    _assert_chinese_pdf_with_the_packaged_font(out)


def test_a_missing_harfbuzz_subsetter_is_one_line_saying_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(pdf, "has_harfbuzz_subset", lambda: False)
    monkeypatch.setattr(pdf, "_told_slow", False)
    pdf._tell_if_slow('<html lang="en">')
    pdf._tell_if_slow('<html lang="en">')  # once per run, not per page or per document
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "slower" in err and "libharfbuzz-subset0" in err


def test_chinese_notice_for_a_chinese_dossier(monkeypatch, capsys):
    monkeypatch.setattr(pdf, "has_harfbuzz_subset", lambda: False)
    monkeypatch.setattr(pdf, "_told_slow", False)
    pdf._tell_if_slow('<!doctype html>\n<html lang="zh-CN">')
    err = capsys.readouterr().err
    assert "PDF 会慢" in err and "libharfbuzz-subset0" in err


def test_with_the_subsetter_nothing_is_said(monkeypatch, capsys):
    monkeypatch.setattr(pdf, "has_harfbuzz_subset", lambda: True)
    monkeypatch.setattr(pdf, "_told_slow", False)
    pdf._tell_if_slow('<html lang="en">')
    assert capsys.readouterr().err == ""


def test_the_packaged_font_makes_pdf_available_without_fontconfig(monkeypatch):
    if missing_weasyprint() or pdf.packaged_cjk_font() is None:
        pytest.skip(skip_reason(missing_weasyprint() or ["the pdf extra's font"]))
    monkeypatch.setattr(pdf, "cjk_fonts", lambda: ())
    monkeypatch.setattr(pdf, "has_harfbuzz_subset", lambda: True)
    assert pdf.pdf_available()


def test_the_packaged_font_is_used_without_the_subsetter_too(monkeypatch):
    """It is one static face, which WeasyPrint's fontTools fallback can cut down."""
    if missing_weasyprint() or pdf.packaged_cjk_font() is None:
        pytest.skip(skip_reason(missing_weasyprint() or ["the pdf extra's font"]))
    monkeypatch.setattr(pdf, "cjk_fonts", lambda: ())
    monkeypatch.setattr(pdf, "has_harfbuzz_subset", lambda: False)
    assert pdf.pdf_available()
