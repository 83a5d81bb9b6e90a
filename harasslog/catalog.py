"""Every word a user reads, in one catalog: templates/strings.toml, Chinese and English side by side.

Each entry is a dotted key with one value per language, written next to each other:

    [categories]
    over_frequency.zh = "频繁催收"
    over_frequency.en = "Too many contacts"

`t(lang, key, **values)` gives one entry for the command line and the rule engine; `strings(lang)`
gives the whole per-language mapping the dossier templates read as `t.KEY` (the `cli` section is left
out). Placeholders are Python %-formatting by name, `%(count)s`, applied only when values are given.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

from .errors import InputError
from .vocab import Lang, values

LANGS = values(Lang)
CATALOG_FILE = "strings.toml"
# Words only the command line uses: not handed to templates.
CLI_SECTION = "cli"


def is_entry(node: object) -> bool:
    """An entry is a table holding only language keys (namespaces never use "zh" or "en" as a name)."""
    return isinstance(node, dict) and bool(node) and set(node) <= set(LANGS)


@cache
def _packaged() -> dict[str, Any]:
    text, source = _packaged_text()
    return _read_cached(text, source)


def _packaged_text() -> tuple[str, Path | None]:
    """The shipped catalog's text and, when it is a plain file, its path."""
    # The package's folder from its import spec: importlib.resources would cost every command
    # start-up time (it brings zipfile); it stays for an install that is not a plain folder.
    spec = importlib.util.find_spec("harasslog.templates")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / CATALOG_FILE
        if path.is_file():
            return path.read_text("utf-8"), path
    from importlib.resources import files

    return files("harasslog.templates").joinpath(CATALOG_FILE).read_text("utf-8"), None


def _read_cached(text: str, source: Path | None) -> dict[str, Any]:
    """`read(text)`, kept as Python keeps bytecode: a marshal of the result beside the .pyc files
    (same folder, same PYTHONPYCACHEPREFIX and PYTHONDONTWRITEBYTECODE rules), used only while the
    text it was read from, which it holds, is this very text. Reading the catalog was some 10 ms of
    every command's start-up; loading the marshal is under 2 ms. Any trouble with it: the text is read."""
    import marshal

    original = text.encode("utf-8")
    header = len(original).to_bytes(8, "big") + original
    cached = _cache_path(source)
    if cached is not None:
        try:
            data = cached.read_bytes()
            if data[: len(header)] == header:
                tree = marshal.loads(data[len(header) :])
                if isinstance(tree, dict):
                    return tree
        except (OSError, EOFError, ValueError, TypeError):
            pass
    tree = read(text)
    if cached is not None and not sys.dont_write_bytecode:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
            partial.write_bytes(header + marshal.dumps(tree))
            os.replace(partial, cached)  # whole or not at all, even with two commands at once
        except (OSError, ValueError):
            pass
    return tree


def _cache_path(source: Path | None) -> Path | None:
    """Where Python would put this file's bytecode, named .marshal (the tag names the Python version,
    whose marshal format it is); None when there is no file or Python keeps no cache."""
    if source is None or sys.implementation.cache_tag is None:
        return None
    try:
        return Path(importlib.util.cache_from_source(str(source))).with_suffix(".marshal")
    except (NotImplementedError, ValueError):
        return None


def read(text: str) -> dict[str, Any]:
    """The catalog's TOML as tomllib reads it, about three times sooner (every command reads it).

    tomllib is pure Python: on our 140 kB catalog it took some 25 ms of every command's start-up.
    The catalog uses only a sliver of TOML (tables, dotted keys, basic and multi-line strings, arrays
    of strings), read here by one regular expression; anything else falls back to tomllib, and
    tests/test_startup.py checks that both read the shipped catalog alike."""
    try:
        return _read_subset(text)
    except ValueError:
        import tomllib

        return tomllib.loads(text)


