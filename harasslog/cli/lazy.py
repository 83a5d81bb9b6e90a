"""Top-level commands built only when used (start-up time, issue 13.7; Click's "lazy group" pattern).

Building every command from its Typer declaration reads each function's signature and options:
importing all the command modules and building some fifty commands was most of `harasslog --help`
and a large part of `add sms` and `list`. The root group's `commands` is a `Commands` mapping
instead: the names come from a table (`harasslog.cli.COMMANDS`), and a command's module is imported
and the command built the first time the command is looked up (run, `<command> --help`, completion).
The root's own `--help` lists the commands from the table's one-line summaries, importing nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import typer
import typer.main


class Commands(MutableMapping[str, Any]):
    """Command name → click command, each built on its first lookup by `load(name)`.

    Iterating gives the names without building anything; `loaded` holds what was built so far.
    Looking one up (`[name]`, `.get`, `.items()`) builds it, so code that walks the whole tree
    (tests, completion) still sees every command."""

    def __init__(self, names: list[str], load: Callable[[str], Any], loaded: dict[str, Any] | None = None):
        self._names = list(names)
        self._load = load
        self.loaded: dict[str, Any] = dict(loaded or {})

    def __getitem__(self, name: str) -> Any:
        if name not in self.loaded:
            if name not in self._names:
                raise KeyError(name)
            self.loaded[name] = self._load(name)
        return self.loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.loaded[name] = command
        if name not in self._names:
            self._names.append(name)

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self.loaded.pop(name, None)

    def __contains__(self, name: object) -> bool:  # a name check must not build the command
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)


def build(module_name: str, name: str, app: typer.Typer) -> Any:
    """The click command `name` that `module_name`'s `register` declares, built as `app` would build it."""
    module = importlib.import_module(module_name)
    staging = typer.Typer()
    module.register(staging)  # appends declarations only: cheap
    settings: dict[str, Any] = {
        "pretty_exceptions_short": app.pretty_exceptions_short,
        "rich_markup_mode": app.rich_markup_mode,
    }
    for command in staging.registered_commands:
        if (command.name or typer.main.get_command_name(command.callback.__name__)) == name:  # type: ignore[union-attr]
            return typer.main.get_command_from_info(command, **settings)
    for group in staging.registered_groups:
        if group.name == name:
            return typer.main.get_group_from_info(group, suggest_commands=app.suggest_commands, **settings)
    raise LookupError(f"{module_name} declares no command {name!r}")
