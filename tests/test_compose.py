"""Composing a digest: grouped by category, split between articles, each message's articles
known (what /digest gives back when Telegram refuses a message)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from digest.article import StoredArticle
from digest.compose import DigestTexts, compose_digest
from digest.render import parsed_length

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _article(number: int, category: str) -> StoredArticle:
    return StoredArticle(
        id=number,
        title=f"第{number}号新闻",
        url=f"https://example.com/{number}",
        summary="很长的摘要，" * 60,
        category=category,
        source="天天要闻",
        published_at=NOW - timedelta(minutes=number),
        ingested_at=NOW,
    )


def test_each_message_of_a_digest_names_exactly_the_articles_it_lists() -> None:
    articles = [_article(n, "国际" if n % 3 else "财经") for n in range(1, 31)]
    texts = DigestTexts(header="<b>每日摘要</b>", more="还有 5 条未列出。")
    composed = compose_digest(articles, zone=ZoneInfo("Asia/Shanghai"), texts=texts)
    assert len(composed.messages) == len(composed.article_ids) > 1
    listed = [i for ids in composed.article_ids for i in ids]
    assert sorted(listed) == list(range(1, 31))
    for message, ids in zip(composed.messages, composed.article_ids, strict=True):
        assert parsed_length(message) <= 4096
        for article in articles:
            assert (f">{article.title}<" in message) == (article.id in ids)
    assert composed.messages[-1].endswith("还有 5 条未列出。")
