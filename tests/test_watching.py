"""Keyword watches as pure logic: parsing, matching a page of articles at once with the
per-chat cap, highlighting."""

from __future__ import annotations

import random
import unicodedata

import pytest

from digest.capped_matching import ArticleMatch, CappedMatching
from digest.scripts import fold_script
from digest.watch_text import fold_page
from digest.watching import (
    MAX_PHRASE_CHARS,
    Watch,
    WatchIndex,
    highlight_spans,
    normalise_phrase,
    parse_watch_request,
)
from tests.test_phrase_finder import phrases_from, reference_phrases
from tests.test_watch_text import real_texts


def test_words_quoted_phrases_and_category_are_parsed() -> None:
    request = parse_watch_request('降准 "Interest  Rate" 「人工智能 芯片」 in:财经')
    assert request.phrases == ["降准", "interest rate", "人工智能 芯片"]
    assert request.category == "财经"
    assert request.too_short == []


def test_single_characters_are_too_short() -> None:
    request = parse_watch_request("准 a 降准")
    assert request.too_short == ["准", "a"]
    assert request.phrases == ["降准"]


def test_phrases_longer_than_the_table_keeps_are_too_long() -> None:
    longest = "降" * MAX_PHRASE_CHARS
    request = parse_watch_request(f'{longest} "{longest}准" 加息')
    assert request.phrases == [longest, "加息"]
    assert request.too_long == ["降" * 20 + "…"]


def test_full_width_and_case_are_folded() -> None:
    assert normalise_phrase("ＡＩ　芯片") == "ai 芯片"


def _index(*phrases: str, category: str | None = None) -> WatchIndex:
    return WatchIndex(
        Watch(id=n, chat_id=100 + n, phrase=p, category=category) for n, p in enumerate(phrases)
    )


def _matches(index: WatchIndex, text: str, category: str = "财经") -> list[ArticleMatch]:
    """What the alert job finds in one article (``text``: its title and body, as stored)."""
    return CappedMatching(index, 1, {}).match_page([1], [text], [category])


def _phrases_in(index: WatchIndex, text: str) -> set[str]:
    return {phrase for match in _matches(index, text) for phrase in match.phrases}


def test_chinese_phrases_match_anywhere() -> None:
    index = _index("降准", "央行")
    assert _phrases_in(index, "中国人民银行宣布全面降准0.5个百分点") == {"降准"}


def test_english_words_match_on_word_boundaries_only() -> None:
    index = _index("rate")
    assert _matches(index, "The Fed cut its rate today")
    assert _matches(index, "Rate cut")
    assert not _matches(index, "a corporate merger")
    assert not _matches(index, "rates rose")


def test_a_watch_in_one_category_ignores_the_others() -> None:
    index = _index("降准", category="财经")
    assert _matches(index, "降准", "财经")
    assert not _matches(index, "降准", "国际")


def test_many_watches_on_one_phrase_all_match() -> None:
    index = WatchIndex(Watch(id=n, chat_id=n, phrase="芯片", category=None) for n in range(50))
    assert len(_matches(index, "新一代芯片发布", "科技")) == 50
    assert index.size == 50


def test_an_empty_index_matches_nothing() -> None:
    assert _matches(WatchIndex([]), "anything", "科技") == []


def test_highlight_spans_are_case_insensitive_and_cover_the_text() -> None:
    spans = highlight_spans("Rate cut: the RATE falls", ["rate"])
    assert "".join(part for part, _ in spans) == "Rate cut: the RATE falls"
    assert [part for part, hit in spans if hit] == ["Rate", "RATE"]


def test_highlighting_keeps_the_word_boundaries_of_matching() -> None:
    spans = highlight_spans("Corporate rate cut, rates up, 利率rate上调", ["rate"])
    assert [part for part, hit in spans if hit] == ["rate", "rate"]
    assert "".join(part for part, _ in spans) == "Corporate rate cut, rates up, 利率rate上调"


