"""Errors the command line turns into one line on stderr and an exit code.

Domain code raises these; only the CLI layer prints them. Messages must be safe to show:
they name files, rows and fields, never whole message texts.
"""


class HarasslogError(Exception):
    """Bad input or usage: one line on stderr, exit 2, nothing written."""

    exit_code = 2


class InputError(HarasslogError):
    """A file, value or option the user gave cannot be used."""


class VerificationFailed(HarasslogError):
    """The store or a bundle does not match its hashes: exit 1."""

    exit_code = 1
