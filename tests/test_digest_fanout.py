"""The digest tick at scale: due chats read in keyset pages, grouped by window (categories,
since) so that a window's articles are read once and a digest rendered once, and every due
chat queued exactly once however the pages fall."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.services import digest_tick as tick_module
from bot.services import digest_windows
from bot.services.context import Runtime
from bot.services.digest_tick import digest_tick
from bot.services.digest_windows import BoundedCache
from digest.article import StoredArticle
from digest.compose import ComposedDigest, compose_digest
from storage.article_inserts import insert_articles
from storage.db import Database
from storage.deliveries import record_many_deliveries
from storage.models import Delivery, OutboxMessage, Subscription
from storage.subscriptions import claim_due_page
from tests.conftest import Clock, another_process
from tests.factories import add_subscribed_chat, article_record

DUE = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


async def _subscribe(
    runtime: Runtime,
    chat_ids: Sequence[int],
    *,
    categories: Sequence[str] = (),
    due: datetime = DUE,
    last_digest_at: datetime | None = None,
) -> None:
    async with runtime.db.transaction() as session:
        for chat_id in chat_ids:
            await add_subscribed_chat(
                session,
                chat_id,
                created_at=DUE - timedelta(days=2),
                next_digest_at=due,
                categories=categories,
                last_digest_at=last_digest_at,
            )


async def _ingest(runtime: Runtime, titles: Sequence[str], at: datetime, **kw: Any) -> list[int]:
    """Ingest one article per title, the first the newest by publish time; their ids."""
    records = [
        article_record(title, published_at=DUE - timedelta(hours=2, minutes=i), **kw)
        for i, title in enumerate(titles)
    ]
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, records, now=at)
    return outcome.new_ids


async def _digests(runtime: Runtime) -> dict[int, list[str]]:
    """Each chat's queued digest messages, in the order they were queued."""
    async with runtime.db.transaction() as session:
        rows = await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.text).order_by(
                OutboxMessage.chat_id, OutboxMessage.id
            )
        )
        queued: dict[int, list[str]] = {}
        for chat_id, text in rows:
            queued.setdefault(chat_id, []).append(text)
        return queued


@contextmanager
def _statements(database: Database) -> Iterator[list[str]]:
    """Every SQL statement the database runs inside the block."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)


def _window_reads(statements: list[str]) -> int:
    return sum(s.lstrip().startswith("SELECT articles.id, articles.title") for s in statements)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many digests were rendered (each entry: the number of articles in it)."""
    counted: list[int] = []

    def counting(articles: list[StoredArticle], **kwargs: Any) -> ComposedDigest:
        counted.append(len(articles))
        return compose_digest(articles, **kwargs)

    monkeypatch.setattr(digest_windows, "compose_digest", counting)
    return counted


async def test_chats_sharing_a_window_cost_one_query_and_one_render(
    runtime: Runtime, clock: Clock, renders: list[int]
) -> None:
    await _subscribe(runtime, [1, 2, 3], categories=["国际"])
    await _subscribe(runtime, [4, 5])  # every category: another window
    await _ingest(runtime, ["世界新闻"], DUE - timedelta(hours=1))
    await _ingest(runtime, ["比赛新闻"], DUE - timedelta(hours=1), category="体育")
    clock.moment = DUE
    with _statements(runtime.db) as statements:
        assert await digest_tick(runtime) == 5
    assert _window_reads(statements) == 2
    assert sorted(renders) == [1, 2]
    queued = await _digests(runtime)
    assert all("世界新闻" in queued[chat][0] for chat in (1, 2, 3, 4, 5))
    assert not any("比赛新闻" in queued[chat][0] for chat in (1, 2, 3))
    assert all("比赛新闻" in queued[chat][0] for chat in (4, 5))


async def test_a_window_is_read_once_per_tick_across_pages(
    runtime: Runtime, clock: Clock, renders: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tick_module, "TICK_PAGE", 3)
    await _subscribe(runtime, range(1, 11))
    await _ingest(runtime, ["十个聊天的新闻"], DUE - timedelta(hours=1))
    clock.moment = DUE
    with _statements(runtime.db) as statements:
        assert await digest_tick(runtime) == 10
    assert _window_reads(statements) == 1
    assert renders == [1]


async def test_every_due_chat_is_queued_exactly_once_across_pages(
    runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tick_module, "TICK_PAGE", 4)
    # Due at different moments and with several windows, so pages cut across groups.
    await _subscribe(runtime, range(1, 8), due=DUE - timedelta(minutes=5))
    await _subscribe(runtime, range(8, 15), categories=["国际"])
    await _subscribe(runtime, range(15, 19), last_digest_at=DUE - timedelta(hours=3))
    await _subscribe(runtime, [19], due=DUE + timedelta(minutes=1))  # not due yet
    ids = await _ingest(runtime, ["第一条", "第二条"], DUE - timedelta(hours=1))
    clock.moment = DUE
    assert await digest_tick(runtime) == 18
    assert await digest_tick(runtime) == 0
    queued = await _digests(runtime)
    assert sorted(queued) == list(range(1, 19))
    assert all(len(messages) == 1 for messages in queued.values())
    async with runtime.db.transaction() as session:
        ledger = Counter((await session.execute(select(Delivery.chat_id))).scalars())
        schedule = await session.execute(select(Subscription.chat_id, Subscription.next_digest_at))
        next_due: dict[int, datetime] = dict(schedule.all())
    assert ledger == dict.fromkeys(range(1, 19), len(ids))
    assert all(next_due[chat] == DUE + timedelta(days=1) for chat in range(1, 19))
    assert next_due[19] == DUE + timedelta(minutes=1)


