"""What users do, as a test injects it: write in a chat, press a button, type @bot in a
chat and pick a result, follow a deep link, block the bot."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import injection, inline
from .records import InlineAnswer, SentMessage
from .state import ServerState


class UserActions:
    """Queue the updates users cause; mixed into ``FakeBotApi``."""

    _state: ServerState
    _query_ids: itertools.count[int]

    def send_text(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        user_id: int = injection.DEFAULT_USER_ID,
        chat_type: str = "private",
        language_code: str | None = "zh-hans",
        first_name: str | None = None,
        username: str | None = None,
        title: str | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue an update: ``user_id`` writes ``text`` in a chat. Returns the Update JSON.

        ``chat_id`` defaults to the user's private chat, or a fixed group, supergroup or
        channel id for those types; a channel gets a ``channel_post`` with no sender user.
        ``message_thread_id`` writes in that forum topic (``open_topic``).
        """
        if chat_id is None:
            chat_id = injection.default_chat_id(chat_type, user_id)
        user = self._state.directory.remember_user(
            user_id, first_name=first_name, username=username, language_code=language_code
        )
        message = injection.text_message(
            self._state,
            text,
            chat_id=chat_id,
            chat_type=chat_type,
            user=None if chat_type == "channel" else user,
            title=title,
            reply_to_message_id=reply_to_message_id,
            message_thread_id=message_thread_id,
        )
        kind = "channel_post" if chat_type == "channel" else "message"
        return self._state.updates.push(kind, message)

    def channel_post(
        self, text: str, *, chat_id: int = injection.DEFAULT_CHANNEL_ID, title: str | None = None
    ) -> dict[str, Any]:
        """Queue a ``channel_post`` update (a post in a channel the bot is in)."""
        return self.send_text(text, chat_id=chat_id, chat_type="channel", title=title)

    def forward_from_channel(
        self,
        text: str,
        *,
        channel_id: int = injection.DEFAULT_CHANNEL_ID,
        group_id: int = injection.DEFAULT_SUPERGROUP_ID,
    ) -> dict[str, Any]:
        """Queue what Telegram does when the channel posts ``text``: the copy it forwards
        into the channel's linked discussion group ``group_id``."""
        message = injection.automatic_forward(
            self._state, text, channel_id=channel_id, group_id=group_id
        )
        return self._state.updates.push("message", message)

    def press_button(
        self, message: SentMessage, callback_data: str, *, user_id: int | None = None
    ) -> dict[str, Any]:
        """Queue a callback query: a user presses the button of ``message`` with that data.

        Raises AssertionError when the message has no such button, since no user could press it.
        """
        if callback_data not in message.callback_data:
            raise AssertionError(
                f"message #{message.message_id} in chat {message.chat_id} has no button with "
                f"callback_data {callback_data!r}; it has {message.callback_data}"
            )
        if user_id is None:
            user_id = message.chat_id if message.chat_id > 0 else injection.DEFAULT_USER_ID
        user = self._state.directory.users.get(user_id) or self._state.directory.remember_user(
            user_id
        )
        query = injection.callback_query(
            self._state, message, callback_data, user=user, query_id=str(next(self._query_ids))
        )
        return self._state.updates.push("callback_query", query)

    def inline_query(
        self,
        query: str,
        *,
        user_id: int = injection.DEFAULT_USER_ID,
        offset: str = "",
        chat_type: str | None = "sender",
        language_code: str | None = "zh-hans",
    ) -> dict[str, Any]:
        """Queue an ``inline_query`` update: ``user_id`` types ``@bot query`` in a chat of
        ``chat_type`` (``offset``: the ``next_offset`` of the answer they scrolled to the
        end of). Returns the Update JSON; its ``inline_query.id`` names the answer."""
        user = self._state.directory.remember_user(user_id, language_code=language_code)
        payload = inline.inline_query(
            self._state,
            user=user,
            query=query,
            offset=offset,
            chat_type=chat_type,
            query_id=str(next(self._query_ids)),
        )
        return self._state.updates.push("inline_query", payload)

    def choose_inline_result(
        self, answer: InlineAnswer, result_id: str, *, chat_id: int
    ) -> SentMessage:
        """The user picks a result: the message their client then posts in ``chat_id``."""
        return inline.posted_result(self._state, answer, result_id, chat_id=chat_id)

    def follow_link(self, url: str, *, user_id: int = injection.DEFAULT_USER_ID) -> dict[str, Any]:
        """The user opens a ``t.me/<bot>?start=X`` link: their client sends ``/start X`` in
        their private chat with the bot. Raises AssertionError for a link to anything else."""
        parts = urlsplit(url)
        username = self._state.bot_user["username"]
        start = parse_qs(parts.query).get("start", [""])[0]
        if parts.netloc != "t.me" or parts.path.strip("/") != username or not start:
            raise AssertionError(f"{url!r} is not a deep link to @{username}")
        return self.send_text(f"/start {start}", user_id=user_id)

    def my_chat_member(
        self,
        chat_id: int,
        *,
        new_status: str = "kicked",
        old_status: str = "member",
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a ``my_chat_member`` update: the bot was blocked, kicked, added, promoted."""
        if user_id is None:
            user_id = chat_id if chat_id > 0 else injection.DEFAULT_USER_ID
        update = injection.chat_member_update(
            self._state,
            chat_id,
            user=self._state.directory.user(user_id),
            old_status=old_status,
            new_status=new_status,
        )
        return self._state.updates.push("my_chat_member", update)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return self._state.updates.pending
