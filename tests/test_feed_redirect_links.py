"""A feed's relative item links are resolved against the URL the feed came from after its
redirects, not the URL it was asked at: the same feed moved to a folder of its own (a
temporary redirect, so the feed keeps its URL) has its links there. SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.services.context import Runtime
from bot.services.feeds import poll_due_feeds
from storage.models import Article, Feed
from tests.feeds_helpers import add_due_feed, stored_feed
from tests.feedserver import FeedServer, news_items, rss_feed

pytest_plugins = ["tests.feeds_fixtures"]  # feed_server, feed_runtime


async def test_relative_item_links_resolve_against_the_url_after_redirects(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    first, second = news_items(2)
    items = [replace(first, link="1.html"), replace(second, link="/top/2.html")]
    feed_server.serve("/news/world/feed.xml", rss_feed(items))
    feed_server.redirect("/feed.xml", "/news/world/feed.xml", status=302)
    feed_id = await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
    assert (outcome.ok, outcome.new) == (True, 2)
    async with feed_runtime.db.transaction() as session:
        urls = set((await session.scalars(select(Article.url))).all())
    assert urls == {feed_server.url("/news/world/1.html"), feed_server.url("/top/2.html")}
    feed: Feed = await stored_feed(feed_runtime, feed_id)
    assert feed.url == feed_server.url("/feed.xml")  # a temporary redirect moves no feed
