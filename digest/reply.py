"""Replies as data: HTML message texts and optional inline buttons, for any front end."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    callback_data: str  # at most 64 bytes, as Telegram requires


@dataclass(frozen=True, slots=True)
class Reply:
    """Messages in Telegram HTML, each at most 4096 characters; buttons go under the last."""

    messages: list[str]
    buttons: list[list[Button]] = field(default_factory=list)
