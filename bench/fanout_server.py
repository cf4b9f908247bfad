"""The fake Bot API of bench/fanout.py, in a process of its own as a real server would be (a
server in the bot's process would share its event loop and GIL and blur the timing)."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from bench.simulated_time import Offset, clock_of
from tests.fakebot import FakeBotApi


@dataclass(frozen=True, slots=True)
class ServerLimits:
    global_per_second: float = 30
    paid_per_second: float = 1000
    per_chat_per_second: float = 1.0


@dataclass(slots=True)
class ServerReport:
    """What the fake server saw: sends accepted, answered 429 and paid, when each accepted one
    arrived (on the bench's clock), chats reached, and repeats (a (chat, text) accepted
    before)."""

    accepted: int = 0
    rejected: int = 0
    paid: int = 0
    times: list[float] = field(default_factory=list)
    chats: int = 0
    repeated: int = 0


class _Tally:
    """The server's messages folded into counts as they come, and forgotten: 100,000 digests
    kept whole would be gigabytes."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.chats: set[int] = set()
        self.seen: set[tuple[int, int]] = set()
        self.repeated = 0

    def take(self, api: FakeBotApi) -> None:
        for message in api.messages():
            self.times.append(message.sent_at)
            self.chats.add(message.chat_id)
            key = (message.chat_id, hash(message.text))
            self.repeated += key in self.seen
            self.seen.add(key)
        api.clear()

    def report(self, api: FakeBotApi) -> ServerReport:
        self.take(api)
        stats = api.stats
        chats = len(self.chats)
        return ServerReport(
            stats.accepted, stats.rejected_429, stats.paid, self.times, chats, self.repeated
        )


def _serve(control: Connection, limits: ServerLimits, offset: Offset | None) -> None:
    """Answer "count" with the sends accepted and "report" with a ServerReport, until "stop"."""

    async def main() -> None:
        clock = clock_of(offset) if offset is not None else time.monotonic
        async with FakeBotApi(clock=clock) as api:
            api.set_limits(
                global_per_second=limits.global_per_second,
                per_chat_per_second=limits.per_chat_per_second,
                paid_per_second=limits.paid_per_second,
            )
            control.send((api.base_url, api.token))
            tally = _Tally()
            loop = asyncio.get_running_loop()
            while (command := await loop.run_in_executor(None, control.recv)) != "stop":
                if command == "count":
                    tally.take(api)
                    control.send(api.stats.accepted)
                else:
                    control.send(tally.report(api))

    asyncio.run(main())


class ServerProcess:
    def __init__(self, limits: ServerLimits, offset: Offset | None = None) -> None:
        self.control, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(
            target=_serve, args=(child, limits, offset), daemon=True
        )

    def __enter__(self) -> tuple[str, str]:
        self.process.start()
        base_url, token = self.control.recv()
        return base_url, token

    async def ask(self, command: str) -> Any:
        self.control.send(command)
        return await asyncio.to_thread(self.control.recv)

    async def wait_for_accepted(self, count: int, within: float, every: float) -> ServerReport:
        """Once ``count`` sends were accepted (asked ``every`` seconds of the bench's clock);
        TimeoutError after ``within`` seconds of real time."""
        deadline = time.monotonic() + within
        while (accepted := await self.ask("count")) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {accepted} of {count} messages arrived")
            await asyncio.sleep(every)  # a bench polling another process, not a test
        report: ServerReport = await self.ask("report")
        return report

    def __exit__(self, *exc: object) -> None:
        self.control.send("stop")
        self.process.join(timeout=10)
