"""Hostile values in every field stay text in every dossier (issue 8.1): no element, attribute,
handler or link comes from the data, in HTML or Markdown, in either language."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers_import import write_sbr
from helpers_report import FIXED_NOW, PNG, fill_hostile

from harasslog import dossier
from harasslog.ingest import import_files


class Elements(HTMLParser):
    """Every start tag with its attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.tags


def _mms_with_part(ct: str, name: str, data: bytes) -> str:
    """One incoming MMS whose single image part carries `ct` and `name` exactly as written (XML-quoted)."""
    payload = base64.b64encode(data).decode()
    return (
        '<mms date="1763647980000" date_sent="0" msg_box="1" address="+8613912345678" read="1">'
        f'<parts><part seq="0" ct="{ct}" name="{name}" cl="{name}" text="null" data="{payload}" /></parts>'
        '<addrs><addr address="+8613912345678" type="137" charset="106" /></addrs></mms>'
    )


def test_an_mms_content_type_cannot_inject_attributes_into_the_lawyer_binder(store, tmp_path: Path) -> None:
    # ct='image/png" onerror="alert(1)" x="' as an SBR file carries it, XML-escaped.
    ct = "image/png&quot; onerror=&quot;alert(1)&quot; x=&quot;"
    path = write_sbr(tmp_path / "mms.xml", _mms_with_part(ct, "a.png", PNG))
    import_files(store, [path])
    (attachment,) = store.attachments.list()
    assert attachment["mime"] == 'image/png" onerror="alert(1)" x="'  # the evidence keeps what the phone wrote

    html = dossier.render(store, "lawyer", fmt="html", lang="en", now=FIXED_NOW)
    tags = elements(html)
    assert not [(tag, attrs) for tag, attrs in tags if any(a.startswith("on") for a in attrs)]
    for tag, attrs in tags:
        if tag == "img":
            assert set(attrs) == {"class", "src", "alt"}
            assert (attrs["src"] or "").startswith("data:image/png;base64,")


# What our own templates write. Anything else in the output came from the data.
OUR_HTML = {
    "html", "head", "meta", "title", "style", "body", "section", "h1", "h2", "h3", "p", "dl", "dt", "dd", "table",
    "thead", "tbody", "tr", "th", "td", "colgroup", "col", "div", "span", "mark", "br", "wbr", "ul", "ol", "li",
    "strong", "a", "img", "svg", "rect", "text", "line",
}  # fmt: skip
# What Markdown itself makes of our templates (CommonMark plus tables; <br> is ours, inside table cells).
OUR_MARKDOWN = {
    "h1", "h2", "h3", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "strong", "em", "code",
    "pre", "br", "a", "blockquote", "hr",
}  # fmt: skip
OUR_ATTRIBUTES = {
    "class", "id", "href", "src", "alt", "lang", "charset", "name", "content", "style", "xmlns", "viewbox",
    "width", "height", "role", "aria-label", "x", "y", "x1", "x2", "y1", "y2", "stroke", "fill", "font-size",
    "font-weight", "text-anchor", "colspan",
}  # fmt: skip
TEMPLATES = ["cn-complaint", "cn-12321", "us-cfpb", "uk-fos", "lawyer"]


@pytest.fixture
def hostile(store, tmp_path):
    fill_hostile(store, tmp_path)
    return store


def _no_live_markup(tags: list[tuple[str, dict[str, str | None]]], allowed: set[str]) -> None:
    assert {tag for tag, _ in tags} <= allowed
    for tag, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert set(attrs) <= OUR_ATTRIBUTES, (tag, attrs)
        href = attrs.get("href") or ""
        assert href.startswith("#") or href == "", (tag, href)  # no link comes from the data
        if tag == "img":
            assert (attrs.get("src") or "").startswith(("data:image/png;base64,", "data:image/jpeg;base64,"))


