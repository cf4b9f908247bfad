"""Keyword watches as pure logic: parsing, one-pass matching, highlighting."""

from __future__ import annotations

from digest.watching import (
    Watch,
    WatchIndex,
    highlight_spans,
    normalise_phrase,
    parse_watch_request,
)


def test_words_quoted_phrases_and_category_are_parsed() -> None:
    request = parse_watch_request('降准 "Interest  Rate" 「人工智能 芯片」 in:财经')
    assert request.phrases == ["降准", "interest rate", "人工智能 芯片"]
    assert request.category == "财经"
    assert request.too_short == []


def test_single_characters_are_too_short() -> None:
    request = parse_watch_request("准 a 降准")
    assert request.too_short == ["准", "a"]
    assert request.phrases == ["降准"]


def test_full_width_and_case_are_folded() -> None:
    assert normalise_phrase("ＡＩ　芯片") == "ai 芯片"


def _index(*phrases: str, category: str | None = None) -> WatchIndex:
    return WatchIndex(
        Watch(id=n, chat_id=100 + n, phrase=p, category=category) for n, p in enumerate(phrases)
    )


def test_chinese_phrases_match_anywhere() -> None:
    index = _index("降准", "央行")
    matched = index.match(normalise_phrase("中国人民银行宣布全面降准0.5个百分点"), "财经")
    assert [w.phrase for w in matched] == ["降准"]


def test_english_words_match_on_word_boundaries_only() -> None:
    index = _index("rate")
    assert index.match("the fed cut its rate today", "财经")
    assert index.match("rate cut", "财经")
    assert not index.match("a corporate merger", "财经")
    assert not index.match("rates rose", "财经")


def test_a_watch_in_one_category_ignores_the_others() -> None:
    index = _index("降准", category="财经")
    assert index.match("降准", "财经")
    assert not index.match("降准", "国际")


def test_many_watches_on_one_phrase_all_match() -> None:
    index = WatchIndex(Watch(id=n, chat_id=n, phrase="芯片", category=None) for n in range(50))
    assert len(index.match("新一代芯片发布", "科技")) == 50
    assert index.size == 50


def test_an_empty_index_matches_nothing() -> None:
    assert WatchIndex([]).match("anything", "科技") == []


def test_highlight_spans_are_case_insensitive_and_cover_the_text() -> None:
    spans = highlight_spans("Rate cut: the RATE falls", ["rate"])
    assert "".join(part for part, _ in spans) == "Rate cut: the RATE falls"
    assert [part for part, hit in spans if hit] == ["Rate", "RATE"]
