"""How Telegram misbehaves, on a test's demand: errors, held calls, blocked and moved chats,
flood limits."""

from collections.abc import Callable

from . import injection
from .limits import RateLimits, SendLimiter, WindowKind
from .records import ApiError, HeldCall, InjectedFault
from .state import ServerState


class Misbehaviour:
    """The controls of what the fake answers; mixed into ``FakeBotApi``."""

    _state: ServerState
    _clock: Callable[[], float]

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` ("*": any but getUpdates) with this error.

        ``description`` defaults to Telegram's wording for the status; ``retry_after`` adds
        ``parameters.retry_after``, which python-telegram-bot turns into ``RetryAfter``.
        """
        error = ApiError(status, description, retry_after=retry_after)
        self._state.faults.append(InjectedFault(method, error, chat_id, times))

    def hold_next(self, method: str, *, chat_id: int | None = None) -> HeldCall:
        """Keep the next call of ``method`` (to ``chat_id``) unanswered until the test calls
        ``release()`` on what this returns; it is then served as usual.

        For a request that must still be in flight when the test looks, however slow the
        machine: python-telegram-bot gives up on an answer after its read timeout (5 s).
        """
        held = HeldCall(method, chat_id)
        self._state.holds.append(held)
        return held

    def block_chat(self, chat_id: int, reason: str | None = None) -> None:
        """Every write to the chat answers 403 (blocked by the user, kicked from the group)."""
        self._state.directory.block(chat_id, reason)

    def unblock_chat(self, chat_id: int) -> None:
        self._state.directory.blocked.pop(chat_id, None)

    def set_chat_not_found(self, chat_id: int, *, not_found: bool = True) -> None:
        """Calls naming the chat answer 400 "Bad Request: chat not found"."""
        if not_found:
            self._state.directory.not_found.add(chat_id)
        else:
            self._state.directory.not_found.discard(chat_id)

    def upgrade_group(self, chat_id: int, new_chat_id: int, *, announce: bool = False) -> None:
        """The group becomes a supergroup with a new id: writes to the old id answer 400 with
        ``migrate_to_chat_id``. ``announce`` also queues the two service messages Telegram
        sends (``migrate_to_chat_id`` in the old group, ``migrate_from_chat_id`` in the new)."""
        self._state.directory.upgraded[chat_id] = new_chat_id
        if announce:
            for kind, payload in injection.migration_messages(
                self._state, chat_id, new_chat_id, user_id=injection.DEFAULT_USER_ID
            ):
                self._state.updates.push(kind, payload)

    def open_topic(self, chat_id: int = injection.DEFAULT_SUPERGROUP_ID) -> int:
        """An admin opens a forum topic in the supergroup (which becomes a forum): its
        message_thread_id, the id of the service message that opened it."""
        thread_id = self._state.directory.next_message_id(chat_id)
        self._state.directory.topics.open(chat_id, thread_id)
        self._state.directory.remember_chat(chat_id, "supergroup")
        return thread_id

    def close_topic(self, chat_id: int, thread_id: int | None) -> None:
        """Messages to the topic (``None``: the General topic) answer 400 TOPIC_CLOSED."""
        self._state.directory.topics.set_state(chat_id, thread_id, "closed")

    def reopen_topic(self, chat_id: int, thread_id: int | None) -> None:
        self._state.directory.topics.set_state(chat_id, thread_id, "open")

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """Messages to the topic answer 400 "message thread not found"."""
        self._state.directory.topics.set_state(chat_id, thread_id, "deleted")

    def set_chat_admins(self, chat_id: int, user_ids: list[int]) -> None:
        """The chat's administrators; the first one is its creator."""
        self._state.directory.admins[chat_id] = list(user_ids)

    def set_limits(
        self,
        global_per_second: float | None = 30,
        per_chat_per_second: float | None = 1.0,
        per_group_per_minute: float | None = 20,
        window: WindowKind = "strict",
        *,
        methods: tuple[str, ...] = ("sendMessage",),
        paid_per_second: float | None = 1000,
    ) -> None:
        """Refuse sends over Telegram's flood limits with 429 (None turns a limit off).
        Sends with allow_paid_broadcast count against ``paid_per_second`` instead of
        ``global_per_second``, as Telegram's paid broadcasts do."""
        limits = RateLimits(
            global_per_second, per_chat_per_second, per_group_per_minute, window, paid_per_second
        )
        self._state.limiter = SendLimiter(limits, self._clock)
        self._state.limited_methods = frozenset(methods)

    def disable_limits(self) -> None:
        self._state.limiter = None
