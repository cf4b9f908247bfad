"""Parser for text page dumps of news sites such as 天天要闻 (DESIGN.md, "Input formats").

The format, line by line::

    TITLE
    2022年06月29日01:15:02 国际 1745          (China time, category, view count)
    body paragraphs, one a line, blank lines between or not
    TITLE - 天天要闻                          (an image caption: not body; names the site)
    国际分类资讯推荐                          (other articles from here on: never body)
    OTHER TITLE - 天天要闻 / OTHER TITLE / lead snippet cut off with "..."
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, tzinfo
from difflib import SequenceMatcher
from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.errors import ParseError
from digest.text import collapse_space

CHINA_TZ = ZoneInfo("Asia/Shanghai")
HEADER_SEARCH_LINES = 5  # the date line must be among this many lines after the title

_DATE_LINE = re.compile(
    r"""(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日\s*
    (?P<hour>\d{1,2})\s*[:：]\s*(?P<minute>\d{2})(?:\s*[:：]\s*(?P<second>\d{2}))?
    (?:\s*(?P<category>[^\s\d][^\s]*?))?
    (?:\s*(?:阅读|浏览|阅读量|浏览量|views?)?[:：]?\s*(?P<views>\d[\d,]*(?:\.\d+)?)\s*(?P<wan>万)?)?""",
    re.VERBOSE | re.IGNORECASE,
)
# "TITLE - SITE": a short site name after a spaced dash, with no sentence punctuation.
_CAPTION = re.compile(r"(?P<head>.*\S)\s+[-–—]\s+(?P<site>[^-–—。！？!?.,，:：]{1,20})")
_RECOMMENDATIONS = re.compile(r"\S{0,12}分类资讯推荐|相关推荐|相关阅读|推荐阅读|热门推荐")
_NOT_A_WORD = re.compile(r"[\W_]+")
_SNIPPET_END = ("...", "…", ".", "。")


def _headline_key(text: str) -> str:
    return _NOT_A_WORD.sub("", text).lower()


def _same_headline(one: str, other: str) -> bool:
    """Whether two headlines are the same up to punctuation, spacing or a shortened end."""
    a, b = _headline_key(one), _headline_key(other)
    if not a or not b:
        return False
    if a == b or ((a in b or b in a) and min(len(a), len(b)) >= 0.6 * max(len(a), len(b))):
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.8


def _caption(line: str) -> tuple[str, str] | None:
    if "-" not in line and "–" not in line and "—" not in line:
        return None  # most lines: skip the regex
    match = _CAPTION.fullmatch(line)
    if match is None:
        return None
    site = match["site"].strip()
    if site.isdigit():
        return None  # "2 - 1" is a score, not a site
    return match["head"], site


def _published_at(match: re.Match[str], origin: str) -> datetime:
    year, month, day, hour, minute, second = (
        int(match[field] or 0) for field in ("year", "month", "day", "hour", "minute", "second")
    )
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=CHINA_TZ)
    except ValueError as exc:
        raise ParseError(f"{origin}: impossible date in {match.group()!r} ({exc})") from exc


def _views(match: re.Match[str]) -> int | None:
    if match["views"] is None:
        return None
    number = float(match["views"].replace(",", ""))
    return round(number * 10_000) if match["wan"] else round(number)


def _caption_sites(
    found: list[tuple[str, str] | None], lines: list[str], body_end: int, title: str
) -> Counter[str]:
    """The site names that ``TITLE - SITE`` lines show, with how often each appears.

    A site counts once one of its lines is a caption beyond doubt: in the body with (nearly)
    the article's title, in the block followed by the same title on its own line, or
    repeated three times or more. Two prose lines such as "中国 - 日本" and "韩国 - 日本"
    are not enough.
    """
    counts = Counter(c[1] for c in found if c)
    confirmed = {
        c[1]
        for index, c in enumerate(found)
        if c
        and (
            counts[c[1]] >= 3
            or lines[index + 1 : index + 2] == [c[0]]
            or (index < body_end and _same_headline(c[0], title))
        )
    }
    return Counter({site: count for site, count in counts.items() if site in confirmed})


def _related_titles(
    block: list[str], found: list[tuple[str, str] | None], sites: Counter[str], own_title: str
) -> list[str]:
    """Titles listed in a recommendation block, in order, without repeats.

    With captions ("TITLE - SITE") only they name titles, and the plain repeat of the title
    and the snippet after each are skipped. Without captions, a line is a title unless it
    reads as a snippet (cut off with "..."/"."/"。", or long).
    """
    use_captions = any(c and c[1] in sites for c in found)
    titles: list[str] = []
    for line, caption in zip(block, found, strict=True):
        if use_captions:
            candidate = caption[0] if caption and caption[1] in sites else None
        elif not line.endswith(_SNIPPET_END) and len(line) <= 60:
            candidate = line
        else:
            candidate = None
        if candidate and candidate not in titles and candidate != own_title:
            titles.append(candidate)
    return titles


def _find_date_line(lines: list[str], origin: str) -> tuple[int, re.Match[str]]:
    """Index and match of the date line among the first lines after the title."""
    for index in range(1, min(len(lines), 1 + HEADER_SEARCH_LINES)):
        match = _DATE_LINE.fullmatch(lines[index])
        if match:
            return index, match
    raise ParseError(
        f"{origin}: no date line like '2022年06月29日01:15:02 国际 1745' in the "
        f"{HEADER_SEARCH_LINES} lines after the title; not a text page dump"
    )


def parse_text_dump(
    text: str,
    *,
    origin: str,
    default_tz: tzinfo | None = None,  # noqa: ARG001 -- see the docstring
) -> ParsedArticle:
    """The article in a text page dump (the module docstring shows the format).

    Leading blank lines are skipped; line endings, full-width and repeated spaces are
    normalised. The date line must come within ``HEADER_SEARCH_LINES`` non-blank lines
    after the title; lines between the two (a subtitle) are dropped. Its time is China time
    as DESIGN.md states for this format, so ``default_tz`` (accepted so ingest can call
    every parser alike) is not used: the operator's zone describes chats, not this site.
    Category is kept raw; views may be missing (``None``), ``1,745`` or ``1.2万``.

    A line ``X - SITE`` is an image caption when X is (nearly) the title, or when SITE is
    confirmed as a site by another caption (see ``_caption_sites``); the commonest SITE
    becomes ``source``. Everything from a
    ``…分类资讯推荐`` heading on is a recommendation block: its titles go to
    ``related_titles``, never to ``paragraphs``.

    Raises ``ParseError`` naming ``origin`` when there is no title, no date line near the
    top, an impossible date, or no body text.
    """
    lines = [collapse_space(line) for line in text.removeprefix("\ufeff").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise ParseError(f"{origin}: has no text")
    title = lines[0]
    if _DATE_LINE.fullmatch(title):
        raise ParseError(f"{origin}: has no title: the first line is the date line")
    position, header = _find_date_line(lines, origin)
    rest = lines[position + 1 :]
    split = next(
        (
            index
            for index, line in enumerate(rest)
            if line.endswith(("推荐", "阅读")) and _RECOMMENDATIONS.fullmatch(line)
        ),
        None,
    )
    body_end = len(rest) if split is None else split

    found = [_caption(line) for line in rest]
    sites = _caption_sites(found, rest, body_end, title)
    captions = {index for index, c in enumerate(found[:body_end]) if c and c[1] in sites}
    source = sites.most_common(1)[0][0] if sites else None
    if source and title.endswith(f" - {source}"):
        title = title.removesuffix(f" - {source}")

    paragraphs = [line for index, line in enumerate(rest[:body_end]) if index not in captions]
    if not paragraphs:
        raise ParseError(f"{origin}: has no body text after the date line")
    return ParsedArticle(
        title=title,
        paragraphs=paragraphs,
        published_at=_published_at(header, origin),
        category=header["category"] or None,
        source=source,
        related_titles=_related_titles(rest[body_end + 1 :], found[body_end + 1 :], sites, title),
        views=_views(header),
        origin=origin,
    )
