"""The numpy paths of the index text and the dedup key give exactly what the regex did, on
random text of every script and width, on every character of the BMP and on real articles."""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.synthetic import ArticleGenerator
from digest import dedup, search_terms
from digest.dedup import _letters_and_digits, text_key, text_keys
from digest.folding import TEXT_GAP, fold, fold_all
from digest.search_terms import (
    MAX_INDEXED_CHARS,
    _bmp_index_text,
    article_index_texts,
    index_folded,
    query_phrases,
)

DATA = Path(__file__).parent / "data"

# The implementations before numpy, kept as the definition of the output.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_RUNS = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def reference_tokens(folded: str) -> list[str]:
    tokens: list[str] = []
    for cjk, word in _RUNS.findall(folded):
        if not cjk:
            tokens.append(word.lower())
        elif len(cjk) == 1:
            tokens.append(cjk)
        else:
            tokens.extend(map(str.__add__, cjk, cjk[1:]))
    return tokens


def reference_index_folded(folded: str) -> str:
    return " ".join(reference_tokens(folded[:MAX_INDEXED_CHARS]))


def reference_text_key(folded: str) -> str:
    return _NOT_WORD.sub("", folded.casefold())


# Characters by script, with those where a shortcut could go wrong: CJK punctuation inside
# the CJK ranges (・ー), letters whose lower or case folding is longer or depends on context
# (İ ß ŉ Σ ΐ ǅ), marks that are not word characters but fold to one (U+0345), case-ignorable
# letters and punctuation around Σ (ʰ '), numbers that are not digits (² Ⅻ ①), a lone surrogate.
ALPHABETS = {
    "han": "降准央行市场人工智能鲸中国的一是不了在人有我他这个们上来到时大地为子"
    "\u3400\u4dbf\u4e00\u9fff\uf900\ufa6d\ufaff\u3007",
    "kana": "あいうえおかきゃっをんアイウエオカキャッヲンー・ヽゝ゛゜\u3040\u3099\u30a0\u30ff",
    "hangul": "가나다라마바사아자차카타파하힣\uac00\ud7a3\ud7af\u1100\u1161\u11a8\u3131",
    "latin": "abcxyzABCXYZéÉèàÀçÇñÑöÖüÜßẞøØåÅæÆœŒİıIiĳĲŉǅǄǆﬁﬀſ",
    "digits": "0123456789０１２３٣४৫²³¹½Ⅻⅻ①⑴㈠",
    "greek": "αβγδεΑΒΓΔΕσςΣΣΣΟΔΟΣΐΰάΆωΩ",
    "cyrillic": "абвгдАБВГДёЁщЩэЭюЯ",
    "marks": "\u0301\u0308\u0338\u0345\u0307\u20dd\u3099\u309a\u200d\u00ad",
    "case_ignorable": "ʰʲˇ'’.:·\u02bc",
    "punctuation": "_-.,;:!?'\"()[]{}<>@#$%^&*+=/\\|~`，。：；！？（）“”《》、…—～·＂＇［］"
    "｛｝＜＞／＼＿「」『』【】〈〉￥※",
    "spaces": " \t\n\r\u00a0\u2003\u3000\u200b\u2028",
    "astral": "😀👍🏽\U0001f1e8\U0001f1f3𠀀𠮷\U0002a6d6𝐀𝔄𐐀𐐨\U000e0001\U0010ffff",
    "oddities": "\x00\x7f\ud800\udfff\ufeff\ufffd\uffff",
}
# Mostly-BMP mixes (the fast path) and mixes with astral characters (the fallback).
MIXES = [
    ["han", "punctuation", "digits", "latin", "spaces"],
    ["han", "kana", "hangul", "marks"],
    ["latin", "greek", "cyrillic", "case_ignorable", "marks", "spaces", "digits"],
    ["greek", "case_ignorable", "marks", "punctuation"],
    ["han", "latin", "astral", "punctuation"],
    list(ALPHABETS),
]


