"""The fake Bot API's state, shared by the method implementations and the test-facing API."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .directory import ChatDirectory
from .limits import SendLimiter
from .outbox import Outbox
from .records import ApiError, HeldCall, InjectedFault, SentMessage, ServerStats
from .updates import UpdateQueue


@dataclass
class CallbackQueryRecord:
    message: SentMessage | None
    answered: bool = False


@dataclass
class InlineQueryRecord:
    """An inline query a test made a user type: what, where in its results, answered yet."""

    user_id: int
    query: str
    offset: str
    answered: bool = False


@dataclass
class ServerState:
    bot_user: dict[str, Any]
    clock: Callable[[], float]
    directory: ChatDirectory
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    outbox: Outbox = field(default_factory=Outbox)
    stats: ServerStats = field(default_factory=ServerStats)
    limiter: SendLimiter | None = None
    limited_methods: frozenset[str] = frozenset({"sendMessage"})
    faults: list[InjectedFault] = field(default_factory=list)
    holds: list[HeldCall] = field(default_factory=list)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)
    callback_queries: dict[str, CallbackQueryRecord] = field(default_factory=dict)
    inline_queries: dict[str, InlineQueryRecord] = field(default_factory=dict)
    inline_mode: bool = True  # @BotFather's /setinline: getMe's supports_inline_queries
    inflight: int = 0  # HTTP requests being served, so stop() can let them finish

    def check_rate(self, method: str, chat_id: int, *, paid: bool = False) -> None:
        """Raise 429 when ``method`` to ``chat_id`` would exceed the configured limits."""
        if self.limiter is None or method not in self.limited_methods:
            return
        retry_after = self.limiter.try_send(chat_id, paid=paid)
        if retry_after is not None:
            self.stats.rejected_429 += 1
            raise ApiError(429, retry_after=retry_after)

    def take_fault(self, method: str, chat_id: Any) -> ApiError | None:
        """The injected error for this call, if one is armed (and count it down)."""
        for fault in self.faults:
            # "*" skips getUpdates: a polling bot would use the fault up within a second.
            wildcard = fault.method == "*" and method != "getUpdates"
            if fault.method != method and not wildcard:
                continue
            if fault.chat_id is not None and str(fault.chat_id) != str(chat_id):
                continue
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
            return fault.error
        return None

    def take_hold(self, method: str, chat_id: Any) -> HeldCall | None:
        """The hold armed for this call, if one is (each holds one call)."""
        for held in self.holds:
            if held.arrived.is_set() or held.method != method:
                continue
            if held.chat_id is None or str(held.chat_id) == str(chat_id):
                held.arrived.set()
                return held
        return None
