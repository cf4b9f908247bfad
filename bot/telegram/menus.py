"""Telegram's command menu in each language.

``setMyCommands`` picks a menu by the user's ISO 639-1 language code, and ``zh`` cannot tell
Simplified from Traditional: the menu for ``zh`` (and the default one) is Simplified, the
one for ``en`` English. A chat that chooses Traditional (or any language) with ``/language``
gets a menu of its own (``BotCommandScopeChat``), which Telegram shows there before the
others.
"""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat

from bot.texts.messages import ENGLISH, SIMPLIFIED, menu_commands


def _commands(language: str) -> list[BotCommand]:
    return [BotCommand(name, text) for name, text in menu_commands(language)]


async def register_menus(bot: Bot) -> None:
    """The menus by language code, at start."""
    for language, code in ((SIMPLIFIED, None), (ENGLISH, "en")):
        await bot.set_my_commands(_commands(language), language_code=code)


async def set_chat_menu(bot: Bot, chat_id: int, language: str) -> None:
    """The menu of one chat, in the language it chose."""
    await bot.set_my_commands(_commands(language), scope=BotCommandScopeChat(chat_id))
