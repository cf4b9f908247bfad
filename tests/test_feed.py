"""RSS 2.0 and Atom feeds: one article per item, safe against hostile XML."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.article import ParsedArticle
from digest.errors import ParseError
from digest.feed import FeedInfo, feed_metadata, parse_feed
from digest.feed_text import html_fragment_paragraphs

FEEDS = Path(__file__).parent / "data" / "feeds"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _feed(
    name: str, *, tz: ZoneInfo = SHANGHAI, category: str | None = None
) -> list[ParsedArticle]:
    return parse_feed(
        (FEEDS / name).read_bytes(), origin=f"feeds/{name}", default_tz=tz, category=category
    )


def test_rss_item_dates_with_zone_without_zone_gmt_and_missing() -> None:
    times = [article.published_at for article in _feed("rss_odd_dates.xml")]
    assert times == [
        datetime(2022, 7, 21, 12, 15, tzinfo=UTC),  # +0800
        datetime(2022, 7, 21, 1, 30, tzinfo=UTC),  # no zone: Asia/Shanghai
        datetime(2022, 7, 19, 14, 0, tzinfo=UTC),  # GMT
        None,  # no pubDate
        datetime(2022, 7, 21, 3, 5, tzinfo=UTC),  # "2022-07-21 11:05:00"
        datetime(2022, 7, 22, 5, 0, tzinfo=UTC),  # dc:date +03:00
    ]
    assert all(t is None or t.tzinfo is not None for t in times)


def test_rss_date_without_zone_follows_the_default_zone_not_utc() -> None:
    articles = _feed("rss_odd_dates.xml", tz=ZoneInfo("America/New_York"))
    assert articles[1].published_at == datetime(2022, 7, 21, 13, 30, tzinfo=UTC)


def test_rss_items_carry_title_link_source_and_first_category_else_the_feed_option() -> None:
    articles = _feed("rss_odd_dates.xml", category="国际")
    assert [a.title for a in articles][:2] == [
        "欧洲央行11年来首次加息 幅度50个基点",
        "意大利总理德拉吉辞职",
    ]
    assert articles[0].url == "https://www.globalbrief.example/world/2022/07/21/ecb-rate-hike.html"
    assert {a.source for a in articles} == {"环球快讯 - 国际频道"}
    assert articles[0].category == "国际"  # the first of <category>国际</category><category>财经
    assert [a.origin for a in articles][:2] == [
        "feeds/rss_odd_dates.xml#1",
        "feeds/rss_odd_dates.xml#2",
    ]
    assert articles[1].paragraphs == [
        "意大利总理德拉吉21日向总统马塔雷拉递交辞呈，马塔雷拉接受辞呈并要求德拉吉政府继续处理日常事务。"
    ]


def test_items_without_category_and_no_feed_option_have_none() -> None:
    assert [a.category for a in _feed("rss_odd_dates.xml")][1:3] == [None, None]


def test_atom_entries_read_published_then_updated_categories_and_html_titles() -> None:
    articles = _feed("atom.xml", category="科技")
    assert [a.title for a in articles] == [
        "Webb telescope spots one of the most distant galaxies yet",
        "Chipmakers brace for a slowdown",
        "Quantum networking start-up raises $50 million",
    ]
    assert [a.published_at for a in articles] == [
        datetime(2022, 7, 20, 22, 30, tzinfo=UTC),
        datetime(2022, 7, 21, 7, 45, tzinfo=UTC),
        None,
    ]
    assert [a.category for a in articles] == ["Science", "科技", "科技"]
    assert articles[0].source == "Orbit Weekly — Technology"
    assert articles[0].url == "https://orbitweekly.example/tech/2022/07/webb-distant-galaxy"
    assert len(articles[0].paragraphs) == 2  # <content> wins over the one-line <summary>
    assert articles[2].paragraphs == [
        "A start-up building quantum networking hardware said on Thursday it had raised "
        "$50 million from investors led by a sovereign wealth fund.",
        "The company plans to use the money to expand its laboratory in Delft.",
    ]


def test_html_content_in_cdata_becomes_clean_paragraphs() -> None:
    first, second = _feed("rss_html_cdata.xml")
    assert first.paragraphs == [
        "7月24日14时22分，搭载问天实验舱的长征五号B遥三运载火箭，在我国文昌航天发射场准时点火发射。"
        "约495秒后，问天实验舱与火箭成功分离并准确进入预定轨道，发射取得圆满成功。",
        "问天实验舱是中国空间站的第二个舱段，也是首个科学实验舱。",
        "它由工作舱、气闸舱和资源舱组成，主要用于支持航天员驻留、出舱活动和开展空间科学实验。",
    ]
    assert first.title == "我国成功发射问天实验舱 空间站建造进入新阶段"
    assert second.paragraphs == [
        "国务院常务会议决定，将于今年底到期的新能源汽车免征车辆购置税政策延续实施至明年底。",
        "会议指出，新能源汽车产业发展要坚持市场化方向。",
    ]


def test_html_fragment_loses_images_scripts_read_more_links_and_editor_lines() -> None:
    fragment = (
        '<p><img src="a.jpg" alt="问天实验舱发射"/></p><p>正文第一段。<br/>第二行。</p>'
        "<script>document.write('广告')</script><figure><figcaption>图说</figcaption></figure>"
        '<p><a href="/x">阅读全文 &raquo;</a></p><p><a href="/y">Read more</a></p>'
        "<p>（责任编辑：陈晨）</p><p>The post Hello appeared first on Example News.</p>"
    )
    assert html_fragment_paragraphs(fragment) == ["正文第一段。", "第二行。"]
    assert html_fragment_paragraphs("plain text\n\nsecond line") == ["plain text", "second line"]
    assert html_fragment_paragraphs("<!-- only a comment -->") == []


def test_truncated_feed_keeps_the_items_complete_before_the_cut() -> None:
    articles = _feed("truncated.xml")
    assert [a.title for a in articles] == [
        "欧洲央行11年来首次加息 幅度50个基点",
        "意大利总理德拉吉辞职",
    ]


def test_feed_cut_before_any_item_is_a_parse_error_naming_it_and_the_problem() -> None:
    with pytest.raises(ParseError) as caught:
        _feed("truncated_before_items.xml")
    assert str(caught.value) == (
        "feeds/truncated_before_items.xml: not a well-formed feed: no element found, line 6"
    )


def test_a_feed_cut_inside_its_first_item_is_a_parse_error_naming_the_line() -> None:
    with pytest.raises(ParseError) as caught:
        _feed("unclosed_item.xml")
    assert str(caught.value) == (
        "feeds/unclosed_item.xml: not a well-formed feed: no element found, line 1"
    )


def test_a_malformed_feed_that_still_has_items_is_read_and_warned_about_in_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="digest.feed"):
        articles = _feed("undefined_entity.xml")
    assert [a.title for a in articles] == ["欧洲央行宣布加息50个基点", "意大利总理辞职 政局生变"]
    [warning] = caplog.messages
    assert warning == (
        "feeds/undefined_entity.xml: not a well-formed feed (undefined entity, line 11); "
        "read the 2 items before the fault"
    )


def test_billion_laughs_is_refused_before_parsing() -> None:
    started = time.perf_counter()
    with pytest.raises(ParseError, match=r"^feeds/billion_laughs.xml: refused: .*entities"):
        _feed("billion_laughs.xml")
    assert time.perf_counter() - started < 1.0


def test_feed_with_no_items_gives_no_articles() -> None:
    assert _feed("empty_channel.xml") == []


def test_gb2312_declared_feed_is_decoded() -> None:
    (article,) = _feed("gbk_feed.xml")
    assert article.title == "央行：下半年将保持流动性合理充裕"
    assert article.source == "东方财讯网-财经要闻"
    assert article.published_at == datetime(2022, 7, 13, 8, 20, tzinfo=UTC)


def test_xml_that_is_not_a_feed_is_a_parse_error() -> None:
    data = b'<?xml version="1.0"?><note><to>Tove</to><body>Hi</body></note>'
    with pytest.raises(ParseError, match=r"^note.xml: is not an RSS or Atom feed$"):
        parse_feed(data, origin="note.xml", default_tz=SHANGHAI)


def test_feed_metadata_gives_title_ttl_in_seconds_and_link() -> None:
    rss = feed_metadata((FEEDS / "rss_odd_dates.xml").read_bytes())
    assert rss == FeedInfo(
        title="环球快讯 - 国际频道",
        ttl_seconds=1800,
        link="https://www.globalbrief.example/world/",
    )
    atom = feed_metadata((FEEDS / "atom.xml").read_bytes())
    assert atom == FeedInfo(
        title="Orbit Weekly — Technology",
        ttl_seconds=None,
        link="https://orbitweekly.example/tech/",
    )


def test_entity_declarations_behind_a_comment_are_refused_too() -> None:
    data = (
        b'<?xml version="1.0"?><!-- <a> --><!DOCTYPE rss [<!ENTITY big "xxxxxxxxxx">]>'
        b"<rss version='2.0'><channel><title>&big;</title></channel></rss>"
    )
    with pytest.raises(ParseError, match="refused"):
        parse_feed(data, origin="sneaky.xml", default_tz=SHANGHAI)


def test_empty_pub_date_means_no_date_and_an_untitled_item_is_titled_from_its_text() -> None:
    data = (
        "<rss version='2.0'><channel><title>快讯</title>"
        "<item><title>有标题</title><pubDate></pubDate><description>正文。</description></item>"
        "<item><description>国家统计局15日发布数据，7月份全国规模以上工业增加值同比增长3.8%，"
        "社会消费品零售总额同比增长2.7%，国民经济延续恢复发展态势。</description></item>"
        "</channel></rss>"
    ).encode()
    dated, untitled = parse_feed(data, origin="flash.xml", default_tz=SHANGHAI)
    assert dated.published_at is None
    assert untitled.title == (
        "国家统计局15日发布数据，7月份全国规模以上工业增加值同比增长3.8%，"
        "社会消费品零售总额同比增长2.7%，国民经济延…"
    )
    assert len(untitled.title) == 60


@pytest.mark.parametrize(
    "reference", ["&#0;", "&#x0;", "&#xD800;", "&#99999999999;", "&#" + "9" * 5000 + ";"]
)
def test_a_reference_to_a_character_xml_forbids_is_dropped(reference: str) -> None:
    document = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>源{reference}名</title><item><title>标题{reference}一</title>"
        f"<description>正文{reference}二。&#x4E09;&#26159;</description></item>"
        "</channel></rss>"
    ).encode()
    [article] = parse_feed(document, origin="feed", default_tz=SHANGHAI)
    assert (article.source, article.title, article.paragraphs) == (
        "源名",
        "标题一",
        ["正文二。三是"],
    )


def test_relative_item_links_are_resolved_against_the_feeds_url() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><link>/news/1</link></item>"
        b"<item><title>b</title><link>https://other.example/2</link></item></channel></rss>"
    )
    atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b'<entry><title>c</title><link href="news/3"/><id>3</id></entry></feed>'
    )
    origin = "https://feeds.example/x/feed.xml"
    urls = [
        article.url
        for document in (rss, atom)
        for article in parse_feed(document, origin=origin, default_tz=SHANGHAI)
    ]
    assert urls == [
        "https://feeds.example/news/1",
        "https://other.example/2",
        "https://feeds.example/x/news/3",
    ]
    [from_a_file, _] = parse_feed(rss, origin="feeds/local.xml", default_tz=SHANGHAI)
    assert from_a_file.url == "/news/1"  # no base to resolve it against
