"""A news page's headline: its own headline element, without the site and channel names that
``<title>`` (and sometimes ``og:title``) carry after it.

Sites write ``标题-新华网``, ``标题--经济·科技--人民网``, ``标题_数据_宏观频道首页_财经网``,
``标题_澎湃新闻-The Paper``, ``标题|界面新闻``. A trailing part is taken off only when the page
itself names it: a site name from the page's metadata or its host (``KNOWN_SITES``), or a
name the page links to or lists (a channel in its navigation or breadcrumb, a logo's text, a
keyword). Parts of the headline itself (``新华时评｜…``, ``东西问｜…``) are never named so; a
column tag in front that holds the site's name (``36氪首发｜…``) goes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

# The names of big Chinese news sites, by host: what their titles end with.
# fmt: off
KNOWN_SITES: dict[str, tuple[str, ...]] = {
    "news.cn": ("新华网", "新华社"), "xinhuanet.com": ("新华网", "新华社"),
    "people.com.cn": ("人民网",), "people.cn": ("人民网",),
    "cctv.com": ("央视网", "央视新闻"), "cnr.cn": ("央广网",),
    "chinanews.com.cn": ("中国新闻网", "中新网"), "chinanews.com": ("中国新闻网", "中新网"),
    "thepaper.cn": ("澎湃新闻",), "huanqiu.com": ("环球网",), "gmw.cn": ("光明网",),
    "bbtnews.com.cn": ("北京商报",), "caijing.com.cn": ("财经网",), "bjnews.com.cn": ("新京报",),
    "oeeee.com": ("南方都市报", "奥一网", "南都"), "jiemian.com": ("界面新闻",),
    "ifeng.com": ("凤凰网",), "163.com": ("网易",), "qq.com": ("腾讯新闻", "腾讯网"),
    "chinadaily.com.cn": ("中国日报网",), "ce.cn": ("中国经济网",), "sina.com.cn": ("新浪",),
    "sina.cn": ("新浪",), "sohu.com": ("搜狐",), "youth.cn": ("中国青年网",),
    "cri.cn": ("国际在线",), "china.com.cn": ("中国网",), "gov.cn": ("中国政府网",),
    "81.cn": ("中国军网",), "yicai.com": ("第一财经",), "caixin.com": ("财新网",),
    "stcn.com": ("证券时报",), "cls.cn": ("财联社",), "nbd.com.cn": ("每日经济新闻",),
    "21jingji.com": ("21世纪经济报道",), "eastmoney.com": ("东方财富网",),
    "guancha.cn": ("观察者网",), "cyol.com": ("中青网",), "ynet.com": ("北青网",),
    "dzwww.com": ("大众网",), "cnstock.com": ("中国证券网",), "infzm.com": ("南方周末",),
    "nfnews.com": ("南方网",), "southcn.com": ("南方网",),
}
# fmt: on
# Where a <title> is cut into parts: "-", "--", "_", "|", "｜", dashes, " - ".
_SEPARATOR = re.compile(r"\s*(?:-{1,2}|[_|｜—–]{1,2})\s*")
# A column tag in front of a headline ends with a bar: "36氪首发｜…", "新华时评｜…".
_TAG_BAR = re.compile(r"\s*[|｜丨]\s*")
_SPACE = re.compile(r"\s+")
_PART_LIMIT = 20  # characters: a trailing part longer than this is headline, not a name
_CHANNEL_LIMIT = 12


def host_site_names(url: str | None) -> tuple[str, ...]:
    """The known names of the site at ``url``'s host (``KNOWN_SITES``), if any."""
    host = (urlsplit(url).hostname or "") if url else ""
    for suffix, names in KNOWN_SITES.items():
        if host == suffix or host.endswith("." + suffix):
            return names
    return ()


