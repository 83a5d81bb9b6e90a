"""Errors the command line turns into one line on stderr and an exit code.

Domain code raises these; only the CLI layer prints them. Messages must be safe to show:
they name files, rows and fields, never whole message texts. Domain code never names a
command-line flag: it may say which `field` of its input was wrong ("at", "until", "kind"),
and the CLI, which knows the flags, names the flag (see cli.common.flags).
"""

from __future__ import annotations


class HarasslogError(Exception):
    """Bad input or usage: one line on stderr, exit 2, nothing written."""

    exit_code = 2

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InputError(HarasslogError):
    """A file, value or option the user gave cannot be used."""


class VerificationFailed(HarasslogError):
    """The store or a bundle does not match its hashes: exit 1."""

    exit_code = 1
