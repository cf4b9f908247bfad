"""The shortcuts of story matching at ingest decide exactly as the long way: the quick bound
never drops a pair ``compare_events`` finds one event, the candidates counted in numpy are
those counted pair by pair, and a cached ``EventText`` is one made afresh."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from digest.stories import FIGURES_THRESHOLD, MAX_APART, compare_events, event_text, may_be_same
from digest.story_candidates import likeliest_stored, wanted_keys

PAIRS_FILE = Path(__file__).parent / "data" / "stories" / "pairs.jsonl"


def test_the_quick_bound_keeps_every_pair_that_may_be_one_event() -> None:
    pairs = [json.loads(line) for line in PAIRS_FILE.read_text(encoding="utf-8").splitlines()]
    kept = dropped = 0
    for pair in pairs:
        one, other = (
            event_text(side["title"], side["body"], datetime.fromisoformat(side["published_at"]))
            for side in (pair["a"], pair["b"])
        )
        found = compare_events(one, other)
        if may_be_same(one, other):
            kept += 1
        else:
            dropped += 1
            assert not found.same, pair["id"]
            too_far = found.apart is not None and found.apart > MAX_APART
            assert too_far or found.similarity < FIGURES_THRESHOLD, pair["id"]
    assert kept >= sum(pair["same"] for pair in pairs)
    assert dropped > 0  # it does drop some: pairs of different events share few words


def test_the_quick_bound_drops_articles_published_too_far_apart() -> None:
    published = datetime(2024, 5, 1, 8, tzinfo=UTC)
    body = "漾濞县发生5.6级地震，震源深度8千米，当地暂无人员伤亡报告，救援队伍已赶赴现场。" * 2
    first = event_text("云南大理州漾濞县发生5.6级地震", body, published)
    assert may_be_same(first, first)
    later = event_text("云南大理州漾濞县发生5.6级地震", body, published + timedelta(days=4))
    assert not may_be_same(first, later)


def _counted_pair_by_pair(
    positions: list[int],
    keys_of: list[list[int]],
    days: list[int | None],
    stored: list[tuple[int, int, int | None]],
    *,
    max_days: int,
    per_record: int,
) -> dict[int, set[int]]:
    """What ingest did before: a Counter of (record, article) pairs, the most kept."""
    wanted: dict[int, list[int]] = {}
    for position, keys in zip(positions, keys_of, strict=True):
        for key in keys:
            wanted.setdefault(key, []).append(position)
    day_of = dict(zip(positions, days, strict=True))
    shared: Counter[tuple[int, int]] = Counter()
    for key, article_id, day in stored:
        for position in wanted.get(key, []):
            mine = day_of[position]
            if mine is None or day is None or abs(mine - day) <= max_days:
                shared[position, article_id] += 1
    by_record: dict[int, list[tuple[int, int]]] = {}
    for (position, article_id), count in shared.items():
        by_record.setdefault(position, []).append((count, article_id))
    found: dict[int, set[int]] = {}
    for position, counted in by_record.items():
        for _count, article_id in sorted(counted, reverse=True)[:per_record]:
            found.setdefault(article_id, set()).add(position)
    return found


def test_candidates_counted_for_a_batch_are_those_counted_pair_by_pair() -> None:
    for trial in range(400):
        chance = random.Random(trial)
        positions = sorted(chance.sample(range(60), chance.randint(0, 25)))
        # Few distinct keys, so that records share them and ties in counts are common.
        keys_of = [chance.sample(range(-20, 20), chance.randint(0, 6)) for _ in positions]
        days = [
            None if chance.random() < 0.1 else chance.randint(19_000, 19_012) for _ in positions
        ]
        stored = {
            (chance.randrange(-20, 20), chance.randint(1, 40) + (2**35) * chance.randint(0, 2))
            for _ in range(chance.randint(0, 150))
        }
        rows = [
            (key, article_id, None if chance.random() < 0.1 else chance.randint(19_000, 19_012))
            for key, article_id in sorted(stored)
        ]
        expected = _counted_pair_by_pair(positions, keys_of, days, rows, max_days=4, per_record=3)
        assert likeliest_stored(positions, keys_of, days, rows, max_days=4, per_record=3) == (
            expected
        ), trial
        assert wanted_keys(keys_of) == sorted({key for keys in keys_of for key in keys})


def test_a_cached_event_text_is_the_one_made_for_its_title_lead_and_time() -> None:
    title = "美联储宣布维持利率不变"
    body = "美联储周三宣布，将联邦基金利率目标区间维持在5.25%至5.5%之间，符合市场预期。"
    utc = datetime(2024, 3, 20, 20, 30, tzinfo=UTC)
    beijing = utc.astimezone(timezone(timedelta(hours=8)))  # the same instant, the next day
    lead = body + "\n22日的会议上"
    at_utc = event_text(title, lead, utc)
    assert at_utc is event_text(title, lead, utc)  # made once
    # One instant in two zones: "22日" is resolved against each one's own day (the 20th in
    # UTC: February's; the 21st in Beijing: March's, tomorrow's for time zones).
    at_beijing = event_text(title, lead, beijing)
    assert at_utc.published_at == at_beijing.published_at
    assert at_utc.dates != at_beijing.dates
    # Only the lead counts: two bodies that differ after it are one entry.
    lead = body + "\n" + "后续段落。" * 400
    assert event_text(title, lead + "\n一段", utc) is event_text(title, lead + "\n另一段", utc)
