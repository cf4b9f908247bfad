"""How important a story is, and a digest's pick of a window's stories by it.

``story_score`` = sources + ``RECENCY_WEIGHT`` × recency + ``VIEWS_WEIGHT`` × views, where

- *sources* is how many distinct outlets carried the story (``source_count``): the main
  signal, as Google News' "full coverage" and Techmeme use it. Each term after it is below
  1 and their sum below 1, so a story with one more source always ranks higher;
- *recency* is where the story stands in the window, 0 at its start and 1 at its end (its
  publish time, or its ingest time when undated): of stories as widely carried, the newer;
- *views* is ``log10(1 + views) / 6``, at most 1 (a million views): a page's view count
  says something, but one site's count, and not every input has one: the least weight.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from digest.article import StoredArticle

RECENCY_WEIGHT = 0.6
VIEWS_WEIGHT = 0.3
VIEWS_DECADES = 6  # log10 of the view count that earns the whole VIEWS_WEIGHT


def story_score(story: StoredArticle, *, since: datetime, until: datetime) -> float:
    """The story's importance in the window (since, until] (see the module's docstring)."""
    moment = story.published_at or story.ingested_at
    span = (until - since).total_seconds()
    recency = 0.0 if span <= 0 else (moment - since).total_seconds() / span
    views = min(math.log10(1 + max(story.views or 0, 0)) / VIEWS_DECADES, 1.0)
    return story.source_count + RECENCY_WEIGHT * min(max(recency, 0.0), 1.0) + VIEWS_WEIGHT * views


def ranked(
    stories: Sequence[StoredArticle], *, since: datetime, until: datetime
) -> list[StoredArticle]:
    """The stories, the most important first (ties: the newest id first)."""
    return sorted(
        stories, key=lambda s: (story_score(s, since=since, until=until), s.id), reverse=True
    )


@dataclass(frozen=True, slots=True)
class DigestPick:
    """What a digest lists: its top part (summaries), the next headlines (titles only),
    and how many stories it had in all."""

    top: list[StoredArticle]
    headlines: list[StoredArticle]
    total: int

    @property
    def listed(self) -> list[StoredArticle]:
        return [*self.top, *self.headlines]


def pick_digest(
    ranked_stories: Sequence[StoredArticle], *, cap: int, headlines: int, total: int
) -> DigestPick:
    """The ``cap`` most important stories (no category over half of them while others have
    stories in the list), then the next ``headlines`` in rank order."""
    most_per_category = max(1, cap // 2)
    top: list[StoredArticle] = []
    held_back: list[StoredArticle] = []
    per_category: Counter[str] = Counter()
    for story in ranked_stories:
        if len(top) == cap:
            break
        if per_category[story.category] >= most_per_category:
            held_back.append(story)
            continue
        per_category[story.category] += 1
        top.append(story)
    # Only one category left to fill with: its stories go in after all.
    for story in held_back[: cap - len(top)]:
        top.append(story)
    rank = {story.id: at for at, story in enumerate(ranked_stories)}
    top.sort(key=lambda story: rank[story.id])
    chosen = set(rank).intersection(story.id for story in top)
    rest = [story for story in ranked_stories if story.id not in chosen]
    return DigestPick(top, rest[:headlines], total)
