"""Publish times before 1970 (and other dates news cannot have): the "older" button's
cursor carries any time, and an implausible date is kept as undated, so /latest never
hangs on them and they never outrank dated stories."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.services.context import Runtime
from bot.services.ingest import ingest_inputs
from bot.services.paging import decode_cursor, encode_cursor
from storage.article_inserts import insert_articles
from storage.articles import Cursor
from tests.conversation import ask
from tests.factories import article_record, distinct_body
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "sort_at",
    [
        datetime(1969, 12, 31, 16, 0, tzinfo=UTC),  # 1970-01-01 00:00 in Shanghai
        datetime(1900, 1, 1, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_a_cursor_at_any_time_comes_back_as_it_went(sort_at: datetime) -> None:
    data = encode_cursor("l", Cursor(sort_at, 123456), 5)

    assert data is not None
    assert decode_cursor(data) == ("l", Cursor(sort_at, 123456), 5)


async def test_latest_pages_through_articles_stored_with_times_before_1970(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    # Stored before dates were checked: the pipeline keeps such dates out now.
    old = [
        dataclasses.replace(
            article_record(f"旧闻{i}"), published_at=datetime(1969, 12, 31, i, tzinfo=UTC)
        )
        for i in range(2)
    ]
    async with runtime.db.transaction() as session:
        await insert_articles(session, old, now=NOW)

    first = await ask(fake_api, "/latest 1")
    assert "旧闻1" in first.plain_text
    fake_api.mark()
    # The story's number button comes first since issue 20; "older" is the last.
    fake_api.press_button(first, first.callback_data[-1])
    [second] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "旧闻0" in second.plain_text


def _line(title: str, published_at: str, number: int) -> str:
    return json.dumps(
        {"title": title, "content": distinct_body(number), "published_at": published_at},
        ensure_ascii=False,
    )


async def test_implausible_publish_dates_are_kept_and_listed_as_undated(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application, tmp_path: Path
) -> None:
    tomorrow_and_more = (NOW + timedelta(days=1, hours=1)).isoformat()
    path = tmp_path / "dates.jsonl"
    lines = [
        _line("上海元旦", "1970-01-01", 1),  # midnight in Shanghai: 1969 in UTC
        _line("前夜", "1969-12-31T23:00:00+00:00", 2),
        _line("百年前", "1900-01-01", 3),
        _line("远未来", "2999-01-01", 4),
        _line("明后天", tomorrow_and_more, 5),
        _line("九十年代", "1990-01-02", 6),
        _line("今晚", (NOW + timedelta(hours=20)).isoformat(), 7),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = await ingest_inputs(runtime, [str(path)])
    assert (report.new, report.failed) == (7, [])

    listed = await ask(fake_api, "/latest 7")

    text = listed.plain_text
    dated = [text.index("今晚"), text.index("九十年代")]
    undated = [text.index(t) for t in ("上海元旦", "前夜", "百年前", "远未来", "明后天")]
    assert dated == sorted(dated)
    assert max(dated) < min(undated)
    assert not any(year in text for year in ("1969", "1970", "1900", "2999"))
    assert "1990-01-02" in text
