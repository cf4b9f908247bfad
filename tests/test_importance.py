"""Importance: more sources always rank higher; recency and views order stories carried as
widely; the top part's category cap holds while other categories have stories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digest.article import StoredArticle
from digest.importance import pick_digest, ranked, story_score

SINCE = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
UNTIL = SINCE + timedelta(hours=24)


def _story(
    number: int,
    *,
    sources: int = 1,
    hours: float = 1,
    views: int | None = None,
    category: str = "国内",
) -> StoredArticle:
    return StoredArticle(
        id=number,
        title=f"第{number}号",
        url=None,
        summary="",
        category=category,
        source=None,
        published_at=SINCE + timedelta(hours=hours),
        ingested_at=SINCE + timedelta(hours=hours),
        source_count=sources,
        views=views,
    )


def test_one_more_source_outweighs_any_recency_and_views() -> None:
    old_but_wider = _story(1, sources=2, hours=0, views=None)
    newest_most_viewed = _story(2, sources=1, hours=24, views=10**9)
    assert story_score(old_but_wider, since=SINCE, until=UNTIL) > story_score(
        newest_most_viewed, since=SINCE, until=UNTIL
    )


def test_as_widely_carried_the_newer_then_the_more_viewed_first() -> None:
    older, newer = _story(1, hours=2), _story(2, hours=20)
    viewed = _story(3, hours=2, views=100_000)
    assert [s.id for s in ranked([older, viewed, newer], since=SINCE, until=UNTIL)] == [2, 3, 1]


def test_no_category_takes_over_half_the_top_part_while_others_have_stories() -> None:
    stories = [_story(n, sources=9 - n) for n in range(1, 6)]  # 国内, most carried
    stories += [_story(10, category="国际"), _story(11, category="体育")]
    pick = pick_digest(stories, cap=4, headlines=2, total=7)
    assert [s.id for s in pick.top] == [1, 2, 10, 11]
    assert [s.id for s in pick.headlines] == [3, 4]


def test_one_category_alone_fills_the_top_part() -> None:
    stories = [_story(n) for n in range(1, 6)]
    pick = pick_digest(stories, cap=4, headlines=0, total=5)
    assert [s.id for s in pick.top] == [1, 2, 3, 4]
