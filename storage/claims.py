"""Claiming due rows so that two processes never take the same one.

PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED``. SQLite has no row locks; a write that
changes nothing takes the database's write lock at once, so the claim that follows reads
the latest rows and no other writer can claim them before this transaction commits.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def begin_claim(session: AsyncSession, *, table: str) -> bool:
    """Prepare this transaction to claim rows of ``table``.

    True when the claiming query must add ``with_for_update(skip_locked=True)`` (PostgreSQL).
    """
    if session.get_bind().dialect.name == "postgresql":
        return True
    # ``table`` is one of our own table names, never user input.
    await session.execute(text(f"UPDATE {table} SET rowid = rowid WHERE 0"))  # noqa: S608
    return False
