"""/language: a chat's interface language and script, and the script a chat reads articles in.

A chat follows its user's Telegram language (``bot.texts.messages.language_for``) until
``/language`` chooses one for it; in groups only admins may (``MANAGING_COMMANDS``). A
Traditional chat reads articles with Taiwan phrasing when its user's language is ``zh-tw``,
Hong Kong's for ``zh-hk``, in plain Traditional characters otherwise.
"""

from __future__ import annotations

from bot.services.chats import caller_chat
from bot.services.context import Caller, Runtime
from bot.texts.messages import ENGLISH, SIMPLIFIED, TRADITIONAL, raw, say
from digest.categories import english_label
from digest.reply import Reply
from digest.scripts import HONG_KONG, TAIWAN, in_script
from digest.scripts import SIMPLIFIED as TO_SIMPLIFIED
from digest.scripts import TRADITIONAL as TO_TRADITIONAL
from storage.chats import choose_language

# What /language takes (lower-cased): the language, and the Traditional variant it names.
_CHOICES: dict[str, tuple[str, str | None]] = {
    "zh-hans": (SIMPLIFIED, None),
    "zh-cn": (SIMPLIFIED, None),
    "zh": (SIMPLIFIED, None),
    "简体": (SIMPLIFIED, None),
    "zh-hant": (TRADITIONAL, None),
    "繁體": (TRADITIONAL, None),
    "繁体": (TRADITIONAL, None),
    "zh-tw": (TRADITIONAL, TAIWAN),
    "zh-hk": (TRADITIONAL, HONG_KONG),
    "zh-mo": (TRADITIONAL, TO_TRADITIONAL),
    "en": (ENGLISH, None),
    "english": (ENGLISH, None),
}


def traditional_variant(language_code: str | None) -> str:
    """How a Traditional reader with this Telegram language reads articles."""
    code = (language_code or "").lower().replace("_", "-")
    if code.startswith(("zh-tw", "zh-hant-tw")):
        return TAIWAN
    if code.startswith(("zh-hk", "zh-hant-hk")):
        return HONG_KONG
    return TO_TRADITIONAL


def reading_script(language: str, variant: str | None) -> str | None:
    """The conversion articles are shown with in a chat of ``language`` (None: as stored)."""
    if language == ENGLISH:
        return None
    if language == TRADITIONAL:
        return variant or TO_TRADITIONAL
    return TO_SIMPLIFIED


async def set_language(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    """``/language zh-Hans|zh-Hant|en``; without an argument, the current one and usage."""
    choice = _CHOICES.get(args[0].lower()) if len(args) == 1 else None
    if choice is None:
        current = raw(caller.language, "language.name")
        return Reply([say(caller.language, "language.usage", chat_language=current)])
    language, variant = choice
    if language == TRADITIONAL and variant is None:
        # Plain zh-Hant: the variant the user's own Telegram language implies, if any.
        variant = caller.script if caller.language == TRADITIONAL else TO_TRADITIONAL
    async with runtime.db.transaction() as session:
        await caller_chat(session, runtime, caller)
        await choose_language(
            session,
            caller.chat_id,
            language=language,
            script_variant=variant if language == TRADITIONAL else None,
        )
    return Reply([raw(language, "language.done")], menu_language=language)


def category_label(caller: Caller, name: str) -> str:
    """A category's name as the caller reads it: its English label, or in their script."""
    return english_label(name) if caller.language == ENGLISH else in_script(name, caller.script)
