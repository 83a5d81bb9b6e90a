"""Words and templates: the strings table, the sandboxed Jinja environment, and rendering a context.

HTML is autoescaped, Markdown escaped by `textsafe.md_finalize`, and every render uses
StrictUndefined, so a misspelt field fails loudly instead of leaving a hole in a complaint. Every
template, ours included, runs in Jinja's immutable sandbox: a template pack from elsewhere
(`--template-dir`) may read the context, never reach Python internals or change the data.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

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
    env = ImmutableSandboxedEnvironment(
        loader=_loader(template_dir),
        autoescape=is_html,
        undefined=jinja2.StrictUndefined,
        finalize=textsafe.html_finalize if is_html else textsafe.md_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = textsafe.md_cell
    env.filters["fenced"] = textsafe.md_fenced
    env.filters["autolink"] = textsafe.md_autolink
    env.filters["fmt"] = _fmt
    return env


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
