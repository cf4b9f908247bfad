"""One chat's turn in delivery: send its claimed messages in order, tell what Telegram's
answer means (``ChatOutcome``), and what that does to the outbox and the chat.

A 429 puts the rest back with its ``retry_after``; 403 (blocked, kicked), "chat not found"
and the 400s that deny the bot the right to write there (a forum topic closed or deleted
among them) mark the chat as refusing it (no alerts are queued for it), pause its
subscription and drop what was queued for it; a group upgraded to a supergroup
(``migrate_to_chat_id``) has its rows moved to the new id and the messages sent there; any
other 400 skips that message; network errors and 5xx are retried with backoff a bounded
number of times.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.telegram.ratelimit import retry_seconds
from storage.alert_queue import delete_chat_alerts
from storage.chat_moves import move_chat
from storage.chats import mark_refusing
from storage.models import OutboxMessage
from storage.outbox import fail_pending_for_chat, mark_failed, release
from storage.subscriptions import pause_subscription

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(slots=True)
class ChatOutcome:
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    retry_after: float = 0.0
    transient_error: str | None = None
    refused: str | None = None  # the chat refuses the bot (403, chat not found)
    moved_to: int | None = None  # the group became a supergroup with this id


def _markup(buttons: str | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = json.loads(buttons)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


# Telegram's 400s that refuse the chat, not the message: sending it anything fails alike.
_REFUSING_CHAT = (
    "chat not found",
    "not enough rights to send",  # a group took the bot's right to write
    "have no rights to send",
    "chat_write_forbidden",
    "chat_restricted",
    "group chat was deactivated",
    "need administrator rights in the channel",
    # The forum topic it goes to was closed or deleted (the General topic too): like a
    # kicked bot, until someone in the chat talks to the bot again.
    "topic_closed",
    "topic_deleted",
    "message thread not found",
)


def _refusal(exc: TelegramError) -> str | None:
    if isinstance(exc, Forbidden):
        return exc.message
    if isinstance(exc, BadRequest) and any(p in exc.message.lower() for p in _REFUSING_CHAT):
        return exc.message
    return None


# What ALLOW_PAID_BROADCAST sends paid: the fan-outs, not an admin's notice.
PAID_KINDS = frozenset({"digest", "alert"})


async def send_chat(
    bot: ExtBot[str],
    chat_id: int,
    messages: list[OutboxMessage],
    *,
    paid_broadcast: bool = False,
) -> ChatOutcome:
    """Send a chat's messages in order, until one answer stops the rest; with
    ``paid_broadcast``, digests and alerts go with ``allow_paid_broadcast``."""
    outcome = ChatOutcome()
    for index, message in enumerate(messages):
        paid = paid_broadcast and message.kind in PAID_KINDS
        try:
            await bot.send_message(
                chat_id,
                message.text,
                parse_mode=ParseMode.HTML,
                link_preview_options=_NO_PREVIEW,
                reply_markup=_markup(message.buttons),
                allow_paid_broadcast=True if paid else None,
                message_thread_id=message.thread_id,
                rate_limit_args=message.kind,  # background, counted under its kind
            )
        except RetryAfter as exc:
            outcome.retry = [m.id for m in messages[index:]]
            outcome.retry_after = retry_seconds(exc)
            break
        except ChatMigrated as exc:
            outcome.retry = [m.id for m in messages[index:]]
            outcome.moved_to = int(exc.new_chat_id)
            break
        except TelegramError as exc:
            refusal = _refusal(exc)
            if refusal is not None:
                outcome.refused = refusal
                break
            if isinstance(exc, BadRequest):
                logger.error("chat %s refused message %s: %s", chat_id, message.id, exc)
                outcome.failed.append((message.id, exc.message))
                continue
            outcome.retry = [m.id for m in messages[index:]]
            outcome.transient_error = f"{type(exc).__name__}: {exc.message}"
            break
        outcome.sent.append(message.id)
    return outcome


async def record_trouble(
    session: AsyncSession,
    chat_id: int,
    messages: list[OutboxMessage],
    outcome: ChatOutcome,
    *,
    now: datetime,
) -> None:
    """What went wrong for one chat: failures, a refusal, messages to try again."""
    for message_id, error in outcome.failed:
        await mark_failed(session, [message_id], error=error)
    if outcome.refused is not None:
        logger.warning("chat %s refuses the bot (%s): pausing it", chat_id, outcome.refused)
        # Until the chat talks to the bot again (bot.services.commands.make_caller).
        await mark_refusing(session, chat_id, reason=outcome.refused)
        await pause_subscription(session, chat_id, reason=outcome.refused)
        await fail_pending_for_chat(session, chat_id, error=outcome.refused)
        await delete_chat_alerts(session, chat_id)  # and the alerts waiting their time
    elif outcome.moved_to is not None:
        logger.info("chat %s is now supergroup %s: moving it", chat_id, outcome.moved_to)
        await move_chat(session, from_id=chat_id, to_id=outcome.moved_to)
        await release(session, outcome.retry, not_before=now)
    elif outcome.transient_error is not None:
        attempts = max(m.attempts for m in messages if m.id in outcome.retry) + 1
        if attempts >= MAX_ATTEMPTS:
            await mark_failed(session, outcome.retry, error=outcome.transient_error)
        else:
            backoff = timedelta(seconds=min(300, 2**attempts))
            await release(
                session,
                outcome.retry,
                not_before=now + backoff,
                error=outcome.transient_error,
                count_attempt=True,
            )
    elif outcome.retry:
        await release(
            session, outcome.retry, not_before=now + timedelta(seconds=outcome.retry_after)
        )
