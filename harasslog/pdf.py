"""PDF through WeasyPrint (the optional `pdf` extra), with a CJK font found through fontconfig,
or else the one the extra installs (Noto Sans SC, OFL, from the pylopdf-fonts-zh-cn package).

WeasyPrint is imported only here and only when a PDF is asked for, so the rest of harasslog
works without it. When it or a Chinese font is missing, the user gets one line saying what to install.
Without HarfBuzz's subsetter WeasyPrint cuts fonts down with fontTools, which is slower (for a
Chinese complaint, 1.7x the CPU with the packaged font, 4x with a system Noto CJK collection):
one line on stderr says so and what to install (the one thing this module prints: a notice).
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import re
import shutil
import subprocess
import sys
import warnings
from functools import lru_cache
from pathlib import Path

from .errors import InputError

INSTALL_WEASYPRINT = "PDF output needs WeasyPrint: pip install 'harasslog[pdf]'"
INSTALL_FONT = (
    "PDF output needs a Chinese font: pip install 'harasslog[pdf]' brings one, or install one with "
    "fontconfig support, e.g. "
    "sudo apt-get install fonts-noto-cjk (Debian/Ubuntu), brew install --cask font-noto-sans-cjk (macOS)"
)
# The `pdf` extra's CJK font: Noto Sans SC Regular as Noto publishes it (notofonts/noto-cjk,
# Sans/SubsetOTF/SC): one static face with CFF outlines, which WeasyPrint embeds with HarfBuzz's
# subsetter or, without it, with fontTools (a variable collection would need HarfBuzz, and its
# instancing takes gigabytes). Named "Noto Sans CJK SC" in @font-face, the templates' first choice.
# It has no Bold: WeasyPrint does not fake one, so bold Chinese is regular on such a machine.
FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"
PACKAGED_FAMILY = "Noto Sans CJK SC"
SLOW_PDF = {
    "zh": "提示：本机缺少 HarfBuzz 字体子集库（libharfbuzz-subset），PDF 会慢一些；"
    "请安装：sudo apt-get install libharfbuzz-subset0（Debian/Ubuntu）或 brew install harfbuzz（macOS）",
    "en": "note: HarfBuzz's font subsetter (libharfbuzz-subset) is missing, so PDFs are slower to make;"
    " install it: sudo apt-get install libharfbuzz-subset0 (Debian/Ubuntu) or brew install harfbuzz (macOS)",
}
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@lru_cache(maxsize=1)
def cjk_fonts() -> tuple[str, ...]:
    """Font families fontconfig offers for Chinese (`fc-list :lang=zh family`), or () if none."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families = {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}
    return tuple(sorted(families))


def packaged_cjk_font() -> Path | None:
    """The font file the `pdf` extra installs, or None when that package is not there."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / FONT_FILE
    return path if path.is_file() else None


def has_harfbuzz_subset() -> bool:
    """Whether WeasyPrint itself loaded HarfBuzz's subsetter (>= 4.1.0, which it requires), asked of
    WeasyPrint rather than guessed from the library path; without WeasyPrint, whether the library is there."""
    try:
        _weasyprint()
        from weasyprint.text import ffi
    except (InputError, ImportError):
        return ctypes.util.find_library("harfbuzz-subset") is not None
    return ffi.harfbuzz_subset is not None and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))


_told_slow = False


def _tell_if_slow(html: str) -> None:
    """One line on stderr, once per process, in the dossier's language."""
    global _told_slow
    if _told_slow or has_harfbuzz_subset():
        return
    _told_slow = True
    lang = "zh" if 'lang="zh' in html[:400] else "en"
    sys.stderr.write(SLOW_PDF[lang] + "\n")


def _weasyprint():  # -> module
    try:
        with warnings.catch_warnings():
            # Without libharfbuzz-subset WeasyPrint warns at import that a future release will need it;
            # PDFs are still right (fonts are embedded whole), so the warning must not stop the render.
            warnings.simplefilter("ignore", DeprecationWarning)
            if packaged_cjk_font() is not None:  # it stands in for an empty fontconfig (html_to_pdf)
                warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
            import weasyprint
    except ImportError:
        raise InputError(INSTALL_WEASYPRINT) from None
    except OSError as exc:  # the Python package is there, its system libraries are not
        raise InputError(
            f"WeasyPrint cannot load its system libraries ({exc.__class__.__name__}): install Pango, "
            "e.g. sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
        ) from None
    return weasyprint


def pdf_available() -> bool:
    """True when a PDF with Chinese text can be made on this machine."""
    try:
        _weasyprint()
    except InputError:
        return False
    return bool(cjk_fonts()) or packaged_cjk_font() is not None


def html_to_pdf(html: str) -> bytes:
    """Render self-contained HTML (its own @page CSS) to PDF bytes. No network: external URLs fail.
    Chinese text with no CJK font in fontconfig is set in the packaged font (an @font-face)."""
    weasyprint = _weasyprint()
    font: Path | None = None
    if _CJK.search(html) and not cjk_fonts():
        font = packaged_cjk_font()
        if font is None:
            raise InputError(INSTALL_FONT)
    _tell_if_slow(html)
    fetcher = _offline_fetcher(font)
    if font is None:
        return bytes(weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=".").write_pdf())
    from weasyprint.text.fonts import FontConfiguration

    with warnings.catch_warnings():
        # fontconfig has no font at all on such a machine: WeasyPrint warns of ugly output, but
        # the packaged font has Latin letters and digits too, so nothing is set in a fallback.
        warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
        fonts = FontConfiguration()
        face = f'@font-face {{ font-family: "{PACKAGED_FAMILY}"; src: url("{font.as_uri()}"); }}'
        sheet = weasyprint.CSS(string=face, font_config=fonts, url_fetcher=fetcher)
        document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=".")
        return bytes(document.write_pdf(stylesheets=[sheet], font_config=fonts))


def _offline_fetcher(font: Path | None = None) -> object:
    """Dossiers embed everything (data: URIs); any other URL is refused, so nothing leaves the
    machine. The one file URL allowed is the packaged font's, when it is used."""
    from weasyprint import urls

    allowed = font.as_uri() if font is not None else None
    if hasattr(urls, "URLFetcher"):  # WeasyPrint >= 66

        class _Fetcher(urls.URLFetcher):
            def fetch(self, url: str, headers: object = None) -> object:
                if url.startswith("data:") or (allowed is not None and url == allowed):
                    return super().fetch(url, headers)
                raise ValueError("harasslog dossiers do not load external resources")

        return _Fetcher(allowed_protocols={"data", "file"})

    def fetch(url: str, *args: object, **kwargs: object) -> object:  # older releases: a plain function
        if url.startswith("data:") or (allowed is not None and url == allowed):
            return urls.default_url_fetcher(url, *args, **kwargs)
        raise ValueError("harasslog dossiers do not load external resources")

    return fetch
