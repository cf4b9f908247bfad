"""Band keys carry their article's publish day, so a lookup drops candidates published
far apart without reading their articles.

A bulk ingest of an archive puts years of articles in the band table at once (it keeps
what was ingested in the last week); a band key shared by chance with an article of
another month then cost reading that article's row. At 200,000 articles that was five
rows an article and most of the near-duplicate lookup's time.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("article_bands", sa.Column("published_day", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        day = "(a.published_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01'"
    else:
        # SQLAlchemy's driver brings its own floor(), which fails on NULL.
        day = (
            "CASE WHEN a.published_at IS NOT NULL "
            "THEN CAST(floor(julianday(a.published_at) - 2440587.5) AS INTEGER) END"
        )
    op.execute(
        f"UPDATE article_bands SET published_day = (SELECT {day} FROM articles a "  # noqa: S608 - constants
        "WHERE a.id = article_bands.article_id)"
    )


def downgrade() -> None:
    # SQLite drops a column itself since 3.35; a batch copy would lose WITHOUT ROWID.
    op.execute("ALTER TABLE article_bands DROP COLUMN published_day")
