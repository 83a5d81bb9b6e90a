"""Two start-up costs of Typer avoided (issue 13.7): pydantic for plain values, signatures read twice.

Signatures: Typer reads each command function's signature (evaluating its string annotations)
once for the parameters and again for the callback; `install` remembers the first reading.

Values:

Typer (>= 0.27) converts every option value through a pydantic TypeAdapter, even a plain string
or a value left out: importing pydantic and building the adapters is most of the start-up time of
`harasslog add sms` and `harasslog list` (about 0.15 s on an idle machine, seconds under load).
Strings and enum choices are converted here the way Typer's own adapters do it (same choice
matching, `typer._param_types.coerce_cli_choice`); every other type keeps Typer's conversion, only
built when a value is actually given. If Typer's internals change shape, `install` leaves Typer as
it is (the commands stay correct, only slower).
"""

from __future__ import annotations

import functools
import sys
from enum import Enum
from typing import Any


def install() -> bool:
    """Route typer.core's per-parameter conversion through `_runtime_param`; False if not possible."""
    try:
        import typer.core
        from typer import _coercion, _param_types

        original = _coercion.build_runtime_param
        base = _coercion.RuntimeParam
        bad_parameter = typer.BadParameter
        choose = _param_types.coerce_cli_choice
        getattr(typer.core, "build_runtime_param")  # noqa: B009 (the name we replace must exist)
    except (ImportError, AttributeError):
        return False

    class _Text(base):  # type: ignore[misc, valid-type]
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if isinstance(value, bytes):  # as typer's _parse_cli_str: argv bytes on odd platforms
                return value.decode(sys.getfilesystemencoding(), "replace")
            return str(value)

    class _Choice(base):  # type: ignore[misc, valid-type]
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return choose(
                    value, choices=list(self.annotation), case_sensitive=self.parameter_info.case_sensitive, ctx=ctx
                )
            except ValueError as exc:
                raise bad_parameter(str(exc), ctx=ctx, param=param) from None

    class _Deferred(base):  # type: ignore[misc, valid-type]
        """Typer's own conversion, built on the first value (a left-out option needs none)."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            real = self.__dict__.get("_real")
            if real is None:
                real = original(_coercion.TypeDescriptor(self.annotation, self.parameter_info, None))
                object.__setattr__(self, "_real", real)
            return real._coerce_value(value, param=param, ctx=ctx)

    def _runtime_param(descriptor: Any) -> Any:
        annotation, info = descriptor.annotation, descriptor.parameter_info
        if descriptor.file_annotation is not None or info.parser is not None:
            return original(descriptor)
        if annotation is str:
            return _Text(parameter_info=info, annotation=annotation)
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            return _Choice(parameter_info=info, annotation=annotation)
        return _Deferred(parameter_info=info, annotation=annotation)

    typer.core.build_runtime_param = _runtime_param
    _cache_signatures()
    return True


def _cache_signatures() -> None:
    import typer.main

    read = getattr(typer.main, "get_params_from_function", None)
    if read is None or hasattr(read, "cache_info"):
        return
    typer.main.get_params_from_function = functools.cache(read)
