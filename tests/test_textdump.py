"""The text page dump parser, on the real sample and on realistic variants of it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.article import ParsedArticle
from digest.encoding import decode_text
from digest.errors import ParseError
from digest.summary import summarise_lead
from digest.textdump import parse_text_dump

DUMPS = Path(__file__).parent / "data" / "textdump"
EXAMPLES = Path(__file__).parent.parent / "examples"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SAMPLE_RELATED = [
    "中俄签署联合声明后,美要求中方停止对俄合作,否则对华采取行动",
    "“法国决定邀请俄罗斯参加,美英不满”",
    "中俄已经谈妥,普京首访来中国,且一待就是2天",
    "盟友打脸美国!印度“牵手”伊朗,德国、瑞典:别学美国对华政策",
    "贵州黎平违规建设客栈失火致9人遇难:经营者获刑5年",
]


def parse_file(path: Path) -> ParsedArticle:
    text = decode_text(path.read_bytes(), origin=path.name)
    return parse_text_dump(text, origin=path.name, default_tz=SHANGHAI)


def parse(text: str) -> ParsedArticle:
    return parse_text_dump(text, origin="t.txt", default_tz=SHANGHAI)


@pytest.fixture(scope="module")
def sample() -> ParsedArticle:
    return parse_file(DUMPS / "sample_world.txt")


def test_sample_title_category_views_source_origin(sample: ParsedArticle) -> None:
    assert sample.title == "坚定支持普京,白俄终于拿出实际行动"
    assert sample.category == "国际"
    assert sample.views == 1745
    assert sample.source == "天天要闻"
    assert sample.origin == "sample_world.txt"
    assert sample.url is None
    assert sample.summary is None


def test_sample_published_at_is_china_time(sample: ParsedArticle) -> None:
    assert sample.published_at == datetime(2022, 6, 28, 17, 15, 2, tzinfo=UTC)
    assert sample.published_at is not None
    assert sample.published_at.utcoffset() == timedelta(hours=8)


def test_default_tz_does_not_change_china_time_of_the_format() -> None:
    text = (DUMPS / "sample_world.txt").read_text(encoding="utf-8")
    article = parse_text_dump(text, origin="t", default_tz=ZoneInfo("America/New_York"))
    assert article.published_at == datetime(2022, 6, 28, 17, 15, 2, tzinfo=UTC)


def test_sample_body_is_the_fifteen_article_paragraphs(sample: ParsedArticle) -> None:
    assert len(sample.paragraphs) == 15
    assert sample.paragraphs[0].startswith("关键时刻,白俄罗斯用实际行动支持普京")
    assert sample.paragraphs[-1].startswith("如果白俄罗斯的军队,能够更直接地参加这场战争")
    assert not any("天天要闻" in paragraph for paragraph in sample.paragraphs)
    assert not any("分类资讯推荐" in paragraph for paragraph in sample.paragraphs)
    assert not any("诺曼底" in paragraph for paragraph in sample.paragraphs)


def test_sample_related_titles_are_the_five_recommendations(sample: ParsedArticle) -> None:
    assert sample.related_titles == SAMPLE_RELATED


@pytest.mark.parametrize(
    ("name", "title", "category", "source"),
    [
        ("gbk_domestic.txt", "南水北调中线工程本年度向北方调水超九十亿立方米", "国内", "天天要闻"),
        (
            "big5_society.txt",
            "臺北市公車明年起分階段改用電動車 首批三百輛年底交車",
            "社會",
            "天天要聞",
        ),
        ("utf8_bom.txt", "11月贷款市场报价利率维持不变", "财经", "天天要闻"),
    ],
)
def test_parses_files_in_every_encoding(name: str, title: str, category: str, source: str) -> None:
    article = parse_file(DUMPS / name)
    assert (article.title, article.category, article.source) == (title, category, source)
    assert article.paragraphs
    assert not any(" - 天天要" in paragraph for paragraph in article.paragraphs)


def test_crlf_file_parses_like_the_same_file_with_lf() -> None:
    data = (DUMPS / "crlf.txt").read_bytes()
    from_crlf = parse_text_dump(data.decode("utf-8"), origin="t", default_tz=SHANGHAI)
    unix = data.replace(b"\r\n", b"\n").decode("utf-8")
    assert from_crlf == parse_text_dump(unix, origin="t", default_tz=SHANGHAI)
    assert from_crlf.paragraphs[1] == (
        "决赛中，来自成都的球队凭借下半场的两粒进球，以2比1逆转战胜对手，首次夺得该项赛事冠军。"
    )
    assert from_crlf.related_titles == ["冬季两项世界杯首站比赛开赛"]


def test_file_without_captions_has_no_source_but_keeps_related_titles() -> None:
    article = parse_file(DUMPS / "no_captions.txt")
    assert article.source is None
    assert len(article.paragraphs) == 3
    assert article.related_titles == [
        "多地公布冬季道路结冰预警措施",
        "社区食堂试点扩大至三十个街道",
    ]


def test_file_without_recommendations_or_views() -> None:
    article = parse_file(DUMPS / "no_recommendations.txt")
    assert article.related_titles == []
    assert article.views is None
    assert article.category == "科技"
    assert article.source == "天天要闻"
    assert article.paragraphs[-1].startswith("业内专家认为")


def test_english_article_in_the_same_format() -> None:
    article = parse_file(DUMPS / "english_tech.txt")
    assert article.title == "Chipmaker unveils low-power AI accelerator for edge devices"
    assert article.published_at == datetime(2024, 3, 2, 8, 10, tzinfo=SHANGHAI)
    assert (article.category, article.views, article.source) == ("科技", 532, "天天要闻")
    assert len(article.paragraphs) == 3
    assert article.related_titles == ["Battery maker opens new plant"]


def test_byline_first_article_keeps_byline_in_body_and_summary_skips_it() -> None:
    article = parse_file(DUMPS / "byline_first.txt")
    assert article.paragraphs[0] == "（记者 李明 王芳）"
    summary = summarise_lead(article.paragraphs, title=article.title)
    assert summary.startswith("国家统计局22日发布数据显示，前十个月")
    assert "记者" not in summary
    assert "新华社" not in summary


def test_extra_and_full_width_whitespace_is_normalised() -> None:
    article = parse_file(DUMPS / "messy_whitespace.txt")
    assert article.title == "国产动画电影《山海旅人》定档明年春节"
    assert article.published_at == datetime(2026, 11, 22, 20, 48, 3, tzinfo=SHANGHAI)
    assert (article.category, article.views) == ("娱乐", 1024)
    assert article.paragraphs[0].startswith("国产动画电影《山海旅人》片方22日宣布")
    assert all(paragraph == paragraph.strip() for paragraph in article.paragraphs)
    assert not any("\u3000" in p or "\t" in p or "  " in p for p in article.paragraphs)
    assert len(article.paragraphs) == 3


@pytest.mark.parametrize(
    ("line", "published", "category", "views"),
    [
        (
            "2022年06月29日01:15:02 国际 1745",
            datetime(2022, 6, 29, 1, 15, 2, tzinfo=SHANGHAI),
            "国际",
            1745,
        ),
        ("2022年6月9日 01:15 国际", datetime(2022, 6, 9, 1, 15, tzinfo=SHANGHAI), "国际", None),
        (
            "2022年06月29日01:15:02国际1745",
            datetime(2022, 6, 29, 1, 15, 2, tzinfo=SHANGHAI),
            "国际",
            1745,
        ),
        (
            "2022 年 06 月 29 日 01：15：02  国际  1.2万",
            datetime(2022, 6, 29, 1, 15, 2, tzinfo=SHANGHAI),
            "国际",
            12000,
        ),
        (
            "2022年06月29日01:15:02 国际 阅读 3,210",
            datetime(2022, 6, 29, 1, 15, 2, tzinfo=SHANGHAI),
            "国际",
            3210,
        ),
        (
            "2022年06月29日01:15:02 1745",
            datetime(2022, 6, 29, 1, 15, 2, tzinfo=SHANGHAI),
            None,
            1745,
        ),
    ],
)
def test_date_line_variants(
    line: str, published: datetime, category: str | None, views: int | None
) -> None:
    article = parse(f"标题\n{line}\n正文第一段。")
    assert article.published_at == published
    assert (article.category, article.views) == (category, views)


def test_dash_lines_that_are_not_captions_stay_in_the_body() -> None:
    article = parse(
        "决赛结果\n2026年11月23日19:42:08 体育 10\n上半场比分 - 1\n北京 - 上海\n结束。"
    )
    assert article.paragraphs == ["上半场比分 - 1", "北京 - 上海", "结束。"]
    assert article.source is None


def test_dash_lines_sharing_a_name_twice_are_prose_not_captions() -> None:
    article = parse("赛果\n2026年11月23日19:42:08 体育 10\n中国 - 日本\n韩国 - 日本\n结束。")
    assert article.paragraphs == ["中国 - 日本", "韩国 - 日本", "结束。"]


def test_any_caption_of_a_confirmed_site_leaves_the_body() -> None:
    article = parse(
        "地铁新线月底开通\n2026年11月23日19:42:08 国内 10\n第一段。\n"
        "地铁新线月底开通 - 天天要闻\n图为新线车站 - 天天要闻\n第二段。"
    )
    assert article.paragraphs == ["第一段。", "第二段。"]
    assert article.source == "天天要闻"


def test_lines_between_title_and_date_line_are_dropped() -> None:
    article = parse("标题\n副标题\n2026年11月23日19:42:08 体育 10\n正文。")
    assert article.paragraphs == ["正文。"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "t.txt: has no text"),
        ("\n \u3000\n\n", "t.txt: has no text"),
        ("2022年06月29日01:15:02 国际 1745\n正文。", "t.txt: has no title"),
        ("标题\n正文。\n再一段。", "t.txt: no date line like"),
        ("标题\n2022年13月29日01:15:02 国际 1\n正文。", "t.txt: impossible date"),
        ("标题\n2022年06月29日01:15:02 国际 1\n\n", "t.txt: has no body text"),
    ],
)
def test_input_not_in_the_format_is_a_parse_error(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert str(caught.value).startswith(reason)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty_body.txt", "empty_body.txt: has no body text after the date line"),
        ("not_a_dump.txt", "not_a_dump.txt: no date line like"),
    ],
)
def test_files_not_in_the_format_are_parse_errors(name: str, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_file(DUMPS / name)
    assert str(caught.value).startswith(reason)


def test_examples_parse_with_summaries_in_every_category() -> None:
    articles = [parse_file(path) for path in sorted(EXAMPLES.glob("*.txt"))]
    assert len(articles) >= 8
    categories = {article.category for article in articles}
    assert categories >= {"国际", "国内", "财经", "科技", "体育", "娱乐", "社会", "军事"}
    for article in articles:
        assert article.published_at is not None
        assert date(2026, 11, 20) <= article.published_at.date() <= date(2026, 11, 24)
        assert 3 <= len(article.paragraphs) <= 8
        assert not any(" - 天天要闻" in paragraph for paragraph in article.paragraphs)
        summary = summarise_lead(article.paragraphs, title=article.title)
        assert summary
        assert not any(title in summary for title in article.related_titles)
