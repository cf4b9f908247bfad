"""What a Chinese or Japanese keyboard types for ASCII: full-width digits, colons, plus and
minus signs (０８：００, ２３：００－０７：００, ＵＴＣ＋８), and the other hyphens people type,
read as the ASCII they stand for wherever a time or a number is typed."""

from __future__ import annotations

# The full-width forms of ASCII (U+FF01-U+FF5E) are ASCII shifted by 0xFEE0. NFKC would
# map them too, but also rewrite much else (ligatures, superscripts: "²" to "2").
_FULL_WIDTH = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
# Hyphens, the minus sign and the en dash of a range ("23:00–07:00"); not the em dash,
# which is punctuation in Chinese text. The wave dash (〜) of Japanese ranges is a tilde.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2212\ufe63"), "-")
_TRANSLATION: dict[int, str] = {**_FULL_WIDTH, **_DASHES, ord("\u301c"): "~"}


def ascii_forms(text: str) -> str:
    """``text`` with full-width ASCII forms and hyphens as ASCII; all else as it was."""
    return text.translate(_TRANSLATION)
