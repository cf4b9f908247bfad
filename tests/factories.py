"""Factories for article records, parsed articles, chat rows and subscribed chats in tests."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from digest.article import ParsedArticle
from digest.pipeline import ArticleRecord, prepare_article
from storage.models import Chat, Subscription
from storage.subscriptions import join_categories

_counter = itertools.count(1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
INGESTED_AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # the clock fixture's start
_WORD_PAIRS = (
    "经济市场政府发展企业国际会议科技研究数据城市交通教育医疗环境能源农业"
    "银行投资消费出口合作协议比赛球队电影演员军队演习法院警方气候天气人口"
    "工厂产品价格增长下降报告专家学校学生医院病人道路铁路机场港口网络手机"
)
_WORDS = [_WORD_PAIRS[i : i + 2] for i in range(0, len(_WORD_PAIRS), 2)]


def distinct_body(number: int) -> str:
    """A body no other number's body resembles (near-duplicate detection must not merge them)."""
    rng = random.Random(number)
    sentences = ["".join(rng.choice(_WORDS) for _ in range(8)) + "。" for _ in range(4)]
    # Each at its own time of day: bodies of one small vocabulary and titles of one
    # template would otherwise read as one event's rewrites (``digest.stories``).
    when = f"{number % 24}时{number // 24 % 60}分，"
    return f"第{number}号新闻。{when}" + "".join(sentences)


def parsed_article(
    title: str | None = None,
    *,
    body: str | None = None,
    category: str = "国际",
    published_at: datetime | None = datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    url: str | None = None,
    source: str | None = "天天要闻",
    paragraphs: Sequence[str] = (),
) -> ParsedArticle:
    """An article of one paragraph (``body``, or one no other article resembles), or of
    ``paragraphs``."""
    number = next(_counter)
    return ParsedArticle(
        title=title or f"测试新闻标题第{number}号",
        paragraphs=list(paragraphs) or [body or distinct_body(number)],
        published_at=published_at,
        category=category,
        source=source,
        url=url,
        origin=f"test-{number}",
    )


def article_record(
    title: str | None = None,
    *,
    body: str | None = None,
    category: str = "国际",
    published_at: datetime | None = datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    url: str | None = None,
    source: str | None = "天天要闻",
    paragraphs: Sequence[str] = (),
) -> ArticleRecord:
    """A prepared article, as if ingested when published (undated ones at ``INGESTED_AT``):
    any publish time from 1990 on is kept."""
    parsed = parsed_article(
        title,
        body=body,
        category=category,
        published_at=published_at,
        url=url,
        source=source,
        paragraphs=paragraphs,
    )
    return prepare_article(parsed, default_tz=SHANGHAI, now=published_at or INGESTED_AT)


def hourly_records(
    count: int, *, category: str = "国际", start: datetime | None = None
) -> list[ArticleRecord]:
    """``count`` distinct articles published an hour apart, oldest first."""
    first = start or datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    return [
        article_record(category=category, published_at=first + timedelta(hours=i))
        for i in range(count)
    ]


def private_chat(chat_id: int, *, created_at: datetime, **fields: object) -> Chat:
    """A Chinese-speaking private chat in Shanghai; ``fields`` set any other column."""
    return Chat(
        id=chat_id,
        type="private",
        title=None,
        language="zh",
        timezone="Asia/Shanghai",
        created_at=created_at,
        **fields,
    )


async def add_subscribed_chat(
    session: AsyncSession,
    chat_id: int,
    *,
    created_at: datetime,
    next_digest_at: datetime,
    chat_type: str = "private",
    timezone: str = "Asia/Shanghai",
    categories: Sequence[str] = (),
    last_digest_at: datetime | None = None,
    active: bool = True,
) -> None:
    """A Chinese-speaking chat with a daily digest at 08:00 (``categories``: all when empty);
    an inactive one is paused as a chat that blocked the bot is."""
    session.add(
        Chat(
            id=chat_id,
            type=chat_type,
            title=None,
            language="zh",
            timezone=timezone,
            created_at=created_at,
        )
    )
    await session.flush()
    session.add(
        Subscription(
            chat_id=chat_id,
            active=active,
            categories=join_categories(categories),
            digest_time="08:00",
            next_digest_at=next_digest_at,
            last_digest_at=last_digest_at,
            paused_reason=None if active else "blocked",
            created_at=created_at,
        )
    )
