"""What the PDF tests need from the system, named so that a skip says what to install.

The README's test command runs on a bare machine too: there the PDF tests skip with this reason,
and `.ci/setup-pdf` installs the Debian packages so CI runs them all.
"""

from __future__ import annotations

import ctypes.util
import shutil

from harasslog import pdf


def missing_weasyprint() -> list[str]:
    try:
        pdf._weasyprint()
    except pdf.InputError as exc:  # says which of the package or its libraries is missing
        return [str(exc)]
    return []


def missing_for_pdf(*, poppler: bool = True) -> list[str]:
    """The pieces a PDF test needs that this machine lacks, each with what installs it."""
    missing = missing_weasyprint()
    if ctypes.util.find_library("harfbuzz-subset") is None:
        missing.append("HarfBuzz subset (apt-get install libharfbuzz-subset0)")
    if not pdf.cjk_fonts():
        missing.append("a CJK font visible to fontconfig (apt-get install fonts-noto-cjk fontconfig)")
    if poppler and shutil.which("pdftotext") is None:
        missing.append("pdftotext and pdftoppm (apt-get install poppler-utils)")
    return missing


def skip_reason(missing: list[str]) -> str:
    return "needs " + "; ".join(missing) + " (.ci/setup-pdf installs them all)"


# A launcher for `python -c`: harasslog as installed, on a machine whose WeasyPrint finds no HarfBuzz
# subsetter. WeasyPrint opens its libraries with cffi's dlopen at import; refusing that one name
# there is what a machine without libharfbuzz-subset0 looks like to it (nothing else changes).
WITHOUT_HARFBUZZ_SUBSET = """
import runpy, cffi
_dlopen = cffi.FFI.dlopen
def _no_subset(self, name, *args, **kwargs):
    if name is not None and "harfbuzz-subset" in str(name):
        raise OSError(f"{name}: hidden by the test")
    return _dlopen(self, name, *args, **kwargs)
cffi.FFI.dlopen = _no_subset
runpy.run_module("harasslog", run_name="__main__", alter_sys=True)
"""
