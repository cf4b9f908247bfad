"""Fast folding: the words are exactly those of full NFKC normalisation."""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.dedup import content_hash, normalised_text
from digest.folding import NOT_ONE_BMP_CHAR, TEXT_GAP, bmp_char_mapping, fold, fold_all
from digest.neardup import minhash_signature, near_duplicate_text
from digest.pipeline import prepare_article
from digest.scripts import fold_script
from digest.search_terms import index_text
from tests.factories import INGESTED_AT

DATA = Path(__file__).parent / "data"
_WORDS = re.compile(r"[^\W_]+")
# Characters where folding could go wrong: full-width forms, compatibility letters and
# digits, combining marks (alone, after punctuation, after letters), spaces, Hangul jamo.
TRICKY = (
    "，。：；！？（）“”《》、　…—～·＂＇［］｛｝＜＞／＼＿ＡＢＣａｂｃ１２３４"
    "①⑴㈠™℃㎏ﬁ½²Ⅻｶﾞ가\u1100\u1161\u11a8\u0301\u0308\u0338\u3099\u309a"
    "éeE1 _-.,;:!?'\"()<>\u00a0\u2003\u200b\t\n"
    "降准央行市场人工智能鲸降準網路軟體人工智慧國際演算法"
)


def _words(text: str) -> list[str]:
    return _WORDS.findall(text)


def _texts() -> list[str]:
    rng = random.Random(20221)
    texts = ["".join(rng.choice(TRICKY) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    texts += [
        path.read_bytes().decode("utf-8", errors="replace") for path in sorted(DATA.rglob("*.*"))
    ]
    return texts


def test_folded_words_equal_the_words_of_full_nfkc_on_random_and_real_text() -> None:
    mismatches = [
        text
        for text in _texts()
        if _words(fold(text)) != _words(fold_script(unicodedata.normalize("NFKC", text)))
    ]
    assert mismatches == []


def test_full_width_punctuation_becomes_a_space_and_letters_fold() -> None:
    assert fold("降准，央行（ＡＢＣ１２）") == "降准 央行 ABC12 "
    assert fold("plain text") == "plain text"


def test_keys_are_the_same_as_with_full_normalisation() -> None:
    text = "国铁集团２１日发布消息，今年以来ＡＢＣ累计开行８９９０列。™ ①"
    slow = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())
    assert normalised_text(text) == slow


def test_prepared_records_match_the_public_key_functions() -> None:
    body = [
        "国铁集团２１日发布消息，今年以来，中欧班列累计开行8990列、发送97.5万标箱。",
        "Ｔｈｅ　ＡＩ chip market grew; 人工智能芯片（AI chips）需求旺盛。",
    ]
    parsed = ParsedArticle(title="中欧班列：开行８９９０列", paragraphs=body, origin="test")
    record = prepare_article(parsed, default_tz=ZoneInfo("Asia/Shanghai"), now=INGESTED_AT)
    content = "\n\n".join(body)
    assert record.content_hash == content_hash(record.title, content)
    assert record.signature == minhash_signature(near_duplicate_text(record.title, content))
    assert record.search_text == index_text(f"{record.title}\n{content}")


def test_folding_texts_together_is_folding_each_alone() -> None:
    texts = _texts()
    for start in range(0, len(texts), 50):
        group = texts[start : start + 50]
        folded = fold_all(group)
        assert folded.texts == [fold(text) for text in group]
        assert folded.joined == TEXT_GAP.join(folded.texts)
        assert folded.codes.tobytes().decode("utf-32-le", "surrogatepass") == TEXT_GAP.join(
            folded.texts
        )
        assert (folded.ends - folded.starts).tolist() == [len(text) for text in folded.texts]
    assert fold_all([]).texts == []


def test_bmp_char_mapping_is_the_mapping_of_each_character_alone() -> None:
    for mapping in (str.lower, str.casefold):
        mapped = bmp_char_mapping(mapping).tolist()
        for code in range(0x10000):
            expected = mapping(chr(code))
            if len(expected) == 1 and ord(expected) < 0x10000:
                assert mapped[code] == ord(expected)
            else:
                assert mapped[code] == NOT_ONE_BMP_CHAR