@dataclass(frozen=True, slots=True)
class PageNames:
    """The names a page gives itself (``sites``) and the other names it links to or lists."""

    sites: Collection[str]
    listed: Collection[str]

    def is_site(self, part: str) -> bool:
        """Whether ``part`` names the site (``新华网``, ``凤凰网资讯``, ``央视网(cctv.com)``)."""
        key = _squeezed(part)
        return len(key) >= 2 and any(name in key or key in name for name in self.sites if name)

    def is_only_site(self, text: str) -> bool:
        """Whether ``text`` is nothing but a name of the site (a logo's heading, a default
        ``og:title``): a short part that names it."""
        return len(_squeezed(text)) <= _CHANNEL_LIMIT and self.is_site(text)

    def is_listed(self, part: str) -> bool:
        return len(part) <= _CHANNEL_LIMIT and _squeezed(part) in self.listed


def without_site_suffix(title: str, names: PageNames) -> str:
    """``title`` without its trailing parts that name the site or a channel of it.

    Scanning from the end: a site name cuts there, with any short parts after it
    (``澎湃新闻-The Paper``); a listed name (a channel, a keyword) cuts when nothing but
    cut parts follows it. The first part always stays.
    """
    title = _without_site_tag(" ".join(title.split()), names)
    cuts = list(_SEPARATOR.finditer(title))
    if not cuts:
        return title
    starts = [0, *(cut.end() for cut in cuts)]
    ends = [*(cut.start() for cut in cuts), len(title)]
    keep = len(starts)  # parts [0, keep) stay
    for index in range(len(starts) - 1, 0, -1):
        part = title[starts[index] : ends[index]]
        if len(part) > _PART_LIMIT:
            break
        if names.is_site(part) or (names.is_listed(part) and keep == index + 1):
            keep = index
    return title[: ends[keep - 1]] if keep < len(starts) else title


def _without_site_tag(title: str, names: PageNames) -> str:
    """``title`` without a column tag in front that holds the site's name ("36氪首发｜…");
    a tag that does not name the site ("新华时评｜…") is the headline's own and stays."""
    bar = _TAG_BAR.search(title, 0, _CHANNEL_LIMIT + 2)
    if bar is None or not bar.start():
        return title
    tag, rest = title[: bar.start()], title[bar.end() :]
    named = any(name in _squeezed(tag) for name in names.sites if len(name) >= 2)
    return rest if named and len(rest) > len(tag) else title


def heading_in_title(headings: Iterable[str], page_title: str) -> str | None:
    """The longest heading that ``page_title`` starts with, followed by a separator."""
    title_key = _squeezed(page_title)
    best: str | None = None
    for heading in headings:
        key = _squeezed(heading)
        if not key or not title_key.startswith(key) or (best and len(best) >= len(heading)):
            continue
        rest = title_key[len(key) :]
        if not rest or _SEPARATOR.match(rest):
            best = heading
    return best


def choose_title(
    *,
    stated: Iterable[str | None],
    headings: list[str],
    page_title: str,
    names: PageNames,
    strip_unnamed: Callable[[str], str],
) -> str:
    """The page's headline, from the best source that has one.

    ``stated`` (``og:title``, JSON-LD ``headline``) first, without a named suffix, unless it
    is only the site's name (and the heading it starts with, if any); then the heading
    element that ``<title>`` starts with; then ``<title>`` without named parts, and
    ``strip_unnamed`` for a site the page never names (a ``<title>`` such as
    ``标题_国内新闻_示例网``); then the first heading. Headings that are only the site's
    name (a logo in an ``<h1>``) never count.
    """
    headings = [heading for heading in headings if not names.is_only_site(heading)]
    for candidate in stated:
        headline = without_site_suffix(candidate, names) if candidate else ""
        if headline and not names.is_only_site(headline):
            # An og:title with a suffix the page does not name: its heading has none. One
            # cut short by a quote inside the attribute: its heading goes on with the quote.
            cut_short = [h for h in headings if h.startswith(headline + '"')]
            return heading_in_title(headings, headline) or max(
                cut_short, key=len, default=headline
            )
    found = heading_in_title(headings, page_title)
    if found:
        return found
    stripped = without_site_suffix(page_title, names)
    if stripped != " ".join(page_title.split()):
        return stripped
    stripped = strip_unnamed(stripped)
    if stripped and not names.is_only_site(stripped):
        return stripped
    return headings[0] if headings else stripped  # no <title>, or only the site's name


def _squeezed(text: str) -> str:
    return _SPACE.sub("", text)
