"""Words and templates: the strings table, the sandboxed Jinja environment, and rendering a context.

HTML is autoescaped, Markdown escaped by `textsafe.md_finalize`, and every render uses
StrictUndefined, so a misspelt field fails loudly instead of leaving a hole in a complaint. Every
template, ours included, runs in Jinja's immutable sandbox: a template pack from elsewhere
(`--template-dir`) may read the context, never reach Python internals or change the data.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from .. import textsafe
from ..catalog import strings
from ..errors import InputError

# Which dossiers exist, and for which jurisdictions they make sense.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "cn-complaint": ("cn",),
    "cn-12321": ("cn",),
    "us-cfpb": ("us",),
    "uk-fos": ("uk",),
    "lawyer": ("cn", "us", "uk"),
}


# A plain dict has no attribute but these: any other `a.b` on one is its key (Jinja's getattr).
_DICT_ATTRIBUTES = frozenset(dir(dict))
_HEX = re.compile(r"[0-9A-Fa-f]+")


class _Environment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with `row.time` on the context's plain dicts read as the key at
    once: Jinja tries the attribute first, and the AttributeError a dict raises for each of a
    binder's few hundred thousand lookups was a third of the rendering time. Same result: a
    plain dict has no attribute of any other name, so Jinja would read the key too."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if obj.__class__ is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def _packaged_templates() -> Any:
    return files("harasslog.templates")


def load_strings(lang: str, template_dir: Path | None = None) -> dict[str, Any]:
    """The words table for `lang` (the catalog's); a strings.toml in the template folder overrides entries of ours."""
    return strings(lang, template_dir)


def _loader(template_dir: Path | None) -> jinja2.BaseLoader:
    def load(name: str) -> str | None:
        if template_dir is not None and (template_dir / name).is_file():
            return (template_dir / name).read_text("utf-8")
        resource = _packaged_templates().joinpath(name)
        return resource.read_text("utf-8") if resource.is_file() else None

    return jinja2.FunctionLoader(load)


def environment(fmt: str, template_dir: Path | None = None) -> jinja2.Environment:
    """HTML: autoescape on. Markdown: our own escaping on every {{ }}. Both StrictUndefined, sandboxed."""
    is_html = fmt in ("html", "pdf")
    env = _Environment(
        loader=_loader(template_dir),
        autoescape=is_html,
        undefined=jinja2.StrictUndefined,
        finalize=_html_finalize if is_html else textsafe.md_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = textsafe.md_cell
    env.filters["fenced"] = textsafe.md_fenced
    env.filters["autolink"] = textsafe.md_autolink
    env.filters["fmt"] = _fmt
    env.filters["hash_groups"] = _hash_groups
    return env


def _html_finalize(value: object) -> object:
    """textsafe.html_finalize, called for every {{ }} of a dossier (a hundred thousand in a
    10,000-event binder): plain text first, with nothing imported per call."""
    if value.__class__ is str:
        return textsafe.visible(value)
    if value is None:
        return ""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return textsafe.visible(value)


def _hash_groups(value: Any, between: str = "<wbr>") -> Markup:
    """A hash as `_macros.html.j2`'s `hash` shows it: 16-character groups with a <wbr> between
    (each group escaped as {{ }} would), in one call instead of a template loop per table row.
    `between="\n"`: one group a line, for a cell set `white-space: pre` (a PDF's log: WeasyPrint
    lays the four lines out in three quarters of the time it takes to fit four <wbr> pieces)."""
    if not value:
        return Markup("")
    groups = [value[i : i + 16] for i in range(0, len(value), 16)]
    if value.__class__ is not str or not _HEX.fullmatch(value):  # hex digits need no escaping
        groups = [str(escape(_html_finalize(g))) for g in groups]
    return Markup((between if between in ("<wbr>", "\n") else str(escape(between))).join(groups))


def _fmt(template: str, **values: Any) -> str:
    """`t.key | fmt(count=3)`: fill %(name)s placeholders. The words are ours, the values data."""
    return template % {k: ("" if v is None else v) for k, v in values.items()}


def render_text(context: dict[str, Any], template: str, fmt: str, template_dir: Path | None = None) -> str:
    """Render a context with `{template}.{html|md}.j2`."""
    if template not in TEMPLATES and not (template_dir and (template_dir / f"{template}.html.j2").exists()):
        raise InputError(f"unknown template {template!r}: choose one of {', '.join(TEMPLATES)}")
    suffix = "md" if fmt == "md" else "html"
    name = f"{template}.{suffix}.j2"
    env = environment(fmt, template_dir)
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        if exc.name == name:
            raise InputError(f"template {template!r} has no {suffix} version") from None
        raise InputError(f"template {name} uses {exc.name}, which does not exist") from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template {exc.name or name}: line {exc.lineno}: {exc.message}") from None
    except SecurityError as exc:
        raise InputError(f"template {name} tries something templates may not do: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise InputError(f"template {name} uses a field the dossier does not have: {exc}") from None
    except jinja2.TemplateError as exc:
        raise InputError(f"template {name} cannot be rendered: {exc}") from None
    except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
        if template_dir is None:
            raise  # our own templates failing is a bug, not the user's input
        raise InputError(f"template {name} failed: {exc.__class__.__name__}: {exc}") from None
