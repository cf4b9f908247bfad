"""Digests on demand: /digest in a chat, and what ``newsdigest digest`` prints. The same
composition as the tick's (``digest_windows``); the tick itself is ``digest_tick``."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Caller, Runtime
from bot.services.digest_windows import (
    BoundedCache,
    DigestCaches,
    chat_shares,
    render_digest,
    subscription_window,
    window_sources,
)
from bot.services.languages import reading_script
from bot.services.story_buttons import number_buttons
from bot.services.zones import zone_or_default
from bot.texts.messages import say
from digest.categories import known_category
from digest.errors import NewsdigestError
from digest.reply import RecordedAhead, Reply
from digest.text import clipped
from storage.articles import category_counts
from storage.chats import get_chat
from storage.claims import hold_subscription
from storage.deliveries import forget_deliveries, record_deliveries
from storage.subscriptions import get_subscription, rewind_last_digest

logger = logging.getLogger(__name__)
LISTED_NAMES_CHARS = 300  # an unknown category's error lists the real ones, on one line


async def digest_now(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:  # noqa: ARG001 - same signature as every command
    """/digest: what is new for this chat since its last digest, marked as sent.

    Marked before the reply goes out, while the chat's digest is held (a tick composing it
    meanwhile would list the same articles); the reply carries what it recorded, and what
    Telegram then refuses is given back (``give_back_unsent``).
    """
    now = runtime.now()
    caches = DigestCaches(BoundedCache(1), BoundedCache(1))
    async with runtime.db.transaction() as session:
        subscription = await hold_subscription(session, caller.chat_id)
        previous = subscription.last_digest_at if subscription else None
        window = subscription_window(
            subscription.categories if subscription else "",
            subscription.excluded_categories if subscription else "",
            previous,
            now,
            max_age=runtime.settings.news_max_age,
        )
        settings = runtime.settings
        shares = await chat_shares(
            session,
            caches,
            window,
            [caller.chat_id],
            cap=settings.digest_max_articles,
            headlines=settings.digest_headlines,
        )
        share = shares.get(caller.chat_id)
        articles = share.listed if share else []
        composed = None
        if share and articles:
            composed = render_digest(
                caches,
                share,
                language=caller.language,
                zone=caller.zone,
                now=now,
                sources=window_sources(caches, window),
                script=caller.script,
            )
            await record_deliveries(
                session,
                chat_id=caller.chat_id,
                article_ids=[a.id for a in articles],
                kind="digest",
                now=now,
            )
        if subscription is not None:
            subscription.last_digest_at = now
    if composed is None:
        return Reply([say(caller.language, "digest.nothing")])
    return Reply(
        composed.messages,
        recorded=RecordedAhead(composed.article_ids, now, previous),
        story_buttons=number_buttons(composed.article_ids),
    )


async def give_back_unsent(
    runtime: Runtime, chat_id: int, recorded: RecordedAhead, *, first_unsent: int
) -> None:
    """The reply's messages from ``first_unsent`` on were not sent: their articles leave
    the ledger, and the chat's last digest is set back to before this one (even if a digest
    came since), so the next digest lists them (the ledger still keeps out those the sent
    messages listed, and what any digest since sent)."""
    unsent = [i for ids in recorded.article_ids[first_unsent:] for i in ids]
    if not unsent:
        return
    async with runtime.db.transaction() as session:
        # Held like /digest holds it: a tick composing this chat's digest meanwhile would
        # read the ledger half given back.
        await hold_subscription(session, chat_id)
        await forget_deliveries(
            session,
            chat_id=chat_id,
            article_ids=unsent,
            kind="digest",
            recorded_at=recorded.recorded_at,
        )
        await rewind_last_digest(
            session, chat_id, from_=recorded.recorded_at, to=recorded.previous_digest_at
        )
    logger.info("chat %s: %d articles not sent by /digest given back", chat_id, len(unsent))


async def _category_named(session: AsyncSession, name: str) -> str:
    """The category ``name`` stands for: a known one (by any alias) or one stored articles
    carry; otherwise an error listing the real ones, as /category answers."""
    known = known_category(name)
    if known is not None:
        return known.name
    stored = [category for category, _count in await category_counts(session)]
    if name in stored:
        return name
    names = clipped(", ".join(stored), LISTED_NAMES_CHARS) if stored else "none yet"
    raise NewsdigestError(f"there is no category “{name}”. Categories: {names}")


async def preview_digest(
    runtime: Runtime, *, chat_id: int | None, category: str | None
) -> list[str]:
    """What ``newsdigest digest`` prints: the digest the chat would be sent now (its
    categories, since its last digest), or without a chat what is new in the last 24
    hours; ``category`` narrows it to one. Nothing is marked as sent.

    Raises NewsdigestError for a chat the bot never talked in and for a category that is
    neither a known one nor one stored articles carry (a typo would otherwise read as
    "nothing new")."""
    now = runtime.now()
    caches = DigestCaches(BoundedCache(1), BoundedCache(1))
    async with runtime.db.transaction() as session:
        chat = await get_chat(session, chat_id) if chat_id is not None else None
        subscription = await get_subscription(session, chat_id) if chat_id is not None else None
        if chat_id is not None and chat is None:
            raise NewsdigestError(f"there is no chat {chat_id}: the bot has never talked in it")
        categories = subscription.categories if subscription else ""
        excluded = subscription.excluded_categories if subscription else ""
        if category is not None:
            categories, excluded = await _category_named(session, category), ""
        last = subscription.last_digest_at if subscription else None
        window = subscription_window(
            categories, excluded, last, now, max_age=runtime.settings.news_max_age
        )
        reader = chat_id if chat_id is not None else 0  # no chat: nothing was sent to it
        cap, headlines = runtime.settings.digest_max_articles, runtime.settings.digest_headlines
        shares = await chat_shares(session, caches, window, [reader], cap=cap, headlines=headlines)
        share = shares.get(reader)
    if share is None or not share.listed:
        return []
    language = chat.language if chat is not None else "zh"
    zone = zone_or_default(chat.timezone if chat else None, runtime.settings.zone)
    sources = window_sources(caches, window)
    script = reading_script(language, chat.script_variant if chat is not None else None)
    return render_digest(
        caches, share, language=language, zone=zone, now=now, sources=sources, script=script
    ).messages
