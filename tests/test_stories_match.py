"""Story matching: two outlets' write-ups of one event match, different events do not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from digest.scripts import TAIWAN, in_script
from digest.stories import compare_events, event_text, same_event
from digest.story_figures import (
    clock_times_of,
    conflicting_kinds,
    event_dates_of,
    figures_of,
    same_value,
)
from digest.story_keys import ANCHORS, event_keys, event_keys_of

PAIRS_FILE = Path(__file__).parent / "data" / "stories" / "pairs.jsonl"
PAIRS: list[dict[str, Any]] = [
    json.loads(line) for line in PAIRS_FILE.read_text(encoding="utf-8").splitlines()
]
BACKGROUND_FILE = PAIRS_FILE.with_name("background.jsonl")
# What the labelled set reaches today, less a margin of about one pair: a change that
# loses two rewrites, or merges one pair of different events, fails.
MIN_PRECISION = 0.95
MIN_RECALL = 0.85
MIN_CANDIDATE_RECALL = 0.82


def _event(article: dict[str, str]) -> Any:
    return event_text(
        article["title"], article["body"], datetime.fromisoformat(article["published_at"])
    )


def _verdicts() -> list[tuple[dict[str, Any], bool]]:
    return [(pair, same_event(_event(pair["a"]), _event(pair["b"]))) for pair in PAIRS]


def test_the_labelled_set_has_enough_pairs_of_every_sort() -> None:
    same = [pair for pair in PAIRS if pair["same"]]
    different = [pair for pair in PAIRS if not pair["same"]]
    assert len(PAIRS) >= 100
    assert len(different) >= len(same) >= 40
    kinds = Counter(pair["kind"] for pair in different)
    for kind in ("two_earthquakes", "two_rate_decisions", "followup_day2", "market_template"):
        assert kinds[kind] >= 4, kind
    english = [pair for pair in PAIRS if pair["a"]["title"].isascii()]
    assert len(english) >= len(PAIRS) // 5
    for pair in PAIRS:
        for side in ("a", "b"):
            assert 100 <= len(pair[side]["body"]) <= 900, pair["id"]
            assert datetime.fromisoformat(pair[side]["published_at"]).tzinfo is not None


def test_every_labelled_pair_is_classified_with_precision_first() -> None:
    verdicts = _verdicts()
    matched = [pair for pair, same in verdicts if same]
    true = [pair for pair in matched if pair["same"]]
    false = [pair["id"] for pair in matched if not pair["same"]]
    precision = len(true) / len(matched)
    recall = len(true) / sum(pair["same"] for pair in PAIRS)
    assert precision >= MIN_PRECISION, false
    assert recall >= MIN_RECALL


def test_no_pair_of_different_events_matches_on_the_labelled_set() -> None:
    assert [pair["id"] for pair, same in _verdicts() if same and not pair["same"]] == []


def test_most_pairs_of_one_event_share_a_key() -> None:
    keys = {
        pair["id"]: [set(event_keys(pair[side]["title"], pair[side]["body"])) for side in "ab"]
        for pair in PAIRS
        if pair["same"]
    }
    found = [pair_id for pair_id, (one, other) in keys.items() if one & other]
    assert len(found) / len(keys) >= MIN_CANDIDATE_RECALL


def test_articles_more_than_three_days_apart_are_never_one_event() -> None:
    pair = next(pair for pair in PAIRS if pair["id"] == "WR1a-WR1b")
    one = _event(pair["a"])
    assert same_event(one, _event(pair["b"]))
    later = dict(
        pair["b"], published_at=(one.published_at + timedelta(days=3, hours=1)).isoformat()
    )
    assert not same_event(one, _event(later))


def test_a_day_later_more_similarity_is_needed() -> None:
    pair = next(pair for pair in PAIRS if pair["id"] == "TY1a-TY1b")
    one, other = _event(pair["a"]), _event(pair["b"])
    prompt = compare_events(one, other)
    later = dict(pair["b"], published_at=(one.published_at + timedelta(hours=30)).isoformat())
    assert compare_events(one, _event(later)).threshold > prompt.threshold


def test_an_article_is_its_own_event_and_nothing_else_is_without_words() -> None:
    pair = PAIRS[0]
    one = _event(pair["a"])
    assert same_event(one, one)
    assert not same_event(one, event_text("", "", one.published_at))


def test_figures_with_their_units_in_chinese_and_english() -> None:
    assert figures_of("四川泸定发生6.8级地震，下调0.25个百分点至5.35%，广东102比95胜北京") == {
        ("级", "6.8"),
        ("pp", "0.25"),
        ("%", "5.35"),
        ("score", "95-102"),
    }
    assert figures_of("A magnitude 6.1 quake; rates cut by 25 basis points to 4.50%") == {
        ("级", "6.1"),
        ("bp", "25"),
        ("%", "4.5"),
    }
    assert ("score", "110-111") in figures_of("the Pacers beat the Thunder 111-110 in Game 1")
    assert figures_of("2024-2025赛季，COVID-19") == set()


def test_full_width_digits_and_punctuation_read_as_figures() -> None:
    text = event_text("沪指收涨０．８２％", "创业板指涨２．６３％，３：１", None)
    assert {("%", "0.82"), ("%", "2.63"), ("score", "1-3")} <= text.figures


def test_conflicting_figures_of_one_kind_and_rounded_ones_that_agree() -> None:
    one = figures_of("云南漾濞发生5.6级地震，震源深度10千米")
    assert conflicting_kinds(one, figures_of("新疆伽师发生4.8级地震，震源深度10千米")) == {"级"}
    assert conflicting_kinds(one, figures_of("漾濞5.6级地震已致2人受伤")) == set()
    # A rate as 4.50% and 4.5%, a share as 49.42% and 49.4%, as 4.25% and "about 4.3%".
    assert same_value("%", "4.5", "4.5")
    assert same_value("%", "49.42", "49.4")
    assert same_value("%", "4.25", "4.3")
    assert not same_value("%", "0.82", "0.17")
    assert not same_value("score", "95-102", "90-98")
    # Counts grow as a story is updated: never a conflict.
    assert conflicting_kinds(figures_of("已致5人死亡"), figures_of("已致11人死亡")) == set()


def test_dates_resolve_against_publication_and_skip_datelines() -> None:
    published = date(2025, 3, 15)
    text = "新华社昆明3月15日电 记者15日从云南省应急管理厅获悉，14日发生的漾濞地震"
    assert event_dates_of(text, published) == {date(2025, 3, 14)}
    assert event_dates_of("on Tuesday, June 3", date(2025, 6, 4)) == {date(2025, 6, 3)}
    # A Wednesday in Seoul can be published on Tuesday in UTC.
    assert event_dates_of("results showed on Wednesday", date(2025, 6, 3)) == {date(2025, 6, 4)}
    assert event_dates_of("WASHINGTON, June 18 (Reuters) - The Fed", date(2025, 6, 18)) == set()


def test_times_of_day() -> None:
    assert clock_times_of("3月14日12时36分在云南") == {(12, 36)}
    assert clock_times_of("The quake hit at 6:47 p.m. local time") == {(18, 47)}


def test_two_earthquakes_the_same_day_and_magnitude_conflict_on_place_and_time() -> None:
    pair = next(pair for pair in PAIRS if pair["id"] == "EQ1a-EQ3a")
    comparison = compare_events(_event(pair["a"]), _event(pair["b"]))
    assert {"度", "time"} <= comparison.conflicts
    assert not comparison.same


def test_keys_are_signed_64_bit_and_few() -> None:
    pair = PAIRS[0]
    keys = event_keys(pair["a"]["title"], pair["a"]["body"])
    assert len(keys) == len(set(keys)) == ANCHORS * (ANCHORS - 1) // 2
    assert all(-(2**63) <= key < 2**63 for key in keys)
    assert event_keys("", "") == []
    assert event_keys("地震", "") == []  # one anchor makes no pair


def test_keys_of_a_batch_are_the_keys_of_each_article() -> None:
    titles = [pair[side]["title"] for pair in PAIRS for side in "ab"] + ["", "地震"]
    leads = [pair[side]["body"] for pair in PAIRS for side in "ab"] + ["", ""]
    assert event_keys_of(titles, leads) == [
        event_keys(title, lead) for title, lead in zip(titles, leads, strict=True)
    ]


def test_a_place_and_a_magnitude_make_a_key_and_the_words_of_every_earthquake_none() -> None:
    flash = event_keys("漾濞5.6级地震", "")
    report = event_keys("大理漾濞发生5.6级地震 震感强烈", "据中国地震台网正式测定，震源深度10千米")
    assert set(flash) & set(report)
    # Words every earthquake report carries are no anchors: no pair of them is a key.
    assert event_keys("发生地震", "据中国地震台网正式测定，震源深度") == []


def test_keys_are_the_same_in_another_process_with_another_hash_seed() -> None:
    title, lead = "云南大理州漾濞县发生5.6级地震", "据中国地震台网正式测定"
    code = f"from digest.story_keys import event_keys; print(event_keys({title!r}, {lead!r}))"
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        cwd=Path(__file__).parent.parent,
    )
    assert result.stdout.strip() == str(event_keys(title, lead))
    # Pinned: stored keys stay comparable with new ones across releases.
    assert event_keys(title, lead)[:2] == [-7515676136160110295, 3037855199974425758]


def test_an_undated_article_is_compared_without_time_rules() -> None:
    pair = next(pair for pair in PAIRS if pair["id"] == "WR2a-WR2b")
    one = event_text(pair["a"]["title"], pair["a"]["body"])
    other = event_text(pair["b"]["title"], pair["b"]["body"])
    assert compare_events(one, other).apart is None
    assert same_event(one, other)
    assert not one.dates
    assert _event(pair["a"]).published_at == datetime(2025, 5, 18, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", sorted({pair["kind"] for pair in PAIRS if not pair["same"]}))
def test_no_kind_of_different_events_is_merged(kind: str) -> None:
    merged = [
        pair["id"]
        for pair in PAIRS
        if pair["kind"] == kind and same_event(_event(pair["a"]), _event(pair["b"]))
    ]
    assert merged == []


def test_no_background_article_is_one_event_with_a_labelled_one() -> None:
    background = [
        _event(json.loads(line))
        for line in BACKGROUND_FILE.read_text(encoding="utf-8").splitlines()
    ]
    labelled = [_event(pair[side]) for pair in PAIRS for side in "ab"]
    assert len(background) >= 10
    assert not [
        (one.published_at, other.published_at)
        for one in background
        for other in labelled
        if same_event(one, other)
    ]


def test_a_rewrite_in_traditional_script_is_found_and_matched_as_in_simplified() -> None:
    # The labelled rewrites with one side shown to Taiwan readers' script (OpenCC s2twp):
    # story keys and the event check fold both scripts to one, so the same pairs share a
    # key and match as they do in Simplified.
    def taiwanese(article: dict[str, str]) -> dict[str, str]:
        return {**article, **{k: in_script(article[k], TAIWAN) for k in ("title", "body")}}

    same = [pair for pair in PAIRS if pair["same"]]
    for pair in same:
        simplified = set(event_keys(pair["b"]["title"], pair["b"]["body"]))
        traditional = taiwanese(pair["b"])
        assert traditional["title"] != pair["b"]["title"] or pair["b"]["title"].isascii()
        assert set(event_keys(traditional["title"], traditional["body"])) == simplified
        assert same_event(_event(pair["a"]), _event(traditional)) == same_event(
            _event(pair["a"]), _event(pair["b"])
        )
