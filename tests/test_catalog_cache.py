"""The catalog's start-up cache (issue 13.7) never gives other words than the catalog's text says.

The cache is a marshal of the read catalog beside the bytecode; it must be used only for the very
text it was made from, and a damaged one must be ignored, not believed."""

from __future__ import annotations

import sys

from harasslog import catalog

TEXT = '[cli.list]\ntitle.zh = "%(count)s 条记录"\ntitle.en = "%(count)s events"\n'
CHANGED = TEXT.replace("条记录", "条")


def test_the_cache_holds_what_the_text_says_and_follows_a_changed_text(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "pyc"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    source = tmp_path / "strings.toml"
    assert catalog._read_cached(TEXT, source) == {
        "cli": {"list": {"title": {"zh": "%(count)s 条记录", "en": "%(count)s events"}}}
    }
    cached = catalog._cache_path(source)
    assert cached is not None and cached.is_file()  # written, beside where the bytecode would be
    assert catalog._read_cached(TEXT, source)["cli"]["list"]["title"]["zh"] == "%(count)s 条记录"  # from the cache
    assert catalog._read_cached(CHANGED, source)["cli"]["list"]["title"]["zh"] == "%(count)s 条"  # text changed


def test_a_damaged_cache_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "pyc"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    source = tmp_path / "strings.toml"
    catalog._read_cached(TEXT, source)
    cached = catalog._cache_path(source)
    cached.write_bytes(cached.read_bytes()[:-5])  # cut short
    assert catalog._read_cached(TEXT, source)["cli"]["list"]["title"]["en"] == "%(count)s events"


def test_no_cache_is_written_when_python_writes_no_bytecode(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "pyc"))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    source = tmp_path / "strings.toml"
    assert catalog._read_cached(TEXT, source)["cli"]["list"]["title"]["en"] == "%(count)s events"
    assert not (tmp_path / "pyc").exists()


def test_the_shipped_catalog_read_through_the_cache_is_the_text_read():
    text, source = catalog._packaged_text()
    assert catalog._read_cached(text, source) == catalog.read(text)
