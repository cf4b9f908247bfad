"""Chat rows on SQLite and PostgreSQL: made on a chat's first command, whoever is first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Runtime
from storage.chats import ensure_chat
from storage.models import Chat

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
CHAT_ID = 42


async def _ensure(session: AsyncSession, language: str) -> Chat:
    return await ensure_chat(
        session,
        chat_id=CHAT_ID,
        chat_type="private",
        title=None,
        language=language,
        timezone="Asia/Shanghai",
        now=NOW,
    )


async def test_a_first_command_made_meanwhile_elsewhere_keeps_its_row_and_fails_nothing(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two first commands of a new chat at once: both find no row, the other one makes it
    first; this one gets that row, not a primary-key error."""
    async with runtime.db.transaction() as session:
        looked_up = session.get

        async def found_nothing_then_made_elsewhere(*args: Any, **kwargs: Any) -> Any:
            found = await looked_up(*args, **kwargs)
            if found is None:
                monkeypatch.setattr(session, "get", looked_up)
                async with runtime.db.transaction() as elsewhere:
                    await _ensure(elsewhere, "en")
            return found

        monkeypatch.setattr(session, "get", found_nothing_then_made_elsewhere)
        chat = await _ensure(session, "zh")
    assert (chat.id, chat.language) == (CHAT_ID, "en")  # the row made first
    async with runtime.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Chat)) == 1
        assert (await _ensure(session, "zh")).language == "en"
