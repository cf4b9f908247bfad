"""OPML: reading what feed readers export, safely; writing it back; importing into the store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.fetching.address_guard import AddressGuard, Resolver
from bot.services.context import Runtime
from bot.services.feeds import export_opml, import_opml, list_feeds
from digest.errors import ParseError
from digest.opml import OpmlFeed, parse_opml, render_opml
from tests.conftest import DATA

OPML = DATA / "opml"
CREATED = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _read(name: str) -> list[OpmlFeed]:
    return parse_opml((OPML / name).read_bytes(), origin=name)


def test_reads_feeds_in_nested_folders_with_their_categories() -> None:
    assert _read("reader_export.opml") == [
        OpmlFeed("https://world.example.cn/rss.xml", "环球时报 国际", "国际新闻"),
        OpmlFeed("https://news.example.com/world/feed", "World desk", "国际新闻"),
        OpmlFeed("https://chips.example.org/atom.xml", "Chips & Boards", "Hardware"),
        OpmlFeed("https://orbitweekly.example/tech/atom.xml", "Orbit Weekly", "Science"),
        OpmlFeed("https://plain.example.net/index.xml", "No folder", None),
    ]


@pytest.mark.parametrize("name", ["billion_laughs.opml", "external_entity.opml"])
def test_entities_are_refused(name: str) -> None:
    with pytest.raises(ParseError, match=rf"{name}: refused: unsafe XML"):
        _read(name)


@pytest.mark.parametrize(
    ("name", "words"),
    [("truncated.opml", "broken XML"), ("not_opml.xml", "is not an OPML document")],
)
def test_unreadable_documents_are_one_clear_line(name: str, words: str) -> None:
    with pytest.raises(ParseError, match=words) as failed:
        _read(name)
    assert str(failed.value).startswith(name)
    assert "\n" not in str(failed.value)


def test_render_then_parse_gives_the_same_feeds() -> None:
    feeds = [
        OpmlFeed("https://a.example/feed?x=1&y=2", "甲 <A> & co", "国际"),
        OpmlFeed("https://b.example/rss", None, "国际"),
        OpmlFeed("https://c.example/atom.xml", "C", None),
        OpmlFeed("https://d.example/feed", "D", "科技"),
    ]
    document = render_opml(feeds, created=CREATED)
    assert document.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b"<dateCreated>Tue, 24 Nov 2026 12:00:00 +0000</dateCreated>" in document
    again = parse_opml(document, origin="export")
    assert again == [
        OpmlFeed("https://a.example/feed?x=1&y=2", "甲 <A> & co", "国际"),
        OpmlFeed("https://b.example/rss", "https://b.example/rss", "国际"),
        OpmlFeed("https://c.example/atom.xml", "C", None),
        OpmlFeed("https://d.example/feed", "D", "科技"),
    ]


def _resolver(table: dict[str, str]) -> Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(-2, "Name or service not known")
        return [table[host]]

    return resolve


async def test_import_stores_feeds_and_export_gives_them_back(runtime: Runtime) -> None:
    # No lookups leave this machine: a table answers for the hosts.
    guard = AddressGuard(
        resolver=_resolver(
            {
                "world.example.cn": "93.184.216.34",
                "news.example.com": "93.184.216.35",
                "chips.example.org": "93.184.216.36",
                "orbitweekly.example": "10.0.0.8",  # inside: refused
            }
        )
    )
    data = (OPML / "reader_export.opml").read_bytes()
    report = await import_opml(runtime, data, origin="reader_export.opml", guard=guard)
    assert len(report.added) == 4  # plain.example.net does not resolve now: polled later
    assert report.existing == 0
    [(url, reason)] = report.refused
    assert url == "https://orbitweekly.example/tech/atom.xml"
    assert "10.0.0.8" in reason
    stored = {feed.url: feed.category for feed in await list_feeds(runtime)}
    assert stored == {
        "https://world.example.cn/rss.xml": "国际",
        "https://news.example.com/world/feed": "国际",
        "https://chips.example.org/atom.xml": "Hardware",
        "https://plain.example.net/index.xml": None,
    }
    assert all(feed.next_poll_at <= runtime.now() for feed in await list_feeds(runtime))

    again = await import_opml(runtime, data, origin="reader_export.opml", guard=guard)
    assert (again.added, again.existing) == ([], 4)

    exported = parse_opml(await export_opml(runtime), origin="export")
    assert {(feed.url, feed.category) for feed in exported} == set(stored.items())


async def test_import_takes_feed_scheme_urls_as_the_http_urls_they_stand_for(
    runtime: Runtime,
) -> None:
    guard = AddressGuard(resolver=_resolver({"example.com": "93.184.216.34"}))
    feeds = [OpmlFeed("feed://example.com/rss.xml"), OpmlFeed("feed:https://example.com/a")]
    document = render_opml(feeds, created=CREATED)
    report = await import_opml(runtime, document, origin="feeds.opml", guard=guard)
    assert (len(report.added), report.refused) == (2, [])
    stored = {feed.url for feed in await list_feeds(runtime)}
    assert stored == {"http://example.com/rss.xml", "https://example.com/a"}


async def test_import_reports_a_feed_whose_dns_lookup_never_answers_and_goes_on(
    runtime: Runtime,
) -> None:
    async def hanging_or_table(host: str, port: int) -> list[str]:
        if host == "hangs.example":
            await asyncio.Event().wait()  # a DNS server that never answers
        return await _resolver({"example.com": "93.184.216.34"})(host, port)

    guard = AddressGuard(resolver=hanging_or_table, lookup_timeout=0.05)
    feeds = [OpmlFeed("https://hangs.example/rss.xml"), OpmlFeed("https://example.com/a")]
    document = render_opml(feeds, created=CREATED)
    async with asyncio.timeout(5):
        report = await import_opml(runtime, document, origin="feeds.opml", guard=guard)
    assert len(report.added) == 1
    [(url, reason)] = report.refused
    assert url == "https://hangs.example/rss.xml"
    assert reason == (
        "https://hangs.example/rss.xml: cannot check its address: "
        "cannot resolve host hangs.example (no DNS answer in 0.05 s)"
    )
    assert [feed.url for feed in await list_feeds(runtime)] == ["https://example.com/a"]
