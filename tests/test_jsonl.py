"""JSON Lines: streamed, a bad line reported with its number and skipped."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.article import ParsedArticle
from digest.errors import InputError
from digest.jsonl import _json_of_line, iter_json_lines

MIXED = Path(__file__).parent / "data" / "jsonl" / "mixed.jsonl"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _read_mixed() -> list[ParsedArticle | InputError]:
    with MIXED.open("rb") as lines:
        return list(iter_json_lines(lines, origin="mixed.jsonl", default_tz=SHANGHAI))


def test_bad_lines_are_reported_with_their_numbers_and_the_rest_are_read() -> None:
    results = _read_mixed()
    errors = [str(item) for item in results if isinstance(item, InputError)]
    assert errors == [
        "mixed.jsonl:4: is not valid JSON: Unterminated string starting at (column 30)",
        "mixed.jsonl:5: is a JSON list, not an object",
        "mixed.jsonl:6: has no title (a non-empty string is required)",
        "mixed.jsonl:7: published_at '昨天下午' is not a date",
        "mixed.jsonl:8: content must be a string, not list",
        "mixed.jsonl:11: is not UTF-8 text",
        "mixed.jsonl:12: has no title (a non-empty string is required)",
    ]
    articles = [item for item in results if isinstance(item, ParsedArticle)]
    assert [a.origin for a in articles] == ["mixed.jsonl:1", "mixed.jsonl:3", "mixed.jsonl:10"]


def test_good_lines_follow_the_schema() -> None:
    first, second, third = (item for item in _read_mixed() if isinstance(item, ParsedArticle))
    assert first.title == "中欧班列今年开行突破8000列"  # the BOM on line 1 is not part of it
    assert first.paragraphs[1] == "目前，中欧班列已通达欧洲24个国家196个城市。"
    assert len(first.paragraphs) == 3
    assert first.url == "https://world.example-huanqiu.cn/article/49Aa7bX2"
    assert first.category == "国际新闻"
    assert first.source == "环球时报网"
    assert first.published_at == datetime(2022, 7, 21, 1, 30, tzinfo=UTC)
    # No offset: Asia/Shanghai. Single line breaks split paragraphs when there is no blank line.
    assert second.published_at == datetime(2022, 7, 21, 7, 42, tzinfo=UTC)
    assert second.paragraphs == [
        "7月21日，A股三大指数集体收涨。",
        "截至收盘，沪指涨0.32%，报3272.00点。",
    ]
    assert third.published_at == datetime(2022, 7, 20, 22, 30, tzinfo=UTC)
    assert (
        third.summary
        == "A galaxy seen by Webb may date from 350 million years after the Big Bang."
    )
    assert third.url is None
    assert third.source is None


def test_lines_are_read_lazily_one_at_a_time() -> None:
    def lines() -> Iterator[bytes]:
        yield json.dumps({"title": "第一条"}, ensure_ascii=False).encode()
        raise AssertionError("read past the first line before it was needed")

    stream = iter_json_lines(lines(), origin="big.jsonl", default_tz=SHANGHAI)
    first = next(stream)
    assert isinstance(first, ParsedArticle)
    assert first.title == "第一条"
    assert first.paragraphs == []


def test_wrong_types_and_blank_lines() -> None:
    lines = [
        codecs.BOM_UTF8 + b"\r\n",
        b'{"title": "ok", "url": 42}\r\n',
        b"\n",
        b'{"title": "ok", "published_at": 1658367000}\n',
        b'{"title": "fine", "content": "", "category": null}\n',
        b"[" * 100_000 + b"\n",
    ]
    results = list(iter_json_lines(lines, origin="t.jsonl", default_tz=SHANGHAI))
    assert [str(r) if isinstance(r, InputError) else r.title for r in results] == [
        "t.jsonl:2: url must be a string, not int",
        "t.jsonl:4: published_at must be a string, not int",
        "fine",
        "t.jsonl:6: is JSON nested too deeply",
    ]


def _outcome(parse: Callable[[bytes], object], line: bytes) -> object:
    try:
        return parse(line)
    except (ValueError, RecursionError) as exc:
        return type(exc), str(exc)


@pytest.mark.parametrize(
    "line",
    [
        b'{"title": "\xe6\xa0\x87\xe9\xa2\x98", "n": [1, 2.5, null]}\n',
        b'{"title": "x"}\r\n',
        b'{"title": "x"}  \t \n',
        b'  {"title": "x"}\n',
        b'{"title": "x"}',
        b'{"title": "x"} {"title": "y"}\n',
        b'{"title": "x"} x\n',
        b'{"title": "x"}\xe3\x80\x80\n',  # U+3000 is whitespace to Python, not to JSON
        b'{"title": "x"}\x0b\n',
        b"\xef\xbb\xbf{}\n",
        b'{"title": "\xff"}\n',
        b'{"title": "x\n',
        b'{"title": "x",\n',
        b"[]\n",
        b"\n",
        b"[" * 100_000 + b"]" * 100_000 + b"\n",
    ],
)
def test_a_line_is_read_as_json_loads_reads_it_without_its_break(line: bytes) -> None:
    expected = _outcome(lambda raw: json.loads(raw.rstrip(b"\r\n").decode("utf-8")), line)
    assert _outcome(_json_of_line, line) == expected
