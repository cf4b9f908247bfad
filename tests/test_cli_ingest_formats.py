"""`newsdigest ingest` on every format, from files, folders and URLs, on both databases."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import tornado.web

from tests.test_cli import newsdigest

DATA = Path(__file__).parent / "data"
ALLOW_LOCAL = {"ALLOW_PRIVATE_FEED_URLS": "1"}


class _Page(tornado.web.RequestHandler):
    def initialize(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.body, self.content_type, self.status = body, content_type, status

    def get(self) -> None:
        self.set_status(self.status)
        self.set_header("Content-Type", self.content_type)
        self.write(self.body)


@pytest.fixture
async def site() -> AsyncIterator[str]:
    """A web site on 127.0.0.1 serving a page, a feed and errors."""
    application = tornado.web.Application(
        [
            (
                r"/article",
                _Page,
                {
                    "body": (DATA / "html" / "cn_article.html").read_bytes(),
                    "content_type": "text/html; charset=utf-8",
                },
            ),
            (
                r"/feed",
                _Page,
                {
                    "body": (DATA / "feeds" / "atom.xml").read_bytes(),
                    "content_type": "application/atom+xml",
                },
            ),
            (r"/broken", _Page, {"body": b"oops", "content_type": "text/plain", "status": 500}),
        ]
    )
    server = application.listen(0, address="127.0.0.1")
    port = next(iter(server._sockets.values())).getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        await server.close_all_connections()


async def test_every_file_format_in_one_folder(database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(DATA / "html" / "cn_article.html", folder / "page.html")
    shutil.copy(DATA / "html" / "gbk_page.html", folder / "gbk.html")
    shutil.copy(DATA / "feeds" / "rss_odd_dates.xml", folder / "feed.xml")
    shutil.copy(DATA / "feeds" / "atom.xml", folder / "atom.xml")
    shutil.copy(DATA / "textdump" / "sample_world.txt", folder / "dump.txt")
    result = await newsdigest("ingest", str(folder), database_url=database_url, cwd=tmp_path)
    assert result.code == 0, result
    assert "failed 0" in result.out
    new = int(result.out.split("new ")[1].split(" ")[0].replace(",", ""))
    assert new >= 6
    again = await newsdigest("ingest", str(folder), database_url=database_url, cwd=tmp_path)
    assert f"new 0 · duplicate {new}" in again.out


async def test_json_lines_bad_lines_are_reported_by_number_and_the_rest_go_in(
    database_url: str, tmp_path: Path
) -> None:
    result = await newsdigest(
        "ingest", str(DATA / "jsonl" / "mixed.jsonl"), database_url=database_url, cwd=tmp_path
    )
    assert result.code == 1
    failures = [line for line in result.err.splitlines() if line.startswith("failed")]
    assert failures
    assert all("mixed.jsonl:" in line for line in failures)
    assert "new 0" not in result.out
    assert "Traceback" not in result.err


async def test_dry_run_writes_nothing(database_url: str, tmp_path: Path) -> None:
    sample = str(DATA / "textdump" / "sample_world.txt")
    dry = await newsdigest("ingest", "--dry-run", sample, database_url=database_url, cwd=tmp_path)
    assert "dry run" in dry.out
    assert "new 1" in dry.out
    real = await newsdigest("ingest", sample, database_url=database_url, cwd=tmp_path)
    assert "new 1 · duplicate 0" in real.out


async def test_broken_inputs_are_one_line_each(database_url: str, tmp_path: Path) -> None:
    inputs = [
        DATA / "feeds" / "truncated_before_items.xml",
        DATA / "feeds" / "billion_laughs.xml",
        DATA / "html" / "login.html",
    ]
    result = await newsdigest("ingest", *map(str, inputs), database_url=database_url, cwd=tmp_path)
    assert result.code == 1
    failures = [line for line in result.err.splitlines() if line.startswith("failed")]
    assert len(failures) == 3, result.err
    assert "Traceback" not in result.err


async def test_a_broken_feed_file_fails_by_name_and_a_malformed_one_with_items_warns(
    database_url: str, tmp_path: Path
) -> None:
    inputs = [
        DATA / "feeds" / "atom.xml",
        DATA / "feeds" / "unclosed_item.xml",
        DATA / "feeds" / "undefined_entity.xml",
    ]
    result = await newsdigest("ingest", *map(str, inputs), database_url=database_url, cwd=tmp_path)
    assert result.code == 1
    failures = [line for line in result.err.splitlines() if line.startswith("failed")]
    assert failures == [
        f"failed: {inputs[1]}: not a well-formed feed: no element found, line 1"
    ], result.err
    warnings = [line for line in result.err.splitlines() if "undefined_entity.xml" in line]
    assert len(warnings) == 1, result.err
    assert "not a well-formed feed (undefined entity, line 11)" in warnings[0]
    # Atom's three entries and the malformed feed's two went in.
    assert "new 5 · duplicate 0 · failed 1" in result.out
    assert "Traceback" not in result.err


async def test_urls_are_fetched_and_parsed_by_content_type(
    database_url: str, tmp_path: Path, site: str
) -> None:
    result = await newsdigest(
        "ingest",
        f"{site}/article",
        f"{site}/feed",
        f"{site}/broken",
        f"{site}/missing",
        database_url=database_url,
        cwd=tmp_path,
        env=ALLOW_LOCAL,
    )
    assert result.code == 1, result
    failures = [line for line in result.err.splitlines() if line.startswith("failed")]
    assert len(failures) == 2, result.err
    assert any("/broken" in line and "500" in line for line in failures)
    assert any("/missing" in line and "404" in line for line in failures)
    assert "new 0" not in result.out


async def test_urls_to_private_addresses_are_refused_by_default(
    database_url: str, tmp_path: Path, site: str
) -> None:
    result = await newsdigest("ingest", f"{site}/article", database_url=database_url, cwd=tmp_path)
    assert result.code == 1
    assert "127.0.0.1" in result.err
    assert "new 0" in result.out


async def test_category_option_fills_articles_without_one(
    database_url: str, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>本地</title>'
        "<item><title>社区义诊活动举行</title><description>周六上午，社区卫生服务中心在广场举行义诊，"
        "为居民免费测量血压血糖并提供健康咨询，吸引了三百多名居民参加。</description>"
        "<pubDate>Tue, 24 Nov 2026 09:00:00 +0800</pubDate></item></channel></rss>",
        encoding="utf-8",
    )
    await newsdigest(
        "ingest", "--category", "health", str(feed), database_url=database_url, cwd=tmp_path
    )
    listing = await newsdigest(
        "chat", database_url=database_url, cwd=tmp_path, stdin="/category 健康\n"
    )
    assert "社区义诊活动举行" in listing.out
