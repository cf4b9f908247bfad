"""Chats the bot knows: their language and time zone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Chat


async def chat_timezone(session: AsyncSession, chat_id: int) -> str | None:
    """The chat's IANA zone name, or ``None`` for a chat never stored."""
    return await session.scalar(select(Chat.timezone).where(Chat.id == chat_id))
