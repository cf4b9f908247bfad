"""One bad record never costs its batch. Every text field is made storable before it reaches
the database (NULs and lone surrogates removed, clipped to its column), whatever the input's
format; a record that still cannot be prepared or stored fails alone, named by its file and
line, and the others go in. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import String, select

from bot.services.context import Runtime
from bot.services.feeds import poll_due_feeds
from bot.services.ingest import ingest_inputs
from digest import pipeline
from storage.models import Article
from tests.factories import distinct_body
from tests.feeds_helpers import add_due_feed, article_titles
from tests.feedserver import FeedServer, news_items, rss_feed
from tests.refusals import refuse_articles_where

pytest_plugins = ["tests.feeds_fixtures"]  # feed_server, feed_runtime

LONG_SOURCE = "新闻来源" * 70  # 280 characters
LONG_CATEGORY = "很长的分类" * 20  # 100
LEAD = "这是正文的第一段，讲的是一件新鲜事。" * 8


def _json_line(number: int, **fields: str) -> str:
    article = {"title": f"第{number}号", "content": distinct_body(number), **fields}
    return json.dumps(article, ensure_ascii=True)  # "\ud800" stays a lone surrogate's escape


HOSTILE_INPUTS = {
    "lines.jsonl": (
        "\n".join(
            [
                _json_line(1, title="孤立\ud800代理"),
                _json_line(2, content="正文\u0000里有空字符。" + distinct_body(2)),
                _json_line(3, source=LONG_SOURCE, summary="摘要\u0000\udfff"),
                _json_line(4, category=LONG_CATEGORY, url="https://example.com/\u0000a"),
                _json_line(5),
            ]
        ),
        5,
    ),
    "page.html": (
        f"<html><head><title>网页标题</title>"
        f'<meta property="og:site_name" content="{LONG_SOURCE}">'
        f'<meta property="article:section" content="{LONG_CATEGORY}"></head>'
        f"<body><article><h1>网页标题</h1><p>{LEAD}</p><p>{LEAD}</p></article></body></html>",
        1,
    ),
    "dump.txt": (
        f"{'长标题' * 140}\n2024年01月02日10:00:00 {LONG_CATEGORY} 123\n{LEAD}\n{LEAD}\n",
        1,
    ),
    "feed.xml": (
        rss_feed(news_items(2), title=LONG_SOURCE)
        .decode()
        .replace(
            "</title><link>https://news.example/测试",
            f"</title><category>{LONG_CATEGORY}</category><link>https://news.example/测试",
        ),
        2,
    ),
}


def _column_chars(name: str) -> int:
    column_type = Article.__table__.c[name].type
    assert isinstance(column_type, String)
    assert column_type.length is not None
    return column_type.length


@pytest.mark.parametrize("name", list(HOSTILE_INPUTS))
async def test_hostile_text_fields_of_every_format_are_stored(
    runtime: Runtime, tmp_path: Path, name: str
) -> None:
    document, articles = HOSTILE_INPUTS[name]
    path = tmp_path / name
    path.write_text(document, encoding="utf-8", errors="surrogatepass")

    report = await ingest_inputs(runtime, [str(path)])

    assert (report.new, report.failed) == (articles, [])
    async with runtime.db.transaction() as session:
        rows = (await session.execute(select(Article))).scalars().all()
    texts = [t for r in rows for t in (r.title, r.content, r.summary, r.category, r.source, r.url)]
    assert not any("\x00" in t or "\ud800" in t or "\udfff" in t for t in texts if t)
    for column in ("title", "category", "source"):
        assert all(len(getattr(r, column) or "") <= _column_chars(column) for r in rows)


async def test_a_record_the_database_refuses_fails_alone_named_by_file_and_line(
    runtime: Runtime, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(_json_line(n) for n in (1, 2, 3)) + "\n", encoding="utf-8")
    second.write_text(_json_line(4) + "\n", encoding="utf-8")
    await refuse_articles_where(runtime, "title", "第2号")

    report = await ingest_inputs(runtime, [str(first), str(second)])

    assert report.new == 3
    [(name, reason)] = report.failed
    assert name == str(first)
    assert reason.startswith(f"{first}:2: ")
    assert await article_titles(runtime) == ["第1号", "第3号", "第4号"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_record_that_cannot_be_prepared_fails_alone_named_by_file_and_line(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summarise = pipeline.summarise_lead

    def summarise_or_fail(paragraphs: list[str], *, title: str) -> str:
        if title == "第2号":
            raise ValueError("a bug met on this article alone")
        return summarise(paragraphs, title=title)

    monkeypatch.setattr(pipeline, "summarise_lead", summarise_or_fail)
    path = tmp_path / "lines.jsonl"
    path.write_text("\n".join(_json_line(n) for n in (1, 2, 3)) + "\n", encoding="utf-8")

    report = await ingest_inputs(runtime, [str(path)])

    assert report.new == 2
    assert [(name, reason[: len(f"{path}:2: ")]) for name, reason in report.failed] == [
        (str(path), f"{path}:2: ")
    ]
    assert await article_titles(runtime) == ["第1号", "第3号"]


async def test_a_polled_feed_stores_its_other_items_when_one_cannot_be_stored(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    items = news_items(3)
    feed_server.serve("/feed.xml", rss_feed(items, title=LONG_SOURCE))
    await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    await refuse_articles_where(feed_runtime, "title", items[1].title)

    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes

    assert (outcome.error, outcome.new) == (None, 2)
    assert await article_titles(feed_runtime) == [items[0].title, items[2].title]
