"""The chat row behind a caller, created on first use with the caller's language and zone;
a group that became a supergroup."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Caller, Runtime
from bot.texts.messages import TRADITIONAL
from storage.chat_moves import move_chat
from storage.chats import ensure_chat
from storage.models import Chat


async def caller_chat(session: AsyncSession, runtime: Runtime, caller: Caller) -> Chat:
    return await ensure_chat(
        session,
        chat_id=caller.chat_id,
        chat_type=caller.chat_type,
        title=None,
        language=caller.language,
        script_variant=caller.script if caller.language == TRADITIONAL else None,
        timezone=caller.zone.key,
        now=runtime.now(),
    )


async def follow_migration(runtime: Runtime, *, from_id: int, to_id: int) -> None:
    """The group ``from_id`` is now the supergroup ``to_id``: its digest, watches and
    queued messages go there."""
    async with runtime.db.transaction() as session:
        await move_chat(session, from_id=from_id, to_id=to_id)
