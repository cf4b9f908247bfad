"""The stored articles a batch's records may be rewrites of: those sharing the most story
keys (``digest.story_keys``) with a record, published within some days of it.

Counted for the whole batch at once in numpy: a batch of 500 records meets some 12,000
stored rows of its keys, and a record's key is shared by several records of the batch (a
common pair of anchors), so the pairs number some 50,000; counted in Python, pair by pair,
they took a fifth of the matching's time.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
import numpy.typing as npt

# (story key, article id, publish day in days since 1970 or None): a stored article's key.
StoredKey = Sequence[int | None]

_ID_BITS = 40  # article ids below 2**40; a batch's positions above them
_ID_MASK = (1 << _ID_BITS) - 1


def wanted_keys(keys_of: Sequence[Sequence[int]]) -> list[int]:
    """The distinct keys of these records, in order: the ones to look up."""
    return np.unique(_flat(keys_of)).tolist()  # type: ignore[no-any-return]


def likeliest_stored(
    positions: Sequence[int],
    keys_of: Sequence[Sequence[int]],
    days: Sequence[int | None],
    stored: Sequence[StoredKey],
    *,
    max_days: int,
    per_record: int,
) -> dict[int, set[int]]:
    """Article id → the positions of the records it may be the story of.

    The records at ``positions`` have the story keys ``keys_of`` and the publish days
    ``days`` (days since 1970; None: undated); ``stored`` are the rows of stored articles
    with those keys. A record and an article are a pair for each key they share, unless
    both are dated more than ``max_days`` apart; for each record, the ``per_record``
    articles of most pairs are kept (of as many, the higher id: the newer).
    """
    if not stored:
        return {}
    lengths = np.fromiter(map(len, keys_of), dtype=np.int64, count=len(keys_of))
    my_keys = _flat(keys_of)
    if not my_keys.size:
        return {}
    positions_of = np.repeat(np.asarray(positions, dtype=np.int64), lengths)
    my_days = np.repeat(np.array(days, dtype=np.float64), lengths)  # None → NaN
    # Three columns in C: a row at a time took longer than the counting.
    their_key_column, article_column, their_day_column = zip(*stored, strict=True)
    their_keys = np.array(their_key_column, dtype=np.int64)
    articles = np.array(article_column, dtype=np.int64)
    their_days = np.array(their_day_column, dtype=np.float64)
    order = np.argsort(my_keys, kind="stable")
    my_keys, positions_of, my_days = my_keys[order], positions_of[order], my_days[order]
    # Each stored row against every record entry with its key: a join of sorted keys.
    starts = np.searchsorted(my_keys, their_keys, side="left")
    counts = np.searchsorted(my_keys, their_keys, side="right") - starts
    rows = np.repeat(np.arange(their_keys.size), counts)
    firsts = np.repeat(np.cumsum(counts) - counts, counts)
    entries = np.repeat(starts, counts) + np.arange(rows.size) - firsts
    mine, theirs = my_days[entries], their_days[rows]
    # NaN is an undated article: it may be of any day.
    close = np.isnan(mine) | np.isnan(theirs) | (np.abs(mine - theirs) <= max_days)
    pairs = (positions_of[entries][close] << _ID_BITS) | articles[rows][close]
    pairs, shared = np.unique(pairs, return_counts=True)
    pair_positions, pair_articles = pairs >> _ID_BITS, pairs & _ID_MASK
    # By record, then the most keys shared, then the newest article.
    ranked = np.lexsort((-pair_articles, -shared, pair_positions))
    pair_positions, pair_articles = pair_positions[ranked], pair_articles[ranked]
    new_record = np.ones(pair_positions.size, dtype=np.bool_)
    new_record[1:] = pair_positions[1:] != pair_positions[:-1]
    group_starts = np.flatnonzero(new_record)
    sizes = np.diff(np.append(group_starts, pair_positions.size))
    rank = np.arange(pair_positions.size) - np.repeat(group_starts, sizes)
    kept = rank < per_record
    candidates: dict[int, set[int]] = {}
    for position, article_id in zip(
        pair_positions[kept].tolist(), pair_articles[kept].tolist(), strict=True
    ):
        candidates.setdefault(article_id, set()).add(position)
    return candidates


def _flat(keys_of: Sequence[Sequence[int]]) -> npt.NDArray[np.int64]:
    return np.fromiter(chain.from_iterable(keys_of), dtype=np.int64)
