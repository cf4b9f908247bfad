"""Finding many phrases in a page at once finds what a plain search of each article for each
phrase finds: substrings, with word boundaries where a phrase begins or ends with a Latin
letter or digit, never across two articles."""

from __future__ import annotations

import random

import pytest

from digest.phrase_finder import PhraseFinder
from digest.watch_text import fold_page, normalise_phrase
from tests.test_search_terms import random_texts
from tests.test_watch_text import real_texts


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def reference_phrases(phrase_list: list[str], text: str) -> set[str]:
    """The phrases in ``text``, one search each, as the definition of the output."""
    text = normalise_phrase(text)
    found = set()
    for phrase in phrase_list:
        start = text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            open_before = start == 0 or not _is_word_char(text[start - 1])
            open_after = end == len(text) or not _is_word_char(text[end])
            if (open_before or not _is_word_char(phrase[0])) and (
                open_after or not _is_word_char(phrase[-1])
            ):
                found.add(phrase)
                break
            start = text.find(phrase, start + 1)
    return found


def found_phrases(phrase_list: list[str], texts: list[str]) -> list[set[str]]:
    finder = PhraseFinder(phrase_list)
    matches = finder.find(fold_page(texts))
    found: list[set[str]] = [set() for _ in texts]
    for article, number in zip(matches.articles.tolist(), matches.phrases.tolist(), strict=True):
        found[article].add(phrase_list[number])
    return found


def phrases_from(texts: list[str], rng: random.Random, count: int) -> list[str]:
    """Pieces of the texts (so that most occur somewhere), of one to twelve characters."""
    phrases = set()
    while len(phrases) < count:
        text = normalise_phrase(rng.choice(texts))
        if not text:
            continue
        start = rng.randrange(len(text))
        phrase = text[start : start + rng.choice([1, 2, 2, 3, 4, 4, 5, 7, 12])].strip()
        if phrase:
            phrases.add(phrase)
    return sorted(phrases)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_phrases_are_found_in_random_text_as_by_a_plain_search(seed: int) -> None:
    texts = list(random_texts(seed, count=400))
    phrases = phrases_from(texts, random.Random(seed), 300)
    assert found_phrases(phrases, texts) == [reference_phrases(phrases, t) for t in texts]


def testphrases_from_real_text_are_found_as_by_a_plain_search() -> None:
    texts = real_texts()
    phrases = phrases_from(texts, random.Random(4), 2000)
    assert found_phrases(phrases, texts) == [reference_phrases(phrases, t) for t in texts]


def test_phrases_that_begin_alike_are_told_apart() -> None:
    phrases = [
        "interest",
        "interest rate",
        "interest rates",
        "inter",
        "央行",
        "央行降准",
        "央行降",
    ]
    texts = ["Interest rates rose", "the interest  rate", "央行降息", "intern", "央行降准了"]
    assert found_phrases(phrases, texts) == [reference_phrases(phrases, t) for t in texts]
    assert found_phrases(phrases, texts)[0] == {"interest", "interest rates"}


def test_latin_phrases_match_on_word_boundaries_only() -> None:
    texts = ["a corporate merger", "rates rose", "利率rate上调", "5g", "ai芯片 and ai"]
    phrases = ["rate", "5g", "ai芯片", "ai"]
    assert found_phrases(phrases, texts) == [set(), set(), {"rate"}, {"5g"}, {"ai芯片", "ai"}]


def test_a_phrase_never_spans_two_articles() -> None:
    assert found_phrases(["降准", "rate cut"], ["央行降", "准", "rate", "cut"]) == [set()] * 4


def test_no_phrases_and_no_articles() -> None:
    assert found_phrases([], ["降准"]) == [set()]
    assert found_phrases(["降准"], []) == []
