"""Migrations keep data (0006: band keys without a foreign key, 0007: partitioned search
terms on PostgreSQL, 0010: SQLite's contentless index, 0011: band keys' publish days), and
PostgreSQL's search partitions are made ahead of the ids; 0014: one watch of a phrase without
category; 0015: a paused subscription's refusal becomes its chat's; 0016: subscriptions keep
what they follow; 0018: forum topics' columns; the models are what the migrations make."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from digest.neardup import band_keys, minhash_signature
from digest.search_terms import article_index_text, query_phrases
from digest.story_keys import event_keys
from storage import search
from storage.article_inserts import insert_articles
from storage.articles import articles_by_ids
from storage.db import Database
from storage.migrate import _config
from storage.models import Base
from storage.neardup import published_day
from storage.prune import delete_articles
from storage.search import search_article_ids
from tests.factories import article_record, distinct_body

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
NEARDUP = Path(__file__).parent / "data" / "neardup"
ARTICLE = (
    "INSERT INTO articles (id, title, content, summary, category, sort_at, ingested_at, "
    "content_hash) VALUES (7, 't', 'c', 's', '国际', '2026-11-24 00:00:00+00:00', "
    "'2026-11-24 00:00:00+00:00', 'h7')"
)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


async def _migrate(database: Database, revision: str, *, down: bool = False) -> None:
    def run(connection: Connection) -> None:
        step = command.downgrade if down else command.upgrade
        step(_config(connection), revision)

    async with database.engine.begin() as connection:
        await connection.run_sync(run)


async def _bands(database: Database) -> list[tuple[int, int]]:
    async with database.engine.begin() as connection:
        rows = await connection.execute(
            text("SELECT band_key, article_id FROM article_bands ORDER BY band_key")
        )
        return [(row[0], row[1]) for row in rows]


async def test_band_keys_survive_0006_both_ways(database: Database) -> None:
    await _migrate(database, "0005")
    async with database.engine.begin() as connection:
        await connection.execute(text(ARTICLE))
        await connection.execute(
            text("INSERT INTO article_bands VALUES (-5, 7), (3, 7), (9223372036854775807, 7)")
        )

    await _migrate(database, "0006")
    assert await _bands(database) == [(-5, 7), (3, 7), (9223372036854775807, 7)]
    # No foreign key any more: keys of an article being deleted elsewhere do not fail.
    async with database.engine.begin() as connection:
        await connection.execute(text("INSERT INTO article_bands VALUES (4, 999)"))

    await _migrate(database, "0005", down=True)
    assert await _bands(database) == [(-5, 7), (3, 7), (9223372036854775807, 7)]
    await _migrate(database, "0006")
    assert await _bands(database) == [(-5, 7), (3, 7), (9223372036854775807, 7)]


async def test_0009_computes_the_window_band_keys_again_with_the_category(
    database: Database,
) -> None:
    signature = minhash_signature(distinct_body(7))
    await _migrate(database, "0008")
    async with database.engine.begin() as connection:
        await connection.execute(text(ARTICLE))
        await connection.execute(
            text("UPDATE articles SET minhash = :signature WHERE id = 7"),
            {"signature": signature},
        )
        await connection.execute(text("INSERT INTO article_bands VALUES (-5, 7), (3, 7)"))

    await _migrate(database, "0009")
    expected = sorted((key, 7) for key in set(band_keys(signature, category="国际")))
    assert await _bands(database) == expected


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_search_index_survives_0010_both_ways(database: Database) -> None:
    await _migrate(database, "0009")
    async with database.engine.begin() as connection:
        await connection.execute(text(ARTICLE.replace("'t', 'c'", "'央行降准', '利率下调'")))
        await connection.execute(
            text("INSERT INTO article_fts (rowid, terms) VALUES (7, :terms)"),
            {"terms": article_index_text("央行降准", "利率下调")},
        )

    async def table_sql_and_hits() -> tuple[str, list[int], list[int]]:
        async with database.transaction() as session:
            sql = await session.scalar(
                text("SELECT sql FROM sqlite_master WHERE name = 'article_fts'")
            )
            if "content=''" in str(sql):  # the buffer setting went along with the rename
                hash_bytes = await session.scalar(
                    text("SELECT v FROM article_fts_config WHERE k = 'hashsize'")
                )
                assert hash_bytes == 64 * 1024 * 1024
            title_hits = await search_article_ids(session, query_phrases("降准"))
            body_hits = await search_article_ids(session, query_phrases("下调"))
        return str(sql), title_hits, body_hits

    await _migrate(database, "0010")
    sql, *hits = await table_sql_and_hits()
    assert "content=''" in sql
    assert "ascii" in sql
    assert hits == [[7], [7]]
    await _migrate(database, "0009", down=True)
    sql, *hits = await table_sql_and_hits()
    assert "content=''" not in sql
    assert "unicode61" in sql
    assert hits == [[7], [7]]
    await _migrate(database, "head")
    async with database.transaction() as session:
        await delete_articles(session, [7])  # deleting needs the indexed text: it matches
        assert await search_article_ids(session, query_phrases("降准")) == []


async def test_0011_gives_the_window_band_keys_their_publish_day(database: Database) -> None:
    await _migrate(database, "0010")
    async with database.engine.begin() as connection:
        await connection.execute(text(ARTICLE))  # published 2026-11-24
        await connection.execute(text(ARTICLE.replace("(7,", "(8,").replace("'h7'", "'h8'")))
        await connection.execute(text("UPDATE articles SET published_at = sort_at WHERE id = 7"))
        await connection.execute(text("INSERT INTO article_bands VALUES (-5, 7), (3, 8)"))

    async def days() -> list[tuple[int, int | None]]:
        async with database.engine.begin() as connection:
            rows = await connection.execute(
                text("SELECT article_id, published_day FROM article_bands ORDER BY article_id")
            )
            return [(row[0], row[1]) for row in rows]

    await _migrate(database, "0011")
    assert await days() == [(7, published_day(datetime(2026, 11, 24, tzinfo=UTC))), (8, None)]
    await _migrate(database, "0010", down=True)
    assert await _bands(database) == [(-5, 7), (3, 8)]
    await _migrate(database, "head")
    assert await days() == [(7, published_day(datetime(2026, 11, 24, tzinfo=UTC))), (8, None)]


# article_terms is PostgreSQL's; SQLite's FTS5 table is not partitioned.
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_search_terms_survive_partitioning_both_ways(database: Database) -> None:
    await _migrate(database, "0006")
    async with database.engine.begin() as connection:
        await connection.execute(text(ARTICLE))
        await connection.execute(
            text("INSERT INTO article_terms VALUES (7, to_tsvector('simple', '降准 准率'))")
        )

    async def phrase_hits() -> list[int]:
        async with database.engine.begin() as connection:
            rows = await connection.execute(
                text(
                    "SELECT article_id FROM article_terms "
                    "WHERE terms @@ phraseto_tsquery('simple', '降准 准率')"
                )
            )
            return [row[0] for row in rows]

    await _migrate(database, "0007")
    assert await phrase_hits() == [7]
    async with database.engine.begin() as connection:
        partitions = await connection.scalar(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'article_terms'::regclass")
        )
    assert partitions == 2  # the one holding id 7, and one ahead
    await _migrate(database, "0006", down=True)
    assert await phrase_hits() == [7]
    await _migrate(database, "head")
    assert await phrase_hits() == [7]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_ingest_adds_search_partitions_ahead_and_search_spans_them(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "TERMS_PARTITION_SIZE", 4)
    monkeypatch.setattr(search, "FIRST_SPAN", 3)
    await _migrate(database, "head")
    records = [
        article_record(f"第{n}号", body=distinct_body(n) + ("央行宣布降准。" if n % 2 else ""))
        for n in range(1, 23)
    ]
    async with database.transaction() as session:
        new_ids = (await insert_articles(session, records, now=NOW)).new_ids
    async with database.transaction() as session:
        partitions = await session.scalar(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'article_terms'::regclass")
        )
        found = await search_article_ids(session, query_phrases("降准"), window=5)
        everything = await search_article_ids(session, query_phrases("降准"), window=100)
        await delete_articles(session, new_ids[:10])
    async with database.transaction() as session:
        after_prune = await search_article_ids(session, query_phrases("降准"), window=100)
    assert partitions == max(new_ids) // 4 + 2  # up to the newest id's, and one ahead
    odd = sorted((new_ids[n - 1] for n in range(1, 23) if n % 2), reverse=True)
    assert everything == odd
    assert found == odd[:5]
    assert after_prune == [article_id for article_id in odd if article_id not in new_ids[:10]]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_batches_of_one_transaction_cross_partitions_without_waiting_for_it(
    database: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A bulk ingest commits every few thousand articles: its later batches must not try to
    # make partitions in a transaction of their own, which would wait for theirs.
    monkeypatch.setattr(search, "TERMS_PARTITION_SIZE", 4)
    await _migrate(database, "head")
    async with database.transaction() as session:
        for batch in range(4):
            records = [
                article_record(f"第{n}号", body=distinct_body(n) + "央行宣布降准。")
                for n in range(batch * 5 + 1, batch * 5 + 6)
            ]
            await insert_articles(session, records, now=NOW)
    async with database.transaction() as session:
        found = await search_article_ids(session, query_phrases("降准"), window=100)
    assert len(found) == 20
    assert "could not add a partition" not in caplog.text


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_better_copy_in_the_batch_that_needs_a_partition_does_not_wait(
    database: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Re-indexing a better copy writes to article_terms before the batch's new ids do: the
    # partition must have been made before that write, or making it waits for the batch.
    monkeypatch.setattr(search, "TERMS_PARTITION_SIZE", 4)
    await _migrate(database, "head")
    first = NEARDUP / "dup_01_rescraped_views_a.txt"
    second = first.with_name("dup_01_rescraped_views_b.txt")
    short = article_record("短", body=first.read_text(encoding="utf-8").strip())
    fuller = article_record(
        "全",
        body=second.read_text(encoding="utf-8") + "\n\n补充报道：双方还将举行联合演习。",
        url="https://news.example.com/belarus",
    )
    async with database.transaction() as session:
        await insert_articles(session, [short], now=NOW)
    others = [article_record(f"第{n}号", body=distinct_body(n)) for n in range(1, 12)]
    async with database.transaction() as session:
        outcome = await insert_articles(session, [fuller, *others], now=NOW)
    assert len(outcome.new_ids) == 11
    assert "could not add a partition" not in caplog.text
    async with database.transaction() as session:
        [kept] = await articles_by_ids(session, [1])
    assert kept.url == "https://news.example.com/belarus"  # the copy did replace the text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL: a sequence
async def test_0012_keeps_the_watches_and_never_gives_their_ids_again(database: Database) -> None:
    watch = (
        "INSERT INTO watches (chat_id, phrase, match_count, created_at) "
        "VALUES (1, :phrase, 0, '2026-11-24 00:00:00+00:00')"
    )
    await _migrate(database, "0011")
    async with database.engine.begin() as connection:
        for phrase in ("降准", "加息"):
            await connection.execute(text(watch), {"phrase": phrase})

    await _migrate(database, "head")
    async with database.engine.begin() as connection:
        await connection.execute(text("DELETE FROM watches WHERE phrase = '加息'"))
        await connection.execute(text(watch), {"phrase": "央行"})
        rows = (await connection.execute(text("SELECT id, phrase FROM watches ORDER BY id"))).all()

    assert [tuple(row) for row in rows] == [(1, "降准"), (3, "央行")]


async def test_0014_keeps_one_watch_of_each_phrase_without_category_and_then_no_second(
    database: Database,
) -> None:
    watch = (
        "INSERT INTO watches (chat_id, phrase, category, match_count, created_at) "
        "VALUES (:chat, :phrase, :category, 0, '2026-11-24 00:00:00+00:00')"
    )
    waiting = (
        "INSERT INTO pending_alerts (chat_id, article_id, phrases, watch_id, due_at) "
        "VALUES (1, :article, '降准', :watch, '2026-11-24 00:00:00+00:00')"
    )
    await _migrate(database, "0013")
    async with database.engine.begin() as connection:
        for chat, phrase, category in [
            (1, "降准", None),  # 1: kept
            (1, "降准", None),  # 2: a copy of 1
            (1, "降准", "财经"),  # 3: another watch
            (2, "降准", None),  # 4: another chat's
            (1, "降准", None),  # 5: a copy of 1
            (1, "加息", None),  # 6
        ]:
            await connection.execute(
                text(watch), {"chat": chat, "phrase": phrase, "category": category}
            )
        for article, watch_id in [(10, 2), (11, 5), (12, 3), (13, 99)]:  # 99: removed since
            await connection.execute(text(waiting), {"article": article, "watch": watch_id})

    async def rows(query: str) -> list[tuple[int, ...]]:
        async with database.engine.begin() as connection:
            return [tuple(row) for row in await connection.execute(text(query))]

    await _migrate(database, "0014")
    assert await rows("SELECT id FROM watches ORDER BY id") == [(1,), (3,), (4,), (6,)]
    assert await rows("SELECT article_id, watch_id FROM pending_alerts ORDER BY 1") == [
        (10, 1),
        (11, 1),
        (12, 3),
        (13, 99),
    ]
    with pytest.raises(IntegrityError):
        async with database.engine.begin() as connection:
            await connection.execute(text(watch), {"chat": 1, "phrase": "加息", "category": None})

    await _migrate(database, "0013", down=True)
    async with database.engine.begin() as connection:  # the old index lets it in again
        await connection.execute(text(watch), {"chat": 1, "phrase": "加息", "category": None})
    await _migrate(database, "head")
    assert await rows("SELECT phrase FROM watches WHERE chat_id = 1 ORDER BY id") == [
        ("降准",),
        ("降准",),
        ("加息",),
    ]


async def test_0015_carries_a_paused_subscriptions_refusal_over_to_its_chat(
    database: Database,
) -> None:
    chat = (
        "INSERT INTO chats (id, type, language, timezone, created_at) "
        "VALUES (:id, 'private', 'zh', 'Asia/Shanghai', '2026-11-24 00:00:00+00:00')"
    )
    subscription = (
        "INSERT INTO subscriptions (chat_id, active, categories, digest_time, next_digest_at, "
        "paused_reason, created_at) VALUES (:id, :active, '', '08:00', "
        "'2026-11-25 00:00:00+00:00', :reason, '2026-11-24 00:00:00+00:00')"
    )
    await _migrate(database, "0014")
    async with database.engine.begin() as connection:
        for chat_id in (1, 2, 3, 4):
            await connection.execute(text(chat), {"id": chat_id})
        for chat_id, active, reason in [
            (1, False, "Forbidden: bot was blocked by the user"),  # paused by a refusal
            (2, False, None),  # unsubscribed
            (3, True, None),  # subscribed
        ]:  # 4: never subscribed
            await connection.execute(
                text(subscription), {"id": chat_id, "active": active, "reason": reason}
            )

    await _migrate(database, "0015")
    async with database.engine.begin() as connection:
        rows = await connection.execute(text("SELECT id, refused_reason FROM chats ORDER BY id"))
        assert [tuple(row) for row in rows] == [
            (1, "Forbidden: bot was blocked by the user"),
            (2, None),
            (3, None),
            (4, None),
        ]
    await _migrate(database, "0014", down=True)
    await _migrate(database, "head")


async def test_0016_keeps_what_subscriptions_follow_and_goes_both_ways(
    database: Database,
) -> None:
    await _migrate(database, "0015")
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO chats (id, type, language, timezone, created_at) VALUES "
                "(1, 'private', 'zh', 'Asia/Shanghai', '2026-11-24 00:00:00+00:00'), "
                "(2, 'private', 'zh', 'Asia/Shanghai', '2026-11-24 00:00:00+00:00')"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO subscriptions (chat_id, active, categories, digest_time, "
                "next_digest_at, created_at) VALUES (1, :yes, '', '08:00', :at, :at), "
                "(2, :yes, :two, '08:00', :at, :at)"
            ),
            {"yes": True, "two": "国际\n财经", "at": NOW},
        )

    await _migrate(database, "0016")
    async with database.engine.begin() as connection:
        rows = await connection.execute(
            text("SELECT chat_id, categories, excluded_categories FROM subscriptions ORDER BY 1")
        )
        assert [tuple(row) for row in rows] == [(1, "", ""), (2, "国际\n财经", "")]
    await _migrate(database, "0015", down=True)
    await _migrate(database, "head")


async def test_0018_adds_forum_topics_to_rows_that_stay_both_ways(database: Database) -> None:
    await _migrate(database, "0017")
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO chats (id, type, language, timezone, created_at) VALUES "
                "(-100, 'supergroup', 'zh', 'Asia/Shanghai', '2026-11-24 00:00:00+00:00')"
            )
        )
    await _migrate(database, "0018")
    async with database.engine.begin() as connection:
        assert (await connection.execute(text("SELECT alert_thread_id FROM chats"))).all() == [
            (None,)
        ]
        await connection.execute(text("UPDATE chats SET alert_thread_id = 55"))
    await _migrate(database, "0017", down=True)
    async with database.engine.begin() as connection:
        assert (await connection.execute(text("SELECT id FROM chats"))).all() == [(-100,)]
    await _migrate(database, "head")


EARTHQUAKE_TITLE = "云南大理州漾濞县发生5.6级地震"
EARTHQUAKE_BODY = (
    "新华社昆明3月14日电 据中国地震台网正式测定，3月14日12时36分在云南大理州漾濞县"
    "（北纬25.67度，东经99.87度）发生5.6级地震，震源深度10千米。"
)


async def test_0019_makes_every_stored_article_a_one_source_story_both_ways(
    database: Database,
) -> None:
    await _migrate(database, "0018")
    async with database.engine.begin() as connection:
        for number, url, source in ((1, "https://example.com/1", "甲"), (2, None, None)):
            await connection.execute(
                text(
                    "INSERT INTO articles (id, title, url, canonical_url, content, summary, "
                    "category, source, sort_at, ingested_at, content_hash) VALUES "
                    "(:id, :title, :url, :url, '正文', '摘要', '国际', :source, "
                    "'2026-11-24 00:00:00+00:00', '2026-11-24 00:00:00+00:00', :hash)"
                ),
                {
                    "id": number,
                    "title": f"标题{number}",
                    "url": url,
                    "source": source,
                    "hash": f"hash{number}",
                },
            )
    await _migrate(database, "0019")
    async with database.engine.begin() as connection:
        sources = await connection.execute(
            text(
                "SELECT article_id, source_key, source, url, title FROM story_sources "
                "ORDER BY article_id"
            )
        )
        assert sources.all() == [
            (1, "https://example.com/1", "甲", "https://example.com/1", "标题1"),
            (2, "text:hash2:", None, None, "标题2"),
        ]
        counts = await connection.execute(text("SELECT source_count FROM articles ORDER BY id"))
        assert counts.all() == [(1,), (1,)]
    await _migrate(database, "0018", down=True)
    async with database.engine.begin() as connection:
        assert (await connection.execute(text("SELECT id FROM articles"))).all() == [(1,), (2,)]
    # The newest week's articles get their story keys, so rewrites find them at once.
    report = (EARTHQUAKE_TITLE, EARTHQUAKE_BODY)
    async with database.engine.begin() as connection:
        for number, ingested in ((3, "2026-11-24 06:00:00"), (4, "2026-10-01 06:00:00")):
            await connection.execute(
                text(
                    "INSERT INTO articles (id, title, content, summary, category, sort_at, "  # noqa: S608 - constant times
                    "ingested_at, content_hash) VALUES (:id, :title, :content, '', '国内', "
                    f"'{ingested}+00:00', '{ingested}+00:00', :hash)"
                ),
                {"id": number, "title": report[0], "content": report[1], "hash": f"h{number}"},
            )
    await _migrate(database, "0019")
    async with database.engine.begin() as connection:
        stored = await connection.execute(text("SELECT article_id, story_key FROM story_keys"))
        keys_of: dict[int, set[int]] = {}
        for article_id, key in stored:
            keys_of.setdefault(article_id, set()).add(key)
    assert keys_of[3] == set(event_keys(*report))
    assert keys_of[3]
    assert 4 not in keys_of  # ingested weeks before the newest: its keys would have expired
    await _migrate(database, "head")


# Kept out of the models on purpose: SQLite's full-text index and PostgreSQL's partitioned
# search terms are made and used by storage.search alone.
_SEARCH_TABLES = ("article_fts", "article_terms")


def _in_models(item: object, name: str | None, kind: str, reflected: bool, _: object) -> bool:
    return not (reflected and name is not None and name.startswith(_SEARCH_TABLES))


async def test_the_models_are_what_the_migrations_make(database: Database) -> None:
    await _migrate(database, "head")

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(
            connection, opts={"include_object": _in_models, "compare_type": True}
        )
        with warnings.catch_warnings():
            # SQLite's expression indexes (ix_watches_chat_phrase) cannot be reflected, so
            # only PostgreSQL compares them.
            warnings.filterwarnings("ignore", ".*expression-based index", Warning)
            return list(compare_metadata(context, Base.metadata))

    async with database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []
