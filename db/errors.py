"""Errors the user can act on (a sentence in Chinese), split from bugs (a traceback in the log)."""

from __future__ import annotations


class KnownError(Exception):
    """A problem with the user's file or input; `str()` is a complete Chinese sentence."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotCountyFile(KnownError):
    """The file is not a county file: not SQLite, empty, another program's, damaged."""


class NewerVersion(KnownError):
    """The file was written by a newer version of the program."""


class FileBusy(KnownError):
    """Another program holds the file, or the medium cannot be written."""


class FileExists(KnownError):
    """The program would overwrite a file that is already there; it never does."""


class ValidationError(KnownError):
    """A value that cannot be true; `field` names the column, `label` is its Chinese name."""

    def __init__(self, message: str, *, table: str = "", field: str = "", label: str = ""):
        super().__init__(message)
        self.table = table
        self.field = field
        self.label = label
