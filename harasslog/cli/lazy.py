"""Top-level commands built only when used (start-up time, issue 13.7; Click's "lazy group" pattern).

Building every command from its Typer declaration reads each function's signature and options:
importing all the command modules and building some fifty commands was most of `harasslog --help`
and a large part of `add sms` and `list`. The root group's `commands` is a `Commands` mapping
instead: the names come from a table (`harasslog.cli.COMMANDS`), and a command's module is imported
and the command built the first time the command is looked up (run, `<command> --help`, completion).
The root's own `--help` lists the commands from the table's one-line summaries, importing nothing.
"""

from __future__ import annotations

import copy
import functools
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


def build(
    module_name: str, name: str, app: typer.Typer, built: Callable[[tuple[str, ...], Any], None] | None = None
) -> Any:
    """The click command `name` that `module_name`'s `register` declares, built as `app` would build it.

    A group's own subcommands are built when used too (`harasslog add sms` builds `sms`, not the
    five `add` commands); `built(path, command)` is told of each one built later (i18n localizes it)."""
    module = importlib.import_module(module_name)
    staging = typer.Typer()
    module.register(staging)  # appends declarations only: cheap
    settings: dict[str, Any] = {
        "pretty_exceptions_short": app.pretty_exceptions_short,
        "rich_markup_mode": app.rich_markup_mode,
    }
    for command in staging.registered_commands:
        if _name(command) == name:
            return typer.main.get_command_from_info(command, **settings)
    for group in staging.registered_groups:
        if group.name == name:
            return _group(group, settings, app.suggest_commands, (name,), built)
    raise LookupError(f"{module_name} declares no command {name!r}")


def _name(command: Any) -> str:
    return command.name or typer.main.get_command_name(command.callback.__name__)


def _group(
    info: Any,
    settings: dict[str, Any],
    suggest: bool,
    path: tuple[str, ...],
    built: Callable[[tuple[str, ...], Any], None] | None,
) -> Any:
    """typer.main.get_group_from_info, with the subcommands in a `Commands` mapping."""
    instance = info.typer_instance
    if any(not sub.name for sub in instance.registered_groups):  # merged into this group: Typer's way
        return typer.main.get_group_from_info(info, suggest_commands=suggest, **settings)
    makers: dict[str, Callable[[], Any]] = {}
    for command in instance.registered_commands:
        makers[_name(command)] = functools.partial(typer.main.get_command_from_info, command, **settings)
    for sub in instance.registered_groups:
        makers[sub.name] = functools.partial(_group, sub, settings, suggest, (*path, sub.name), built)
    shell = copy.copy(instance)  # the group itself (callback, options, help) without its commands
    shell.registered_commands, shell.registered_groups = [], []
    shell_info = copy.copy(info)
    shell_info.typer_instance = shell
    group = typer.main.get_group_from_info(shell_info, suggest_commands=suggest, **settings)

    def load(name: str) -> Any:
        command = makers[name]()
        if built is not None:
            built((*path, name), command)
        return command

    group.commands = Commands(list(makers), load)
    return group
