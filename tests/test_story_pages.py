"""A story's text in pages of messages: split between paragraphs, never inside a tag or a
character, every message within Telegram's length, nothing lost or repeated from one page
to the next."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from digest.article import StoredArticle, StorySource
from digest.reading import (
    MAX_SOURCES_SHOWN,
    PAGE_MESSAGES,
    PAGE_WINDOW,
    render_story_header,
    story_page,
)
from digest.render import MESSAGE_LIMIT, parsed_length
from tests.fakebot import parse_html, utf16_len

HEADER = "<b>标题</b>\n<i>2026-11-24 16:00 · 国际</i>"
_SENTENCES = (
    "央行宣布下调存款准备金率。",
    "市场普遍预期流动性将更加充裕！",
    "分析人士表示影响有限？",
)


def chinese_text(paragraphs: int, *, seed: int = 1, longest: int = 900) -> str:
    rng = random.Random(seed)
    return "\n\n".join(
        "".join(rng.choice(_SENTENCES) for _ in range(rng.randint(1, longest // 12)))
        for _ in range(paragraphs)
    )


def read_through(text: str, *, closing: str | None = None) -> list[list[str]]:
    """Every page of ``text`` as the bot reads it: a window of the stored text at a time,
    from where the page before stopped."""
    pages: list[list[str]] = []
    start: int | None = 0
    while start is not None:
        window = text[start : start + PAGE_WINDOW]
        complete = start + PAGE_WINDOW >= len(text)
        page = story_page(window, start=start, complete=complete, header=HEADER, closing=closing)
        pages.append(page.messages)
        assert page.next_start is None or page.next_start > start, "no progress"
        start = page.next_start
    return pages


def shown_text(pages: list[list[str]]) -> str:
    """What a reader reads, headers out, whitespace ignored (cuts drop a space)."""
    header = unescape(parse_html(HEADER).text)
    texts = [parse_html(message).text for page in pages for message in page]
    return "".join("".join(texts).replace(header, "").split())


def test_a_short_story_is_one_message_with_its_paragraphs() -> None:
    page = story_page("第一段。\n\n第二段。", start=0, complete=True, header=HEADER)
    assert page.next_start is None
    assert page.messages == [f"{HEADER}\n\n第一段。\n\n第二段。"]


def test_twenty_thousand_characters_read_whole_in_pages_of_three_messages() -> None:
    text = chinese_text(60, longest=700)
    assert len(text) > 20_000
    pages = read_through(text)
    assert len(pages) >= 2
    assert all(len(page) <= PAGE_MESSAGES for page in pages)
    assert len(pages[0]) == PAGE_MESSAGES
    for message in (m for page in pages for m in page):
        assert utf16_len(parse_html(message).text) <= MESSAGE_LIMIT
    assert shown_text(pages) == "".join(text.split())


def test_messages_split_between_paragraphs_when_paragraphs_fit() -> None:
    text = chinese_text(40, longest=600)
    paragraphs = set(text.split("\n\n"))
    for page in read_through(text):
        for message in page:
            parts = message.split("\n\n")
            body = parts[2:] if message.startswith(HEADER) else parts
            assert all(unescape(part) in paragraphs for part in body)


def test_a_paragraph_longer_than_a_message_is_cut_after_a_sentence() -> None:
    paragraph = "".join(_SENTENCES) * 300  # 10,000 characters, one paragraph
    [first, *_] = read_through(paragraph)[0]
    assert first.endswith(("。", "！", "？"))
    assert shown_text(read_through(paragraph)) == paragraph


@pytest.mark.parametrize(
    "unit",
    ["😀", "👍🏽", "👩\u200d💻", "e\u0301", "字"],
    ids=["astral", "skin tone", "zwj sequence", "combining", "cjk"],
)
def test_a_cut_never_splits_a_character(unit: str) -> None:
    text = unit * (2 * PAGE_WINDOW // len(unit))  # one paragraph, no space or sentence end
    pages = read_through(text)
    for message in (m for page in pages for m in page):
        body = message.removeprefix(HEADER).strip()
        assert len(body) % len(unit) == 0
        assert body == unit * (len(body) // len(unit))
        assert utf16_len(parse_html(message).text) <= MESSAGE_LIMIT
    assert shown_text(pages) == text


def test_html_in_the_text_is_escaped_and_cuts_stay_outside_entities() -> None:
    text = "\n\n".join(["<script>alert('x')</script> & <b>粗体</b>" * 60] * 8)
    pages = read_through(text)
    for message in (m for page in pages for m in page):
        parse_html(message)  # valid HTML: every < and & of the text escaped, none cut
        assert "<script>" not in message
    assert shown_text(pages) == "".join(text.split())


def test_the_closing_note_ends_the_last_page() -> None:
    note = "<i>（正文太长）</i>"
    pages = read_through(chinese_text(30), closing=note)
    assert pages[-1][-1].endswith(note)
    assert all(note not in message for page in pages[:-1] for message in page)


def test_a_window_that_stops_inside_a_paragraph_leaves_it_to_the_next_page() -> None:
    text = "短段落。\n\n" + "长" * 100
    page = story_page(text[:20], start=0, complete=False, header=HEADER)
    assert page.next_start == len("短段落。\n\n")  # "长…" may go on past the window
    assert "长" not in page.messages[0]


def test_the_header_links_the_title_and_each_source_that_has_an_address() -> None:
    article = StoredArticle(
        id=1,
        title="降准 <落地>",
        url="https://example.com/a?x=1&y=2",
        summary="",
        category="财经",
        source="新华社",
        published_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
        ingested_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    )
    sources = [
        StorySource("新华社", "https://example.com/a?x=1&y=2"),
        StorySource("人民网", None),
        StorySource(None, "https://news.example.org/b"),
        StorySource(None, None),
    ]
    header = render_story_header(
        article,
        zone=ZoneInfo("Asia/Shanghai"),
        category_label="财经",
        sources=sources,
        sources_label="来源：",
    )
    assert '<a href="https://example.com/a?x=1&amp;y=2">降准 &lt;落地&gt;</a>' in header
    assert "2026-11-24 16:00 · 财经" in header
    assert parse_html(header).text.endswith("来源：新华社、人民网、news.example.org")
    many = [StorySource(f"来源{n}", None) for n in range(40)]
    crowded = render_story_header(
        article, zone=ZoneInfo("UTC"), category_label="财经", sources=many, sources_label=""
    )
    assert crowded.count("来源") == MAX_SOURCES_SHOWN
    assert parsed_length(crowded) < 1000
