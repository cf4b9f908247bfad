"""The process's Prometheus metrics, in a registry of its own (one per ``Runtime``: tests and
benchmarks build many, and the library's global registry would refuse the second).

Labels take values from small fixed sets (a message's kind, Telegram's answer, a command's
name): never a chat or user id, which would make a series per chat. Recording is a few
dictionary lookups and an atomic add (about a microsecond); the gauges of what waits in the
database are read when Prometheus scrapes (``bot.observability.endpoint``), not kept up.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

# A send to the Bot API: milliseconds on a good day, seconds when Telegram is slow (its
# read timeout is 5 s).
SEND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# A digest's lag: within a minute when all is well, hours behind a large fan-out at 30/s.
LAG_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0)
# An update handled, a digest tick: tens of milliseconds to tens of seconds.
WORK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
SEND_KINDS = ("reply", "digest", "alert", "notice")
SEND_OUTCOMES = ("ok", "429", "403", "400", "server_error", "network_error", "other")
INGEST_INPUTS = ("ingest", "feed")
INGEST_OUTCOMES = ("new", "duplicate", "failed")
POLL_OUTCOMES = ("ok", "not_modified", "failed")
OUTBOX_STATES = ("pending", "sending")


class Metrics:
    """Every metric of the process. Record through the methods; read ``registry``."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        ProcessCollector(registry=registry)  # process_resident_memory_bytes, CPU seconds
        PlatformCollector(registry=registry)
        self.messages_sent = Counter(
            "newsdigest_messages_sent",
            "Sends to the Bot API by message kind and Telegram's answer (each attempt counts).",
            ["kind", "outcome"],
            registry=registry,
        )
        self.send_duration = Histogram(
            "newsdigest_send_duration_seconds",
            "Time a send to the Bot API took, from request to answer (rate limiting excluded).",
            buckets=SEND_BUCKETS,
            registry=registry,
        )
        self.outbox_messages = Gauge(
            "newsdigest_outbox_messages",
            "Messages in the outbox waiting to be sent (pending) or out for delivery (sending).",
            ["status"],
            registry=registry,
        )
        self.outbox_oldest_age = Gauge(
            "newsdigest_outbox_oldest_age_seconds",
            "Age of the oldest message still waiting in the outbox (0 when none waits).",
            registry=registry,
        )
        self.digests_due = Gauge(
            "newsdigest_digests_due",
            "Active subscriptions whose digest is due now and not yet queued.",
            registry=registry,
        )
        self.digest_lag = Gauge(
            "newsdigest_digest_lag_seconds",
            "The last digest message sent: when it was sent minus when its digest was due.",
            registry=registry,
        )
        self.digest_lags = Histogram(
            "newsdigest_digest_delivery_lag_seconds",
            "Digest messages sent, by when they were sent minus when their digest was due.",
            buckets=LAG_BUCKETS,
            registry=registry,
        )
        self.digests_queued = Counter(
            "newsdigest_digests_queued",
            "Digests the digest tick queued for delivery.",
            registry=registry,
        )
        self.digest_tick_duration = Histogram(
            "newsdigest_digest_tick_duration_seconds",
            "Time a digest tick took to queue every digest due.",
            buckets=WORK_BUCKETS,
            registry=registry,
        )
        self.articles_ingested = Counter(
            "newsdigest_articles_ingested",
            "Articles by input (newsdigest ingest, feed polls) and outcome; failed counts "
            "inputs and lines that could not be read.",
            ["input", "outcome"],
            registry=registry,
        )
        self.feed_polls = Counter(
            "newsdigest_feed_polls",
            "Feed polls by outcome.",
            ["outcome"],
            registry=registry,
        )
        self.alert_lag = Gauge(
            "newsdigest_alert_lag_seconds",
            "At the alert job's last run: how long the oldest article it had to match waited.",
            registry=registry,
        )
        self.alerts_queued = Counter(
            "newsdigest_alert_messages_queued",
            "Alert messages the alert job queued for delivery.",
            registry=registry,
        )
        self.update_duration = Histogram(
            "newsdigest_update_handling_seconds",
            "Time to handle an update, reply sent included, by command (button: a button).",
            ["command"],
            buckets=WORK_BUCKETS,
            registry=registry,
        )
        # Every series of a fixed label set exists from the start (a dashboard shows 0, not
        # "no data"), and the children are looked up here rather than through .labels().
        self._sent = {
            (kind, outcome): self.messages_sent.labels(kind, outcome)
            for kind in SEND_KINDS
            for outcome in SEND_OUTCOMES
        }
        for source in INGEST_INPUTS:
            for outcome in INGEST_OUTCOMES:
                self.articles_ingested.labels(source, outcome)
        for outcome in POLL_OUTCOMES:
            self.feed_polls.labels(outcome)
        for status in OUTBOX_STATES:
            self.outbox_messages.labels(status)

    def message_sent(self, kind: str, outcome: str, seconds: float | None) -> None:
        """A send's answer (``SEND_OUTCOMES``) and, when it got one, how long it took."""
        child = self._sent.get((kind, outcome))
        if child is None:  # a kind of message not foreseen: counted all the same
            child = self._sent[(kind, outcome)] = self.messages_sent.labels(kind, outcome)
        child.inc()
        if seconds is not None:
            self.send_duration.observe(seconds)

    def digest_sent(self, lag_seconds: float) -> None:
        self.digest_lag.set(lag_seconds)
        self.digest_lags.observe(lag_seconds)

    def ingested(self, source: str, *, new: int, duplicate: int, failed: int = 0) -> None:
        for outcome, count in (("new", new), ("duplicate", duplicate), ("failed", failed)):
            if count:
                self.articles_ingested.labels(source, outcome).inc(count)
