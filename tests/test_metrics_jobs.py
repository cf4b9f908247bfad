"""What the jobs count: articles ingested by input and outcome, feed polls by outcome, the
alert job's lag, read back from the process's registry as a scrape would."""

from __future__ import annotations

import json
from pathlib import Path

from bot.services import alert_matching
from bot.services.alert_matching import AlertMatcher
from bot.services.alerts import alert_tick
from bot.services.context import Runtime
from bot.services.feed_polling import poll_due_feeds
from bot.services.ingest import ingest_inputs
from storage.article_inserts import insert_articles
from tests.conftest import Clock
from tests.factories import article_record
from tests.feeds_helpers import add_due_feed
from tests.feedserver import FeedServer, news_items

pytest_plugins = ["tests.feeds_fixtures"]


def _sample(runtime: Runtime, name: str, **labels: str) -> float | None:
    return runtime.metrics.registry.get_sample_value(name, labels)


def _ingested(runtime: Runtime, source: str, outcome: str) -> float | None:
    return _sample(runtime, "newsdigest_articles_ingested_total", input=source, outcome=outcome)


async def test_an_ingest_counts_new_duplicate_and_failed(runtime: Runtime, tmp_path: Path) -> None:
    lines = [json.dumps({"title": f"第{i}条", "content": f"第{i}条的正文。"}) for i in range(3)]
    articles = tmp_path / "news.jsonl"
    articles.write_text("\n".join([*lines, lines[0]]) + "\n", encoding="utf-8")
    await ingest_inputs(runtime, [str(articles), str(tmp_path / "missing.jsonl")])
    assert _ingested(runtime, "ingest", "new") == 3
    assert _ingested(runtime, "ingest", "duplicate") == 1
    assert _ingested(runtime, "ingest", "failed") == 1
    await ingest_inputs(runtime, [str(articles)], dry_run=True)  # nothing stored, nothing counted
    assert _ingested(runtime, "ingest", "new") == 3


async def test_feed_polls_count_their_outcome_and_articles(
    feed_runtime: Runtime, feed_server: FeedServer
) -> None:
    feed_server.serve_feed("/feed.xml", news_items(2))
    await add_due_feed(feed_runtime, feed_server.url("/feed.xml"))
    await add_due_feed(feed_runtime, feed_server.url("/missing.xml"))  # answers 404
    await poll_due_feeds(feed_runtime)
    polls = "newsdigest_feed_polls_total"
    assert _sample(feed_runtime, polls, outcome="ok") == 1
    assert _sample(feed_runtime, polls, outcome="failed") == 1
    assert _ingested(feed_runtime, "feed", "new") == 2
    assert _ingested(feed_runtime, "ingest", "new") == 0


async def test_the_alert_job_reports_how_long_the_oldest_article_waited(
    runtime: Runtime, clock: Clock
) -> None:
    matcher = AlertMatcher()
    await alert_tick(runtime, matcher)  # the cursor starts here
    async with runtime.db.transaction() as session:
        await insert_articles(session, [article_record("等着被匹配的新闻")], now=clock())
    clock.advance(seconds=alert_matching.COMMIT_GRACE.total_seconds() + 40)
    await alert_tick(runtime, matcher)
    assert _sample(runtime, "newsdigest_alert_lag_seconds") == 45
    clock.advance(minutes=1)
    await alert_tick(runtime, matcher)
    assert _sample(runtime, "newsdigest_alert_lag_seconds") == 0  # nothing left to match
