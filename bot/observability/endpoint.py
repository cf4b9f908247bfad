"""``/metrics`` over HTTP, in the bot's own event loop (tornado, which python-telegram-bot's
webhook server already brings): the same in long polling and in webhook mode.

Before each answer the gauges of what waits in the database are read afresh (``refresh``):
a scrape every 15 s costs two indexed statements. A database that does not answer in time
leaves them as they were, and the rest is served all the same.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable

import tornado.httpserver
import tornado.netutil
import tornado.web
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, CollectorRegistry, generate_latest

logger = logging.getLogger(__name__)
REFRESH_TIMEOUT = 5.0  # seconds; Prometheus' own scrape timeout is 10 s by default

Refresh = Callable[[], Awaitable[None]]


class _MetricsHandler(tornado.web.RequestHandler):
    def initialize(self, registry: CollectorRegistry, refresh: Refresh) -> None:
        self._registry = registry
        self._refresh = refresh

    async def get(self) -> None:
        try:
            await asyncio.wait_for(self._refresh(), REFRESH_TIMEOUT)
        except Exception:
            logger.warning("reading the outbox and due digests for /metrics failed", exc_info=True)
        self.set_header("Content-Type", CONTENT_TYPE_PLAIN_0_0_4)
        self.write(generate_latest(self._registry))


class MetricsEndpoint:
    """``GET /metrics`` on ``listen:port`` (port 0: any free one, then read ``port``)."""

    def __init__(
        self, registry: CollectorRegistry, *, refresh: Refresh, listen: str, port: int
    ) -> None:
        self.listen = listen
        self.port = port
        self._application = tornado.web.Application(
            [(r"/metrics", _MetricsHandler, {"registry": registry, "refresh": refresh})],
            log_function=lambda _handler: None,  # scrapes every 15 s: no access log
        )
        self._server: tornado.httpserver.HTTPServer | None = None

    async def start(self) -> None:
        family = socket.AF_INET6 if ":" in self.listen else socket.AF_INET
        sockets = tornado.netutil.bind_sockets(self.port, self.listen, family=family)
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(self._application)
        self._server.add_sockets(sockets)
        logger.info("serving Prometheus metrics on http://%s:%s/metrics", self.listen, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
