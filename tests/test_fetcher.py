"""Safe fetching: http(s) only, no private addresses (every hop), caps, conditional GET.

Only 127.0.0.1 ever receives traffic: refused addresses are refused before connecting.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.fetching import address_guard
from bot.fetching.address_guard import AddressGuard, UnsafeAddressError, refusal_reason
from bot.fetching.fetcher import Fetcher, FetchError, checked_url, fetch_url
from tests.feedserver import FeedServer, news_items, rss_feed


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    async with FeedServer() as server:
        yield server


def fake_resolver(table: dict[str, list[str]]) -> address_guard.Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(-2, "Name or service not known")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - judged, never bound
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-public"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("8.8.8.8", None),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_refusal_reason_names_every_kind_of_non_public_address(
    address: str, reason: str | None
) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) == reason


async def test_guard_refuses_a_name_with_any_private_address() -> None:
    guard = AddressGuard(
        resolver=fake_resolver(
            {"mixed.test": ["93.184.216.34", "10.0.0.7"], "public.test": ["93.184.216.34"]}
        )
    )
    assert await guard.addresses("public.test", 443) == ["93.184.216.34"]
    with pytest.raises(UnsafeAddressError, match=r"mixed\.test resolves to 10\.0\.0\.7"):
        await guard.addresses("mixed.test", 443)
    allowed = AddressGuard(allow_private=True, resolver=fake_resolver({"in.test": ["10.0.0.7"]}))
    assert await allowed.addresses("in.test", 80) == ["10.0.0.7"]


async def test_a_fetch_whose_dns_lookup_never_answers_fails_in_time() -> None:
    async def never_answers(host: str, port: int) -> list[str]:
        await asyncio.Event().wait()
        return []

    async with Fetcher(resolver=never_answers, lookup_timeout=0.05) as fetcher:
        with pytest.raises(FetchError, match=r"no DNS answer in 0\.05 s"):
            await asyncio.wait_for(fetcher.fetch("https://hangs.example/feed.xml"), 5)


async def test_dns_lookups_that_hang_do_not_hold_up_other_work_in_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A DNS server that never answers keeps each lookup's thread until the system gives
    up: more such lookups than the event loop's default pool has threads (at most 32) must
    leave that pool free for the rest (feeds are parsed there)."""
    answer = threading.Event()
    started: list[str] = []
    answered = threading.Semaphore(0)

    def hanging_getaddrinfo(host: str, *_args: object, **_kwargs: object) -> list[object]:
        started.append(host)
        answer.wait(10)
        answered.release()
        return []

    monkeypatch.setattr(address_guard.socket, "getaddrinfo", hanging_getaddrinfo)
    guard = AddressGuard(lookup_timeout=0.05)
    try:
        for number in range(40):
            with pytest.raises(address_guard.LookupTimeoutError):
                await guard.addresses(f"hangs{number}.example", 443)
        assert await asyncio.wait_for(asyncio.to_thread(lambda: "parsed"), 5) == "parsed"
    finally:
        answer.set()
        # The lookups that started end under the fake, never the system's (no real DNS);
        # those still queued when they timed out were cancelled and never start.
        for _ in started:
            await asyncio.to_thread(answered.acquire, timeout=10)


async def test_loopback_is_refused_unless_private_urls_are_allowed(feeds: FeedServer) -> None:
    feeds.serve_feed("/feed.xml", news_items(2))
    with pytest.raises(FetchError) as refused:
        await fetch_url(feeds.url("/feed.xml"), allow_private=False)
    message = str(refused.value)
    assert message.startswith(feeds.url("/feed.xml"))
    assert "loopback" in message
    assert "\n" not in message
    assert feeds.requests() == []
    result = await fetch_url(feeds.url("/feed.xml"), allow_private=True)
    assert result.status == 200
    assert b"<rss" in result.body


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://10.1.2.3/feed.xml", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:8080/feed.xml", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://0.0.0.0:80/", "unspecified"),
        ("https://192.168.0.1/rss", "private"),
    ],
)
async def test_private_addresses_are_refused_before_connecting(url: str, words: str) -> None:
    with pytest.raises(FetchError, match=words) as refused:
        await fetch_url(url, allow_private=False)
    assert str(refused.value).startswith(url)


async def test_a_name_that_resolves_inside_is_refused() -> None:
    resolver = fake_resolver({"intranet.test": ["10.20.30.40"]})
    async with Fetcher(resolver=resolver) as fetcher:
        with pytest.raises(FetchError, match=r"intranet\.test resolves to 10\.20\.30\.40"):
            await fetcher.fetch("http://intranet.test/feed.xml")
        with pytest.raises(FetchError, match=r"cannot resolve host nowhere\.test"):
            await fetcher.fetch("http://nowhere.test/feed.xml")


