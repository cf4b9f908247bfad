"""/subscribe, /unsubscribe, /time, /timezone, /settings: a chat's digest settings."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.services.chats import caller_chat
from bot.services.context import Caller, Runtime
from bot.services.digest_windows import FIRST_DIGEST_WINDOW
from bot.services.subscription_categories import (
    category_names,
    follow,
    followed_categories,
    followed_labels,
    resolve_categories,
)
from bot.services.zones import find_zone, suggest_zones, zone_label
from bot.settings import parse_hhmm
from bot.texts.messages import Html, echoed, listing, raw, say
from digest.followed_categories import FollowedCategories
from digest.render import format_time
from digest.reply import Reply
from digest.schedule import next_digest_at, same_local_day
from storage.articles import category_counts
from storage.models import Subscription
from storage.subscriptions import (
    get_subscription,
)


def _new_subscription(runtime: Runtime, caller: Caller, *, active: bool) -> Subscription:
    now = runtime.now()
    digest_time = runtime.settings.digest_time
    return Subscription(
        chat_id=caller.chat_id,
        active=active,
        categories="",
        excluded_categories="",
        digest_time=digest_time.strftime("%H:%M"),
        next_digest_at=next_digest_at(now, digest_time, caller.zone),
        last_digest_at=None,
        paused_reason=None,
        created_at=now,
    )


def _reschedule(subscription: Subscription, now: datetime, zone: ZoneInfo) -> None:
    """The next digest at the subscription's time in ``zone``, except that one due today
    and not yet composed (the tick runs every 15 s) stays due: a change of categories, time
    or zone sent just then must not skip today's digest. The tick schedules the one after
    it with the new time and zone."""
    due_today = (
        subscription.active
        and subscription.next_digest_at <= now
        and same_local_day(subscription.next_digest_at, now, zone)
    )
    if not due_today:
        digest_time = time.fromisoformat(subscription.digest_time)
        subscription.next_digest_at = next_digest_at(now, digest_time, zone)


def _restart(subscription: Subscription, now: datetime) -> None:
    """Active again: a last digest older than a first digest's window is forgotten, so the
    next digest lists the last 24 hours, not everything since months ago."""
    subscription.active = True
    subscription.paused_reason = None
    last = subscription.last_digest_at
    if last is not None and last < now - FIRST_DIGEST_WINDOW:
        subscription.last_digest_at = None


def _when(caller: Caller, moment: datetime) -> str:
    return format_time(moment, caller.zone)


async def subscribe(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    async with runtime.db.transaction() as session:
        categories, unknown = await resolve_categories(session, args)
        if unknown:
            known = listing(caller.language, [n for n, _ in await category_counts(session)])
            names = listing(caller.language, unknown)
            return Reply([say(caller.language, "subscribe.unknown", names=names, known=known)])
        await caller_chat(session, runtime, caller)
        subscription = await get_subscription(session, caller.chat_id)
        if subscription is None:
            subscription = _new_subscription(runtime, caller, active=False)
            session.add(subscription)
        was_active = subscription.active
        _reschedule(subscription, runtime.now(), caller.zone)
        if was_active:  # naming categories adds them to the chat's
            followed = followed_categories(subscription).adding(categories)
        else:
            followed = FollowedCategories.only(categories)
            _restart(subscription, runtime.now())
        follow(subscription, followed)
        subscription.thread_id = caller.thread_id  # digests go to the topic it was made in
        text = say(
            caller.language,
            "subscribe.done",
            categories=followed_labels(caller, followed),
            time=subscription.digest_time,
            zone=zone_label(caller.zone),
            next=_when(caller, subscription.next_digest_at),
        )
    return Reply([text])


async def unsubscribe(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    async with runtime.db.transaction() as session:
        subscription = await get_subscription(session, caller.chat_id)
        if subscription is None or not subscription.active:
            return Reply([say(caller.language, "unsubscribe.none")])
        if not args:
            subscription.active = False
            subscription.paused_reason = None
            return Reply([say(caller.language, "unsubscribe.done")])
        removed, _unknown = await resolve_categories(session, args)
        followed = followed_categories(subscription).removing(removed)
        if followed is None:
            subscription.active = False
            return Reply([say(caller.language, "unsubscribe.done")])
        follow(subscription, followed)
        return Reply(
            [
                say(
                    caller.language,
                    "unsubscribe.some",
                    removed=category_names(caller, removed or args),
                    categories=followed_labels(caller, followed),
                )
            ]
        )


async def set_time(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    try:
        digest_time = parse_hhmm(args[0]) if len(args) == 1 else None
    except ValueError:
        digest_time = None
    if digest_time is None:
        return Reply([say(caller.language, "time.usage", zone=zone_label(caller.zone))])
    async with runtime.db.transaction() as session:
        await caller_chat(session, runtime, caller)
        subscription = await get_subscription(session, caller.chat_id)
        if subscription is None:
            subscription = _new_subscription(runtime, caller, active=False)
            session.add(subscription)
        subscription.digest_time = digest_time.strftime("%H:%M")
        _reschedule(subscription, runtime.now(), caller.zone)
        when = {"time": subscription.digest_time, "zone": zone_label(caller.zone)}
        if not subscription.active:  # no digest is coming: say how to get one
            return Reply([say(caller.language, "time.done_unsubscribed", **when)])
        next_text = _when(caller, subscription.next_digest_at)
        return Reply([say(caller.language, "time.done", next=next_text, **when)])


async def set_timezone(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    if len(args) != 1:
        return Reply([say(caller.language, "timezone.usage")])
    zone = find_zone(args[0])
    if zone is None:
        suggestions = suggest_zones(args[0])
        hint = (
            say(caller.language, "timezone.suggest", names=" / ".join(suggestions))
            if suggestions
            else ""
        )
        text = say(caller.language, "timezone.unknown", name=echoed(args[0]), suggestion="")
        return Reply([text + hint + "\n" + say(caller.language, "timezone.usage")])
    async with runtime.db.transaction() as session:
        chat = await caller_chat(session, runtime, caller)
        chat.timezone = zone.key
        subscription = await get_subscription(session, caller.chat_id)
        if subscription is not None:
            _reschedule(subscription, runtime.now(), zone)
        now = format_time(runtime.now(), zone)
        if subscription is None or not subscription.active:  # say how to get a digest
            text = say(
                caller.language, "timezone.done_unsubscribed", zone=zone_label(zone), now=now
            )
            return Reply([text])
        next_text = format_time(subscription.next_digest_at, zone)
    text = say(caller.language, "timezone.done", zone=zone_label(zone), now=now, next=next_text)
    return Reply([text])


async def show_settings(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:  # noqa: ARG001 - same signature as every command
    async with runtime.db.transaction() as session:
        subscription = await get_subscription(session, caller.chat_id)
    language = caller.language
    never = raw(language, "settings.never")
    if subscription is None:
        state, categories, digest_time, next_text = (
            raw(language, "settings.off"),
            never,
            runtime.settings.default_digest_time,
            never,
        )
    else:
        if subscription.active:
            state = raw(language, "settings.on")
        elif subscription.paused_reason:
            state = say(language, "settings.paused", reason=subscription.paused_reason)
        else:
            state = raw(language, "settings.off")
        categories = followed_labels(caller, followed_categories(subscription))
        digest_time = subscription.digest_time
        next_text = _when(caller, subscription.next_digest_at) if subscription.active else never
    return Reply(
        [
            say(
                language,
                "settings",
                state=Html(state),
                categories=categories,
                time=digest_time,
                zone=zone_label(caller.zone),
                next=next_text,
                chat_language=raw(language, "language.name"),
            )
        ]
    )
