"""News pages: the article's text without the page around it, and its metadata."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml.html import HtmlElement

from digest import html_page
from digest.errors import ParseError
from digest.html_page import drop_boilerplate_lines, parse_html_page

HTML = Path(__file__).parent / "data" / "html"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _page(name: str, encoding: str = "utf-8") -> str:
    return (HTML / name).read_bytes().decode(encoding)


def test_chinese_article_text_is_the_four_body_paragraphs_only() -> None:
    article = parse_html_page(
        _page("cn_article.html"), origin="cn_article.html", url=None, default_tz=SHANGHAI
    )
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("【环球时报综合报道】国铁集团21日发布消息")
    assert article.paragraphs[-1].endswith("推动中欧班列高质量发展。")
    text = "\n".join(article.paragraphs)
    for boilerplate in (
        "责任编辑",
        "相关新闻",
        "西部陆海新通道",  # a related headline
        "网友评论",
        "为国家点赞",  # a comment
        "热点排行",
        "美联储加息",  # a sidebar headline
        "Copyright",
        "京ICP备",
        "分享到",
        "登录",
        "资料图",  # the image caption
        "下载客户端",
    ):
        assert boilerplate not in text


def test_chinese_article_metadata_comes_from_og_and_article_tags() -> None:
    article = parse_html_page(
        _page("cn_article.html"), origin="cn_article.html", url=None, default_tz=SHANGHAI
    )
    assert article.title == "中欧班列今年开行突破8000列 发送货物同比增长5%"
    assert article.published_at == datetime(2022, 7, 21, 1, 30, tzinfo=UTC)
    assert article.category == "国际新闻"  # raw; normalised later by the pipeline
    assert article.source == "环球时报网"
    assert article.url == "https://world.example-huanqiu.cn/article/49Aa7bX2"
    assert article.origin == "cn_article.html"


def test_english_article_reads_json_ld_and_drops_promos_captions_and_comments() -> None:
    article = parse_html_page(
        _page("en_article.html"), origin="en_article.html", url=None, default_tz=SHANGHAI
    )
    assert article.title == "Dutch farmers block supermarket depots in nitrogen protest"
    assert article.published_at == datetime(2022, 7, 21, 14, 5, tzinfo=UTC)
    assert article.category == "World"
    assert article.source == "The Daily Ledger"
    assert len(article.paragraphs) == 5
    assert article.paragraphs[0].startswith("AMSTERDAM, July 21 - Dutch farmers blocked")
    text = "\n".join(article.paragraphs)
    for boilerplate in (
        "Sign up",
        "Morning Briefing",
        "Read Next",
        "ECB raises rates",
        "Comments",
        "greenleaf",
        "Good for them",
        "All rights reserved",
        "REUTERS/Piroschka",  # the figure caption
        "Advertisement",
        "Reporting by",
        "Skip to main content",
    ):
        assert boilerplate not in text


def test_english_article_without_canonical_link_uses_og_url() -> None:
    article = parse_html_page(
        _page("en_article.html"),
        origin="en_article.html",
        url="https://www.dailyledger.example/x",
        default_tz=SHANGHAI,
    )
    # Tracking parameters are left for digest.dedup.canonical_url to strip.
    assert article.url == (
        "https://www.dailyledger.example/world/europe/dutch-farmers-protest-2022-07-21/"
        "?utm_campaign=rss"
    )


def test_gbk_page_without_metadata_takes_time_from_the_byline_and_category_from_crumbs() -> None:
    article = parse_html_page(
        _page("gbk_page.html", "gb18030"),
        origin="gbk_page.html",
        url="https://finance.eastwealth.example/finance/index.shtml",
        default_tz=SHANGHAI,
    )
    assert article.title == "A股三大指数集体收涨 新能源汽车板块领涨"
    # The byline's 2022年07月21日 15:42, not the header's "今天是2022年7月22日".
    assert article.published_at == datetime(2022, 7, 21, 7, 42, tzinfo=UTC)
    assert article.category == "财经"
    assert article.source == "东方财讯网"  # the last part of <title>
    assert article.url == (
        "https://finance.eastwealth.example/finance/2022-07-21/doc-imizirav4817291.shtml"
    )
    assert len(article.paragraphs) == 4
    text = "\n".join(article.paragraphs)
    for boilerplate in (
        "图为",
        "图片来源",
        "原标题",
        "责任编辑",
        "相关阅读",
        "版权所有",
        "关键词",
    ):
        assert boilerplate not in text
    assert "赵镕" not in text  # a GBK-only character, in the editor line that was dropped


def test_big5_page_reads_time_element_and_breadcrumb() -> None:
    article = parse_html_page(
        _page("big5_page.html", "cp950"), origin="big5_page.html", url=None, default_tz=SHANGHAI
    )
    assert article.title == "颱風暹芭逼近 氣象局：最快今晚發布海上警報"
    assert article.published_at == datetime(2022, 7, 21, 1, 30, tzinfo=UTC)
    assert article.category == "生活"
    assert article.source == "台灣日報網"
    assert article.paragraphs[-1] == (
        "氣象局提醒，颱風路徑仍有變數，民眾應隨時注意最新颱風消息，前往海邊及山區活動務必注意安全。"
    )
    assert not any("相關新聞" in p or "版權所有" in p for p in article.paragraphs)


@pytest.mark.parametrize("name", ["login.html", "list_page.html"])
def test_page_without_an_article_is_a_parse_error_naming_it(name: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_html_page(_page(name), origin=f"pages/{name}", url=None, default_tz=SHANGHAI)
    assert str(caught.value) == f"pages/{name}: no article text found"


def test_title_loses_channel_and_site_suffix_and_url_falls_back_to_the_given_one() -> None:
    body = "".join(
        f"<p>第{n}段：国家统计局今天发布数据，上半年国内生产总值同比增长2.5%，经济运行总体恢复。</p>"
        for n in range(1, 4)
    )
    title = "<title>上半年GDP同比增长2.5%_国内新闻_示例网</title>"
    page = f"<html><head>{title}</head><body>{body}</body></html>"
    article = parse_html_page(
        page, origin="inline", url="https://example.cn/a/1.html", default_tz=SHANGHAI
    )
    assert article.title == "上半年GDP同比增长2.5%"
    assert article.source == "示例网"
    assert article.url == "https://example.cn/a/1.html"
    assert article.published_at is None
    assert article.category is None
    assert len(article.paragraphs) == 3


def test_drop_boilerplate_lines_keeps_news_and_drops_credits_and_captions() -> None:
    paragraphs = [
        "原标题：中欧班列开行量稳中有升",
        "国铁集团21日发布消息，今年以来，中欧班列累计开行8990列。",
        "图为7月21日沪指分时走势图",
        "新华社记者 李一博 摄",
        "（责任编辑：王晓华）",
        "来源：人民网",
        "（完）",
        "Reporting by Anna de Vries; Editing by Mark Potter",
    ]
    assert drop_boilerplate_lines(paragraphs) == [
        "国铁集团21日发布消息，今年以来，中欧班列累计开行8990列。"
    ]


def test_wrapper_holding_headline_byline_and_body_gives_each_paragraph_apart() -> None:
    news = [
        "近期，多家光伏企业宣布下调开工率或阶段性减产，光伏产业链价格持续低位运行。",
        "据行业协会统计，多晶硅、硅片等环节价格较年初下降超过三成，部分企业已停产。",
    ]
    page = (
        "<html><head><title>光伏企业减产-证券时报网</title></head><body>"
        '<div class="detail-content-wrapper"><div class="detail-title">光伏企业减产</div>'
        '<div class="detail-info">来源：证券时报网作者：曹晨2024-05-20 20:06</div>'
        f'<div class="detail-content"><p>{news[0]}</p><p>{news[1]}</p></div>'
        '<div class="detail-share">分享到：微信 微博 QQ</div></div></body></html>'
    )
    article = parse_html_page(
        page, origin="inline", url="https://www.stcn.com/a/1.html", default_tz=SHANGHAI
    )
    assert article.title == "光伏企业减产"
    assert article.paragraphs == news


def test_a_standfirst_box_outside_the_body_is_neither_text_nor_lead() -> None:
    # wallstreetcn.com, 36kr.com: a "summary" box between the byline and the body restates
    # the article; the summary starts at the body's first sentence.
    news = [
        "美东时间5月22日周三美股盘后，英伟达公布第一财季财报，营收为260亿美元，同比增长262%。",
        "英伟达还宣布实施1拆10的股票分割计划，拆股后的股票将于6月10日开盘后开始交易。",
    ]
    page = (
        "<html><head><title>英伟达营收超预期 - 华尔街见闻</title></head><body>"
        "<div class='article'><h1>英伟达营收超预期</h1><div class='meta'>作者：赵雨荷</div>"
        "<div class='summary'><p>英伟达营收同比增长262%至260亿美元；公司宣布拆股计划。</p></div>"
        f"<div class='rich-text'><p>{news[0]}</p><p>{news[1]}</p></div></div></body></html>"
    )
    article = parse_html_page(
        page, origin="inline", url="https://wallstreetcn.com/articles/1", default_tz=SHANGHAI
    )
    assert article.paragraphs == news


def test_a_paragraph_the_page_shows_twice_is_stored_once() -> None:
    # The headline block stands above the body (h3, h1, h4) and again in it.
    page = HTML.parent / "news_pages" / "people_headline_block_in_body.html"
    article = parse_html_page(
        page.read_bytes().decode("gb18030"), origin="people", url=None, default_tz=SHANGHAI
    )
    assert article.title == "持续深入打好污染防治攻坚战 加快推进美丽中国建设"
    assert article.paragraphs.count("全国生态环境保护工作推进会召开") == 1
    assert article.paragraphs.count("李文华出席并讲话") == 1
    assert len(article.paragraphs) == len(set(article.paragraphs))


def test_page_whose_article_precision_mode_misses_is_read_in_the_default_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On a 网易 page of 2019, trafilatura's precision mode kept only the comments and the
    # lists around the article: here it is made to miss the article the same way.
    news = [
        f"第{n}段，龙湖集团公布了2019年中期业绩报告，上半年实现合约销售金额1056.2亿元。"
        for n in range(1, 4)
    ]
    page = (
        "<html><head><title>龙湖集团中期业绩_网易财经</title></head><body>"
        '<div class="post_text">' + "".join(f"<p>{text}</p>" for text in news) + "</div>"
        '<div class="post_recommends"><h3>为您推荐</h3><p>加载更多新闻</p></div></body></html>'
    )
    real_extraction = html_page.bare_extraction

    def precision_misses_the_article(tree: HtmlElement, **options: Any) -> Any:
        if options["favor_precision"]:
            for element in tree.xpath("//div[@class='post_text']"):
                element.getparent().remove(element)
        return real_extraction(tree, **options)

    monkeypatch.setattr(html_page, "bare_extraction", precision_misses_the_article)
    article = parse_html_page(page, origin="inline", url=None, default_tz=SHANGHAI)
    assert article.paragraphs == news