async def test_connects_to_the_address_it_checked_with_the_url_host_name(
    feeds: FeedServer,
) -> None:
    feeds.serve_feed("/feed.xml", news_items(1))
    resolver = fake_resolver({"feeds.test": ["127.0.0.1"]})
    async with Fetcher(allow_private=True, resolver=resolver) as fetcher:
        result = await fetcher.fetch(f"http://feeds.test:{feeds.port}/feed.xml")
    assert result.status == 200
    [request] = feeds.requests("/feed.xml")
    assert request.headers["Host"] == f"feeds.test:{feeds.port}"


@pytest.mark.parametrize("target", ["http://[::1]:{port}/secret", "http://127.0.0.2:{port}/x"])
async def test_a_redirect_to_loopback_is_refused(
    feeds: FeedServer, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    # The feed server stands for a public host: only its own address passes as public.
    judge = address_guard.refusal_reason
    monkeypatch.setattr(
        address_guard,
        "refusal_reason",
        lambda address: None if str(address) == "127.0.0.1" else judge(address),
    )
    location = target.format(port=feeds.port)
    feeds.redirect("/feed.xml", location)
    with pytest.raises(FetchError) as refused:
        await fetch_url(feeds.url("/feed.xml"), allow_private=False)
    message = str(refused.value)
    assert message.startswith(feeds.url("/feed.xml"))
    assert f"redirected to {location}" in message
    assert "loopback" in message
    assert [r.path for r in feeds.requests()] == ["/feed.xml"]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/feed.xml", "gopher://x/", "not a url"]
)
async def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(FetchError, match=r"http://|valid URL|no host"):
        await fetch_url(url, allow_private=True)


async def test_a_redirect_to_another_scheme_is_refused(feeds: FeedServer) -> None:
    feeds.redirect("/feed.xml", "file:///etc/passwd")
    with pytest.raises(FetchError, match=r"redirected to file:.*/etc/passwd.*http://"):
        await fetch_url(feeds.url("/feed.xml"), allow_private=True)


async def test_redirects_are_followed_to_the_final_url(feeds: FeedServer) -> None:
    feeds.redirect("/old.xml", "/middle.xml", status=301)
    feeds.redirect("/middle.xml", feeds.url("/feed.xml"), status=307)
    feeds.serve_feed("/feed.xml", news_items(1))
    result = await fetch_url(feeds.url("/old.xml"), allow_private=True)
    assert result.status == 200
    assert result.url == feeds.url("/feed.xml")


async def test_more_than_five_redirects_fail(feeds: FeedServer) -> None:
    for n in range(7):
        feeds.redirect(f"/r{n}", f"/r{n + 1}")
    feeds.serve_feed("/r7", news_items(1))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        await fetch_url(feeds.url("/r0"), allow_private=True)
    assert len(feeds.requests()) == 6


async def test_conditional_get_with_etag_gets_304(feeds: FeedServer) -> None:
    feeds.serve_feed("/feed.xml", news_items(2), cache_control="public, max-age=1800")
    async with Fetcher(allow_private=True) as fetcher:
        first = await fetcher.fetch(feeds.url("/feed.xml"))
        again = await fetcher.fetch(feeds.url("/feed.xml"), etag=first.etag)
    assert first.status == 200
    assert first.etag
    assert first.max_age == 1800
    assert again.not_modified
    assert again.body == b""
    assert feeds.requests()[1].headers["If-None-Match"] == first.etag


async def test_conditional_get_with_last_modified_gets_304(feeds: FeedServer) -> None:
    changed = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    feeds.serve_feed("/feed.xml", news_items(2), etag=False, last_modified=changed)
    async with Fetcher(allow_private=True) as fetcher:
        first = await fetcher.fetch(feeds.url("/feed.xml"))
        again = await fetcher.fetch(feeds.url("/feed.xml"), last_modified=first.last_modified)
    assert first.etag is None
    assert first.last_modified == "Tue, 24 Nov 2026 09:30:00 GMT"
    assert again.not_modified
    assert "If-None-Match" not in feeds.requests()[1].headers


async def test_sends_a_user_agent_naming_the_project(feeds: FeedServer) -> None:
    feeds.serve_feed("/feed.xml", news_items(1))
    await fetch_url(feeds.url("/feed.xml"), allow_private=True)
    agent = feeds.requests()[0].headers["User-Agent"]
    assert agent.startswith("newsdigest/")
    assert "(+https://github.com/" in agent


@pytest.mark.parametrize("chunked", [False, True])
async def test_bodies_over_the_cap_are_refused(feeds: FeedServer, chunked: bool) -> None:
    feeds.serve("/big.xml", b"<rss>" + b"x" * 300_000, chunked=chunked)
    async with Fetcher(allow_private=True, max_bytes=100_000) as fetcher:
        with pytest.raises(FetchError, match="larger than 100,000 bytes"):
            await fetcher.fetch(feeds.url("/big.xml"))


