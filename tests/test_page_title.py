"""A page's title is its own headline: site and channel names go only when the page names them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from digest.html_page import parse_html_page
from digest.page_title import PageNames, host_site_names, without_site_suffix

SHANGHAI = ZoneInfo("Asia/Shanghai")
BODY = "".join(
    f"<p>第{n}段：国家统计局今天发布数据，上半年国内生产总值同比增长2.5%，经济运行总体恢复。</p>"
    for n in range(1, 4)
)


def _title(head: str, body: str = "", url: str | None = None) -> str:
    page = f"<html><head>{head}</head><body>{body}{BODY}</body></html>"
    return parse_html_page(page, origin="inline", url=url, default_tz=SHANGHAI).title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("外贸进出口同比增长5.7%-新华网", "外贸进出口同比增长5.7%"),
        (
            "工业增加值增长6.1%（推动高质量发展·权威发布）--经济·科技--人民网",
            "工业增加值增长6.1%（推动高质量发展·权威发布）",
        ),
        ("CPI同比上涨0.3%_数据_宏观频道首页_财经网", "CPI同比上涨0.3%"),
        ("绿氢项目全面投产_澎湃新闻-The Paper", "绿氢项目全面投产"),
        ("高铁里程突破4.5万公里_新闻频道_央视网(cctv.com)", "高铁里程突破4.5万公里"),
        ("新华时评｜让数字经济红利惠及更多人-新华网", "新华时评｜让数字经济红利惠及更多人"),
        ("中国-中亚峰会在西安开幕", "中国-中亚峰会在西安开幕"),
        ("人民网--经济·科技", "人民网"),  # the first part always stays
    ],
)
def test_named_site_and_channel_suffixes_go(title: str, expected: str) -> None:
    names = PageNames(
        sites={"新华网", "人民网", "财经网", "澎湃新闻", "央视网"},
        listed={"经济·科技", "宏观频道首页", "数据", "新闻频道", "宏观"},
    )
    assert without_site_suffix(title, names) == expected


def test_a_part_the_page_never_names_stays() -> None:
    names = PageNames(sites={"新华网"}, listed=set())
    assert without_site_suffix("春运开启-铁路", names) == "春运开启-铁路"
    assert without_site_suffix("代表委员热议｜新质生产力", names) == "代表委员热议｜新质生产力"


def test_known_hosts_name_their_sites() -> None:
    assert host_site_names("http://www.news.cn/politics/20240520/c.html") == ("新华网", "新华社")
    assert host_site_names("https://m.163.com/news/a.html") == ("网易",)
    assert host_site_names("https://example.cn/a.html") == ()
    assert host_site_names(None) == ()


def test_title_suffix_is_named_by_the_host() -> None:
    head = "<title>防汛责任压实-新华网</title>"
    assert _title(head, url="http://www.news.cn/a/c.html") == "防汛责任压实"
    assert _title(head, url="https://example.cn/a.html") == "防汛责任压实-新华网"


def test_title_suffix_is_named_by_a_channel_link_on_the_page() -> None:
    head = "<title>一季度工业增加值增长6.1%--经济·科技--人民网</title>"
    crumbs = '<div class="channel"><a href="/">人民网</a>&gt;&gt;<a href="/f/">经济·科技</a></div>'
    assert _title(head, crumbs) == "一季度工业增加值增长6.1%"


def test_the_heading_that_title_starts_with_is_the_title() -> None:
    head = "<title>推动长三角一体化发展取得新突破 更好发挥引领示范作用--时政--人民网</title>"
    heading = "<h1>推动长三角一体化发展取得新突破<br />更好发挥引领示范作用</h1>"
    twice = heading + heading  # a desktop and a mobile header
    assert _title(head, twice) == "推动长三角一体化发展取得新突破 更好发挥引领示范作用"


def test_og_title_without_its_named_suffix_and_not_when_it_is_only_the_site() -> None:
    og = '<meta property="og:title" content="首付比例最低降至15%|界面新闻">'
    assert _title(og, url="https://www.jiemian.com/a/1.html") == "首付比例最低降至15%"
    site_only = '<meta property="og:title" content="界面新闻"><title>楼市新政落地|界面新闻</title>'
    assert _title(site_only, url="https://www.jiemian.com/a/1.html") == "楼市新政落地"


def test_a_title_that_is_only_the_site_name_gives_way_to_the_heading() -> None:
    head = "<title>新华网</title>"
    body = '<h1 class="logo">新华网</h1><h1>夏粮收购陆续展开</h1>'
    assert _title(head, body, url="http://www.news.cn/a/c.html") == "夏粮收购陆续展开"


def test_og_title_cut_short_by_a_quote_in_the_attribute_gives_way_to_the_heading() -> None:
    og = '<meta property="og:title" content="男孩写"救命啊"纸团抛出引来警察">'
    body = '<h1>男孩写"救命啊"纸团抛出引来警察</h1>'
    assert _title(og, body) == '男孩写"救命啊"纸团抛出引来警察'


def test_a_column_tag_naming_the_site_goes_and_one_that_does_not_stays() -> None:
    names = PageNames(sites={"36氪", "新华网"}, listed=set())
    tagged = "36氪首发｜具身智能公司完成数亿元天使轮融资-36氪"
    assert without_site_suffix(tagged, names) == "具身智能公司完成数亿元天使轮融资"
    own = "新华时评｜让数字经济红利惠及更多人"
    assert without_site_suffix(own, names) == own
    og = '<meta property="og:title" content="36氪首发 | 机器人公司完成融资">'
    og += '<meta property="og:site_name" content="36氪">'
    assert _title(og) == "机器人公司完成融资"