def test_the_watch_an_alert_names_is_the_one_its_button_removes() -> None:
    # The lowest watch id is 降准's, but the alert names its first phrase, 央行.
    index = WatchIndex(
        [
            Watch(id=1, chat_id=10, phrase="降准", category=None),
            Watch(id=2, chat_id=10, phrase="央行", category=None),
        ]
    )
    [match] = CappedMatching(index, 10, {}).match(1, normalise_phrase("央行降准"), "财经")
    assert match == ArticleMatch(chat_id=10, article_id=1, phrases=("央行", "降准"), watch_id=2)


def test_an_english_word_is_found_after_an_occurrence_inside_a_longer_word() -> None:
    index = _index("rate")
    assert _phrases_in(index, "corporate rate") == {"rate"}
    # Chinese characters are no word characters.
    assert _phrases_in(index, "利率rate上调") == {"rate"}
    assert _phrases_in(index, "rate") == {"rate"}
    assert _phrases_in(index, "corporate rates") == set()


def test_phrases_with_spaces_match_across_any_whitespace_of_the_text() -> None:
    index = _index("interest rate")
    assert _phrases_in(index, "The Interest\n\n Rate rose") == {"interest rate"}


@pytest.mark.parametrize(
    "text",
    [
        "中国人民银行宣布：下调存款准备金率０.５个百分点（降准）！市场？",
        "ＡＩ芯片　与 ５Ｇ基站…Ｆｉｎａｌ",
        "Cafe\u0301 ﬁnance ß Σίσυφος",  # a combining accent, a ligature, sharp s, final sigma
        "\u1100\u1161 \u3131\u314f 한국",  # conjoining and compatibility Hangul jamo
        "𝐀𝐈 ① ㎏ \uf900",  # beyond the BMP, circled and squared forms, a compatibility ideograph
        "plain ascii text, nothing to fold",
        "人工智慧與網路軟體，降準",  # Traditional, Taiwan phrasing: 人工智能与网络软件，降准
    ],
)
def test_normalising_is_script_folded_nfkc_casefolded_and_single_spaced(text: str) -> None:
    expected = " ".join(unicodedata.normalize("NFKC", fold_script(text)).casefold().split())
    assert normalise_phrase(text) == expected
    assert fold_page([text]).article(0) == expected  # what watches are matched in


def test_normalising_random_text_is_the_full_normalisation() -> None:
    rng = random.Random(10)
    pools = [
        "，：；！？（）％…　",
        "降准央行市场《》、。“”—·",
        "ＡＢａｂ１２",
        "abcXYZ 09\n\t\r",
        "\u0301\u0308\x1c\x85\u2028",
        "ﬁß①ΣÉ",
    ]
    for _ in range(1000):
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randrange(1, 40)))
        expected = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
        assert normalise_phrase(text) == expected, text


def _articles(*texts: str) -> list[tuple[int, str]]:
    return [(number, normalise_phrase(text)) for number, text in enumerate(texts, start=1)]


def test_a_chat_gets_at_most_its_limit_in_a_run_and_other_chats_go_on() -> None:
    index = WatchIndex(
        [
            Watch(id=1, chat_id=10, phrase="市场", category=None),
            Watch(id=2, chat_id=20, phrase="降准", category=None),
        ]
    )
    matching = CappedMatching(index, 3, {})
    articles = _articles(*(f"市场消息{n}" for n in range(6)), "央行降准，市场回暖")
    found = [m for number, text in articles for m in matching.match(number, text, "财经")]
    assert [(m.chat_id, m.article_id) for m in found] == [(10, 1), (10, 2), (10, 3), (20, 7)]
    assert matching.match_counts() == {1: 7, 2: 1}  # every match counts, alerted or not


def test_alerts_still_waiting_count_toward_the_limit() -> None:
    index = WatchIndex(Watch(id=n, chat_id=n, phrase="降准", category=None) for n in (1, 2, 3))
    matching = CappedMatching(index, 3, {1: 2, 2: 3})
    found = [m for number in range(1, 5) for m in matching.match(number, "降准", "财经")]
    assert sorted((m.chat_id, m.article_id) for m in found) == [
        (1, 1),
        (3, 1),
        (3, 2),
        (3, 3),
    ]


