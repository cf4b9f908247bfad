"""Chats the bot knows: their language and time zone, and whether they refuse the bot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulk import dialect_insert
from storage.models import Chat


async def get_chat(session: AsyncSession, chat_id: int) -> Chat | None:
    return await session.get(Chat, chat_id)


async def ensure_chat(
    session: AsyncSession,
    *,
    chat_id: int,
    chat_type: str,
    title: str | None,
    language: str,
    timezone: str,
    now: datetime,
    script_variant: str | None = None,
) -> Chat:
    """The chat's row, created with the given defaults when it is new.

    Two first commands of a new chat at once (two processes, or two updates handled
    concurrently) both find no row: the insert leaves a row another one made first as it is,
    instead of failing the second command on the primary key.
    """
    chat = await session.get(Chat, chat_id)
    if chat is not None:
        return chat
    await session.execute(
        dialect_insert(session)(Chat)
        .values(
            id=chat_id,
            type=chat_type,
            title=title,
            language=language,
            script_variant=script_variant,
            timezone=timezone,
            created_at=now,
        )
        .on_conflict_do_nothing()
    )
    # Inserted, or there already (rows of chats are never deleted).
    return await session.get_one(Chat, chat_id)


async def chat_timezone(session: AsyncSession, chat_id: int) -> str | None:
    """The chat's IANA zone name, or ``None`` for a chat never stored."""
    return await session.scalar(select(Chat.timezone).where(Chat.id == chat_id))


class ChatPreferences(NamedTuple):
    """What a command needs to know of its chat: its zone, and the language it chose."""

    timezone: str
    language: str
    language_chosen: bool
    script_variant: str | None


async def chat_preferences(session: AsyncSession, chat_id: int) -> ChatPreferences | None:
    """The chat's zone and chosen language, in one query; ``None`` for a chat never stored."""
    row = (
        await session.execute(
            select(Chat.timezone, Chat.language, Chat.language_chosen, Chat.script_variant).where(
                Chat.id == chat_id
            )
        )
    ).one_or_none()
    return None if row is None else ChatPreferences(*row)


async def choose_language(
    session: AsyncSession, chat_id: int, *, language: str, script_variant: str | None
) -> None:
    """``/language``: the chat reads in ``language`` from now on, whoever writes in it."""
    await session.execute(
        update(Chat)
        .where(Chat.id == chat_id)
        .values(language=language, language_chosen=True, script_variant=script_variant)
    )


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


async def chat_languages_and_zones(
    session: AsyncSession, chat_ids: Sequence[int]
) -> dict[int, tuple[str, str]]:
    """(language, time zone name) of each of these chats the bot knows (admins' private
    chats)."""
    if not chat_ids:
        return {}
    query = select(Chat.id, Chat.language, Chat.timezone).where(Chat.id.in_(list(chat_ids)))
    return {chat_id: (language, zone) for chat_id, language, zone in await session.execute(query)}
