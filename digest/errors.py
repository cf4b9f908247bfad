"""Errors a user or operator should read. Anything else is a bug and gets a traceback."""

from __future__ import annotations


class NewsdigestError(Exception):
    """Base of every error whose message is meant for people.

    The message is one line that names the input and what is wrong with it.
    """


class InputError(NewsdigestError):
    """An input (file, URL, line) could not be read or parsed."""


class DecodeError(InputError):
    """Bytes that are not text in any encoding we read (binary, truncated, unknown)."""


class ParseError(InputError):
    """Text that is not in the expected format."""


class ConfigError(NewsdigestError):
    """A setting is missing or invalid."""
