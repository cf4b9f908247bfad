"""Which URL a page is stored under: its canonical link or og:url only when that is
plausibly this article's (the same site, not the site's root, not a section above the page
fetched), else the URL fetched. A site whose every page names its home page made all its
pages one article, linked to the home page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.services.context import Runtime
from digest.canonical_choice import plausible_canonical
from digest.html_page import parse_html_page
from digest.pipeline import prepare_article
from storage.article_inserts import insert_articles
from tests.conftest import Clock
from tests.factories import distinct_body

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE = """<!doctype html><html><head><title>{title}</title>
<meta property="og:title" content="{title}"><meta property="og:url" content="{og_url}">
<link rel="canonical" href="{canonical}"></head>
<body><article><h1>{title}</h1><p>{text}</p><p>这是第二段，讲述更多的细节和背景。</p>
</article></body></html>"""
STORY = "https://news.example.cn/world/2026/11/24/story-{n}.html"


def _page(n: int, *, og_url: str, canonical: str) -> str:
    title = f"第{n}条新闻的标题：城市交通改善计划公布"
    text = distinct_body(n)
    return PAGE.format(title=title, og_url=og_url, canonical=canonical, text=text)


@pytest.mark.parametrize(
    "named",
    [
        "https://news.example.cn/",
        "https://www.news.example.cn",
        "/",
        "https://news.example.cn/index.html",
        "https://news.example.cn/world/",  # the section the story is in
        "https://another.example.org/world/2026/11/24/story-1.html",  # another site
    ],
)
def test_a_canonical_that_is_not_this_article_is_not_trusted(named: str) -> None:
    page = _page(1, og_url=named, canonical=named)
    fetched = STORY.format(n=1)
    article = parse_html_page(page, origin=fetched, url=fetched, default_tz=SHANGHAI)
    assert article.url == fetched


@pytest.mark.parametrize(
    "named",
    [
        "https://news.example.cn/world/2026/11/24/story-1.html",
        "https://m.news.example.cn/story-1",  # a shorter path of the same site
        "/world/2026/11/24/story-1.html?from=rss",
        "https://example.cn/a/2026/story-1",  # the same site, another host of it
    ],
)
def test_a_canonical_of_the_same_site_and_as_specific_is_kept(named: str) -> None:
    fetched = STORY.format(n=1) + "?utm_source=feed"
    page = _page(1, og_url="https://news.example.cn/", canonical=named)
    article = parse_html_page(page, origin=fetched, url=fetched, default_tz=SHANGHAI)
    assert article.url is not None
    assert article.url.startswith("https://")
    assert article.url != "https://news.example.cn/"


def test_an_amp_page_names_the_article_it_is_a_copy_of() -> None:
    fetched = "https://news.example.cn/world/story-1/amp/"
    assert plausible_canonical("https://news.example.cn/world/story-1/", fetched=fetched)
    assert not plausible_canonical("https://news.example.cn/world/", fetched=fetched)


def test_without_a_fetched_url_only_the_site_root_is_refused() -> None:
    assert plausible_canonical("https://news.example.cn/world/story-1", fetched=None)
    assert not plausible_canonical("https://news.example.cn/", fetched=None)


async def test_pages_whose_og_url_is_the_home_page_are_each_an_article(
    runtime: Runtime, clock: Clock
) -> None:
    home = "https://news.example.cn/"
    records = []
    for n in (1, 2):
        url = STORY.format(n=n)
        article = parse_html_page(
            _page(n, og_url=home, canonical=home), origin=url, url=url, default_tz=SHANGHAI
        )
        records.append(prepare_article(article, default_tz=SHANGHAI, now=clock()))
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, records, now=clock())
    assert (len(outcome.new_ids), outcome.duplicates) == (2, 0)