async def test_the_cap_applies_to_the_decompressed_body(feeds: FeedServer) -> None:
    bomb = gzip.compress(b" " * 2_000_000)
    assert len(bomb) < 100_000
    feeds.serve("/bomb.xml", bomb, headers={"Content-Encoding": "gzip"})
    async with Fetcher(allow_private=True, max_bytes=100_000) as fetcher:
        with pytest.raises(FetchError, match="larger than 100,000 bytes"):
            await fetcher.fetch(feeds.url("/bomb.xml"))


async def test_only_encodings_every_install_decodes_are_asked_for(
    feeds: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As httpx would offer were brotli and zstandard installed.
    monkeypatch.setattr("httpx._client.ACCEPT_ENCODING", "gzip, deflate, br, zstd")
    feeds.serve("/feed.xml", rss_feed(news_items(1)))
    feeds.serve("/page.html", b"<html><body><p>text</p></body></html>", content_type="text/html")
    await fetch_url(feeds.url("/page.html"), allow_private=True)
    async with Fetcher(allow_private=True) as fetcher:
        await fetcher.fetch(feeds.url("/feed.xml"))
    sent = [request.headers["Accept-Encoding"] for request in feeds.requests()]
    assert sent == ["gzip, deflate", "gzip, deflate"]


async def test_server_errors_name_the_status(feeds: FeedServer) -> None:
    feeds.fail("/feed.xml", 503)
    with pytest.raises(FetchError, match=r"answered 503 Service Unavailable"):
        await fetch_url(feeds.url("/feed.xml"), allow_private=True)
    with pytest.raises(FetchError, match=r"answered 404"):
        await fetch_url(feeds.url("/missing.xml"), allow_private=True)


async def test_a_server_that_does_not_answer_times_out(feeds: FeedServer) -> None:
    feeds.serve_feed("/slow.xml", news_items(1))
    feeds.hold("/slow.xml")
    async with Fetcher(allow_private=True, timeout=0.2) as fetcher:
        with pytest.raises(FetchError, match="timed out"):
            await fetcher.fetch(feeds.url("/slow.xml"))
    async with Fetcher(allow_private=True, deadline=0.2) as fetcher:
        with pytest.raises(FetchError, match=r"timed out after 0\.2 s"):
            await fetcher.fetch(feeds.url("/slow.xml"))


async def test_a_closed_port_is_one_clear_line() -> None:
    async with FeedServer() as server:
        url = server.url("/feed.xml")
    with pytest.raises(FetchError, match="cannot fetch it") as failed:
        await fetch_url(url, allow_private=True)
    assert str(failed.value).startswith(url)


def test_checked_url_normalises_and_refuses() -> None:
    assert checked_url(" HTTP://News.Example.COM/feed.xml#top ") == (
        "http://news.example.com/feed.xml"
    )
    with pytest.raises(FetchError, match="javascript:alert"):
        checked_url("javascript:alert(1)")


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("feed://example.com/rss.xml", "http://example.com/rss.xml"),
        ("FEED://Example.com/rss.xml", "http://example.com/rss.xml"),
        ("feed:https://example.com/rss.xml", "https://example.com/rss.xml"),
        ("feed:http://example.com/rss.xml", "http://example.com/rss.xml"),
        # Sites also write feed:// before a whole URL; it was read as host "https".
        ("feed://https://example.com/rss.xml", "https://example.com/rss.xml"),
        ("Feed://HTTP://example.com/rss.xml", "http://example.com/rss.xml"),
    ],
)
def test_a_feed_scheme_url_is_the_http_url_it_stands_for(url: str, normal: str) -> None:
    assert checked_url(url) == normal


def test_rss_helper_makes_a_feed() -> None:
    assert rss_feed(news_items(1), ttl=60).count(b"<item>") == 1


async def test_only_a_server_that_never_answered_is_unreachable() -> None:
    async with FeedServer() as server:
        closed = server.url("/feed.xml")
    with pytest.raises(FetchError) as refused:
        await fetch_url(closed, allow_private=True)
    assert refused.value.unreachable

    async def plain_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    # A server that answers, but not in TLS (as one whose certificate is refused): it was
    # reached, whatever the state of our own network.
    not_tls = await asyncio.start_server(plain_http, "127.0.0.1", 0)
    async with not_tls:
        port = not_tls.sockets[0].getsockname()[1]
        with pytest.raises(FetchError) as no_tls:
            await fetch_url(f"https://127.0.0.1:{port}/feed.xml", allow_private=True)
    assert "SSL" in str(no_tls.value)
    assert not no_tls.value.unreachable
