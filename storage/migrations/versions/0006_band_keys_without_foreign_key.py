"""Band keys without a foreign key, and on SQLite without a rowid.

The band table is a cache of the near-duplicate window, written 21 rows per ingested article.
The foreign key checked every row on insert and, with no index on ``article_id``, made every
article deletion scan the whole table; forgetting old keys and pruning now delete them
explicitly. On SQLite a ``WITHOUT ROWID`` table keeps one b-tree instead of two.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("article_bands_article_id_fkey", "article_bands", type_="foreignkey")
        return
    op.execute(
        "CREATE TABLE article_bands_new (band_key BIGINT NOT NULL, article_id BIGINT NOT NULL, "
        "PRIMARY KEY (band_key, article_id)) WITHOUT ROWID"
    )
    op.execute("INSERT INTO article_bands_new SELECT band_key, article_id FROM article_bands")
    op.execute("DROP TABLE article_bands")
    op.execute("ALTER TABLE article_bands_new RENAME TO article_bands")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DELETE FROM article_bands WHERE article_id NOT IN (SELECT id FROM articles)")
        op.create_foreign_key(
            "article_bands_article_id_fkey",
            "article_bands",
            "articles",
            ["article_id"],
            ["id"],
            ondelete="CASCADE",
        )
        return
    op.execute("ALTER TABLE article_bands RENAME TO article_bands_old")
    op.create_table(
        "article_bands",
        sa.Column("band_key", sa.BigInteger(), primary_key=True),
        sa.Column(
            "article_id",
            sa.BigInteger(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.execute(
        "INSERT INTO article_bands SELECT band_key, article_id FROM article_bands_old "
        "WHERE article_id IN (SELECT id FROM articles)"
    )
    op.execute("DROP TABLE article_bands_old")
