"""Both Chinese scripts fold to one for matching, and convert for reading."""

from __future__ import annotations

from digest.categories import known_category, normalise_category
from digest.dedup import normalised_text
from digest.scripts import (
    HONG_KONG,
    SIMPLIFIED,
    TAIWAN,
    TRADITIONAL,
    fold_script,
    in_script,
    is_traditional,
)
from digest.search_terms import article_index_text, query_phrases
from digest.story_text import event_text


def test_fold_turns_traditional_with_taiwan_phrasing_into_simplified() -> None:
    folded = fold_script("人工智慧和網路軟體，降準，國際新聞")
    assert folded == "人工智能和网络软件，降准，国际新闻"
    assert fold_script("降准 国际") == "降准 国际"  # Simplified stays as it is
    assert fold_script("plain text") == "plain text"


def test_fold_keeps_what_opencc_cannot_read() -> None:
    # OpenCC reads a C string: a NUL would end it, a lone surrogate cannot be encoded.
    assert fold_script("網路\x00網路") == "网络\x00网络"
    assert fold_script("網路\udfff國際") == "网络\udfff国际"


def test_queries_in_either_script_are_the_same_index_phrases() -> None:
    assert query_phrases("降準") == query_phrases("降准") == [["降准"]]
    assert query_phrases("人工智慧") == query_phrases("人工智能")
    assert article_index_text("央行降準", "") == article_index_text("央行降准", "")


def test_category_names_in_traditional_are_the_canonical_ones() -> None:
    found = known_category("國際")
    assert found is not None
    assert found.name == "国际"
    assert normalise_category("國際新聞") == "国际"
    assert normalise_category("財經") == "财经"
    assert normalise_category("寵物") == normalise_category("宠物") == "宠物"  # unknown: folded


def test_dedup_keys_of_a_story_in_both_scripts_are_equal() -> None:
    simplified = "中国人民银行宣布降准，人工智能和网络软件产业受益。"
    traditional = "中國人民銀行宣布降準，人工智慧和網路軟體產業受益。"
    assert normalised_text(simplified) == normalised_text(traditional)
    assert event_text("央行降准", simplified).words == event_text("央行降準", traditional).words


def test_display_conversions_follow_the_reader() -> None:
    text = "人工智能和网络软件，降准"
    assert in_script(text, TAIWAN) == "人工智慧和網路軟體，降準"
    assert in_script(text, TRADITIONAL) == "人工智能和網絡軟件，降準"
    assert in_script(text, HONG_KONG).startswith("人工智能")
    assert in_script("人工智慧和網路軟體", SIMPLIFIED) == "人工智慧和网路软体"
    assert in_script(text, None) == text


def test_text_already_in_the_readers_script_is_shown_as_stored() -> None:
    assert is_traditional("台灣選舉結果揭曉")
    assert not is_traditional("人工智能")  # no character of one script alone
    # A Simplified title with a rare Traditional character stays Simplified.
    title = "测试新闻第1号：挓橬絜轓糺撍槟橩斮玃埃斃"
    assert not is_traditional(title)
    assert in_script(title, SIMPLIFIED) == title
    assert in_script("台灣選舉結果揭曉", TAIWAN) == "台灣選舉結果揭曉"
