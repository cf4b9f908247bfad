"""Every message catalogue says the same things: the same keys, the same placeholders, and
/help and the command menu for every command."""

from __future__ import annotations

import string

import pytest

from bot.texts.messages import (
    ADMIN_COMMAND_HELP,
    CATALOGUES,
    COMMAND_HELP,
    ENGLISH,
    SIMPLIFIED,
    TRADITIONAL,
    admin_command_list,
    command_list,
    language_for,
    menu_commands,
)
from bot.texts.zh_hant import HANT_COMMAND_HELP


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_catalogue_has_every_key_another_has() -> None:
    every_key = set().union(*CATALOGUES.values())
    missing = {
        language: sorted(every_key - set(catalogue)) for language, catalogue in CATALOGUES.items()
    }
    assert missing == {language: [] for language in CATALOGUES}
    assert set(CATALOGUES) == {SIMPLIFIED, TRADITIONAL, ENGLISH}


@pytest.mark.parametrize("key", sorted(CATALOGUES[SIMPLIFIED]))
def test_each_text_has_the_same_placeholders_in_every_language(key: str) -> None:
    found = {language: _placeholders(catalogue[key]) for language, catalogue in CATALOGUES.items()}
    assert len({frozenset(names) for names in found.values()}) == 1, found


def test_help_and_menu_name_every_command_in_traditional() -> None:
    commands = {name for name, *_ in COMMAND_HELP + ADMIN_COMMAND_HELP}
    assert set(HANT_COMMAND_HELP) == commands
    assert "/category 國際" in command_list(TRADITIONAL)
    assert "/addfeed" in admin_command_list(TRADITIONAL)
    assert [name for name, _ in menu_commands(TRADITIONAL)] == [n for n, *_ in COMMAND_HELP]


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("zh-hant", TRADITIONAL),
        ("zh-TW", TRADITIONAL),
        ("zh-hk", TRADITIONAL),
        ("zh-mo", TRADITIONAL),
        ("zh-Hant-TW", TRADITIONAL),
        ("zh-hans", SIMPLIFIED),
        ("zh", SIMPLIFIED),
        ("zh-cn", SIMPLIFIED),
        ("en-GB", ENGLISH),
        ("fr", SIMPLIFIED),
        (None, SIMPLIFIED),
    ],
)
def test_a_chat_follows_its_users_telegram_language(code: str | None, language: str) -> None:
    assert language_for(code) == language
