"""One run of the alert job's matching: new articles against every watch, a page at a time,
each chat getting at most a few alerts.

Which phrases each article of a page holds is ``digest.phrase_finder``'s work, for the whole
page at once. What is left in Python is per article and chat still open, and after the
first run of a busy day nearly every chat has its alerts waiting already: their watches
are left out from the start, and an article none of whose phrases an open chat watches
costs nothing here.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from digest.phrase_finder import Matches
from digest.watch_text import fold_page
from digest.watching import Watch, WatchIndex

# Articles folded and searched at once: about 150,000 characters, whose arrays stay in the
# processor's cache (the job's pages of 1,000 at once took 10-20 % longer, with twice the
# page faults: their arrays of several MB are taken afresh from the system each time).
_ARTICLES_AT_ONCE = 250


class ArticleMatch(NamedTuple):
    """An article for a chat: the phrases it matched, and one of the watches that did.

    A named tuple, not a dataclass: a run holds thousands, and the garbage collector stops
    tracking tuples of plain values, so they do not make its full collections longer."""

    chat_id: int
    article_id: int
    phrases: tuple[str, ...]  # sorted
    watch_id: int  # the watch of ``phrases[0]``: the alert's unwatch button names it


class _PhraseHits:
    """How many articles each phrase matched, per article category."""

    def __init__(self, phrases: int) -> None:
        self._categories: dict[str, int] = {}  # category -> row
        self._hits = np.zeros((0, phrases), dtype=np.int64)

    def add(self, found: Matches, categories: Sequence[str]) -> None:
        rows = [self._categories.setdefault(c, len(self._categories)) for c in categories]
        if len(self._categories) > len(self._hits):
            more = len(self._categories) - len(self._hits), self._hits.shape[1]
            self._hits = np.vstack((self._hits, np.zeros(more, dtype=np.int64)))
        cells = np.array(rows, dtype=np.intp)[found.articles] * self._hits.shape[1]
        cells += found.phrases
        self._hits += np.bincount(cells, minlength=self._hits.size).reshape(self._hits.shape)

    def of_watches(self, index: WatchIndex) -> Counter[int]:
        """Each watch's count: its phrase's in its category, or in every category."""
        every, none = len(self._hits), len(self._hits) + 1  # two more rows
        rows = [
            every if category is None else self._categories.get(category, none)
            for category in index.watch_categories
        ]
        zeros = np.zeros((1, self._hits.shape[1]), dtype=np.int64)
        hits = np.vstack((self._hits, self._hits.sum(axis=0), zeros))
        counts = hits[rows, index.watch_phrases]
        matched = np.flatnonzero(counts)
        ids, numbers = index.watch_ids[matched].tolist(), counts[matched].tolist()
        return Counter(dict(zip(ids, numbers, strict=True)))


class CappedMatching:
    """One run of the alert job, where each chat gets at most ``limit`` articles, counting
    ``waiting`` (alerts of earlier runs not sent yet: a message lists ``limit`` at most).

    Once a chat has them its watches leave the run, so a watch on a common word costs a
    bounded amount of work however many articles it matches: the work grows with chats x
    ``limit``, not with the matches. Each watch's match count still counts every article it
    matches (from per-phrase counts, not per chat).
    """

    def __init__(self, index: WatchIndex, limit: int, waiting: Mapping[int, int]) -> None:
        self._index = index
        self._limit = limit
        self.taken: Counter[int] = Counter(waiting)
        # Phrase number -> watch category (None: any) -> chat id -> watch, for open chats.
        self._open: dict[int, dict[str | None, dict[int, Watch]]] = {}
        self._keys_of_chat: dict[int, set[tuple[int, str | None]]] = {}
        # The watches of chats that can take an alert, found without a step per watch: after
        # the first run of a busy day nearly every chat has its alerts waiting already.
        full = np.array([chat for chat, count in waiting.items() if count >= limit], np.int64)
        can_take = ~np.isin(index.watch_chats, full) if limit > 0 else np.zeros(0, np.bool_)
        for at in np.flatnonzero(can_take).tolist():
            self._open_watch(int(index.watch_phrases[at]), index.watches[at])
        self._is_open = np.zeros(len(index.phrases), dtype=np.bool_)
        self._is_open[list(self._open)] = True
        self._hits = _PhraseHits(len(index.phrases))

    def _open_watch(self, number: int, watch: Watch) -> None:
        by_category = self._open.setdefault(number, {})
        by_category.setdefault(watch.category, {})[watch.chat_id] = watch
        self._keys_of_chat.setdefault(watch.chat_id, set()).add((number, watch.category))

    def match(self, article_id: int, text: str, category: str) -> list[ArticleMatch]:
        """The chats one article alerts (``text``: its title and body), one match each."""
        return self.match_page([article_id], [text], [category])

    def match_page(
        self, article_ids: Sequence[int], texts: Sequence[str], categories: Sequence[str]
    ) -> list[ArticleMatch]:
        """The chats these articles alert, in article order (``texts``: each one's title
        and body, as stored), one match a chat and article."""
        matches: list[ArticleMatch] = []
        for start in range(0, len(texts), _ARTICLES_AT_ONCE):
            end = start + _ARTICLES_AT_ONCE
            matches += self._match_part(
                article_ids[start:end], texts[start:end], categories[start:end]
            )
        return matches

    def _match_part(
        self, article_ids: Sequence[int], texts: Sequence[str], categories: Sequence[str]
    ) -> list[ArticleMatch]:
        found = self._index.finder.find(fold_page(texts))
        self._hits.add(found, categories)
        still_open = self._is_open[found.phrases]  # as the page began: rechecked below
        articles, phrases = found.articles[still_open], found.phrases[still_open].tolist()
        bounds = [0, *(np.flatnonzero(np.diff(articles)) + 1).tolist(), len(phrases)]
        matches: list[ArticleMatch] = []
        for start, end in itertools.pairwise(bounds):
            if start == end:  # (no phrase still open)
                continue
            article = int(articles[start])
            matches += self._match_chats(
                article_ids[article], phrases[start:end], categories[article]
            )
        return matches

    def _match_chats(
        self, article_id: int, numbers: list[int], category: str
    ) -> list[ArticleMatch]:
        """The open chats an article alerts, from the phrases it matched."""
        per_chat: dict[int, list[Watch]] = {}
        for number in numbers:
            by_category = self._open.get(number)
            if by_category is None:  # closed earlier in this page
                continue
            for key in (None, category):
                chats = by_category.get(key)
                if chats is not None:
                    for chat_id, watch in chats.items():
                        per_chat.setdefault(chat_id, []).append(watch)
        found = []
        for chat_id, watches in per_chat.items():
            if len(watches) == 1:  # the common case, without sorting
                found.append(
                    ArticleMatch(chat_id, article_id, (watches[0].phrase,), watches[0].id)
                )
            else:
                matched = tuple(sorted({w.phrase for w in watches}))
                named = min(watches, key=lambda w: (w.phrase, w.id))  # the button names it
                found.append(ArticleMatch(chat_id, article_id, matched, named.id))
            self.taken[chat_id] += 1
            if self.taken[chat_id] >= self._limit:
                self.close(chat_id)
        return found

    def close(self, chat_id: int) -> None:
        """No more matches for this chat in this run."""
        for number, category in self._keys_of_chat.pop(chat_id, ()):
            by_category = self._open[number]
            chats = by_category[category]
            del chats[chat_id]
            if not chats:
                del by_category[category]
                if not by_category:  # no open chat watches it: pages skip it at once
                    del self._open[number]
                    self._is_open[number] = False

    def match_counts(self) -> Counter[int]:
        """How many of the articles seen so far each watch matched (closed chats too)."""
        return self._hits.of_watches(self._index)
