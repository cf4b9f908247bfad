"""/addfeed, /feeds, /removefeed, /stats through the real PTB Application and the fake Bot
API, with a local feed server; admins and everyone else."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from telegram.ext import Application

from bot.services.context import Runtime
from bot.services.feeds import poll_due_feeds
from storage.models import OutboxMessage
from tests.conftest import Clock
from tests.conversation import say
from tests.factories import add_subscribed_chat
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi
from tests.feeds_helpers import (
    ADMIN_ID,
    add_due_feed,
    article_titles,
    feed_count,
    stored_feed,
)
from tests.feedserver import FeedServer, news_items, rss_feed

pytest_plugins = ["tests.feeds_fixtures"]  # feed_server, feed_runtime


async def as_admin(api: FakeBotApi, text: str, **options: Any) -> str:
    """The reply to ``text`` sent by the admin (unless ``options`` name another user)."""
    return await say(api, text, **{"user_id": ADMIN_ID, **options})


@pytest.mark.parametrize("command", ["/addfeed {url} 国际", "/feeds", "/removefeed 1", "/stats"])
async def test_others_get_a_polite_refusal_and_nothing_happens(
    feed_runtime: Runtime,
    feed_server: FeedServer,
    fake_api: FakeBotApi,
    bot: Application,
    command: str,
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(2))
    await add_due_feed(feed_runtime, feed_server.url("/other.xml"))
    reply = await as_admin(
        fake_api, command.format(url=feed_server.url("/feed.xml")), user_id=DEFAULT_USER_ID
    )
    assert "管理员" in reply
    assert feed_server.requests() == []
    assert await feed_count(feed_runtime) == 1
    assert await article_titles(feed_runtime) == []


async def test_admin_adds_a_feed_and_hears_how_many_items_it_has(
    feed_runtime: Runtime, feed_server: FeedServer, fake_api: FakeBotApi, bot: Application
) -> None:
    items = news_items(3)
    feed_server.serve_feed("/feed.xml", items)
    url = feed_server.url("/feed.xml")
    reply = await as_admin(fake_api, f"/addfeed {url} 国际新闻")
    assert "#1" in reply
    assert "找到 3 条" in reply
    assert "新增 3 条" in reply
    assert "测试新闻源" in reply
    feed = await stored_feed(feed_runtime, 1)
    assert (feed.url, feed.category, feed.item_count) == (url, "国际", 3)
    assert feed.next_poll_at == feed_runtime.now() + timedelta(seconds=900)
    latest = await as_admin(fake_api, "/latest 3")
    assert all(item.title in latest for item in items)


async def test_a_duplicate_url_is_refused_with_the_existing_feed_id(
    feed_runtime: Runtime, feed_server: FeedServer, fake_api: FakeBotApi, bot: Application
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(1))
    await add_due_feed(feed_runtime, feed_server.url("/first.xml"))
    await as_admin(fake_api, f"/addfeed {feed_server.url('/feed.xml')}")
    reply = await as_admin(fake_api, f"/addfeed {feed_server.url('/feed.xml')}#again")
    assert "#2" in reply
    assert "已经添加过" in reply
    assert len(feed_server.requests()) == 1
    assert await feed_count(feed_runtime) == 2


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("path", "words"), [("/missing.xml", "404"), ("/broken.xml", "not an RSS or Atom feed")]
)
async def test_a_feed_that_fails_is_not_added_and_the_admin_hears_why(
    feed_runtime: Runtime,
    feed_server: FeedServer,
    fake_api: FakeBotApi,
    path: str,
    words: str,
) -> None:
    feed_server.serve("/broken.xml", b'<?xml version="1.0"?><catalog/>')
    reply = await as_admin(fake_api, f"/addfeed {feed_server.url(path)}")
    assert "没有添加" in reply
    assert words in reply
    assert feed_server.url(path) in reply
    assert await feed_count(feed_runtime) == 0


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:{port}/feed.xml", "loopback"),
        ("http://10.0.0.1/feed.xml", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:{port}/feed.xml", "loopback"),
        ("file:///etc/passwd", "http://"),
    ],
)
async def test_private_addresses_are_refused_when_not_allowed(
    feed_runtime: Runtime,
    feed_server: FeedServer,
    fake_api: FakeBotApi,
    url: str,
    words: str,
) -> None:
    feed_runtime.settings = feed_runtime.settings.model_copy(
        update={"allow_private_feed_urls": False}
    )
    feed_server.serve_feed("/feed.xml", news_items(1))
    reply = await as_admin(fake_api, f"/addfeed {url.format(port=feed_server.port)}")
    assert "没有添加" in reply
    assert words in reply
    assert feed_server.requests() == []
    assert await feed_count(feed_runtime) == 0


async def test_feeds_shows_state_errors_and_backoff(
    feed_runtime: Runtime,
    feed_server: FeedServer,
    fake_api: FakeBotApi,
    bot: Application,
    clock: Clock,
) -> None:
    feed_server.serve_feed("/good.xml", news_items(2))
    feed_server.fail("/bad.xml", 500)
    good = await add_due_feed(feed_runtime, feed_server.url("/good.xml"), category="财经")
    bad = await add_due_feed(feed_runtime, feed_server.url("/bad.xml"))
    pending = await add_due_feed(feed_runtime, feed_server.url("/later.xml"))
    await poll_due_feeds(feed_runtime, limit=2)
    reply = await as_admin(fake_api, "/feeds")
    assert "3 个" in reply
    good_block, bad_block, pending_block = re.split(r"\n\n(?=#\d)", reply.split("\n\n", 1)[1])
    assert good_block.startswith(f"#{good} 测试新闻源 · 财经")
    assert "正常，下次抓取 2026-11-24 20:15" in good_block  # 12:15 UTC in Shanghai
    assert "上次条目 2" in good_block
    assert bad_block.startswith(f"#{bad} {feed_server.url('/bad.xml')}")
    assert "连续失败 1 次" in bad_block
    assert "500" in bad_block
    assert pending_block.startswith(f"#{pending} ")
    assert "等待首次抓取" in pending_block


async def test_feeds_in_english(
    feed_runtime: Runtime, feed_server: FeedServer, fake_api: FakeBotApi, bot: Application
) -> None:
    assert "No feeds yet" in await as_admin(fake_api, "/feeds", language_code="en")
    feed_server.fail("/bad.xml", 502)
    await add_due_feed(feed_runtime, feed_server.url("/bad.xml"), category="财经")
    await poll_due_feeds(feed_runtime)
    reply = await as_admin(fake_api, "/feeds", language_code="en")
    assert "Business" in reply
    assert "failed 1 times in a row" in reply
    assert "502" in reply


async def test_removefeed_removes_and_explains_mistakes(
    feed_runtime: Runtime, feed_server: FeedServer, fake_api: FakeBotApi, bot: Application
) -> None:
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    assert "已删除" in await as_admin(fake_api, f"/removefeed {feed_id}")
    assert await feed_count(feed_runtime) == 0
    assert f"#{feed_id}" in await as_admin(fake_api, f"/removefeed {feed_id}")
    assert "/removefeed" in await as_admin(fake_api, "/removefeed abc")
    assert "/removefeed" in await as_admin(fake_api, "/removefeed")


async def test_addfeed_without_a_url_shows_usage(
    feed_runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    assert "/addfeed" in await as_admin(fake_api, "/addfeed")


async def test_stats_counts_articles_feeds_subscribers_digests_and_errors(
    feed_runtime: Runtime, feed_server: FeedServer, fake_api: FakeBotApi, bot: Application
) -> None:
    now = feed_runtime.now()
    feed_server.serve_feed("/feed.xml", news_items(4))
    feed_server.fail("/bad.xml", 503)
    await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    await add_due_feed(feed_runtime, feed_server.url("/bad.xml"))
    await poll_due_feeds(feed_runtime)
    async with feed_runtime.db.transaction() as session:
        for chat_id, active in ((1, True), (2, True), (3, False)):
            await add_subscribed_chat(
                session, chat_id, created_at=now, next_digest_at=now, active=active
            )
        sent = [("a", 0, now), ("a", 1, now), ("b", 0, now), ("c", 0, now - timedelta(days=1))]
        for batch, sequence, sent_at in sent:
            session.add(
                OutboxMessage(
                    chat_id=1,
                    kind="digest",
                    batch=batch,
                    sequence=sequence,
                    text="x",
                    status="sent",
                    not_before=sent_at,
                    attempts=1,
                    created_at=sent_at,
                    sent_at=sent_at,
                )
            )
    reply = await as_admin(fake_api, "/stats")
    assert "文章：4" in reply
    assert "订阅源：2（失效 0）" in reply
    assert "订阅者：2" in reply
    assert "今天（UTC）已发送摘要：2" in reply
    assert "最近的错误" in reply
    assert "503" in reply


async def test_help_lists_admin_commands_for_admins_only(
    feed_runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    assert "/addfeed" in await as_admin(fake_api, "/help")
    assert "/removefeed" in await as_admin(fake_api, "/help", language_code="en")
    assert "/addfeed" not in await as_admin(fake_api, "/help", user_id=DEFAULT_USER_ID)


async def test_a_feed_with_a_very_long_title_is_added(
    feed_runtime: Runtime, feed_server: FeedServer, fake_api: FakeBotApi, bot: Application
) -> None:
    name = "很长的新闻源名称" * 50  # 400 characters: more than feeds and articles keep
    feed_server.serve("/feed.xml", rss_feed(news_items(2), title=name))
    reply = await as_admin(fake_api, f"/addfeed {feed_server.url('/feed.xml')}")
    assert "已添加订阅源 #1" in reply
    assert "新增 2 条" in reply
    title = (await stored_feed(feed_runtime, 1)).title or "-"
    assert name.startswith(title.removesuffix("…"))  # cut, not lost


async def test_feeds_shows_why_a_feed_with_a_very_long_url_fails(
    feed_runtime: Runtime, feed_server: FeedServer, fake_api: FakeBotApi, bot: Application
) -> None:
    feed_server.fail("/feed.xml", 503)
    url = feed_server.url("/feed.xml?token=" + "a" * 3000)
    await add_due_feed(feed_runtime, url)
    await poll_due_feeds(feed_runtime)
    reply = await as_admin(fake_api, "/feeds")
    assert url[:100] in reply
    assert "503 Service Unavailable" in reply


async def test_removefeed_of_a_number_no_feed_can_have_is_a_missing_feed(
    feed_runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    await add_due_feed(feed_runtime, "https://news.example/feed.xml")
    huge = "9" * 25  # beyond a 64-bit id
    assert f"没有编号为 #{huge} 的订阅源" in await as_admin(fake_api, f"/removefeed {huge}")
    assert "/removefeed" in await as_admin(fake_api, "/removefeed ²")  # a digit int() refuses
    assert await feed_count(feed_runtime) == 1


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize("path", ["", "/redirect.xml"])
async def test_a_port_that_cannot_exist_is_refused_with_a_reason(
    feed_runtime: Runtime, feed_server: FeedServer, fake_api: FakeBotApi, path: str
) -> None:
    feed_server.redirect("/redirect.xml", "http://127.0.0.1:99999/feed.xml", status=301)
    url = feed_server.url(path) if path else "http://127.0.0.1:99999/feed.xml"
    reply = await as_admin(fake_api, f"/addfeed {url}")
    assert "没有添加" in reply
    assert "99999" in reply
    assert await feed_count(feed_runtime) == 0


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize("host", ["a" * 64 + ".example.com", "news..example.com"])
async def test_a_host_name_that_cannot_exist_is_refused_with_a_reason(
    feed_runtime: Runtime, fake_api: FakeBotApi, host: str
) -> None:
    reply = await as_admin(fake_api, f"/addfeed http://{host}/feed.xml")
    assert "没有添加" in reply
    assert "host name" in reply
    assert await feed_count(feed_runtime) == 0


async def test_a_url_moved_permanently_is_added_under_its_new_url_once(
    feed_runtime: Runtime, feed_server: FeedServer, fake_api: FakeBotApi, bot: Application
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(1))
    feed_server.redirect("/old.xml", "/feed.xml", status=301)
    feed_server.redirect("/older.xml", "/feed.xml", status=308)
    added = await as_admin(fake_api, f"/addfeed {feed_server.url('/old.xml')}")
    assert "已添加订阅源 #1" in added
    assert (await stored_feed(feed_runtime, 1)).url == feed_server.url("/feed.xml")
    again = await as_admin(fake_api, f"/addfeed {feed_server.url('/older.xml')}")
    assert "已经添加过" in again
    assert "#1" in again
    assert await feed_count(feed_runtime) == 1


@pytest.mark.usefixtures("bot")
async def test_a_feed_scheme_url_is_added_as_its_http_url(
    feed_runtime: Runtime, feed_server: FeedServer, fake_api: FakeBotApi
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(1))
    url = feed_server.url("/feed.xml")
    reply = await as_admin(fake_api, f"/addfeed feed://{url.removeprefix('http://')}")
    assert "已添加订阅源 #1" in reply
    again = await as_admin(fake_api, f"/addfeed feed:{url}")
    assert "已经添加过" in again
    assert (await stored_feed(feed_runtime, 1)).url == url


@pytest.mark.usefixtures("bot")
async def test_feeds_shows_a_feed_url_without_its_password(
    feed_runtime: Runtime, feed_server: FeedServer, fake_api: FakeBotApi
) -> None:
    feed_server.fail("/private.xml", 500)
    url = feed_server.url("/private.xml").replace("//", "//reader:s3cret@", 1)
    await add_due_feed(feed_runtime, url)
    await poll_due_feeds(feed_runtime)
    reply = await as_admin(fake_api, "/feeds")
    assert "reader:***@" in reply
    assert "500" in reply
    removed = await as_admin(fake_api, "/removefeed 1")
    assert "s3cret" not in reply + removed
