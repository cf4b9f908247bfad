"""Polling feeds: conditional GET, intervals and backoff on the test clock, broken feeds,
bounded concurrency, and two pollers sharing the work. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import logging
from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import select

from bot.fetching.fetcher import Fetcher
from bot.services.context import Runtime
from bot.services.feed_polling import LEASE
from bot.services.feeds import feed_poll_job, poll_due_feeds
from digest.feed_schedule import (
    BACKOFF_CAP,
    BROKEN_AFTER_FAILURES,
    LONGEST_HINT,
    backoff_interval,
)
from storage.db import Database
from storage.heartbeats import last_beats
from storage.models import Article, OutboxMessage
from tests.conftest import DATA, Clock, another_process
from tests.factories import private_chat
from tests.feeds_helpers import (
    ADMIN_ID,
    add_due_feed,
    article_titles,
    eventually,
    stored_feed,
)
from tests.feedserver import FeedServer, news_items, rss_feed
from tests.refusals import allow_articles_again, refuse_articles_where

pytest_plugins = ["tests.feeds_fixtures"]  # feed_server, feed_runtime

INTERVAL = timedelta(seconds=900)


async def test_a_due_feed_is_polled_and_its_items_stored(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(3))
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    report = await poll_due_feeds(feed_runtime)
    [outcome] = report.outcomes
    assert (outcome.ok, outcome.items, outcome.new) == (True, 3, 3)
    assert len(await article_titles(feed_runtime)) == 3
    feed = await stored_feed(feed_runtime, feed_id)
    assert feed.title == "测试新闻源"
    assert feed.item_count == 3
    assert feed.articles_added == 3
    assert feed.last_success_at == feed_runtime.now()
    assert feed.next_poll_at == feed_runtime.now() + INTERVAL


async def test_unchanged_feed_answers_304_and_adds_nothing(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(3))
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    await poll_due_feeds(feed_runtime)
    clock.advance(seconds=900)
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert outcome.not_modified
    assert outcome.new == 0
    first, second = feed_server.requests("/feed.xml")
    assert "If-None-Match" not in first.headers
    assert second.headers["If-None-Match"] == (await stored_feed(feed_runtime, feed_id)).etag
    feed = await stored_feed(feed_runtime, feed_id)
    assert feed.item_count == 3  # what the last full answer had
    assert feed.articles_added == 3


async def test_last_modified_is_sent_back_when_there_is_no_etag(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    changed = clock() - timedelta(hours=1)
    feed_server.serve_feed("/feed.xml", news_items(2), etag=False, last_modified=changed)
    await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    await poll_due_feeds(feed_runtime)
    clock.advance(seconds=900)
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert outcome.not_modified
    assert "If-Modified-Since" in feed_server.requests("/feed.xml")[1].headers


async def test_a_feed_is_not_polled_before_its_interval(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(1))
    await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    await poll_due_feeds(feed_runtime)
    clock.advance(seconds=899)
    assert (await poll_due_feeds(feed_runtime)).outcomes == []
    assert len(feed_server.requests()) == 1


async def test_a_changing_feed_adds_only_its_new_items(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(3))
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    await poll_due_feeds(feed_runtime)
    feed_server.serve_feed("/feed.xml", news_items(4, start=2))  # 2, 3 again; 4, 5 new
    clock.advance(seconds=900)
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert (outcome.items, outcome.new) == (4, 2)
    assert len(await article_titles(feed_runtime)) == 5
    assert (await stored_feed(feed_runtime, feed_id)).articles_added == 5


async def test_a_longer_ttl_or_max_age_is_honoured(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    feed_server.serve_feed("/ttl.xml", news_items(1, prefix="甲"), ttl=60)
    feed_server.serve_feed("/cache.xml", news_items(1, prefix="乙"), cache_control="max-age=7200")
    feed_server.serve_feed("/short.xml", news_items(1, prefix="丙"), cache_control="max-age=60")
    ids = [
        await add_due_feed(feed_runtime, feed_server.url(path))
        for path in ("/ttl.xml", "/cache.xml", "/short.xml")
    ]
    await poll_due_feeds(feed_runtime)
    now = feed_runtime.now()
    delays = [(await stored_feed(feed_runtime, i)).next_poll_at - now for i in ids]
    assert delays == [timedelta(hours=1), timedelta(hours=2), INTERVAL]


async def test_failures_back_off_exponentially_up_to_a_cap_then_recover(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(2))
    feed_server.fail("/feed.xml", 500)
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    delays = []
    for failures in range(1, 8):
        [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
        assert not outcome.ok
        assert "500" in (outcome.error or "")
        feed = await stored_feed(feed_runtime, feed_id)
        assert feed.consecutive_failures == failures
        assert feed.last_error == outcome.error
        delay = feed.next_poll_at - clock()
        full = backoff_interval(INTERVAL, failures, random=lambda: 0.0)
        assert full * 0.8 <= delay <= full
        delays.append(full)
        clock.moment = feed.next_poll_at
    assert delays[:4] == [INTERVAL, INTERVAL * 2, INTERVAL * 4, INTERVAL * 8]
    assert delays[-1] == BACKOFF_CAP
    feed_server.serve_feed("/feed.xml", news_items(2))
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert outcome.ok
    feed = await stored_feed(feed_runtime, feed_id)
    assert feed.consecutive_failures == 0
    assert feed.next_poll_at == clock() + INTERVAL
    assert "500" in (feed.last_error or "")  # still shown, with its time, in /feeds


async def test_a_feed_failing_for_a_day_is_marked_broken_and_admins_told_once(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    feed_server.fail("/feed.xml", 503)
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    start = clock()
    notices = []
    for _ in range(BROKEN_AFTER_FAILURES + 3):
        report = await poll_due_feeds(feed_runtime)
        notices.extend(report.notices)
        feed = await stored_feed(feed_runtime, feed_id)
        if feed.broken:
            assert feed.consecutive_failures >= BROKEN_AFTER_FAILURES
            assert clock() - start >= timedelta(days=1)
        clock.moment = feed.next_poll_at
    assert (await stored_feed(feed_runtime, feed_id)).broken
    [(admin, text)] = notices
    assert admin == ADMIN_ID
    assert feed_server.url("/feed.xml") in text
    assert "503" in text
    async with feed_runtime.db.transaction() as session:
        queued = (await session.scalars(select(OutboxMessage))).all()
    assert [(m.chat_id, m.kind, m.status, m.text) for m in queued] == [
        (ADMIN_ID, "notice", "pending", text)
    ]
    feed_server.serve_feed("/feed.xml", news_items(1))
    await poll_due_feeds(feed_runtime)
    assert not (await stored_feed(feed_runtime, feed_id)).broken


async def test_a_slow_feed_does_not_hold_up_the_others(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    release = feed_server.hold("/slow.xml")
    feed_server.serve_feed("/slow.xml", news_items(1, prefix="慢"))
    for name in "abc":
        feed_server.serve_feed(f"/{name}.xml", news_items(2, prefix=name))
    await add_due_feed(feed_runtime, feed_server.url("/slow.xml"))
    for name in "abc":
        await add_due_feed(feed_runtime, feed_server.url(f"/{name}.xml"))
    polling = asyncio.create_task(poll_due_feeds(feed_runtime, concurrency=2))
    await feed_server.wait_for_requests("/slow.xml")

    async def others_stored() -> bool:
        return len(await article_titles(feed_runtime)) == 6

    await eventually(others_stored)
    assert not polling.done()
    release.set()
    report = await polling
    assert len(report.outcomes) == 4
    assert all(outcome.ok for outcome in report.outcomes)
    assert len(await article_titles(feed_runtime)) == 7


async def test_parsing_problems_are_failures_naming_the_url(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    feed_server.serve("/laughs.xml", (DATA / "feeds" / "billion_laughs.xml").read_bytes())
    feed_server.serve("/other.xml", b'<?xml version="1.0"?><catalog><book/></catalog>')
    laughs = await add_due_feed(feed_runtime, feed_server.url("/laughs.xml"))
    other = await add_due_feed(feed_runtime, feed_server.url("/other.xml"))
    report = await poll_due_feeds(feed_runtime)
    assert report.failed == 2
    laughs_error = (await stored_feed(feed_runtime, laughs)).last_error or ""
    assert laughs_error.startswith(feed_server.url("/laughs.xml"))
    assert "entities" in laughs_error
    other_error = (await stored_feed(feed_runtime, other)).last_error or ""
    assert other_error.startswith(feed_server.url("/other.xml"))


async def test_a_feed_that_is_not_well_formed_is_a_failed_poll_with_the_parsers_reason(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    feed_server.serve("/cut.xml", (DATA / "feeds" / "unclosed_item.xml").read_bytes())
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/cut.xml"))
    report = await poll_due_feeds(feed_runtime)
    assert report.failed == 1
    feed = await stored_feed(feed_runtime, feed_id)
    assert feed.last_error == (
        f"{feed_server.url('/cut.xml')}: not a well-formed feed: no element found, line 1"
    )
    assert feed.consecutive_failures == 1


async def test_a_feed_category_applies_to_all_its_items(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(2))
    await add_due_feed(feed_runtime, feed_server.url("/feed.xml"), category="国际")
    await poll_due_feeds(feed_runtime)
    async with feed_runtime.db.transaction() as session:
        categories = set((await session.scalars(select(Article.category))).all())
    assert categories == {"国际"}


async def test_private_addresses_are_refused_when_not_allowed(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    feed_runtime.settings = feed_runtime.settings.model_copy(
        update={"allow_private_feed_urls": False}
    )
    feed_server.serve_feed("/feed.xml", news_items(1))
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    await poll_due_feeds(feed_runtime)
    assert "loopback" in ((await stored_feed(feed_runtime, feed_id)).last_error or "")
    assert feed_server.requests() == []


async def test_two_pollers_never_poll_the_same_feed(
    feed_runtime: Runtime, feed_server: FeedServer, database_url: str, clock: Clock
) -> None:
    for n in range(8):
        feed_server.serve_feed(f"/{n}.xml", news_items(1, prefix=f"源{n}"))
        await add_due_feed(feed_runtime, feed_server.url(f"/{n}.xml"))
    other = Runtime(settings=feed_runtime.settings, db=Database(database_url), clock=clock)
    try:
        first, second = await asyncio.gather(
            poll_due_feeds(feed_runtime, concurrency=3), poll_due_feeds(other, concurrency=3)
        )
    finally:
        await other.db.dispose()
    assert len(first.outcomes) + len(second.outcomes) == 8
    assert sorted(r.path for r in feed_server.requests()) == sorted(f"/{n}.xml" for n in range(8))


async def test_the_poll_job_beats_for_health_checks(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(1))
    await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    job, seconds = feed_poll_job(feed_runtime)
    assert seconds <= 60
    report = await job()
    assert report.new == 1
    async with feed_runtime.db.transaction() as session:
        beats = await last_beats(session)
    at, detail = beats["feed_poll"]
    assert at == feed_runtime.now()
    assert detail == "polled 1, new 1, failed 0"


async def test_a_timeout_is_a_failure_like_any_other(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(1))
    feed_server.hold("/feed.xml")
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    async with Fetcher(allow_private=True, timeout=0.2) as fetcher:
        report = await poll_due_feeds(feed_runtime, fetcher=fetcher)
    assert report.failed == 1
    assert "timed out" in ((await stored_feed(feed_runtime, feed_id)).last_error or "")


async def test_a_feed_whose_items_cannot_be_stored_backs_off_and_the_others_are_polled(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    feed_server.serve("/bad.xml", rss_feed(news_items(2, prefix="坏"), title="坏源"))
    feed_server.serve_feed("/good.xml", news_items(2, prefix="好"))
    bad = await add_due_feed(feed_runtime, feed_server.url("/bad.xml"))
    good = await add_due_feed(feed_runtime, feed_server.url("/good.xml"))
    await refuse_articles_where(feed_runtime, "source", "坏源")
    report = await poll_due_feeds(feed_runtime, concurrency=1)
    assert [outcome.ok for outcome in report.outcomes] == [False, True]
    assert (await stored_feed(feed_runtime, good)).articles_added == 2
    feed = await stored_feed(feed_runtime, bad)
    assert feed.consecutive_failures == 1
    assert (feed.last_error or "").startswith(feed_server.url("/bad.xml"))
    assert feed.etag is None  # nothing of the failed poll was kept: the next one fetches all
    assert feed.next_poll_at >= clock() + INTERVAL * 0.8
    await allow_articles_again(feed_runtime)
    clock.moment = feed.next_poll_at
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert (outcome.ok, outcome.new) == (True, 2)
    assert "If-None-Match" not in feed_server.requests("/bad.xml")[-1].headers


async def test_an_absurd_ttl_or_max_age_is_honoured_up_to_a_day(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    huge = 10**20
    feed_server.serve_feed("/ttl.xml", news_items(1, prefix="甲"), ttl=huge)
    feed_server.serve_feed("/int.xml", news_items(1, prefix="乙"), ttl=10**8)  # over 2**31 s
    feed_server.serve_feed(
        "/cache.xml", news_items(1, prefix="丙"), cache_control=f"max-age={huge}"
    )
    ids = [
        await add_due_feed(feed_runtime, feed_server.url(path))
        for path in ("/ttl.xml", "/int.xml", "/cache.xml")
    ]
    report = await poll_due_feeds(feed_runtime)
    assert [outcome.error for outcome in report.outcomes] == [None] * 3
    now = feed_runtime.now()
    delays = [(await stored_feed(feed_runtime, i)).next_poll_at - now for i in ids]
    assert delays == [LONGEST_HINT] * 3


async def test_a_feed_with_a_very_long_title_is_stored_with_the_title_cut(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    name = "很长的新闻源名称" * 50  # 400 characters: more than feeds and articles keep
    feed_server.serve("/feed.xml", rss_feed(news_items(2), title=name))
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert (outcome.error, outcome.new) == (None, 2)
    title = (await stored_feed(feed_runtime, feed_id)).title or ""
    assert name.startswith(title.removesuffix("…"))
    async with feed_runtime.db.transaction() as session:
        sources = (await session.scalars(select(Article.source))).all()
    assert all(name.startswith((source or "").removesuffix("…")) for source in sources)


async def test_an_item_with_a_nul_or_surrogate_reference_is_stored_without_it(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    first, second = news_items(2)
    document = rss_feed([first, second]).replace(b"</description>", b"&#0;</description>", 1)
    title = second.title.encode()
    feed_server.serve("/feed.xml", document.replace(title, title + b"&#xD800;"))
    await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert (outcome.error, outcome.new) == (None, 2)
    assert await article_titles(feed_runtime) == [first.title, second.title]


async def test_the_broken_notice_of_a_feed_with_a_very_long_url_fits_a_message(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    feed_server.fail("/feed.xml", 503)
    url = feed_server.url("/feed.xml?token=" + "a" * 3000)
    feed_id = await add_due_feed(feed_runtime, url)
    notices = []
    while not (await stored_feed(feed_runtime, feed_id)).broken:
        notices.extend((await poll_due_feeds(feed_runtime)).notices)
        clock.moment = (await stored_feed(feed_runtime, feed_id)).next_poll_at
    [(_, text)] = notices
    assert len(text) <= 4096
    assert url[:100] in text
    assert "503" in text


async def test_relative_item_links_are_stored_as_absolute_urls(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    item = news_items(1)[0]
    feed_server.serve("/news/feed.xml", rss_feed([replace(item, link="1.html")]))
    await add_due_feed(feed_runtime, feed_server.url("/news/feed.xml"))
    await poll_due_feeds(feed_runtime)
    async with feed_runtime.db.transaction() as session:
        urls = (await session.scalars(select(Article.url))).all()
    assert urls == [feed_server.url("/news/1.html")]


async def test_a_permanent_redirect_moves_the_feed_to_its_new_url(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    feed_server.serve_feed("/new.xml", news_items(2))
    feed_server.redirect("/old.xml", "/middle.xml", status=301)
    feed_server.redirect("/middle.xml", feed_server.url("/new.xml#top"), status=308)
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/old.xml"))
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert (outcome.ok, outcome.new) == (True, 2)
    assert (await stored_feed(feed_runtime, feed_id)).url == feed_server.url("/new.xml")
    clock.advance(seconds=900)
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert outcome.not_modified
    assert [r.path for r in feed_server.requests()] == [
        "/old.xml",
        "/middle.xml",
        "/new.xml",
        "/new.xml",
    ]


async def test_a_temporary_redirect_or_one_to_another_feed_keeps_the_url(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    feed_server.serve_feed("/new.xml", news_items(2))
    feed_server.redirect("/moved.xml", "/new.xml", status=301)
    feed_server.redirect("/temporary.xml", "/new.xml", status=307)
    feed_server.redirect("/mixed.xml", "/moved.xml", status=302)
    urls = [feed_server.url(path) for path in ("/temporary.xml", "/mixed.xml", "/new.xml")]
    ids = [await add_due_feed(feed_runtime, url) for url in urls]
    await poll_due_feeds(feed_runtime)
    moved = await add_due_feed(feed_runtime, feed_server.url("/moved.xml"))
    report = await poll_due_feeds(feed_runtime)
    assert all(outcome.ok for outcome in report.outcomes)
    assert [(await stored_feed(feed_runtime, i)).url for i in ids] == urls
    assert (await stored_feed(feed_runtime, moved)).url == feed_server.url("/moved.xml")


async def test_the_broken_notice_speaks_the_admins_language_and_time_zone(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    async with feed_runtime.db.transaction() as session:
        chat = private_chat(ADMIN_ID, created_at=clock())
        chat.language, chat.timezone = "en", "UTC"
        session.add(chat)
    feed_server.fail("/feed.xml", 503)
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    notices = []
    while not (await stored_feed(feed_runtime, feed_id)).broken:
        notices.extend((await poll_due_feeds(feed_runtime)).notices)
        clock.moment = (await stored_feed(feed_runtime, feed_id)).next_poll_at
    [(_, text)] = notices
    assert "has failed" in text
    assert "since 2026-11-24 12:00" in text  # the first failure, in UTC (20:00 in Shanghai)


async def test_an_item_dated_in_the_future_is_taken_as_published_when_fetched(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    past, future, soon = news_items(3)
    items = [
        past,
        replace(future, published=clock() + timedelta(days=365 * 70)),  # a typo: 2096
        replace(soon, published=clock() + timedelta(minutes=5)),  # clocks a little apart
    ]
    feed_server.serve_feed("/feed.xml", items)
    await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    await poll_due_feeds(feed_runtime)
    async with feed_runtime.db.transaction() as session:
        stored = (await session.execute(select(Article.title, Article.published_at))).all()
    assert dict(stored) == {
        past.title: past.published,
        future.title: clock(),
        soon.title: items[2].published,
    }


async def test_retry_after_of_a_429_or_503_is_honoured_up_to_the_backoff_cap(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    later = format_datetime(clock() + timedelta(hours=3), usegmt=True)
    answers = {
        "/seconds.xml": (429, "7200"),
        "/date.xml": (503, later),
        "/forever.xml": (429, "99999999999999999999"),
        "/short.xml": (503, "60"),  # sooner than the backoff: the backoff wins
        "/nonsense.xml": (429, "soon"),
    }
    ids = []
    for path, (status, retry_after) in answers.items():
        feed_server.fail(
            path,
            status,
            headers={"Retry-After": retry_after, "Date": format_datetime(clock(), usegmt=True)},
        )
        ids.append(await add_due_feed(feed_runtime, feed_server.url(path)))
    report = await poll_due_feeds(feed_runtime)
    assert report.failed == 5
    delays = [(await stored_feed(feed_runtime, i)).next_poll_at - clock() for i in ids]
    assert delays[:3] == [timedelta(hours=2), timedelta(hours=3), BACKOFF_CAP]
    assert all(INTERVAL * 0.8 <= delay <= INTERVAL for delay in delays[3:])


async def test_a_poll_that_outlived_its_lease_leaves_the_newer_polls_state_alone(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(2))
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    release = feed_server.hold("/feed.xml")
    slow = asyncio.create_task(poll_due_feeds(feed_runtime))
    await feed_server.wait_for_requests("/feed.xml")
    clock.advance(seconds=LEASE.total_seconds() + 1)  # the slow poll's lease ran out
    feed_server.stop_holding("/feed.xml")
    async with another_process(feed_runtime) as other:
        [outcome] = (await poll_due_feeds(other)).outcomes
    assert (outcome.ok, outcome.new) == (True, 2)
    polled = await stored_feed(feed_runtime, feed_id)
    feed_server.fail("/feed.xml", 500)
    release.set()
    [late] = (await slow).outcomes
    assert not late.ok
    feed = await stored_feed(feed_runtime, feed_id)
    assert (feed.consecutive_failures, feed.last_error) == (0, None)
    assert (feed.next_poll_at, feed.etag) == (polled.next_poll_at, polled.etag)


async def test_a_feed_with_a_password_is_fetched_with_it_and_never_shows_it(
    feed_runtime: Runtime,
    feed_server: FeedServer,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    feed_server.fail("/private.xml", 503)
    feed_server.redirect("/old.xml", "/private.xml", status=301)
    url = feed_server.url("/old.xml").replace("//", "//reader:s3cret@", 1)
    feed_id = await add_due_feed(feed_runtime, url)
    notices = []
    for _ in range(BROKEN_AFTER_FAILURES):
        notices.extend((await poll_due_feeds(feed_runtime)).notices)
        clock.moment = (await stored_feed(feed_runtime, feed_id)).next_poll_at
    [(_, notice)] = notices
    feed = await stored_feed(feed_runtime, feed_id)
    shown = feed_server.url("/old.xml").replace("//", "//reader:***@", 1)
    assert shown in notice
    assert shown in (feed.last_error or "")
    assert "s3cret" not in notice + (feed.last_error or "") + caplog.text
    authorization = feed_server.requests("/private.xml")[0].headers["Authorization"]
    assert base64.b64decode(authorization.removeprefix("Basic ")) == b"reader:s3cret"


async def test_a_permanent_redirect_to_a_page_is_a_failure_and_keeps_the_url(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(1))
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    await poll_due_feeds(feed_runtime)
    home = b"<!doctype html><html><head><title>Home</title></head><body><p>Hi.</p></body></html>"
    feed_server.serve("/", home, content_type="text/html; charset=utf-8")
    feed_server.redirect("/feed.xml", "/", status=301)
    clock.advance(seconds=900)
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert not outcome.ok
    assert outcome.error == (
        f"{feed_server.url('/feed.xml')}: moved permanently to {feed_server.url('/')}, "
        "a page, not an RSS or Atom feed"
    )
    feed = await stored_feed(feed_runtime, feed_id)
    assert (feed.url, feed.consecutive_failures) == (feed_server.url("/feed.xml"), 1)
    assert len(await article_titles(feed_runtime)) == 1


async def test_a_network_outage_breaks_no_feed_and_a_dead_feed_among_live_ones_breaks(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    async with FeedServer() as gone:  # closed at once: every connection is refused
        ids = [await add_due_feed(feed_runtime, gone.url(p)) for p in ("/a.xml", "/b.xml")]
    start = clock()
    notices = []
    for _ in range(100):
        notices.extend((await poll_due_feeds(feed_runtime)).notices)
        feeds = [await stored_feed(feed_runtime, feed_id) for feed_id in ids]
        if all(f.consecutive_failures > BROKEN_AFTER_FAILURES for f in feeds):
            break
        clock.moment = min(f.next_poll_at for f in feeds)
    assert clock() - start > timedelta(days=1)
    assert notices == []
    assert not any(f.broken for f in feeds)
    # The network is back: a feed answers; one still unreachable is broken at its next try.
    feed_server.serve_feed("/live.xml", news_items(1))
    await add_due_feed(feed_runtime, feed_server.url("/live.xml"))
    [live] = (await poll_due_feeds(feed_runtime)).outcomes  # the others are not due yet
    assert live.ok
    clock.moment = max(f.next_poll_at for f in feeds) + timedelta(seconds=1)
    notices = (await poll_due_feeds(feed_runtime)).notices
    assert [(await stored_feed(feed_runtime, feed_id)).broken for feed_id in ids] == [True, True]
    assert len(notices) == 2


_NEWS_PAGE = (
    "<!doctype html><html><head><title>Bridge plans approved</title></head><body><article>"
    "<h1>Bridge plans approved</h1>"
    + "<p>The council met on Tuesday to discuss the new bridge and approved it.</p>" * 12
    + "</article></body></html>"
).encode()


async def test_a_page_polled_as_a_feed_follows_its_permanent_move_to_another_host(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    # As http://site/news moved to https://site/news (or to www.): the same page, elsewhere.
    html = "text/html; charset=utf-8"
    feed_server.serve("/news.html", _NEWS_PAGE, content_type=html)
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/news.html"))
    [first] = (await poll_due_feeds(feed_runtime)).outcomes
    assert first.ok, first.error
    async with FeedServer() as moved:
        moved.serve("/news.html", _NEWS_PAGE + b"\n", content_type=html)  # a new ETag
        feed_server.redirect("/news.html", moved.url("/news.html"), status=301)
        clock.advance(seconds=900)
        [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert outcome.ok, outcome.error
    assert (await stored_feed(feed_runtime, feed_id)).url == moved.url("/news.html")


async def test_a_permanent_redirect_answered_not_modified_moves_no_feed(
    feed_runtime: Runtime, feed_server: FeedServer, clock: Clock
) -> None:
    # The feed's If-Modified-Since goes along the redirect: a home page older than the feed
    # answers 304, no document to tell whether it is a feed.
    changed = clock() - timedelta(hours=1)
    feed_server.serve_feed("/feed.xml", news_items(1), etag=False, last_modified=changed)
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    await poll_due_feeds(feed_runtime)
    older = changed - timedelta(days=30)
    feed_server.serve("/", _NEWS_PAGE, content_type="text/html", etag=False, last_modified=older)
    feed_server.redirect("/feed.xml", "/", status=301)
    clock.advance(seconds=900)
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert outcome.not_modified
    assert (await stored_feed(feed_runtime, feed_id)).url == feed_server.url("/feed.xml")
