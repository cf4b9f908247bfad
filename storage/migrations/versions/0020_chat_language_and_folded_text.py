"""Traditional Chinese (issue 21): a chat's chosen language and script, and stored text
folded again so that search, watches, categories and dedup are script-blind.

- ``chats.language_chosen``: ``/language`` set the chat's language (``chats.language``,
  now ``zh``, ``zh-Hant`` or ``en``); until then it follows its users' Telegram language.
- ``chats.script_variant``: how a Traditional chat reads (``digest.scripts``: ``s2twp``
  Taiwan, ``s2hk`` Hong Kong, ``s2t``); NULL for the others.
- Stored data folded with ``digest.scripts.fold_script`` (Traditional to Simplified), without
  a re-ingest: category names (articles, their counts, feeds, watches, subscriptions),
  watch phrases (a watch that becomes another of its chat's is dropped), and, for articles
  whose title or text the fold changes (the others' keys are what they were), the search
  index (SQLite's contentless index deletes an entry given the text it was indexed with:
  ``fold_width`` gives it), the text hash (unless an article already holds the new one: a
  copy in the other script stored before), the MinHash and its band keys.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digest.categories import normalise_category
from digest.folding import fold_width
from digest.pipeline import article_keys
from digest.scripts import fold_script
from digest.search_terms import index_folded
from digest.watching import normalise_phrase

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_BATCH = 2_000


def upgrade() -> None:
    op.add_column(
        "chats",
        sa.Column("language_chosen", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("chats", sa.Column("script_variant", sa.String(8), nullable=True))
    bind = op.get_bind()
    _fold_categories(bind)
    _fold_watches(bind)
    _fold_articles(bind)


def downgrade() -> None:
    # Folded text stays folded: the older code reads it as it reads Simplified text.
    with op.batch_alter_table("chats") as batch:
        batch.drop_column("script_variant")
        batch.drop_column("language_chosen")


def _fold_categories(bind: sa.Connection) -> None:
    names = bind.execute(sa.text("SELECT name, article_count FROM categories")).all()
    for name, count in names:
        folded = normalise_category(name)
        if folded == name:
            continue
        bind.execute(
            sa.text("UPDATE articles SET category = :new WHERE category = :old"),
            {"new": folded, "old": name},
        )
        bind.execute(sa.text("DELETE FROM categories WHERE name = :old"), {"old": name})
        updated = bind.execute(
            sa.text("UPDATE categories SET article_count = article_count + :n WHERE name = :new"),
            {"n": count, "new": folded},
        )
        if updated.rowcount == 0:
            bind.execute(
                sa.text("INSERT INTO categories (name, article_count) VALUES (:new, :n)"),
                {"new": folded, "n": count},
            )
    for table in ("feeds", "watches"):
        rows = bind.execute(
            sa.text(f"SELECT DISTINCT category FROM {table} WHERE category IS NOT NULL")  # noqa: S608 - fixed names
        ).all()
        for (name,) in rows:
            if (folded := normalise_category(name)) != name:
                bind.execute(
                    sa.text(f"UPDATE {table} SET category = :new WHERE category = :old"),  # noqa: S608
                    {"new": folded, "old": name},
                )
    for column in ("categories", "excluded_categories"):
        rows = bind.execute(
            sa.text(f"SELECT chat_id, {column} FROM subscriptions WHERE {column} <> ''")  # noqa: S608
        ).all()
        for chat_id, listed in rows:
            folded = "\n".join(dict.fromkeys(map(normalise_category, listed.split("\n"))))
            if folded != listed:
                bind.execute(
                    sa.text(f"UPDATE subscriptions SET {column} = :v WHERE chat_id = :id"),  # noqa: S608
                    {"v": folded, "id": chat_id},
                )


def _fold_watches(bind: sa.Connection) -> None:
    rows = bind.execute(sa.text("SELECT id, chat_id, phrase, category FROM watches")).all()
    kept = {(chat_id, phrase, category or "") for _, chat_id, phrase, category in rows}
    for watch_id, chat_id, phrase, category in rows:
        folded = normalise_phrase(phrase)
        if folded == phrase:
            continue
        if (chat_id, folded, category or "") in kept:  # the chat watches it already
            bind.execute(sa.text("DELETE FROM watches WHERE id = :id"), {"id": watch_id})
            continue
        kept.add((chat_id, folded, category or ""))
        bind.execute(
            sa.text("UPDATE watches SET phrase = :p WHERE id = :id"), {"p": folded, "id": watch_id}
        )


def _fold_articles(bind: sa.Connection) -> None:
    after = -1
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, title, content, category FROM articles WHERE id > :after "
                "ORDER BY id LIMIT :batch"
            ),
            {"after": after, "batch": _BATCH},
        ).all()
        if not rows:
            return
        after = rows[-1][0]
        changed: list[_Stored] = [
            (row[0], row[1], row[2], row[3])
            for row in rows
            if fold_script(row[1]) != row[1] or fold_script(row[2]) != row[2]
        ]
        if changed:
            _fold_changed(bind, changed)


_Stored = tuple[int, str, str, str]  # an article's id, title, content and category


def _fold_changed(bind: sa.Connection, rows: list[_Stored]) -> None:
    ids = [row[0] for row in rows]
    keys = article_keys([r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows])
    sqlite = bind.dialect.name == "sqlite"
    for (article_id, title, content, _), key in zip(rows, keys, strict=True):
        if sqlite:
            old = index_folded(f"{fold_width(title)}\n{fold_width(content)}")
            bind.execute(
                sa.text(
                    "INSERT INTO article_fts (article_fts, rowid, terms) "
                    "VALUES ('delete', :id, :terms)"
                ),
                {"id": article_id, "terms": old},
            )
            bind.execute(
                sa.text("INSERT INTO article_fts (rowid, terms) VALUES (:id, :terms)"),
                {"id": article_id, "terms": key.search_text},
            )
        else:
            bind.execute(
                sa.text(
                    "UPDATE article_terms SET terms = to_tsvector('simple', :terms) "
                    "WHERE article_id = :id"
                ),
                {"id": article_id, "terms": key.search_text},
            )
        bind.execute(
            sa.text(
                "UPDATE articles SET minhash = :signature, content_hash = CASE WHEN EXISTS "
                "(SELECT 1 FROM articles AS other WHERE other.content_hash = :hash) "
                "THEN content_hash ELSE :hash END WHERE id = :id"
            ),
            {"signature": key.signature, "hash": key.content_hash, "id": article_id},
        )
    _fold_bands(bind, ids, {row[0]: key.band_keys for row, key in zip(rows, keys, strict=True)})


def _fold_bands(bind: sa.Connection, ids: list[int], by_id: dict[int, list[int]]) -> None:
    """The band keys of the articles of the dedup window among ``ids``, computed again."""
    windowed = bind.execute(
        sa.text(
            "SELECT DISTINCT article_id, published_day FROM article_bands WHERE article_id IN :ids"
        ).bindparams(sa.bindparam("ids", expanding=True)),
        {"ids": ids},
    ).all()
    if not windowed:
        return
    bind.execute(
        sa.text("DELETE FROM article_bands WHERE article_id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)
        ),
        {"ids": [article_id for article_id, _ in windowed]},
    )
    rows = [
        {"key": band, "id": article_id, "day": day}
        for article_id, day in windowed
        for band in set(by_id[article_id])
    ]
    bind.execute(
        sa.text(
            "INSERT INTO article_bands (band_key, article_id, published_day) "
            "VALUES (:key, :id, :day)"
        ),
        rows,
    )
