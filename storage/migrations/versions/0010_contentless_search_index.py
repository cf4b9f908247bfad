"""SQLite: the search index keeps no copy of its text, splits on ASCII only, and buffers more.

Measured on 20,000 synthetic articles (bench/README.md), one core, a 5,000-article
transaction: the old table took 218 µs an article and 5.4 KB; this one 97 µs and 1.7 KB.
- ``content=''``: FTS5 no longer stores the bigram text (3.7 KB an article) it never
  returns. Deleting an entry then takes the text it was indexed with, which
  ``storage.search`` computes again from the article's title and content.
- ``tokenize='ascii'``: the terms are already split by spaces and lower-cased
  (``digest.search_terms``); unicode61 looked up every character's class and diacritics
  for nothing. Only ASCII punctuation and spaces separate tokens now, and the index text
  has neither inside a token.
- ``hashsize``: FTS5 writes a new segment (to be merged later) whenever its buffer of
  pending terms passes 1 MB, a tenth of a bulk transaction's; 64 MB holds a whole one.

The existing index is copied over: its terms are what the articles were indexed with.
PostgreSQL is untouched.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digest.search_terms import article_index_text

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FTS_HASH_BYTES = 64 * 1024 * 1024


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE article_fts_contentless "
        "USING fts5(terms, content='', tokenize='ascii')"
    )
    op.execute(
        sa.text(
            "INSERT INTO article_fts_contentless (article_fts_contentless, rank) "
            "VALUES ('hashsize', :bytes)"
        ).bindparams(bytes=FTS_HASH_BYTES)
    )
    op.execute(
        "INSERT INTO article_fts_contentless (rowid, terms) SELECT rowid, terms FROM article_fts"
    )
    op.execute("DROP TABLE article_fts")
    op.execute("ALTER TABLE article_fts_contentless RENAME TO article_fts")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # A contentless index cannot give its text back: the old table is filled from the
    # articles by the code that indexes them.
    op.execute("DROP TABLE article_fts")
    op.execute("CREATE VIRTUAL TABLE article_fts USING fts5(terms, tokenize='unicode61')")
    bind = op.get_bind()
    last_id = 0
    while rows := bind.exec_driver_sql(
        "SELECT id, title, content FROM articles WHERE id > ? ORDER BY id LIMIT 5000", (last_id,)
    ).all():
        bind.exec_driver_sql(
            "INSERT INTO article_fts (rowid, terms) VALUES (?, ?)",
            [(row[0], article_index_text(row[1], row[2])) for row in rows],
        )
        last_id = rows[-1][0]
