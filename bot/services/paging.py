"""Keyset cursors packed into inline-button callback data (64 bytes at most)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.articles import Cursor

_MAX_CALLBACK_BYTES = 64
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MICROSECOND = timedelta(microseconds=1)


def _base36(number: int) -> str:
    """``number`` in base 36, with a minus sign when negative (``int(text, 36)`` reads it
    back): a time before 1970 is a negative count of microseconds."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if number < 0:
        return "-" + _base36(-number)
    if number == 0:
        return "0"
    out = []
    while number:
        number, rest = divmod(number, 36)
        out.append(digits[rest])
    return "".join(reversed(out))


def encode_cursor(kind: str, cursor: Cursor, count: int) -> str | None:
    """``o|KIND|micros|id|count`` (micros since 1970, negative before it); ``None`` when it
    would not fit in a callback."""
    micros = (cursor.sort_at - _EPOCH) // _ONE_MICROSECOND
    data = f"o|{kind}|{_base36(micros)}|{_base36(cursor.article_id)}|{count}"
    return data if len(data.encode()) <= _MAX_CALLBACK_BYTES else None


def decode_cursor(data: str) -> tuple[str, Cursor, int] | None:
    """The (kind, cursor, count) of ``encode_cursor``, or ``None`` for anything else."""
    parts = data.split("|")
    if len(parts) != 5 or parts[0] != "o" or not parts[1]:
        return None
    try:
        micros, article_id, count = int(parts[2], 36), int(parts[3], 36), int(parts[4])
    except ValueError:
        return None
    sort_at = _EPOCH + micros * _ONE_MICROSECOND
    return parts[1], Cursor(sort_at=sort_at, article_id=article_id), count
