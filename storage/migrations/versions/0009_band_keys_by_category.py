"""Band keys with the article's category mixed in (``digest.neardup.band_keys``): stored
keys of the near-duplicate window are computed again from each article's signature.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digest.neardup import band_keys

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    articles = bind.execute(
        sa.text(
            "SELECT id, category, minhash FROM articles "
            "WHERE id IN (SELECT DISTINCT article_id FROM article_bands)"
        )
    ).all()
    op.execute("DELETE FROM article_bands")
    rows = [
        {"band_key": key, "article_id": article_id}
        for article_id, category, signature in articles
        if signature is not None
        for key in set(band_keys(bytes(signature), category=category))
    ]
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO article_bands (band_key, article_id) VALUES (:band_key, :article_id)"
            ),
            rows,
        )


def downgrade() -> None:
    # The keys without the category cannot be computed any more: the window starts empty
    # (copies of articles stored before are still caught by their URL or text hash).
    op.execute("DELETE FROM article_bands")