def test_one_match_per_chat_and_article_with_every_phrase_and_the_first_phrase_s_watch() -> None:
    index = WatchIndex(
        [
            Watch(id=5, chat_id=10, phrase="降准", category=None),
            Watch(id=3, chat_id=10, phrase="央行", category=None),
            Watch(id=7, chat_id=10, phrase="降准", category="财经"),
            Watch(id=9, chat_id=10, phrase="利率", category="国际"),
        ]
    )
    matching = CappedMatching(index, 10, {})
    [match] = matching.match(1, normalise_phrase("央行宣布降准，利率下行"), "财经")
    assert match == ArticleMatch(chat_id=10, article_id=1, phrases=("央行", "降准"), watch_id=3)
    assert matching.match(2, normalise_phrase("利率下行"), "财经") == []
    assert matching.match_counts() == {3: 1, 5: 1, 7: 1}


def test_with_a_cap_of_none_no_chat_is_alerted_and_every_match_is_counted() -> None:
    index = WatchIndex(Watch(id=n, chat_id=n, phrase="降准", category=None) for n in (1, 2))
    matching = CappedMatching(index, 0, {})  # how bench/watch.py times matching alone
    assert matching.match_page([1, 2], ["央行降准", "降准了"], ["财经", "国际"]) == []
    assert matching.match_counts() == {1: 2, 2: 2}


def test_a_closed_chat_gets_no_more_matches() -> None:
    index = WatchIndex(
        [
            Watch(id=1, chat_id=10, phrase="降准", category=None),
            Watch(id=2, chat_id=20, phrase="降准", category=None),
        ]
    )
    matching = CappedMatching(index, 10, {})
    matching.close(10)
    assert [m.chat_id for m in matching.match(1, "降准", "财经")] == [20]
    matching.close(20)
    assert matching.match(2, "降准", "财经") == []
    assert matching.match_counts() == {1: 2, 2: 2}


def _plain_capped_alerts(
    watches: list[Watch], articles: list[tuple[int, str, str]], limit: int
) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """(chat, article) alerted and each watch's match count, one search per watch and
    article: the rule ``CappedMatching`` keeps."""
    alerted: list[tuple[int, int]] = []
    taken: dict[int, int] = {}
    counts: dict[int, int] = {}
    for article_id, text, category in articles:
        phrases = reference_phrases([w.phrase for w in watches], text)
        matched = [w for w in watches if w.phrase in phrases and w.category in (None, category)]
        for watch in matched:
            counts[watch.id] = counts.get(watch.id, 0) + 1
        for chat_id in sorted({w.chat_id for w in matched}):
            if taken.get(chat_id, 0) < limit:
                taken[chat_id] = taken.get(chat_id, 0) + 1
                alerted.append((chat_id, article_id))
    return sorted(alerted), counts


@pytest.mark.parametrize("page_size", [1, 7, 1000])
def test_pages_of_articles_alert_by_the_plain_rule(page_size: int) -> None:
    texts = real_texts()[:400]
    rng = random.Random(page_size)
    phrases = phrases_from(texts, rng, 60)
    categories = ["财经", "国际", "科技"]
    watches = [
        Watch(id=n, chat_id=rng.randrange(30), phrase=rng.choice(phrases), category=category)
        for n in range(150)
        for category in [rng.choice([None, None, *categories])]
    ]
    articles = [(n, text, rng.choice(categories)) for n, text in enumerate(texts, start=1)]
    matching = CappedMatching(WatchIndex(watches), 3, {})
    found = []
    for start in range(0, len(articles), page_size):
        page = articles[start : start + page_size]
        found += matching.match_page(
            [a for a, _, _ in page], [t for _, t, _ in page], [c for *_, c in page]
        )
    expected_alerts, expected_counts = _plain_capped_alerts(watches, articles, 3)
    assert sorted((m.chat_id, m.article_id) for m in found) == expected_alerts
    assert matching.match_counts() == expected_counts


def test_a_watch_in_either_script_matches_an_article_in_the_other() -> None:
    assert normalise_phrase("人工智慧") == normalise_phrase("人工智能") == "人工智能"
    assert fold_page(["台灣的人工智慧產業"]).article(0) == "台湾的人工智能产业"
    assert fold_page(["降準消息"]).article(0) == normalise_phrase("降准消息")
