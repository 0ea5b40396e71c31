"""Errors a user can fix, each carrying one plain sentence.

The library raises these; the CLI prints the message on stderr and exits 1. Messages name the file,
the row and what to do, and never contain personal data (no names, emails or cell values).
"""

from __future__ import annotations


class ProspectsError(Exception):
    """Base of every error the tool reports to a user instead of a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(ProspectsError):
    """An input file is missing, unreadable, of the wrong kind or malformed."""


class SettingsError(ProspectsError):
    """The settings file has an unknown key, a wrong type or an impossible value."""


class SchemaError(ProspectsError):
    """A frame crossing a stage boundary lacks canonical columns (a bug or a bad notebook edit)."""


class OutputError(ProspectsError):
    """The output cannot be written (the workbook is open in Excel, the folder is read-only …)."""
