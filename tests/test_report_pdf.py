"""PDF: Chinese text survives into the PDF, pages carry numbers; clear errors when parts are missing.

Needs WeasyPrint (extra `pdf`), a CJK font (fonts-noto-cjk) and pdftotext (poppler-utils); .ci/setup-pdf
installs them. Skips otherwise.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from helpers_report import FIXED_NOW, THREAT, fill_cn
from pdf_support import missing_for_pdf, missing_weasyprint, skip_reason

from harasslog import dossier, pdf
from harasslog.errors import InputError

needs_pdf = pytest.mark.skipif(bool(missing_for_pdf()), reason=skip_reason(missing_for_pdf()))


@needs_pdf
def test_pdf_carries_chinese_text_and_page_numbers(store, tmp_path):
    fill_cn(store)
    data = dossier.render(store, "cn-complaint", fmt="pdf", lang="zh", now=FIXED_NOW)
    assert data.startswith(b"%PDF")
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "金融消费投诉书" in text
    assert "主要事实和理由" in text
    assert THREAT[:8] in text.replace(" ", "")
    pages = text.count("\f")
    assert pages >= 2
    for n in range(1, pages + 1):
        assert f"HL-{n:06d}" in text  # a Bates-style number on every page
    assert '<script>alert("x")</script>' in text  # hostile markup is printed as text
    assert "[U+202E]evil" in text


@needs_pdf
def test_lawyer_pdf_exhibit_references_point_at_each_exhibits_own_cover(store, tmp_path):
    fill_cn(store)
    path = tmp_path / "l.pdf"
    path.write_bytes(dossier.render(store, "lawyer", fmt="pdf", lang="en", now=FIXED_NOW))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")
    covers = {}  # exhibit -> the Bates number of the page its cover sheet is on
    for n, page in enumerate(pages, start=1):
        for exhibit in re.findall(r"Exhibit (EX-\d{3}): cover sheet", page):
            covers[exhibit] = f"HL-{n:06d}"
            assert f"HL-{n:06d}" in page
    assert sorted(covers)[:5] == ["EX-001", "EX-002", "EX-003", "EX-004", "EX-005"]
    # the findings name each exhibit with the Bates number of its cover, not of an index
    refs = re.findall(r"(EX-\d{3}) [·•] (HL-\d{6})", text)
    assert refs and all(covers[exhibit] == bates for exhibit, bates in refs)
    # the exhibit index gives each exhibit's page range, which starts at its cover
    first_cover = min(int(b[3:]) for b in covers.values())
    index = "".join(p for p in pages[: first_cover - 1] if "offered to show" in p)
    assert set(covers.values()) <= set(re.findall(r"HL-\d{6}", index))


def test_missing_weasyprint_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise ImportError("no weasyprint")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(InputError) as info:
        pdf.html_to_pdf("<p>x</p>")
    assert str(info.value) == pdf.INSTALL_WEASYPRINT and "harasslog[pdf]" in str(info.value)


@pytest.mark.skipif(bool(missing_weasyprint()), reason=skip_reason(missing_weasyprint()))
def test_missing_cjk_font_says_what_to_install(monkeypatch):
    monkeypatch.setattr(pdf, "cjk_fonts", lambda: ())
    monkeypatch.setattr(pdf, "packaged_cjk_font", lambda: None)  # nor the font the `pdf` extra installs
    with pytest.raises(InputError, match="fonts-noto-cjk"):
        pdf.html_to_pdf("<p>中文</p>")
