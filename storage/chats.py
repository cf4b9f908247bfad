"""Chats the bot knows: their language and time zone, and whether they refuse the bot."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Chat


async def chat_timezone(session: AsyncSession, chat_id: int) -> str | None:
    """The chat's IANA zone name, or ``None`` for a chat never stored."""
    return await session.scalar(select(Chat.timezone).where(Chat.id == chat_id))


async def mark_refusing(session: AsyncSession, chat_id: int, *, reason: str) -> None:
    """Telegram refuses to let the bot write to this chat (blocked, kicked, muted)."""
    await session.execute(update(Chat).where(Chat.id == chat_id).values(refused_reason=reason))


async def clear_refusal(session: AsyncSession, chat_id: int) -> bool:
    """The chat talks to the bot again: it accepts it. True if it had refused it.

    Read first, written only when it had: every command passes here, and an ``UPDATE``
    would take SQLite's write lock for each of them."""
    chat = await session.get(Chat, chat_id)
    if chat is None or chat.refused_reason is None:
        return False
    chat.refused_reason = None
    return True
