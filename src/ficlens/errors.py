"""Errors ficlens raises on purpose.

Every error a user can cause carries a one-line message and a distinct exit code, so the
CLI can print ``error: <message>`` and exit without a traceback, and a batch can record
the reason beside the file and carry on.
"""

from __future__ import annotations


class FiclensError(Exception):
    """Base class: a problem with the input or the request, not a bug."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:  # one line, always
        text = " ".join(self.message.split())
        return f"{self.path}: {text}" if self.path else text


class UsageError(FiclensError):
    exit_code = 2


class InputNotFound(FiclensError):
    """A path that does not exist."""

    exit_code = 3


class NoWorksFound(FiclensError):
    """A directory (or glob) that holds nothing ficlens can read."""

    exit_code = 4


class EmptyWork(FiclensError):
    """A file with no text in it (or only whitespace)."""

    exit_code = 5


class BinaryInput(FiclensError):
    """A file that is not text, HTML or EPUB (an image, an executable, ...)."""

    exit_code = 6


class UndecodableText(FiclensError):
    """Text in no encoding we can detect."""

    exit_code = 7


class NotAWork(FiclensError):
    """Readable HTML that holds no story (a 404 page, an interstitial, an index)."""

    exit_code = 8


class BadEpub(FiclensError):
    """A corrupt, encrypted or suspiciously compressed EPUB."""

    exit_code = 9


class WorkTooLarge(FiclensError):
    """Text over the configured size limit."""

    exit_code = 10


class StageError(FiclensError):
    """A pipeline stage failed on one work (recorded, never fatal to a batch)."""

    exit_code = 11


class LibraryError(FiclensError):
    """The library database cannot be opened, migrated or written."""

    exit_code = 12


class WorkNotFound(FiclensError):
    """A library id that is not in the library."""

    exit_code = 13


class SomeInputsFailed(FiclensError):
    """A multi-file run in which at least one file was reported and skipped."""

    exit_code = 14