async def test_two_processes_paging_the_same_due_chats_queue_each_once(
    runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tick_module, "TICK_PAGE", 7)
    await _subscribe(runtime, range(1, 61))
    await _ingest(runtime, ["六十个聊天都要的新闻"], DUE - timedelta(hours=1))
    clock.moment = DUE
    async with another_process(runtime) as second:
        counts = await asyncio.gather(digest_tick(runtime), digest_tick(second))
    assert sum(counts) == 60
    async with runtime.db.transaction() as session:
        per_chat = await session.execute(
            select(OutboxMessage.chat_id, func.count()).group_by(OutboxMessage.chat_id)
        )
        assert dict(per_chat.all()) == dict.fromkeys(range(1, 61), 1)


async def test_a_chat_already_sent_some_of_a_shared_window_gets_the_next_ones(
    runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime.settings = runtime.settings.model_copy(
        update={"digest_max_articles": 3, "digest_headlines": 1}
    )
    await _subscribe(runtime, [1, 2])
    titles = ["新闻甲", "新闻乙", "新闻丙", "新闻丁", "新闻戊"]  # newest first
    ids = await _ingest(runtime, titles, DUE - timedelta(hours=1))
    async with runtime.db.transaction() as session:  # chat 1 had the two newest as alerts
        await record_many_deliveries(
            session, [(1, ids[0]), (1, ids[1])], kind="alert", now=DUE - timedelta(minutes=30)
        )
    clock.moment = DUE
    assert await digest_tick(runtime) == 2
    queued = await _digests(runtime)
    alerted = "".join(queued[1])
    assert [t for t in titles if t in alerted] == ["新闻丙", "新闻丁", "新闻戊"]
    assert "还有" not in alerted  # three left for it, all listed
    everything = "".join(queued[2])
    assert [t for t in titles if t in everything] == ["新闻甲", "新闻乙", "新闻丙", "新闻丁"]
    assert "<b>其他新闻</b>\n4. 新闻丁" in everything  # the next one, as a headline
    assert "还有 1 条未列出" in everything


async def test_an_article_ingested_after_the_tick_began_comes_in_the_next_digest(
    runtime: Runtime, clock: Clock
) -> None:
    await _subscribe(runtime, [1])
    await _ingest(runtime, ["准时的新闻"], DUE - timedelta(hours=1))
    # Another process ingests while the tick runs, with a clock a moment later than its own.
    await _ingest(runtime, ["稍晚的新闻"], DUE + timedelta(seconds=2))
    clock.moment = DUE
    assert await digest_tick(runtime) == 1
    [today] = (await _digests(runtime))[1]
    assert "准时的新闻" in today
    assert "稍晚的新闻" not in today
    clock.moment = DUE + timedelta(days=1)
    assert await digest_tick(runtime) == 1
    tomorrow = (await _digests(runtime))[1][-1]
    assert "稍晚的新闻" in tomorrow
    assert "准时的新闻" not in tomorrow


async def test_more_distinct_windows_than_the_cache_holds_still_get_their_own(
    runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tick_module, "TICK_PAGE", 2)
    monkeypatch.setattr(digest_windows, "CACHED_WINDOWS", 1)
    monkeypatch.setattr(digest_windows, "CACHED_RENDERS", 1)
    categories = ["国际", "体育", "财经", "科技"]
    for offset, category in enumerate(categories):
        await _subscribe(runtime, [10 + offset, 20 + offset], categories=[category])
        await _ingest(runtime, [f"{category}的消息"], DUE - timedelta(hours=1), category=category)
    clock.moment = DUE
    assert await digest_tick(runtime) == 8
    queued = await _digests(runtime)
    for offset, category in enumerate(categories):
        for chat in (10 + offset, 20 + offset):
            [message] = queued[chat]
            assert f"{category}的消息" in message
            assert sum(f"{c}的消息" in message for c in categories) == 1


async def test_due_pages_follow_the_keyset_not_an_offset(runtime: Runtime) -> None:
    await _subscribe(runtime, [5, 3], due=DUE - timedelta(minutes=1))
    await _subscribe(runtime, [4, 1, 2])
    seen: list[int] = []
    after = None
    while True:
        async with runtime.db.transaction() as session:
            page = await claim_due_page(session, now=DUE, after=after, limit=2)
        seen += [due.chat_id for due in page]
        if len(page) < 2:
            break
        after = page[-1].cursor
    assert seen == [3, 5, 1, 2, 4]


def test_the_bounded_cache_keeps_the_most_recently_used() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
