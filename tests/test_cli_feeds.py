"""`newsdigest feeds ...` as a subprocess, against a local feed server, on SQLite and
PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.opml import OpmlFeed, parse_opml, render_opml
from tests.feedserver import FeedServer, news_items, rss_feed
from tests.test_cli import newsdigest
from tests.test_opml import CREATED

pytest_plugins = ["tests.feeds_fixtures"]  # feed_server, feed_runtime

PRIVATE_OK = {"ALLOW_PRIVATE_FEED_URLS": "1"}


async def test_add_list_remove(database_url: str, tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.serve_feed("/feed.xml", news_items(3))
    url = feed_server.url("/feed.xml")

    async def run(*args: str) -> tuple[int, str, str]:
        result = await newsdigest(*args, database_url=database_url, cwd=tmp_path, env=PRIVATE_OK)
        assert "Traceback" not in result.err, result.err
        return result.code, result.out, result.err

    code, out, _ = await run("feeds", "add", url, "--category", "world")
    assert code == 0
    assert "added feed #1 测试新闻源 (国际): 3 items, 3 new" in out
    code, _, err = await run("feeds", "add", url)
    assert code == 1
    assert "is feed #1" in err
    code, out, _ = await run("feeds", "list")
    assert code == 0
    assert url in out
    assert "测试新闻源" in out
    assert "ok" in out
    code, out, _ = await run("feeds", "remove", "1")
    assert (code, out.strip()) == (0, f"removed feed #1 {url}")
    code, _, err = await run("feeds", "remove", "1")
    assert code == 1
    assert "no feed #1" in err
    code, out, _ = await run("feeds", "list")
    assert "no feeds yet" in out


async def test_add_refuses_loopback_unless_allowed(
    database_url: str, tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(1))
    result = await newsdigest(
        "feeds", "add", feed_server.url("/feed.xml"), database_url=database_url, cwd=tmp_path
    )
    assert result.code == 1
    assert "loopback" in result.err
    assert "Traceback" not in result.err
    assert feed_server.requests() == []


async def test_add_that_fails_names_the_reason(
    database_url: str, tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.fail("/feed.xml", 500)
    result = await newsdigest(
        "feeds",
        "add",
        feed_server.url("/feed.xml"),
        database_url=database_url,
        cwd=tmp_path,
        env=PRIVATE_OK,
    )
    assert result.code == 1
    assert "answered 500" in result.err
    listing = await newsdigest("feeds", "list", database_url=database_url, cwd=tmp_path)
    assert "no feeds yet" in listing.out


async def test_import_then_export_round_trips(
    database_url: str, tmp_path: Path, feed_server: FeedServer
) -> None:
    feeds = [
        OpmlFeed(feed_server.url("/world.xml"), "World", "国际新闻"),
        OpmlFeed(feed_server.url("/tech.xml"), "Tech", None),
        OpmlFeed("file:///etc/passwd", "Sneaky", None),
    ]
    opml = tmp_path / "feeds.opml"
    opml.write_bytes(render_opml(feeds, created=CREATED))
    imported = await newsdigest(
        "feeds", "import", str(opml), database_url=database_url, cwd=tmp_path, env=PRIVATE_OK
    )
    assert imported.code == 1  # one input refused, the others imported
    assert "added 2 · already there 0 · refused 1" in imported.out
    [refused] = [line for line in imported.err.splitlines() if line.startswith("refused")]
    assert "file:///etc/passwd" in refused
    again = await newsdigest(
        "feeds", "import", str(opml), database_url=database_url, cwd=tmp_path, env=PRIVATE_OK
    )
    assert "added 0 · already there 2" in again.out
    exported = await newsdigest("feeds", "export", database_url=database_url, cwd=tmp_path)
    assert exported.code == 0
    assert parse_opml(exported.out.encode(), origin="export") == [
        OpmlFeed(feed_server.url("/world.xml"), "World", "国际"),
        OpmlFeed(feed_server.url("/tech.xml"), "Tech", None),
    ]
    assert feed_server.requests() == []  # importing only stores; the bot polls them


async def test_import_of_a_broken_file_is_one_clear_line(
    database_url: str, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline", encoding="utf-8")
    result = await newsdigest(
        "feeds", "import", str(broken), database_url=database_url, cwd=tmp_path
    )
    assert result.code == 1
    assert "broken.opml: broken XML" in result.err
    assert "Traceback" not in result.err
    missing = await newsdigest(
        "feeds", "import", str(tmp_path / "nope.opml"), database_url=database_url, cwd=tmp_path
    )
    assert missing.code == 1
    assert "nope.opml: cannot be read" in missing.err


async def test_import_keeps_feeds_with_very_long_names_and_folders(
    database_url: str, tmp_path: Path, feed_server: FeedServer
) -> None:
    name = "很长的新闻源名称" * 50  # 400 characters: more than the feeds table keeps
    opml = tmp_path / "feeds.opml"
    opml.write_bytes(
        render_opml([OpmlFeed(feed_server.url("/a.xml"), name, name)], created=CREATED)
    )
    imported = await newsdigest(
        "feeds", "import", str(opml), database_url=database_url, cwd=tmp_path, env=PRIVATE_OK
    )
    assert "Traceback" not in imported.err, imported.err
    assert "added 1 · already there 0 · refused 0" in imported.out
    listing = await newsdigest("feeds", "list", database_url=database_url, cwd=tmp_path)
    assert "很长的新闻源名称" in listing.out


async def test_remove_of_a_number_no_feed_can_have_is_a_missing_feed(
    database_url: str, tmp_path: Path
) -> None:
    huge = "9" * 25  # beyond a 64-bit id
    result = await newsdigest("feeds", "remove", huge, database_url=database_url, cwd=tmp_path)
    assert "Traceback" not in result.err, result.err
    assert result.code == 1
    assert f"no feed #{huge}" in result.err


async def test_import_counts_one_feed_listed_under_two_spellings_once(
    database_url: str, tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.url("/a.xml")
    spellings = [OpmlFeed(url, "A"), OpmlFeed(url.replace("http", "HTTP", 1) + "#top", "A2")]
    opml = tmp_path / "feeds.opml"
    opml.write_bytes(render_opml(spellings, created=CREATED))
    imported = await newsdigest(
        "feeds", "import", str(opml), database_url=database_url, cwd=tmp_path, env=PRIVATE_OK
    )
    assert "Traceback" not in imported.err, imported.err
    assert "added 1 · already there 1 · refused 0" in imported.out
    exported = await newsdigest("feeds", "export", database_url=database_url, cwd=tmp_path)
    assert parse_opml(exported.out.encode(), origin="export") == [OpmlFeed(url, "A")]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:99999/a.xml", "99999"),  # a port that cannot exist
        (f"http://{'a' * 64}.example.com/", "host name"),  # a label over 63 characters
    ],
)
async def test_import_refuses_an_address_that_cannot_exist(
    database_url: str, tmp_path: Path, feed_server: FeedServer, url: str, reason: str
) -> None:
    feeds = [OpmlFeed(url), OpmlFeed(feed_server.url("/b.xml"))]
    opml = tmp_path / "feeds.opml"
    opml.write_bytes(render_opml(feeds, created=CREATED))
    imported = await newsdigest(
        "feeds", "import", str(opml), database_url=database_url, cwd=tmp_path, env=PRIVATE_OK
    )
    assert "Traceback" not in imported.err, imported.err
    assert "added 1 · already there 0 · refused 1" in imported.out
    assert reason in imported.err


async def test_export_of_a_feed_whose_title_has_control_characters_reads_back(
    database_url: str, tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.serve("/feed.xml", rss_feed(news_items(1), title="新闻\x01源\x1b"))
    added = await newsdigest(
        "feeds",
        "add",
        feed_server.url("/feed.xml"),
        database_url=database_url,
        cwd=tmp_path,
        env=PRIVATE_OK,
    )
    assert added.code == 0, added.err
    exported = await newsdigest("feeds", "export", database_url=database_url, cwd=tmp_path)
    assert parse_opml(exported.out.encode(), origin="export") == [
        OpmlFeed(feed_server.url("/feed.xml"), "新闻源")
    ]


async def test_add_and_list_show_a_title_with_brackets_as_it_is(
    database_url: str, tmp_path: Path, feed_server: FeedServer
) -> None:
    name = "[video] 新闻 [/]"  # rich markup, were it read as such
    feed_server.serve("/feed.xml", rss_feed(news_items(1), title=name))
    feed_server.fail("/bad[x].xml", 500)
    added = await newsdigest(
        "feeds",
        "add",
        feed_server.url("/feed.xml"),
        database_url=database_url,
        cwd=tmp_path,
        env=PRIVATE_OK,
    )
    assert "Traceback" not in added.err, added.err
    assert f"added feed #1 {name} (any category)" in added.out
    failed = await newsdigest(
        "feeds",
        "add",
        feed_server.url("/bad[x].xml"),
        database_url=database_url,
        cwd=tmp_path,
        env=PRIVATE_OK,
    )
    assert feed_server.url("/bad[x].xml") in failed.err
    listing = await newsdigest("feeds", "list", database_url=database_url, cwd=tmp_path)
    assert "Traceback" not in listing.err, listing.err
    assert name in listing.out


async def test_add_list_remove_show_a_feed_url_without_its_password(
    database_url: str, tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(1))
    feed_server.fail("/private.xml", 500)
    shown: list[str] = []
    for path in ["/feed.xml", "/feed.xml", "/private.xml"]:
        url = feed_server.url(path).replace("//", "//reader:s3cret@", 1)
        added = await newsdigest(
            "feeds", "add", url, database_url=database_url, cwd=tmp_path, env=PRIVATE_OK
        )
        shown += [added.out, added.err]
    assert "reader:***@" in shown[3]  # already there
    assert "reader:***@" in shown[5]  # not added: the server answered 500
    for command in [("list",), ("remove", "1")]:
        done = await newsdigest(
            "feeds", *command, database_url=database_url, cwd=tmp_path, env=PRIVATE_OK
        )
        shown += [done.out, done.err]
    assert "reader:***@" in shown[-2]
    assert "s3cret" not in "".join(shown)