@functools.cache
def random_texts(seed: int, count: int = 2000) -> tuple[str, ...]:
    """Texts of runs from a few scripts at a time, so that CJK runs, words and gaps of every
    length meet each other; lengths on both sides of the numpy thresholds."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        mix = rng.choice(MIXES)
        length = rng.choice([rng.randint(0, 12), rng.randint(0, 150), rng.randint(100, 1500)])
        chars: list[str] = []
        while len(chars) < length:
            alphabet = ALPHABETS[rng.choice(mix)]
            chars.extend(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
        texts.append("".join(chars[:length]))
    return tuple(texts)


@functools.cache
def real_texts() -> tuple[str, ...]:
    files = [path.read_bytes().decode("utf-8", errors="replace") for path in DATA.rglob("*.*")]
    generator = ArticleGenerator(seed=7, end=datetime(2026, 1, 1, tzinfo=UTC))
    articles = [f"{item['title']}\n{item['content']}" for item in generator.articles(300)]
    return tuple(fold(text) for text in sorted(files) + articles)


def bmp_chunks() -> list[str]:
    """Every character of the BMP, in order and shuffled, in chunks."""
    every_char = [chr(code) for code in range(0x10000)]
    shuffled = every_char.copy()
    random.Random(3).shuffle(shuffled)
    return [
        "".join(chars[start : start + 997])
        for chars in (every_char, shuffled)
        for start in range(0, 0x10000, 997)
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_index_text_is_the_same_as_word_by_word_on_random_text(seed: int) -> None:
    texts = random_texts(seed)
    assert [index_folded(text) for text in texts] == [
        reference_index_folded(text) for text in texts
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_numpy_path_is_the_same_or_declines_on_random_text(seed: int) -> None:
    # Called directly: short texts never reach it through ``index_folded``. Without Σ and İ,
    # whose lower case is not their own, it only declines text beyond the BMP.
    texts = random_texts(seed)
    texts += tuple(text.replace("Σ", "").replace("İ", "") for text in texts)
    declined = 0
    for text in texts:
        fast = _bmp_index_text(text)
        assert fast is None or fast == " ".join(reference_tokens(text)), text
        declined += fast is None
    assert declined < len(texts) / 2


def test_numpy_path_knows_every_character_of_the_bmp() -> None:
    # Without İ and Σ, for which the numpy path declines (their lower case is not their own).
    chunks = [chunk.replace("İ", "").replace("Σ", "") for chunk in bmp_chunks()]
    assert [_bmp_index_text(chunk) for chunk in chunks] == [
        " ".join(reference_tokens(chunk)) for chunk in chunks
    ]


def test_index_text_is_the_same_as_word_by_word_on_real_articles() -> None:
    texts = real_texts()
    assert [index_folded(text) for text in texts] == [
        reference_index_folded(text) for text in texts
    ]


def test_index_text_of_a_chinese_article_takes_the_numpy_path() -> None:
    article = real_texts()[-1]
    assert len(article) > 200
    assert _bmp_index_text(article) == reference_index_folded(article)


def test_index_text_splits_cjk_into_bigrams_and_keeps_words_whole() -> None:
    text = "央行降准率，Interest RATES 2.5% 降 a降b ・ー𠀀x"
    assert index_folded(text * 5) == " ".join([reference_index_folded(text)] * 5)
    assert reference_index_folded(text) == (
        "央行 行降 降准 准率 interest rates 2 5 降 a 降 b ・ー 𠀀x"
    )


def test_final_sigma_and_dotted_capital_i_are_lowered_word_by_word() -> None:
    # Whole-text lower-casing would see the neighbours across the gaps between words.
    for text in ["ΟΔΟΣ'Α ʰΣ aΣ_b ΣΣ İSTANBUL", "a\u0301Σ x", "ΑΣ" + "降准" * 40]:
        long = text + " padding" * 20
        assert index_folded(long) == reference_index_folded(long)


def test_index_text_stops_at_the_cap() -> None:
    text = "降准央行 market " * 3000
    assert len(text) > MAX_INDEXED_CHARS
    assert index_folded(text) == reference_index_folded(text)
    assert index_folded(text) == index_folded(text[:MAX_INDEXED_CHARS])


def test_query_phrases_are_the_index_tokens_of_each_query_word() -> None:
    assert query_phrases("央行 降准率 Interest，RATES") == [
        ["央行"],
        ["降准", "准率"],
        ["interest"],
        ["rates"],
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_text_key_is_the_same_as_the_regex_on_random_text(seed: int) -> None:
    for text in random_texts(seed):
        assert text_key(text) == reference_text_key(text), text
        assert _letters_and_digits(text) == _NOT_WORD.sub("", text), text


def test_text_key_knows_every_character_of_the_bmp() -> None:
    chunks = bmp_chunks()
    assert [_letters_and_digits(chunk.casefold()) for chunk in chunks] == [
        reference_text_key(chunk) for chunk in chunks
    ]


def test_text_key_is_the_same_as_the_regex_on_real_articles() -> None:
    texts = real_texts()
    assert [text_key(text) for text in texts] == [reference_text_key(text) for text in texts]


def groups_of_pairs(texts: tuple[str, ...], size: int = 3) -> list[list[str]]:
    """Texts as groups of (title, content) pairs, folded; small, so that most groups are all
    within the BMP (the tables' path) and some are not (the fallback)."""
    folded = [fold(text) for text in texts[: len(texts) // 2 * 2]]  # pairs: a leftover goes
    return [folded[start : start + 2 * size] for start in range(0, len(folded) - 1, 2 * size)]


def test_text_keys_together_are_each_text_key() -> None:
    texts = random_texts(4) + tuple(text.replace("ß", "") for text in random_texts(5))
    groups = groups_of_pairs(texts + real_texts())
    assert [text_keys(fold_all(group)) for group in groups] == [
        [reference_text_key(text) for text in group] for group in groups
    ]
    assert text_keys(fold_all([])) == []


def test_the_gap_between_folded_texts_separates_words_as_a_space_does() -> None:
    text = f"降准{TEXT_GAP}央行 rates{TEXT_GAP}up " * 10  # long enough for numpy
    assert index_folded(text) == index_folded(text.replace(TEXT_GAP, " "))
    assert _bmp_index_text(text) == reference_index_folded(text)


def test_article_index_texts_are_each_article_indexed_alone() -> None:
    texts = random_texts(6) + tuple(
        text.replace("Σ", "").replace("İ", "") for text in random_texts(7)
    )
    long = "降准央行 market " * 1500  # over the cap only with its title
    groups = groups_of_pairs(texts + real_texts())
    groups += [["标题", long, "", "", "ab", "降"], ["x", "Σ"], ["", ""]]
    assert [article_index_texts(fold_all(group)) for group in groups] == [
        [
            reference_index_folded(f"{title}\n{content}")
            for title, content in zip(group[0::2], group[1::2], strict=True)
        ]
        for group in groups
    ]


def test_one_text_beyond_the_tables_does_not_send_its_neighbours_the_slow_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keys and index texts of a group that mixes texts the tables speak for (emoji
    included) with a few they cannot (CJK extension B, ``ß``, ``Σ``): each is what it is
    alone, and only those few are done on their own."""
    plain = [fold(text) for text in real_texts()[1:7] * 2]  # Chinese news, all in the tables
    odd = [fold(text) for text in ["点赞👍降准", "𠮷野家 降价", "Straße market", "ΟΔΟΣ 降准"]]
    plain[1] += " 👍🏽🇨🇳"  # emoji are no part of a word: the tables' path takes them
    group = plain[:4] + odd[:2] + plain[4:8] + odd[2:] + plain[8:10]
    alone: list[str] = []

    def noting(done_alone: Callable[[str], str]) -> Callable[[str], str]:
        def noted(text: str) -> str:
            alone.append(text)
            return done_alone(text)

        return noted

    monkeypatch.setattr(search_terms, "index_folded", noting(index_folded))
    monkeypatch.setattr(dedup, "text_key", noting(text_key))
    assert text_keys(fold_all(group)) == [reference_text_key(text) for text in group]
    assert article_index_texts(fold_all(group)) == [
        reference_index_folded(f"{title}\n{content}")
        for title, content in zip(group[0::2], group[1::2], strict=True)
    ]
    # Keys: "𠮷野家" and "Straße" ("ΟΔΟΣ" case-folds one character each). Index texts: the
    # two articles holding them and "ΟΔΟΣ" (Σ's lower case depends on its neighbours).
    assert sorted(alone) == sorted([*odd[1:3], f"{odd[0]}\n{odd[1]}", f"{odd[2]}\n{odd[3]}"])
