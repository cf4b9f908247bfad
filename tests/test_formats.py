"""Telling the formats apart from their bytes, and reading each in its encoding."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.errors import InputError, ParseError
from digest.formats import declared_encoding, parse_document, sniff_format

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parent / "data" / "textdump" / "sample_world.txt"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("head", "content_type", "expected"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel>', None, "feed"),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', None, "feed"),
        (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x">', None, "feed"),
        (b"\xef\xbb\xbf  <rss version='2.0'>", None, "feed"),
        (b"<rss version='2.0'><channel>", "text/html; charset=utf-8", "feed"),
        (b"<!DOCTYPE html>\n<html><head>", None, "html"),
        (b"<html lang=zh><head><title>x</title>", "text/xml", "html"),
        (b"<!-- saved page --><div>hi</div>", None, "html"),
        (b'<?xml version="1.0"?><note/>', None, "feed"),
        (b'{"title": "a"}\n{"title": "b"}', None, "jsonl"),
        (b'\xef\xbb\xbf\n {"title": "a"}', None, "jsonl"),
        ("坚定支持普京\n\n2022年06月29日01:15:02 国际 1745".encode(), None, "textdump"),
        ("坚定支持普京".encode("gb18030"), "text/plain", "textdump"),
    ],
)
def test_sniff_format(head: bytes, content_type: str | None, expected: str) -> None:
    assert sniff_format(head, content_type) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<?xml version="1.0" encoding="gb2312"?><rss>', "gb2312"),
        (b"<html><head><meta charset='gbk'><title>", "gbk"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=big5">', "big5"),
        (b"<html><head><title>no charset</title>", None),
    ],
)
def test_declared_encoding(head: bytes, expected: str | None) -> None:
    assert declared_encoding(head) == expected


def test_gbk_and_big5_pages_are_decoded_from_their_declaration() -> None:
    (gbk,) = parse_document(
        (DATA / "html" / "gbk_page.html").read_bytes(), origin="gbk_page.html", default_tz=SHANGHAI
    )
    assert gbk.title == "A股三大指数集体收涨 新能源汽车板块领涨"
    assert gbk.published_at == datetime(2022, 7, 21, 7, 42, tzinfo=UTC)
    (big5,) = parse_document(
        (DATA / "html" / "big5_page.html").read_bytes(),
        origin="big5_page.html",
        default_tz=SHANGHAI,
        content_type="text/html; charset=big5",
    )
    assert big5.title == "颱風暹芭逼近 氣象局：最快今晚發布海上警報"


def test_html_page_url_origin_is_the_fallback_url_and_category_fills_in() -> None:
    body = "".join(
        f"<p>第{n}段：国家统计局今天发布数据，上半年国内生产总值同比增长2.5%，经济运行总体恢复。</p>"
        for n in range(1, 4)
    )
    page = (
        f"<!doctype html><html><head><title>GDP增长2.5%</title></head><body>{body}</body></html>"
    )
    (article,) = parse_document(
        page.encode(),
        origin="https://example.cn/a/1.html",
        default_tz=SHANGHAI,
        content_type="text/html",
        category="国内",
    )
    assert article.url == "https://example.cn/a/1.html"
    assert article.category == "国内"


def test_feed_category_option_fills_items_without_one() -> None:
    articles = parse_document(
        (DATA / "feeds" / "rss_odd_dates.xml").read_bytes(),
        origin="rss_odd_dates.xml",
        default_tz=SHANGHAI,
        category="世界",
    )
    assert [a.category for a in articles] == ["国际", "世界", "世界", "世界", "世界", "世界"]


def test_json_lines_document_keeps_good_lines_and_raises_when_none_is_good() -> None:
    articles = parse_document(
        (DATA / "jsonl" / "mixed.jsonl").read_bytes(),
        origin="mixed.jsonl",
        default_tz=SHANGHAI,
        category="综合",
    )
    assert [a.category for a in articles] == ["国际新闻", "财经", "science"]
    bad = b'{"content": "no title"}\n[1, 2]\n'
    with pytest.raises(InputError, match=r"^bad.jsonl:1: has no title"):
        parse_document(bad, origin="bad.jsonl", default_tz=SHANGHAI)


def test_json_object_content_type_without_lines_still_reads() -> None:
    data = json.dumps({"title": "单条", "content": "正文。"}, ensure_ascii=False).encode()
    (article,) = parse_document(
        data, origin="one.json", default_tz=SHANGHAI, content_type="application/json"
    )
    assert article.title == "单条"


def test_text_dump_is_the_fallback_format() -> None:
    (article,) = parse_document(SAMPLE.read_bytes(), origin=SAMPLE.name, default_tz=SHANGHAI)
    assert article.title == "坚定支持普京,白俄终于拿出实际行动"
    assert article.category == "国际"


def test_empty_and_blank_documents_are_errors() -> None:
    for data in (b"", b"  \n\n "):
        with pytest.raises(ParseError, match=r"^empty.txt: is empty$"):
            parse_document(data, origin="empty.txt", default_tz=SHANGHAI)
