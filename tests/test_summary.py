"""Lead summaries: first complete sentences within budget, no bylines, captions or blocks."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from digest.encoding import decode_text
from digest.summary import CJK_LIMIT, WORD_LIMIT, summarise_lead
from digest.text import CLOSERS, _ends_sentence, is_cjk_text, split_paragraphs, split_sentences
from digest.textdump import parse_text_dump

SAMPLE = Path(__file__).parent / "data" / "textdump" / "sample_world.txt"
NEWS = "市交通委今天宣布，地铁新线将于本月底开通运营。"


def sample_summary() -> str:
    text = decode_text(SAMPLE.read_bytes(), origin="sample")
    article = parse_text_dump(text, origin="sample")
    return summarise_lead(article.paragraphs, title=article.title)


def test_summary_of_sample_is_its_first_two_sentences_about_belarus() -> None:
    assert sample_summary() == (
        "关键时刻,白俄罗斯用实际行动支持普京,未来不排除在白俄罗斯开辟第二战场的可能性。"
        "日前,乌克兰方面透露,他们北部边境的切尔尼科夫,已经遭到了来自白俄罗斯的导弹袭击,"
        "大约有20多枚导弹。"
    )


def test_summary_of_sample_has_no_caption_or_recommendation_text() -> None:
    summary = sample_summary()
    assert " - 天天要闻" not in summary
    assert "推荐" not in summary
    assert "中俄" not in summary
    assert len(summary) <= 120


def test_summary_skips_xinhua_dateline_and_reporters() -> None:
    paragraphs = [
        "新华社北京6月28日电（记者 张三 李四）国务院今天召开常务会议。会议部署了夏粮收购。"
    ]
    assert summarise_lead(paragraphs) == "国务院今天召开常务会议。会议部署了夏粮收购。"


@pytest.mark.parametrize(
    "byline",
    [
        "（记者 张三）",
        "本报讯",
        "记者 王五 报道",
        "By Jane Doe",
        "By Jane Doe and John Roe, Reuters",
        "编者按：今年是工程建成十周年，本报推出系列报道。",
        "原标题：地铁新线月底开通",
        "2024年3月2日 08:10",
        "2024-03-02",
        "March 2, 2024",
        "来源：新华社",
        "责任编辑：赵六",
        "文/张三",
    ],
)
def test_summary_skips_paragraphs_that_are_only_bylines(byline: str) -> None:
    assert summarise_lead([byline, NEWS]) == NEWS


@pytest.mark.parametrize(
    ("paragraph", "summary"),
    [
        ("本报讯（记者 张三）" + NEWS, NEWS),
        ("本报讯 记者 王五 报道：" + NEWS, NEWS),
        ("中新网6月28日电 据外媒报道，某国发生地震。", "据外媒报道，某国发生地震。"),
        ("央视网消息（新闻联播）：" + NEWS, NEWS),
        (
            "WASHINGTON (Reuters) - The Federal Reserve held rates steady on Wednesday.",
            "The Federal Reserve held rates steady on Wednesday.",
        ),
        (
            "LONDON, March 2 (Reuters) - Britain's economy grew 0.3% in January.",
            "Britain's economy grew 0.3% in January.",
        ),
        ("GENEVA — Talks resumed on Monday.", "Talks resumed on Monday."),
    ],
)
def test_summary_strips_dateline_prefix_and_keeps_the_news(paragraph: str, summary: str) -> None:
    assert summarise_lead([paragraph]) == summary


def test_summary_keeps_news_that_only_looks_like_a_byline() -> None:
    assert summarise_lead(["By Monday, the markets had recovered."]) == (
        "By Monday, the markets had recovered."
    )


def test_summary_does_not_split_english_abbreviations_or_decimals() -> None:
    paragraph = (
        "Mr. Lee told U.S. lawmakers the chip uses 3.5 watts. "
        + " ".join(["More words follow here in a long second sentence"] * 8)
        + "."
    )
    assert summarise_lead([paragraph]) == "Mr. Lee told U.S. lawmakers the chip uses 3.5 watts."


def test_summary_keeps_closing_quotes_with_their_sentence() -> None:
    paragraphs = ["他说：“我们会赢！”比赛在周六举行。", "“这是一场硬仗。”教练表示。"]
    assert (
        summarise_lead(paragraphs)
        == "他说：“我们会赢！”比赛在周六举行。“这是一场硬仗。”教练表示。"
    )


def test_summary_stops_at_the_first_sentence_over_budget() -> None:
    first = "甲" * 60 + "。"
    second = "乙" * 50 + "。"
    third = "丙" * 30 + "。"
    fourth = "丁" * 5 + "。"
    assert summarise_lead([first + second, third + fourth]) == first + second


def test_summary_keeps_a_long_first_sentence_whole_within_the_limit() -> None:
    sentence = "这" * (CJK_LIMIT - 1) + "。"
    assert summarise_lead([sentence + "第二句。"]) == sentence


def test_summary_cuts_overlong_first_sentence_at_a_clause_boundary() -> None:
    sentence = "开头" * 30 + "，" + "中间" * 20 + "，" + "结尾" * 40 + "。"
    summary = summarise_lead([sentence])
    assert summary == "开头" * 30 + "，" + "中间" * 20 + "…"


def test_summary_cut_without_clause_never_splits_a_latin_word() -> None:
    sentence = "没有标点的句子" * 16 + "Kubernetes" + "还有很多内容" * 10 + "。"
    summary = summarise_lead([sentence])
    assert summary.endswith("…")
    assert "Kuber" not in summary
    assert len(summary) <= CJK_LIMIT


def test_summary_cuts_overlong_english_sentence_at_a_clause() -> None:
    words = ["word"] * 40 + ["clause,"] + ["more"] * 50
    summary = summarise_lead([" ".join(words) + "."])
    assert summary == " ".join(["word"] * 40 + ["clause"]) + "…"
    assert len(summary.split()) <= WORD_LIMIT


def test_summary_counts_english_words_not_characters() -> None:
    sentences = [
        "Alpha " + " ".join(["alpha"] * 24) + ".",
        "Beta " + " ".join(["beta"] * 29) + ".",
        "Gamma " + " ".join(["gamma"] * 9) + ".",  # 65 words in all: over the budget
    ]
    assert summarise_lead([" ".join(sentences)]) == " ".join(sentences[:2])


def test_summary_normalises_whitespace_and_full_width_spaces() -> None:
    paragraphs = ["\u3000\u3000北京时间 今天上午，\t火箭\n发射成功。  "]
    assert summarise_lead(paragraphs) == "北京时间今天上午，火箭发射成功。"


def test_summary_skips_a_paragraph_repeating_the_title_or_its_caption() -> None:
    title = "地铁新线月底开通"
    paragraphs = [title, f"{title} - 天天要闻", NEWS]
    assert summarise_lead(paragraphs, title=title) == NEWS


def test_summary_marks_the_end_of_an_unpunctuated_paragraph() -> None:
    assert summarise_lead(["第一段没有句号", "第二段有。"]) == "第一段没有句号。第二段有。"


@pytest.mark.parametrize(
    "paragraphs", [[], [""], ["  \u3000 "], ["责任编辑：赵六", "来源：新华社"]]
)
def test_summary_of_no_news_is_empty(paragraphs: list[str]) -> None:
    assert summarise_lead(paragraphs) == ""


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("他说：“好。”然后走了！真的？是的", ["他说：“好。”", "然后走了！", "真的？", "是的"]),
        ("盟友打脸美国!印度“牵手”伊朗", ["盟友打脸美国!", "印度“牵手”伊朗"]),
        (
            'Dr. Ruiz met John F. Kennedy Jr. at 10 a.m. on Monday. "Why?" he asked. Up 3.5%.',
            [
                "Dr. Ruiz met John F. Kennedy Jr. at 10 a.m. on Monday.",
                '"Why?" he asked.',
                "Up 3.5%.",
            ],
        ),
        (
            "Prices fell... Then they rose (again.) Done",
            ["Prices fell...", "Then they rose (again.)", "Done"],
        ),
    ],
)
def test_split_sentences_keeps_marks_quotes_and_abbreviations(
    text: str, sentences: list[str]
) -> None:
    assert split_sentences(text) == sentences


def test_split_paragraphs_on_blank_lines_joining_wrapped_lines() -> None:
    text = "第一段第一行\n第二行\r\n\r\n\u3000\u3000第二段\n \n\nThird one\nwraps here"
    assert split_paragraphs(text) == ["第一段第一行第二行", "第二段", "Third one wraps here"]


@pytest.mark.parametrize(
    ("text", "cjk"),
    [
        ("白俄罗斯用实际行动支持普京", True),
        ("苹果发布 iPhone 17 新机型，售价不变", True),
        ("The Fed held rates steady — again.", False),
        ("", False),
    ],
)
def test_script_is_judged_from_the_character_mix(text: str, cjk: bool) -> None:
    assert is_cjk_text(text) is cjk


def test_summary_is_fast_enough_for_bulk_ingest() -> None:
    paragraphs = [
        "新华社北京6月28日电（记者 张三）" + "今天天气很好，阳光明媚，适合出门。" * 4,
        "市民纷纷走出家门，到公园游玩。" * 4,
        "专家提醒注意防晒。" * 3,
    ]
    started = time.perf_counter()
    for _ in range(5000):
        summarise_lead(paragraphs)
    # About 70,000/s on the reference machine; a tenth of that still passes on a slow runner.
    assert time.perf_counter() - started < 0.7


_REFERENCE_SENTENCE_END = re.compile(f"[。！？!?.][。！？!?.{re.escape(CLOSERS)}]*")


def reference_split_sentences(text: str) -> list[str]:
    """``split_sentences`` as it was before its regex skipped "." inside words and numbers."""
    sentences, start = [], 0
    for match in _REFERENCE_SENTENCE_END.finditer(text):
        if match.group()[0] in "。！？" or _ends_sentence(text, match):
            sentences.append(text[start : match.end()].strip())
            start = match.end()
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


def test_split_sentences_is_the_same_as_before_on_random_text() -> None:
    rng = random.Random(5)
    pieces = [
        "。",
        "！",
        "？",
        "!",
        "?",
        ".",
        "..",
        "…",
        *CLOSERS,
        " ",
        "\u3000",
        "\n",
        "a",
        "Mr",
        "U",
        "S",
        "e",
        "g",
        "3",
        "５",
        "降准",
        "x",
        "(",
        "A",
        "—",
        ",",
        "，",
    ]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(20000)]
    assert [split_sentences(text) for text in texts] == [
        reference_split_sentences(text) for text in texts
    ]
