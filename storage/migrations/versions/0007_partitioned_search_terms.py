"""PostgreSQL: the search terms partitioned by article id, so a search reads recent partitions.

A GIN index answers a phrase query with every row holding its bigrams, each rechecked for
positions; ranking the newest matches of a common phrase rechecked all of them (half a
second at a million articles). Partitioned by ranges of ``TERMS_PARTITION_SIZE`` ids,
a search among the newest ids (``storage.search``) only opens the newest partitions'
indexes. New partitions are made ahead of the ids that need them (``storage.search``).
The table has no foreign key any more: making a partition would then lock ``articles``,
which every ingest writes; deleting an article deletes its terms (``storage.search``).
SQLite's FTS5 table is untouched: its index is already ordered by id.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

from storage.search import TERMS_PARTITION_SIZE, partition_statement

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE article_terms RENAME TO article_terms_unpartitioned")
    op.execute("ALTER INDEX ix_article_terms_gin RENAME TO ix_article_terms_unpartitioned_gin")
    op.execute(
        "ALTER TABLE article_terms_unpartitioned "
        "RENAME CONSTRAINT article_terms_pkey TO article_terms_unpartitioned_pkey"
    )
    op.execute(
        "CREATE TABLE article_terms ("
        "article_id BIGINT NOT NULL, terms TSVECTOR NOT NULL, PRIMARY KEY (article_id)"
        ") PARTITION BY RANGE (article_id)"
    )
    op.execute("CREATE INDEX ix_article_terms_gin ON article_terms USING gin (terms)")
    newest = op.get_bind().exec_driver_sql("SELECT max(id) FROM articles").scalar() or 0
    for number in range(newest // TERMS_PARTITION_SIZE + 2):
        op.execute(partition_statement(number))
    op.execute(
        "INSERT INTO article_terms SELECT article_id, terms FROM article_terms_unpartitioned"
    )
    op.execute("DROP TABLE article_terms_unpartitioned")
    op.execute("ANALYZE article_terms")  # the planner needs the new partitions' statistics


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE article_terms RENAME TO article_terms_partitioned")
    op.execute("ALTER INDEX ix_article_terms_gin RENAME TO ix_article_terms_partitioned_gin")
    op.execute(
        "ALTER TABLE article_terms_partitioned "
        "RENAME CONSTRAINT article_terms_pkey TO article_terms_partitioned_pkey"
    )
    op.execute(
        "CREATE TABLE article_terms ("
        "article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE, "
        "terms TSVECTOR NOT NULL, CONSTRAINT article_terms_pkey PRIMARY KEY (article_id))"
    )
    op.execute(
        "INSERT INTO article_terms SELECT article_id, terms FROM article_terms_partitioned "
        "WHERE article_id IN (SELECT id FROM articles)"
    )
    op.execute("DROP TABLE article_terms_partitioned")
    op.execute("CREATE INDEX ix_article_terms_gin ON article_terms USING gin (terms)")
