"""Text helpers shared by the parsers and the summariser: whitespace, script, sentences.

They run once or more per article in bulk ingest, so they avoid per-character Python loops:
regexes are compiled once and the script test works on byte lengths.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# CJK ideographs, CJK punctuation, kana and full-width forms: characters between which a
# space is an artefact of line wrapping, never a word separator.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_SPACE_BETWEEN_WIDE = re.compile(f"(?<=[{_WIDE}]) (?=[{_WIDE}])")
_BLANK_LINES = re.compile(r"\n[ \t\u3000\xa0]*\n\s*")
ELLIPSIS = "…"
# What an XML 1.0 document may not hold (whitespace aside), lone surrogates included (no
# encoding writes them): text that goes into one (an OPML export) must lose it.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")

# A run of sentence-ending marks with the closing quotes/brackets that belong to it
# ("他说：“好。”" ends after ”). One leading character class keeps the scan fast: an
# alternation here made sentence splitting five times slower.
CLOSERS = "”’\"'」』）)】》]"
_MARKS = f"。！？!?.{re.escape(CLOSERS)}"
# A "." followed by something else than a space or a mark ("3.5", "U.S.", "example.com")
# is never a sentence end (``_ends_sentence``): the lookahead skips it without a call to
# Python (3.1 to 2.7 µs for a lead paragraph of Chinese news, which has decimals).
_SENTENCE_END = re.compile(f"[。！？!?.](?!(?<=\\.)[^\\s{_MARKS}])[{_MARKS}]*")
# Words whose trailing "." does not end a sentence ("Mr. Li", "U.S. officials", "No. 5").
# fmt: off
_ABBREVIATIONS = frozenset(
    (
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "sgt", "capt",
        "gov", "sen", "rep", "rev", "fr", "pres", "inc", "co", "corp", "ltd", "llc", "plc", "bros",
        "dept", "univ", "assn", "est", "approx", "vs", "etc", "al", "fig", "no", "nos", "vol",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "a.m",
        "p.m", "e.g", "i.e",
    )
)
# fmt: on


def collapse_space(text: str) -> str:
    """Collapse every whitespace run (``\\u3000``, tabs, newlines) to one space and strip."""
    return " ".join(text.split())


def normalise_space(text: str) -> str:
    """``collapse_space``, and a space between two Chinese characters or marks dropped.

    In running text such a space comes from wrapping or full-width indentation, not from
    the writer. Headlines are different ("首批三百辆 年底交车" uses it as a separator):
    collapse their whitespace only.
    """
    return without_wide_spaces(" ".join(text.split()))


def without_wide_spaces(text: str) -> str:
    """``normalise_space`` of text whose whitespace is collapsed already."""
    return _SPACE_BETWEEN_WIDE.sub("", text) if " " in text else text


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines, each whitespace-normalised; empty ones dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (normalise_space(part) for part in _BLANK_LINES.split(text))
    return [paragraph for paragraph in paragraphs if paragraph]


def is_cjk_text(text: str) -> bool:
    """Whether ``text`` is mostly Chinese (or Japanese) rather than a Latin-script language.

    Looks at the first 300 characters. Characters outside ASCII are counted from the UTF-8
    length (CJK characters take three bytes), which is exact enough and far cheaper than a
    regex over every character. One CJK character weighs as much as three ASCII ones, about
    the information in a Chinese character versus an English letter plus spacing.
    """
    sample = text[:300]
    extra_bytes = len(sample.encode("utf-8", "surrogatepass")) - len(sample)
    wide = extra_bytes // 2
    return wide * 3 >= len(sample) - wide and wide > 0


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    """Whether the punctuation ``match`` found in ``text`` really closes a sentence."""
    mark = match.group()
    end = match.end()
    following = text[end : end + 2].lstrip()[:1]
    if following.islower() and following.isascii():
        return False  # "e.g. this", "why? he asked": the sentence goes on
    nxt = text[end : end + 1]
    if mark[0] in "!?":
        return nxt == "" or nxt.isspace() or not nxt.isascii()
    if nxt != "" and not nxt.isspace():
        return False  # "3.5", "example.com", "U.S.-China"
    start = match.start()
    word = text[text.rfind(" ", 0, start) + 1 : start].lstrip(CLOSERS + "(")
    # An ellipsis ends a sentence; a single "." not after an initial ("John F. Kennedy"),
    # an abbreviation or a dotted acronym ("U.S", "a.m").
    return mark.startswith("..") or not (
        (len(word) == 1 and word.isalpha()) or word.lower() in _ABBREVIATIONS or "." in word
    )


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, split after 。！？!? and a sentence-final ``.``.

    Closing quotes and brackets stay with their sentence. An English ``.`` ends a sentence
    only before a space or the end, and not after an abbreviation, an initial or a dotted
    acronym ("U.S."), so decimals ("3.5") and names ("Mr. Li") stay whole. A tail without a
    final mark is a sentence too. Sentences come back stripped; empty ones are dropped.
    """
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[str]:
    """``split_sentences`` one sentence at a time, for a reader that may stop early (a
    summary reads two or three of the five sentences of a lead paragraph)."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group()[0] in "。！？" or _ends_sentence(text, match):
            sentence = text[start : match.end()].strip()
            if sentence:
                yield sentence
            start = match.end()
    tail = text[start:].strip()
    if tail:
        yield tail


def clipped(text: str, limit: int) -> str:
    """``text``, or its first characters and "…" in ``limit`` characters when longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def storable_text(text: str) -> str:
    """``text`` without what no database column takes: NUL characters (PostgreSQL refuses
    them in text) and lone surrogates (no UTF-8 for them; JSON's ``"\\ud800"`` makes one).

    Run on every article's text in bulk ingest: encoding it to UTF-8 tells that it has no
    surrogate in about 4 µs for 2,000 Chinese characters, a regex search in 15.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATES.sub("", text)
    return text.replace("\x00", "") if "\x00" in text else text
