"""When the periodic jobs last ran, for `newsdigest health`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulk import dialect_insert
from storage.models import Heartbeat


async def beat(
    session: AsyncSession, name: str, *, now: datetime, detail: str | None = None
) -> None:
    """Record that job ``name`` ran (an upsert: several processes may beat at once)."""
    insert = dialect_insert(session)
    statement = insert(Heartbeat).values(name=name, at=now, detail=detail)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Heartbeat.name],
            set_={"at": statement.excluded.at, "detail": statement.excluded.detail},
        )
    )


async def last_beats(session: AsyncSession) -> dict[str, tuple[datetime, str | None]]:
    rows = await session.execute(select(Heartbeat.name, Heartbeat.at, Heartbeat.detail))
    return {name: (at, detail) for name, at, detail in rows}
