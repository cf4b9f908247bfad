"""Replies as data: HTML message texts and optional inline buttons, for any front end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    callback_data: str  # at most 64 bytes, as Telegram requires


@dataclass(frozen=True, slots=True)
class RecordedAhead:
    """The articles a reply's messages list, recorded as sent to its chat before they went
    out (/digest writes its ledger while it holds the chat's digest, so that a digest tick
    never lists them too): a front end that could not send messages gives theirs back."""

    article_ids: tuple[tuple[int, ...], ...]  # each message's, in the reply's order
    recorded_at: datetime
    previous_digest_at: datetime | None  # the chat's last digest before this reply


Keyboard = list[list[Button]]  # rows of buttons under one message


@dataclass(frozen=True, slots=True)
class Reply:
    """Messages in Telegram HTML, each at most 4096 characters.

    ``story_buttons`` are each message's own (the number buttons that open the stories it
    lists); ``buttons`` go under the last message, after its own.
    """

    messages: list[str]
    buttons: Keyboard = field(default_factory=list)
    recorded: RecordedAhead | None = None
    story_buttons: tuple[Keyboard, ...] = ()
    # The chat chose this language (/language): a front end with a command menu shows the
    # chat's menu in it from now on.
    menu_language: str | None = None

    def keyboard(self, index: int) -> Keyboard:
        """The rows of buttons under message ``index``."""
        rows = list(self.story_buttons[index]) if index < len(self.story_buttons) else []
        if index == len(self.messages) - 1:
            rows += self.buttons
        return rows
