"""The chat commands every front end serves: one table, one entry point."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.services import admin, browse, digests, languages, reading, subscriptions, top, watches
from bot.services.context import Caller, Runtime
from bot.services.digest_windows import FIRST_DIGEST_WINDOW
from bot.services.languages import reading_script, traditional_variant
from bot.services.story_buttons import ReadRequest, deep_link_story
from bot.services.zones import zone_or_default
from bot.texts.messages import (
    TRADITIONAL,
    admin_command_list,
    command_list,
    language_for,
    raw,
    say,
)
from digest.keyboard_forms import ascii_forms
from digest.reply import Reply
from storage.chats import chat_preferences, clear_refusal
from storage.subscriptions import resume_paused_subscription

CommandService = Callable[[Runtime, Caller, list[str]], Awaitable[Reply]]


async def help_reply(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:  # noqa: ARG001 - same signature as every command
    """/help, and in a Traditional reader's private chat the command menu in Traditional:
    Telegram's menus by language know "zh" only, which is Simplified's."""
    text = say(caller.language, "help", commands="") + command_list(caller.language)
    if caller.is_admin:
        text += "\n\n" + admin_command_list(caller.language)
    private_traditional = caller.chat_type == "private" and caller.language == TRADITIONAL
    return Reply([text], menu_language=TRADITIONAL if private_traditional else None)


async def start(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    """/start: the help; ``/start read_ID`` (a deep link from inline mode) opens a story."""
    article_id = deep_link_story(args[0]) if args else None
    if article_id is None:
        return await help_reply(runtime, caller, args)
    return await reading.open_story(runtime, caller, ReadRequest(article_id))


COMMANDS: dict[str, CommandService] = {
    "start": start,
    "help": help_reply,
    "latest": browse.latest,
    "top": top.top,
    "category": browse.category,
    "search": browse.search,
    "read": reading.read,
    "subscribe": subscriptions.subscribe,
    "unsubscribe": subscriptions.unsubscribe,
    "time": subscriptions.set_time,
    "timezone": subscriptions.set_timezone,
    "settings": subscriptions.show_settings,
    "digest": digests.digest_now,
    "watch": watches.watch,
    "watches": watches.list_watches,
    "unwatch": watches.unwatch,
    "quiet": watches.quiet,
    "language": languages.set_language,
    "addfeed": admin.add_feed,
    "feeds": admin.list_feeds,
    "removefeed": admin.remove_feed,
    "stats": admin.stats,
}
# Commands that change a chat's settings: in groups, only the group's admins may use them.
MANAGING_COMMANDS = frozenset(
    {"subscribe", "unsubscribe", "time", "timezone", "watch", "unwatch", "quiet", "language"}
)


def split_command(text: str) -> tuple[str, str | None, list[str]] | None:
    """``"/latest@bot 5"`` → ``("latest", "bot", ["5"])``; ``None`` when not a command.

    Full-width digits, colons and hyphens (``/time 08：00``) are read as ASCII, so every
    command that takes a time or a number takes them as a Chinese keyboard types them.
    """
    if not text.startswith("/"):
        return None
    head, *args = ascii_forms(text).split()
    name, _, target = head[1:].partition("@")
    return name.lower(), target or None, args


async def run_command(runtime: Runtime, caller: Caller, name: str, args: list[str]) -> Reply:
    """The reply to ``/name args``; unknown commands get a pointer to /help."""
    service = COMMANDS.get(name)
    if service is None:
        return Reply([raw(caller.language, "unknown_command")])
    if name in MANAGING_COMMANDS and not caller.can_manage:
        return Reply([raw(caller.language, "admins_only")])
    return await service(runtime, caller, args)


def changes_settings(data: str) -> bool:
    """Whether the button with this callback data changes the chat's settings (in groups
    and channels, only their admins may press it)."""
    return data.startswith("uw:")


async def press_button(runtime: Runtime, caller: Caller, data: str) -> Reply:
    """The reply to an inline button, from its callback data."""
    if changes_settings(data):
        if not caller.can_manage:
            refusal = "admins_only.channel" if caller.chat_type == "channel" else "admins_only"
            return Reply([raw(caller.language, refusal)])
        return await watches.press_unwatch(runtime, caller, data)
    if data.startswith("r:"):
        return await reading.press_read(runtime, caller, data)
    return await browse.press(runtime, caller, data)


async def make_caller(
    runtime: Runtime,
    *,
    chat_id: int,
    chat_type: str = "private",
    user_id: int | None = None,
    language_code: str | None = None,
    can_manage: bool = True,
    thread_id: int | None = None,
) -> Caller:
    """The caller with the chat's own time zone (the default zone for chats not yet known).

    A chat Telegram refused to let the bot write to (blocked, kicked, its topic closed)
    talks to the bot again here, so its alerts and its paused digest resume.

    The language is the chat's when ``/language`` chose one, else the user's Telegram one.
    """
    async with runtime.db.transaction() as session:
        chat = await chat_preferences(session, chat_id)
        await clear_refusal(session, chat_id)
        await resume_paused_subscription(
            session, chat_id, forget_digest_before=runtime.now() - FIRST_DIGEST_WINDOW
        )
    if chat is not None and chat.language_chosen:
        language, variant = chat.language, chat.script_variant
    else:
        language, variant = language_for(language_code), traditional_variant(language_code)
    return Caller(
        chat_id=chat_id,
        chat_type=chat_type,
        user_id=user_id,
        language=language,
        script=reading_script(language, variant),
        zone=zone_or_default(chat.timezone if chat else None, runtime.settings.zone),
        is_admin=user_id is not None and user_id in runtime.settings.admin_ids,
        can_manage=can_manage,
        thread_id=thread_id,
    )
