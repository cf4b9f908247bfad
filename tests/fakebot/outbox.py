"""Everything the bot sent, and coroutines that wait for it without sleeping."""

import asyncio
from collections.abc import Callable

from .records import CallbackAnswer, InlineAnswer, SentMessage


class Pulse:
    """Wakes every waiter each time :meth:`fire` is called.

    Like ``asyncio.Condition.notify_all`` but callable from plain functions (injecting an
    update is synchronous), since firing needs no lock: the event is set and replaced.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], within: float | None) -> bool:
        """Wait until ``predicate()`` holds (True) or ``within`` seconds pass (False)."""
        try:
            async with asyncio.timeout(within):
                while not predicate():
                    await self._event.wait()
        except TimeoutError:
            return predicate()
        return True


def _describe(message: SentMessage) -> str:
    text = message.plain_text if len(message.plain_text) <= 80 else message.plain_text[:77] + "..."
    return f"  chat {message.chat_id} #{message.message_id}: {text!r}"


class Outbox:
    """Messages, edits and callback answers in the order the bot made them."""

    def __init__(self) -> None:
        self.sent: list[SentMessage] = []
        self.edits: list[SentMessage] = []  # one entry per accepted edit
        self.answers: list[CallbackAnswer] = []
        self.inline_answers: list[InlineAnswer] = []
        self.via_bot: list[SentMessage] = []  # what users posted from inline results
        self._by_id: dict[tuple[int, int], SentMessage] = {}
        self._marks = (0, 0, 0, 0)
        self.pulse = Pulse()

    def add(self, message: SentMessage) -> None:
        self.sent.append(message)
        self._by_id[message.chat_id, message.message_id] = message
        self.pulse.fire()

    def edited(self, message: SentMessage) -> None:
        self.edits.append(message)
        self.pulse.fire()

    def answered(self, answer: CallbackAnswer) -> None:
        self.answers.append(answer)
        self.pulse.fire()

    def answered_inline(self, answer: InlineAnswer) -> None:
        self.inline_answers.append(answer)
        self.pulse.fire()

    def find(self, chat_id: int, message_id: int) -> SentMessage | None:
        return self._by_id.get((chat_id, message_id))

    def mark(self) -> None:
        self._marks = (
            len(self.sent),
            len(self.edits),
            len(self.answers),
            len(self.inline_answers),
        )

    def clear(self) -> None:
        self.sent.clear()
        self.edits.clear()
        self.answers.clear()
        self.inline_answers.clear()
        self.via_bot.clear()
        self._by_id.clear()
        self._marks = (0, 0, 0, 0)

    async def wait_for_messages(
        self, chat_id: int | None, count: int, within: float
    ) -> list[SentMessage]:
        found: list[SentMessage] = []
        scanned = self._marks[0]

        def enough() -> bool:
            # Scan only what arrived since the last wake-up: a bench waits for thousands.
            nonlocal scanned
            for message in self.sent[scanned:]:
                if chat_id is None or message.chat_id == chat_id:
                    found.append(message)
            scanned = len(self.sent)
            return len(found) >= count

        if not await self.pulse.wait_until(enough, within):
            where = "any chat" if chat_id is None else f"chat {chat_id}"
            received = "\n".join(_describe(m) for m in self.sent[self._marks[0] :]) or "  nothing"
            raise AssertionError(
                f"expected {count} message(s) to {where} within {within} s, got {len(found)}; "
                f"everything sent since mark():\n{received}"
            )
        return found[:count]

    async def wait_for_edit(
        self, chat_id: int | None, message_id: int | None, within: float
    ) -> SentMessage:
        def match(message: SentMessage) -> bool:
            return (chat_id is None or message.chat_id == chat_id) and (
                message_id is None or message.message_id == message_id
            )

        def edited() -> bool:
            return any(match(m) for m in self.edits[self._marks[1] :])

        if not await self.pulse.wait_until(edited, within):
            received = "\n".join(_describe(m) for m in self.edits[self._marks[1] :]) or "  nothing"
            raise AssertionError(
                f"expected an edit of chat {chat_id} message {message_id} within {within} s; "
                f"edits since mark():\n{received}"
            )
        return next(m for m in self.edits[self._marks[1] :] if match(m))

    async def wait_for_callback_answer(
        self, callback_query_id: str | None, within: float
    ) -> CallbackAnswer:
        def match(answer: CallbackAnswer) -> bool:
            return callback_query_id is None or answer.callback_query_id == callback_query_id

        def answered() -> bool:
            return any(match(a) for a in self.answers[self._marks[2] :])

        if not await self.pulse.wait_until(answered, within):
            raise AssertionError(
                f"expected answerCallbackQuery({callback_query_id or 'any'}) within {within} s; "
                f"answers since mark(): {self.answers[self._marks[2] :]}"
            )
        return next(a for a in self.answers[self._marks[2] :] if match(a))

    async def wait_for_inline_answer(
        self, inline_query_id: str | None, within: float
    ) -> InlineAnswer:
        def match(answer: InlineAnswer) -> bool:
            return inline_query_id is None or answer.inline_query_id == inline_query_id

        def answered() -> bool:
            return any(match(a) for a in self.inline_answers[self._marks[3] :])

        if not await self.pulse.wait_until(answered, within):
            raise AssertionError(
                f"expected answerInlineQuery({inline_query_id or 'any'}) within {within} s; "
                f"answers since mark(): {self.inline_answers[self._marks[3] :]}"
            )
        return next(a for a in self.inline_answers[self._marks[3] :] if match(a))
