"""A feed URL's password is never shown: URLs are shown and logged with it masked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.fetching.credentials import masked_passwords, shown_url, url_without_credentials
from bot.fetching.fetcher import FetchError, checked_url
from bot.services.context import Runtime
from bot.services.feeds import poll_due_feeds
from bot.services.ingest import ingest_inputs
from storage.models import Article
from tests.feeds_helpers import add_due_feed
from tests.feedserver import FeedServer

pytest_plugins = ["tests.feeds_fixtures"]  # feed_server, feed_runtime


@pytest.mark.parametrize(
    ("url", "shown", "bare"),
    [
        (
            "https://user:secret@host.example/feed",
            "https://user:***@host.example/feed",
            "https://host.example/feed",
        ),
        (
            "http://user:p%40ss:word@host.example:8080/a?b=c@d",
            "http://user:***@host.example:8080/a?b=c@d",
            "http://host.example:8080/a?b=c@d",
        ),
        ("https://user@host.example/feed", "https://user@host.example/feed", None),
        ("https://host.example/a@b", "https://host.example/a@b", "https://host.example/a@b"),
        ("not a URL", "not a URL", "not a URL"),
    ],
)
def test_a_url_is_shown_without_its_password(url: str, shown: str, bare: str | None) -> None:
    assert shown_url(url) == shown
    assert url_without_credentials(url) == (bare or "https://host.example/feed")


_PARAGRAPH = "<p>" + "The council met on Tuesday to discuss the new bridge. " * 6 + "</p>"
PAGE = (
    "<!doctype html><html><head><title>Bridge plans approved</title></head><body><article>"
    f"<h1>Bridge plans approved</h1>{_PARAGRAPH * 4}</article></body></html>"
).encode()


async def _article_urls(runtime: Runtime) -> list[str | None]:
    async with runtime.db.transaction() as session:
        return list((await session.scalars(select(Article.url))).all())


@pytest.mark.parametrize("how", ["ingested", "polled"])
async def test_a_page_fetched_with_a_password_is_stored_with_a_link_without_it(
    feed_runtime: Runtime, feed_server: FeedServer, how: str
) -> None:
    # Each way on its own: the second page would be a duplicate of the first, not stored.
    feed_server.serve("/page.html", PAGE, content_type="text/html; charset=utf-8")
    url = feed_server.url("/page.html").replace("//", "//reader:s3cret@", 1)
    if how == "ingested":
        report = await ingest_inputs(feed_runtime, [url])
        assert (report.new, report.failed) == (1, [])
    else:
        await add_due_feed(feed_runtime, url)
        [outcome] = (await poll_due_feeds(feed_runtime)).outcomes
        assert (outcome.ok, outcome.new) == (True, 1)
    assert await _article_urls(feed_runtime) == [feed_server.url("/page.html")]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # A feed: URL stands for the URL inside: its password is masked all the same.
        (
            "feed:https://reader:s3cret@host.example/rss",
            "feed:https://reader:***@host.example/rss",
        ),
        ("FEED:http://reader:s3cret@host.example/", "FEED:http://reader:***@host.example/"),
        (
            "feed://https://reader:s3cret@host.example/rss",
            "feed://https://reader:***@host.example/rss",
        ),
        # A user name that is an e-mail address: parsers take the authority's last @.
        (
            "https://me@mail.example:s3cret@host.example/rss",
            "https://me@mail.example:***@host.example/rss",
        ),
        ("http://[2001:db8::1]:8080/a@b", "http://[2001:db8::1]:8080/a@b"),
        ("https://me@host.example:8443/a:b@c", "https://me@host.example:8443/a:b@c"),
    ],
)
def test_a_password_is_masked_however_the_url_is_written(url: str, shown: str) -> None:
    assert shown_url(url) == shown
    assert masked_passwords(f"feed {url} failed") == f"feed {shown} failed"


def test_a_refused_feed_scheme_url_is_named_without_its_password() -> None:
    with pytest.raises(FetchError) as refused:
        checked_url("feed:https://reader:s3cret@host.example:99999/rss")
    assert str(refused.value) == (
        "feed:https://reader:***@host.example:99999/rss: there is no port 99999"
    )
