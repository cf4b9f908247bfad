"""The buttons that open stories: under every listing, a number for each story it lists;
under a page of a long story, "continue"; and deep links into the bot's chat
(``t.me/<bot>?start=read_ID``) where a button cannot answer in place.

The callback data carries the whole state (``r:ID``, ``r:ID:START:KEY``), so a button
still works after a restart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from digest.reply import Button, Keyboard

ROW_BUTTONS = 8  # the most Telegram shows in one row
DEEP_LINK_PREFIX = "read_"
_READ_DATA = re.compile(r"r:(\d{1,18})(?::(\d{1,9}):([0-9a-f]{1,32}))?")
_DEEP_LINK_ARGUMENT = re.compile(rf"{DEEP_LINK_PREFIX}(\d{{1,18}})")


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """Which story to open, and where in its text (``text_key``: that text's, when not at
    its start)."""

    article_id: int
    start: int = 0
    text_key: str | None = None


def read_data(request: ReadRequest) -> str:
    """The callback data of a button that opens ``request``."""
    if request.start == 0 or request.text_key is None:
        return f"r:{request.article_id}"
    return f"r:{request.article_id}:{request.start}:{request.text_key}"


def parse_read_data(data: str) -> ReadRequest | None:
    """The request of ``read_data``; ``None`` for anything else."""
    match = _READ_DATA.fullmatch(data)
    if match is None:
        return None
    article_id, start, key = match.groups()
    if start is None:
        return ReadRequest(int(article_id))
    return ReadRequest(int(article_id), int(start), key)


def number_buttons(article_ids: Sequence[Sequence[int]]) -> tuple[Keyboard, ...]:
    """For each message of a listing, a button for each story it lists (by the message's
    order), labelled with the story's number in the listing: numbers go on from one
    message to the next, as the listing's own numbers do. Rows of up to ``ROW_BUTTONS``."""
    keyboards: list[Keyboard] = []
    number = 0
    for ids in article_ids:
        buttons = []
        for article_id in ids:
            number += 1
            buttons.append(Button(str(number), read_data(ReadRequest(article_id))))
        keyboards.append(
            [buttons[i : i + ROW_BUTTONS] for i in range(0, len(buttons), ROW_BUTTONS)]
        )
    return tuple(keyboards)


def keyboard_json(rows: Keyboard) -> str | None:
    """The outbox's form of a keyboard (rows of [text, callback data]); ``None`` for none."""
    if not rows:
        return None
    return json.dumps(
        [[[button.text, button.callback_data] for button in row] for row in rows],
        ensure_ascii=False,
    )


def deep_link(bot_username: str, article_id: int) -> str:
    """The link that opens the bot's chat and the story in it (``/start read_ID``)."""
    return f"https://t.me/{bot_username}?start={DEEP_LINK_PREFIX}{article_id}"


def deep_link_story(argument: str) -> int | None:
    """The story a ``/start`` argument of ``deep_link`` names; ``None`` for another one."""
    match = _DEEP_LINK_ARGUMENT.fullmatch(argument)
    return int(match.group(1)) if match else None
