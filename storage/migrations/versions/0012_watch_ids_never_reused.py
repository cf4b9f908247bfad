"""SQLite never gives a watch id twice (``AUTOINCREMENT``), as PostgreSQL's sequence does not.

Without it SQLite gives a new row the largest id plus one, so removing the newest watch and
adding another gave the new one the same id: the alert job, which rebuilds its index of
watches when their count or ids change, kept matching the removed phrase, and an old
alert's unwatch button (``uw:<id>``) removed the new watch.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _recreate_watches(autoincrement=True)


def downgrade() -> None:
    _recreate_watches(autoincrement=False)


def _recreate_watches(*, autoincrement: bool) -> None:
    """The table made again (SQLite only); its rows, ids and index come with it."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "watches", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass
