"""A digest of the day's stories and /top, end to end on SQLite and PostgreSQL: a few
stories carried by several outlets in the morning, many single-source articles in the
evening; the digest and /top list the widely carried first with their counts and other
sources, copies are sources and not entries, no category takes over half the top part, the
next headlines follow as titles, and a story that grows after its digest is not sent again
while one below yesterday's cut that grows today is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services.context import Runtime
from bot.settings import Settings
from bot.telegram.app import BotApplication, delivery_worker, run_digest_tick
from digest.pipeline import ArticleRecord
from storage.article_inserts import insert_articles
from tests.conftest import Clock
from tests.conversation import say
from tests.factories import article_record, distinct_body
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi

MORNING = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
EVENING = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)  # 19:00
DIGEST = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 the next day


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        telegram_bot_token="123456:TEST-TOKEN",
        default_timezone="Asia/Shanghai",
        digest_max_articles=4,
        digest_headlines=3,
    )


def _carried(title: str, outlets: list[str], *, category: str = "国内") -> list[ArticleRecord]:
    """One story as each outlet carried it: the same text, each at its own address."""
    body = distinct_body(len(title) * 1000 + sum(map(ord, title)) % 997)
    return [
        article_record(
            title,
            body=body,
            category=category,
            source=outlet,
            url=f"https://{outlet}.example.cn/{len(title)}-{ord(title[0])}",
            published_at=MORNING,
        )
        for outlet in outlets
    ]


async def _ingest(runtime: Runtime, records: list[ArticleRecord], at: datetime) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=at)


async def _digest(clock: Clock, fake_api: FakeBotApi, bot: BotApplication) -> str:
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    sent = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    await delivery_worker(bot).wait_idle()
    return "\n".join(message.plain_text for message in sent)


async def test_a_day_of_stories_most_widely_carried_first(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe")
    earthquake = _carried("云南发生地震", ["xinhua", "people", "cctv", "thepaper"])
    rates = _carried("央行宣布降准", ["xinhua", "caixin", "yicai"])
    railway = _carried("新高铁开通运营", ["people", "cctv"])
    await _ingest(runtime, [*earthquake, *rates, *railway], MORNING)
    singles = [
        article_record(
            f"晚间单一来源新闻{number}",
            category="国际" if number % 2 else "体育",
            published_at=EVENING + timedelta(minutes=number),
        )
        for number in range(8)
    ]
    await _ingest(runtime, singles, EVENING + timedelta(minutes=10))

    clock.moment = DIGEST
    # /top 3: the same ranking; 国内 may take one of three.
    top_three = await say(fake_api, "/top 3")
    assert top_three.index("1. 云南发生地震") < top_three.index("2. 晚间单一来源新闻7")
    assert "3. 晚间单一来源新闻6" in top_three
    assert "4 个来源：people · cctv · thepaper" in top_three
    assert "央行宣布降准" not in top_three
    # Listings: one entry per story, with its count of sources.
    latest = await say(fake_api, "/latest 20")
    assert latest.count("云南发生地震") == 1
    assert "国内 · xinhua · 4 个来源" in latest

    day_one = await _digest(clock, fake_api, bot)
    # The top part: the two most carried (国内 may take only half of four), then the
    # newest single-source stories; the railway story (国内) waits for the headlines.
    top, _, headlines = day_one.partition("其他新闻")
    assert top.index("云南发生地震") < top.index("央行宣布降准") < top.index("晚间单一来源新闻7")
    assert "4 个来源：people · cctv · thepaper" in top
    assert "3 个来源：caixin · yicai" in top
    assert "新高铁开通运营" not in top
    assert "5. 新高铁开通运营" in headlines
    assert "晚间单一来源新闻5" in headlines
    assert day_one.count("云南发生地震") == 1  # copies are sources, not entries
    assert "还有 4 条未列出" in day_one  # 11 stories: 4 + 3 listed
    assert "晚间单一来源新闻0" not in day_one  # the oldest, below the cut

    # The earthquake story grows, and so does one below yesterday's cut.
    later = DIGEST + timedelta(hours=2)
    grown = _carried("云南发生地震", ["sina"])
    below_cut = [
        article_record(
            singles[0].title,
            body=singles[0].content,
            category=singles[0].category,
            source=outlet,
            url=f"https://{outlet}.example.cn/single0",
            published_at=EVENING,
        )
        for outlet in ("ifeng", "sohu")
    ]
    await _ingest(runtime, [*grown, *below_cut], later)
    clock.moment = DIGEST + timedelta(days=1)
    day_two = await _digest(clock, fake_api, bot)
    assert "晚间单一来源新闻0" in day_two
    assert "3 个来源" in day_two
    assert "云南发生地震" not in day_two  # sent yesterday, however many sources join
