"""Factories for article records and parsed articles in tests."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.pipeline import ArticleRecord, prepare_article

_counter = itertools.count(1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
_WORDS = (
    "经济 市场 政府 发展 企业 国际 会议 科技 研究 数据 城市 交通 教育 医疗 环境 能源 农业 "
    "银行 投资 消费 出口 合作 协议 比赛 球队 电影 演员 军队 演习 法院 警方 气候 天气 人口 "
    "工厂 产品 价格 增长 下降 报告 专家 学校 学生 医院 病人 道路 铁路 机场 港口 网络 手机"
).split()


def distinct_body(number: int) -> str:
    """A body no other number's body resembles (near-duplicate detection must not merge them)."""
    rng = random.Random(number)
    sentences = ["".join(rng.choice(_WORDS) for _ in range(8)) + "。" for _ in range(4)]
    return f"第{number}号新闻。" + "".join(sentences)


def parsed_article(
    title: str | None = None,
    *,
    body: str | None = None,
    category: str = "国际",
    published_at: datetime | None = datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    url: str | None = None,
    source: str | None = "天天要闻",
) -> ParsedArticle:
    number = next(_counter)
    return ParsedArticle(
        title=title or f"测试新闻标题第{number}号",
        paragraphs=[body or distinct_body(number)],
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
) -> ArticleRecord:
    return prepare_article(
        parsed_article(
            title, body=body, category=category, published_at=published_at, url=url, source=source
        ),
        default_tz=SHANGHAI,
    )


def hourly_records(
    count: int, *, category: str = "国际", start: datetime | None = None
) -> list[ArticleRecord]:
    """``count`` distinct articles published an hour apart, oldest first."""
    first = start or datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    return [
        article_record(category=category, published_at=first + timedelta(hours=i))
        for i in range(count)
    ]
