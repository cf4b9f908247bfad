"""What bench/fanout.py prints: the rate as a share of the limit, 429s, exactly-once, memory,
CPU per message and what the metrics cost a send."""

from __future__ import annotations

import math
import time
import tracemalloc
from dataclasses import dataclass

from bench.fanout_server import ServerReport
from bot.observability.metrics import Metrics
from bot.telegram.counted_sends import answer_label

METRIC_ROUNDS = 200_000


@dataclass(frozen=True, slots=True)
class Measured:
    kind: str
    chats: int
    limit: int  # messages/s
    queued: int
    tick_seconds: float  # on the bench's clock
    tick_ended: float
    cpu_seconds: float  # this process, from the tick's start to the last message recorded
    server_cpu_seconds: float  # the fake Bot API's process, its whole life
    rss_seeded_mb: float
    rss_peak_mb: float
    traced_peak: int | None
    simulated: bool
    metrics: bool


def _rate(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else float("nan")


def metrics_per_send() -> float:
    """Seconds of CPU the metrics add to a digest's send: what the rate limiter and the
    delivery worker do for it (two clock reads, the answer's label, a counter, a histogram,
    the lag's gauge and histogram), timed in a loop."""
    metrics = Metrics()
    started = time.perf_counter()
    for _ in range(METRIC_ROUNDS):
        sent = time.perf_counter()
        metrics.message_sent("digest", answer_label(None), time.perf_counter() - sent)
        metrics.digest_sent(12.5)
    return (time.perf_counter() - started) / METRIC_ROUNDS


def print_report(
    measured: Measured,
    report: ServerReport,
    metrics: Metrics,
    *,
    snapshot: tracemalloc.Snapshot | None,
    top: int,
) -> None:
    times = sorted(report.times)
    rate = _rate(times)
    during = _rate([t for t in times if t <= measured.tick_ended])
    attempts = report.accepted + report.rejected
    clock = "simulated time" if measured.simulated else "real time"
    print(f"database           {measured.kind} ({clock})")
    print(f"chats              {measured.chats:,}")
    tick = measured.tick_seconds
    print(f"digest tick        {tick:.2f} s ({measured.queued / tick:,.0f} digests/s queued)")
    print(f"messages delivered {report.accepted:,} in {times[-1] - times[0]:.1f} s")
    share = rate / measured.limit
    print(f"rate               {rate:.2f} messages/s = {share:.3f} of {measured.limit}/s")
    if not math.isnan(during):  # the tick lasted long enough to send more than one
        print(f"  while the tick ran {during:.2f} messages/s = {during / measured.limit:.3f}")
    refused = report.rejected / attempts
    print(f"answered 429       {report.rejected} of {attempts} sends ({refused:.2%})")
    print(f"paid               {report.paid:,} messages ({report.paid / 10:,.1f} Telegram Stars)")
    print(f"exactly once       {report.chats:,} chats reached, {report.repeated} repeated")
    seeded, peak = measured.rss_seeded_mb, measured.rss_peak_mb
    print(f"memory             RSS {seeded:.0f} MB after seeding, peak {peak:.0f} MB")
    if measured.traced_peak is not None:
        print(f"  traced peak of the fan-out {measured.traced_peak / 1e6:.1f} MB")
    cpu_per_message = measured.cpu_seconds / max(1, report.accepted)
    cpu = measured.cpu_seconds
    print(f"CPU                {cpu:.1f} s, {cpu_per_message * 1e6:,.0f} µs a message (tick too)")
    server_cpu = measured.server_cpu_seconds
    server = server_cpu / max(1, report.accepted)
    print(f"  the fake server  {server_cpu:.1f} s, {server * 1e6:,.0f} µs a message")
    cost = metrics_per_send()
    print(
        f"metrics            {cost * 1e6:.2f} µs a send = {cost / cpu_per_message:.2%} of its CPU"
        + ("" if measured.metrics else " (this run did not count: --no-metrics)")
    )
    counted = {
        outcome: metrics.registry.get_sample_value(
            "newsdigest_messages_sent_total", {"kind": "digest", "outcome": outcome}
        )
        for outcome in ("ok", "429", "network_error")
    }
    print(f"  counted          digest sends {counted}")
    if snapshot is not None:
        print("largest allocations when the last message arrived:")
        for stat in snapshot.statistics("lineno")[:top]:
            print(f"  {stat.size / 1e6:6.2f} MB  {stat.traceback[0]}")
