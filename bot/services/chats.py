"""The chat row behind a caller, created on first use with the caller's language and zone."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Caller, Runtime
from storage.models import Chat
from storage.subscriptions import ensure_chat


async def caller_chat(session: AsyncSession, runtime: Runtime, caller: Caller) -> Chat:
    return await ensure_chat(
        session,
        chat_id=caller.chat_id,
        chat_type=caller.chat_type,
        title=None,
        language=caller.language,
        timezone=caller.zone.key,
        now=runtime.now(),
    )