_NAME = r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*"
_BASIC = r'"(?:[^"\\\n]|\\.)*"'
_END = r"[ \t]*(?:#[^\n]*)?\n"
_ML = r'"""(?:[^"\\]|\\.|\\\n|"{1,2}(?!"))*"{0,2}"""'
_ARRAY = rf"\[(?:\s|{_BASIC}|,|#[^\n]*)*\]"
_LINE = re.compile(
    rf"[ \t]*(?:#[^\n]*)?\n"  # a blank line or a comment
    rf"|\[(?P<table>{_NAME})\]{_END}"
    rf"|(?P<key>{_NAME})[ \t]*=[ \t]*(?:(?P<basic>{_BASIC})|(?P<ml>{_ML})|(?P<array>{_ARRAY})){_END}"
)
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([btnfr\"\\])|[ \t]*\n\s*|(.))", re.S)
_ESCAPED = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(body: str, multiline: bool) -> str:
    def one(match: re.Match[str]) -> str:
        short, long, simple, other = match.groups()
        if other is not None or (not multiline and short is None and long is None and simple is None):
            raise ValueError(match.group(0))  # not ours: tomllib decides
        if simple is not None:
            return _ESCAPED[simple]
        if short or long:
            return chr(int(short or long, 16))
        return ""  # a line-ending backslash: the newline and the next line's indentation go

    return _ESCAPE.sub(one, body) if "\\" in body else body


def _read_subset(text: str) -> dict[str, Any]:
    root: dict[str, Any] = {}
    table = root
    text += "\n"
    pos, end = 0, len(text)
    match_line = _LINE.match
    while pos < end:
        match = match_line(text, pos)
        if match is None:
            raise ValueError(f"not in the catalog's TOML subset at {pos}")
        pos = match.end()
        header, key, basic, ml, array = match.groups()
        if header:
            table = _node(root, header.split("."))
        elif key:
            *path, last = key.split(".")
            node = _node(table, path) if path else table
            if last in node:
                raise ValueError(f"{key} given twice")
            if basic is not None:
                node[last] = _unescape(basic[1:-1], multiline=False)
            elif ml is not None:
                body = ml[3:-3]
                node[last] = _unescape(body[1:] if body.startswith("\n") else body, multiline=True)
            else:
                items = re.findall(_BASIC, re.sub(r"#[^\n]*", "", array[1:-1]))
                node[last] = [_unescape(item[1:-1], multiline=False) for item in items]
    return root


def _node(node: dict[str, Any], path: list[str]) -> dict[str, Any]:
    for part in path:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ValueError(f"{part} is a value and a table")
    return node


def catalog() -> dict[str, Any]:
    """The shipped catalog (a fresh copy: callers may merge into it)."""
    return copy.deepcopy(_packaged())


def entries(node: dict[str, Any] | None = None, prefix: str = "") -> dict[str, dict[str, Any]]:
    """Every entry by dotted key: {"categories.burst": {"zh": ..., "en": ...}, ...}."""
    found: dict[str, dict[str, Any]] = {}
    for key, value in (_packaged() if node is None else node).items():
        if is_entry(value):
            found[prefix + key] = value
        elif isinstance(value, dict):
            found.update(entries(value, f"{prefix}{key}."))
        else:
            found[prefix + key] = {}  # a bare value: in no language (problems() reports it)
    return found


# Command-line help in Chinese: the English is the command's declaration (harasslog/cli/i18n.py),
# so these entries hold zh only (the shared ones, matched by their English, hold both).
HELP_SECTION = "cli.help."
HELP_SHARED = "cli.help._shared."


def _needed(key: str) -> tuple[str, ...]:
    if key.startswith(HELP_SECTION) and not key.startswith(HELP_SHARED):
        return ("zh",)
    return LANGS


def problems(node: dict[str, Any] | None = None) -> list[str]:
    """Entries missing a language (or given as a bare value): each must have every one of LANGS
    (help texts under cli.help: zh, their English being the declaration)."""
    return [
        f"{key}: missing {', '.join(lang for lang in _needed(key) if lang not in entry)}"
        for key, entry in entries(node).items()
        if set(entry) != set(_needed(key))
    ]


def t(lang: str, key: str, **values: Any) -> str:
    """One entry in one language; `values` fill its %(name)s placeholders. An unknown key is a KeyError."""
    node: Any = _packaged()
    for part in key.split("."):
        node = node[part]
    if not is_entry(node):
        raise KeyError(key)
    text = node[lang]
    return str(text % values) if values else str(text)


def has(key: str) -> bool:
    """Whether `key` is an entry (walks the tree like t(): cheap enough for every table cell)."""
    node: Any = _packaged()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return is_entry(node)


def strings(lang: str, template_dir: Path | None = None) -> dict[str, Any]:
    """The words table for `lang` as the templates read it (`t.lawyer.title`, `t.channels.sms`, ...).

    A strings.toml in `template_dir` overrides entries of ours: either written like ours (entries
    side by side) or in the older form of one table per language (`[en.lawyer]\\ntitle = "..."`).
    """
    if lang not in LANGS:
        raise InputError(f"no dossier strings for language {lang!r} (zh or en)")
    tree = catalog()
    tree.pop(CLI_SECTION, None)
    table = _project(tree, lang)
    if template_dir is not None and (template_dir / CATALOG_FILE).is_file():
        import tomllib

        override = tomllib.loads((template_dir / CATALOG_FILE).read_text("utf-8"))
        if override and set(override) <= set(LANGS):
            _deep_merge(table, override.get(lang, {}))
        else:
            _deep_merge(table, _project(override, lang))
    return table


def _project(node: dict[str, Any], lang: str) -> dict[str, Any]:
    """The catalog tree with each entry replaced by its `lang` value (entries without it are left out)."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if is_entry(value):
            if lang in value:
                out[key] = value[lang]
        elif isinstance(value, dict):
            out[key] = _project(value, lang)
    return out


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value
