"""A page folded for watches is ``normalise_phrase`` of each article: on every character of
the BMP, every canonical composition, random text of every script and width, and real text."""

from __future__ import annotations

import functools
import unicodedata
from datetime import UTC, datetime

import numpy as np
import pytest

from bench.synthetic import ArticleGenerator
from digest.watch_text import SEPARATOR, SPACE, fold_page, fold_table, normalise_phrase
from tests.test_search_terms import DATA, bmp_chunks, random_texts


def _folded(texts: list[str]) -> list[str]:
    page = fold_page(texts)
    return [page.article(number) for number in range(len(texts))]


@functools.cache
def real_texts() -> list[str]:
    files = [path.read_bytes().decode("utf-8", errors="replace") for path in DATA.rglob("*.*")]
    generator = ArticleGenerator(seed=7, end=datetime(2026, 1, 1, tzinfo=UTC))
    articles = [f"{item['title']}\n{item['content']}" for item in generator.articles(300)]
    return sorted(files) + articles


def test_the_table_folds_a_character_as_normalise_phrase_does() -> None:
    table = fold_table()
    for code in np.flatnonzero(table != SEPARATOR).tolist():
        fold = unicodedata.normalize("NFKC", chr(code)).casefold()
        assert table[code] == (SPACE if fold.isspace() else ord(fold)), hex(code)


def test_every_character_of_the_bmp_folds_as_normalise_phrase_does() -> None:
    chunks = bmp_chunks()  # in order and shuffled: each character next to many others
    assert _folded(chunks) == [normalise_phrase(chunk) for chunk in chunks]


def test_characters_that_compose_fold_as_normalise_phrase_does() -> None:
    pairs = []
    for code in range(0x10000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            pairs.append(chr(int(parts[0], 16)) + chr(int(parts[1], 16)))
    hangul = ["\u1100\u1161", "\uac00\u11a8", "\u1100\u1161\u11a8", "가\u11a8"]
    texts = pairs + hangul + [" ".join(pairs)]
    assert _folded(texts) == [normalise_phrase(text) for text in texts]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_text_folds_as_normalise_phrase_does(seed: int) -> None:
    texts = list(random_texts(seed))
    assert _folded(texts) == [normalise_phrase(text) for text in texts]


def test_real_text_folds_as_normalise_phrase_does() -> None:
    texts = real_texts()
    assert _folded(texts) == [normalise_phrase(text) for text in texts]


def test_a_page_of_table_text_stays_in_16_bits_and_other_text_does_not() -> None:
    assert fold_page(["降准，ＡＩ芯片！", "rate  cut\n"]).codes.dtype == np.uint16
    assert fold_page(["降准", "𠮷 …"]).codes.dtype == np.uint32


@pytest.mark.parametrize(
    "texts", [[], [""], ["", " ", "\n\t"], ["  a  ", "…", "b\uffffc", "Ｃ"], ["\uffff"]]
)
def test_empty_and_blank_texts_and_separators_inside_them(texts: list[str]) -> None:
    assert _folded(texts) == [normalise_phrase(text) for text in texts]
