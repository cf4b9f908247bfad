"""A feed's boilerplate is not a story: items that share their feed's template text are told
apart by what is their own (issue 25, item 6)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.feed import parse_feed
from digest.pipeline import prepare_articles
from digest.shared_text import mark_shared_text
from tests.test_cli import newsdigest

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
# 250 characters and more that every item of the feed carries as its description.
BLURB = (
    "本频道每日为您精选国内外最新资讯，涵盖时政、财经、科技、文化、体育等多个领域，"
    "力求以最快的速度、最权威的来源、最全面的视角，为读者呈现每一天发生的重要新闻事件。"
    "我们坚持客观公正的报道立场，欢迎广大读者订阅本频道并转发给身边的亲朋好友。"
    "如需了解更多内容，请访问我们的官方网站或者下载客户端应用，随时随地获取第一手新闻资讯。"
    "本频道所有内容均来自公开渠道，如有侵权请联系我们删除，感谢您的理解与支持。"
    "编辑部联系邮箱与投稿方式请见频道简介，期待您的来稿与建议。"
    "本频道保留对上述内容的最终解释权，转载请注明出处并保留原文链接，谢谢合作。"
)
TITLES = ["国务院常务会议部署稳就业举措", "长江中游迎来新一轮强降雨", "国产大飞机完成首次商业航班"]


def _feed(descriptions: list[str], titles: list[str] = TITLES) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>https://news.example.cn/{number}.html</link>"
        f"<description>{description}</description>"
        "<pubDate>Mon, 07 Dec 2026 08:00:00 +0800</pubDate></item>"
        for number, (title, description) in enumerate(zip(titles, descriptions, strict=True))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>示例频道</title>{items}</channel></rss>"
    ).encode()


def _hashes(data: bytes) -> list[str]:
    articles = parse_feed(data, origin="feed.xml", default_tz=SHANGHAI)
    records = prepare_articles(articles, default_tz=SHANGHAI, now=NOW)
    return [record.content_hash for record in records]


def test_items_with_one_description_and_their_own_titles_are_three_stories() -> None:
    assert len(BLURB) >= 250
    assert len(set(_hashes(_feed([BLURB] * 3)))) == 3


def test_a_shared_closing_paragraph_is_left_out_of_the_keys_and_kept_in_the_text() -> None:
    own = [
        "今日上午，会议研究部署了进一步稳定就业的政策措施。",
        "受高空槽影响，长江中游地区今起出现强降雨。",
    ]
    articles = [
        ParsedArticle(title=title, paragraphs=[body, BLURB])
        for title, body in zip(TITLES[:2], own, strict=True)
    ]
    mark_shared_text(articles)
    assert [article.key_paragraphs for article in articles] == [[own[0]], [own[1]]]
    records = prepare_articles(articles, default_tz=SHANGHAI, now=NOW)
    assert all(BLURB in record.content for record in records)
    assert records[0].content_hash != records[1].content_hash


def test_an_item_alone_or_items_sharing_nothing_are_left_as_they_are() -> None:
    alone = [ParsedArticle(title="一", paragraphs=[BLURB])]
    mark_shared_text(alone)
    apart = [
        ParsedArticle(title="一", paragraphs=["甲地今天发生了一起交通事故，三人受伤。"]),
        ParsedArticle(title="二", paragraphs=["乙地今天举行了一场马拉松比赛，万人参加。"]),
    ]
    mark_shared_text(apart)
    assert [article.key_paragraphs for article in alone + apart] == [None, None, None]


def test_one_item_twice_in_a_feed_is_still_one_story() -> None:
    hashes = _hashes(_feed([BLURB, BLURB], titles=[TITLES[0], TITLES[0]]))
    assert hashes[0] == hashes[1]


async def test_ingesting_a_feed_with_a_shared_description(
    database_url: str, tmp_path: Path
) -> None:
    feed = tmp_path / "channel.xml"
    feed.write_bytes(_feed([BLURB] * 3))
    first = await newsdigest("ingest", str(feed), database_url=database_url, cwd=tmp_path)
    assert "new 3 · duplicate 0 · failed 0" in first.out, first
    again = await newsdigest("ingest", str(feed), database_url=database_url, cwd=tmp_path)
    assert "new 0 · duplicate 3 · failed 0" in again.out, again