def _values_stay_text(text: str) -> None:
    assert "1234000" not in text  # {{1234*1000}} was shown, never evaluated
    assert "7*7" in text.replace("\\", "")
    assert "\u202e" not in text and "\x07" not in text and "\u200b" not in text


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_values_are_inert_in_every_html_dossier(hostile, template, lang):
    html = dossier.render(hostile, template, fmt="html", lang=lang, now=FIXED_NOW)
    _no_live_markup(elements(html), OUR_HTML)
    _values_stay_text(html)
    assert "[U+202E]" in html


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_values_are_inert_in_every_markdown_dossier(hostile, template, lang):
    markdown_it = pytest.importorskip("markdown_it")
    md = dossier.render(hostile, template, fmt="md", lang=lang, now=FIXED_NOW)
    shown = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    _no_live_markup(elements(shown), OUR_MARKDOWN)
    _values_stay_text(md)
    assert "U+202E" in md  # shown as its code point (brackets escaped)
    # Bare URLs cannot become links in GFM viewers either, yet read the same once rendered.
    outside_fences = re.sub(r"^(`{3,})text\n.*?\n\1$", "", md, flags=re.S | re.M)  # code blocks never link
    assert not re.search(r"(?<!\\)://evil|www\.evil", outside_fences)
    assert "http://evil.example/p.png" in shown


def test_only_images_recognised_by_their_bytes_are_drawn(hostile):
    html = dossier.render(hostile, "lawyer", fmt="html", lang="en", now=FIXED_NOW)
    images = [attrs for tag, attrs in elements(html) if tag == "img"]
    # The PNG (declared with a hostile type) and the loose PNG are drawn; the SVG declared as
    # image/png and the HTML file are not, yet each is listed with its type as text, size and hash.
    assert len(images) == 2
    assert {a["src"][:22] for a in images} == {"data:image/png;base64,"}
    for attachment in hostile.attachments.list():
        assert attachment["sha256"] in html
    assert "89 B" in html and "image/png" in html
    assert "&lt;script&gt;alert(10)" not in html and "alert(8)" not in html  # file contents never inlined


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ t.__class__.__init__.__globals__ }}",
        "{{ events.append(1) }}",
        "{{ t.clear() }}",
        "{{ range.__self__ }}",
        "{{ 1 / 0 }}",
    ],
)
def test_a_template_pack_cannot_reach_python_internals(cli, store, tmp_path, attack):
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "lawyer.md.j2").write_text(attack, encoding="utf-8")
    out = tmp_path / "out.md"
    result = cli("report", "--template", "lawyer", "--template-dir", str(tmp_path / "pack"), "-o", str(out))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "lawyer.md.j2" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_bundled_dossiers_are_as_inert_as_rendered_ones(cli, hostile, tmp_path):
    import zipfile

    out = tmp_path / "case.zip"
    result = cli("export", "bundle", "--no-pdf", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(out) as bundle:
        pages = [bundle.read(n).decode("utf-8") for n in bundle.namelist() if n.endswith(".html")]
    assert pages
    for html in pages:
        _no_live_markup(elements(html), OUR_HTML)


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg"),
        (b"GIF89a" + b"\x00" * 16, "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', None),
        (b"<html><script>alert(1)</script>", None),
        (b"%PDF-1.7", None),
    ],
)
def test_image_type_comes_from_the_bytes(content, mime):
    from harasslog.dossier import images

    assert images.image_type(content) == mime


def test_a_damaged_image_is_listed_not_drawn():
    pytest.importorskip("PIL")
    from harasslog.dossier import images

    assert images.inline_image(PNG) is not None
    assert images.inline_image(PNG[:30]) is None  # a truncated MMS part: PNG magic, no picture


def test_an_image_declaring_a_huge_canvas_is_listed_not_decoded():
    """A valid PNG of 9000 x 9000 black pixels is 240 KB on disk and 243 MB decoded: never drawn inline."""
    import struct
    import zlib

    from harasslog.dossier import images

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    def png(side: int) -> bytes:
        header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
        packer = zlib.compressobj(9)
        row = b"\x00" + b"\x00" * 3 * side
        pixels = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")

    assert images.inline_image(png(2)) is not None
    bomb = png(9000)
    assert len(bomb) < images.INLINE_IMAGE_LIMIT and images.image_type(bomb) == "image/png"
    assert images.inline_image(bomb) is None
