"""PDF through WeasyPrint (the optional `pdf` extra), with a CJK font found through fontconfig.

WeasyPrint is imported only here and only when a PDF is asked for, so the rest of harasslog
works without it. When it or a Chinese font is missing, the user gets one line saying what to install.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from functools import lru_cache

from .errors import InputError

INSTALL_WEASYPRINT = "PDF output needs WeasyPrint: pip install 'harasslog[pdf]'"
INSTALL_FONT = (
    "PDF output needs a Chinese font: install one with fontconfig support, e.g. "
    "sudo apt-get install fonts-noto-cjk (Debian/Ubuntu), brew install --cask font-noto-sans-cjk (macOS)"
)
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


def _weasyprint():  # -> module
    try:
        with warnings.catch_warnings():
            # Without libharfbuzz-subset WeasyPrint warns at import that a future release will need it;
            # PDFs are still right (fonts are embedded whole), so the warning must not stop the render.
            warnings.simplefilter("ignore", DeprecationWarning)
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
    return bool(cjk_fonts())


def html_to_pdf(html: str) -> bytes:
    """Render self-contained HTML (its own @page CSS) to PDF bytes. No network: external URLs fail."""
    weasyprint = _weasyprint()
    if _CJK.search(html) and not cjk_fonts():
        raise InputError(INSTALL_FONT)

    document = weasyprint.HTML(string=html, url_fetcher=_offline_fetcher(), base_url=".")
    return document.write_pdf()


def _offline_fetcher() -> object:
    """Dossiers embed everything (data: URIs); any other URL is refused, so nothing leaves the machine."""
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # WeasyPrint >= 66
        return urls.URLFetcher(allowed_protocols={"data"})

    def fetch(url: str, *args: object, **kwargs: object) -> object:  # older releases: a plain function
        if url.startswith("data:"):
            return urls.default_url_fetcher(url, *args, **kwargs)
        raise ValueError("harasslog dossiers do not load external resources")

    return fetch
