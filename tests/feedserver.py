"""A local HTTP server for feed tests: feeds that change, ETag and Last-Modified with 304,
failures on demand, held (slow) answers, redirects. Runs on 127.0.0.1 in the test's loop."""

from __future__ import annotations

import asyncio
import hashlib
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from types import TracebackType
from typing import Self

import tornado.httpserver
import tornado.netutil
import tornado.web

RSS_TYPE = "application/rss+xml; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    link: str
    text: str
    published: datetime = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def _words(seed: str, count: int) -> str:
    """Chinese-looking text unique to ``seed``: near-duplicate detection sees no likeness."""
    digest = hashlib.sha256(seed.encode()).digest() * (count // 32 + 1)
    return "".join(chr(0x4E00 + (digest[i] * 83 + i * 7919) % 0x5000) for i in range(count))


def news_items(count: int, *, prefix: str = "测试", start: int = 1) -> list[Item]:
    """``count`` distinct items, numbered from ``start``, an hour apart."""
    first = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    return [
        Item(
            title=f"{prefix}新闻第{n}号：{_words(f'{prefix}/{n}/title', 12)}",
            link=f"https://news.example/{prefix}/{n}",
            text=f"{_words(f'{prefix}/{n}/lead', 40)}。{_words(f'{prefix}/{n}/more', 40)}。",
            published=first + timedelta(hours=n),
        )
        for n in range(start, start + count)
    ]


def rss_feed(items: Iterable[Item], *, title: str = "测试新闻源", ttl: int | None = None) -> bytes:
    """An RSS 2.0 document with these items; ``ttl`` in minutes."""
    entries = "".join(
        f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
        f"<description>{escape(item.text)}</description>"
        f"<pubDate>{format_datetime(item.published)}</pubDate></item>"
        for item in items
    )
    ttl_element = f"<ttl>{ttl}</ttl>" if ttl is not None else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example/</link>{ttl_element}"
        f"{entries}</channel></rss>"
    ).encode()


@dataclass(slots=True)
class Resource:
    body: bytes
    content_type: str = RSS_TYPE
    etag: bool = True  # send an ETag (a hash of the body) and honour If-None-Match
    last_modified: datetime | None = None  # send it and honour If-Modified-Since
    cache_control: str | None = None
    chunked: bool = False  # no Content-Length: the body comes in chunks
    headers: dict[str, str] = field(default_factory=dict)  # any other header to send

    @property
    def etag_value(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass(frozen=True, slots=True)
class SeenRequest:
    path: str
    headers: dict[str, str]


@dataclass(slots=True)
class _State:
    resources: dict[str, Resource] = field(default_factory=dict)
    failures: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    failure_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    redirects: dict[str, tuple[int, str]] = field(default_factory=dict)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    requests: list[SeenRequest] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


class _Handler(tornado.web.RequestHandler):
    def initialize(self, state: _State) -> None:
        self._state = state

    async def get(self) -> None:
        state, path = self._state, self.request.path
        state.requests.append(SeenRequest(path, dict(self.request.headers)))
        async with state.changed:
            state.changed.notify_all()
        gate = state.gates.get(path)
        if gate is not None:
            await gate.wait()
        if path in state.redirects:
            status, location = state.redirects[path]
            self.redirect(location, status=status)
            return
        if path in state.failures:
            status, left = state.failures[path]
            if left is not None:
                if left <= 1:
                    del state.failures[path]
                else:
                    state.failures[path] = (status, left - 1)
            self.set_status(status)
            for name, value in state.failure_headers.get(path, {}).items():
                self.set_header(name, value)
            self.finish("failure on purpose")
            return
        resource = state.resources.get(path)
        if resource is None:
            self.set_status(404)
            self.finish("not found")
            return
        await self._serve(resource)

    async def _serve(self, resource: Resource) -> None:
        if resource.etag:
            self.set_header("ETag", resource.etag_value)
        if resource.last_modified is not None:
            self.set_header("Last-Modified", format_datetime(resource.last_modified, usegmt=True))
        if resource.cache_control:
            self.set_header("Cache-Control", resource.cache_control)
        for name, value in resource.headers.items():
            self.set_header(name, value)
        if self._not_modified(resource):
            self.set_status(304)
            self.finish()
            return
        self.set_header("Content-Type", resource.content_type)
        if not resource.chunked:
            self.finish(resource.body)
            return
        for start in range(0, len(resource.body), 65536):
            self.write(resource.body[start : start + 65536])
            await self.flush()
        self.finish()

    def _not_modified(self, resource: Resource) -> bool:
        if resource.etag and "If-None-Match" in self.request.headers:
            return self.request.headers["If-None-Match"] == resource.etag_value
        since = self.request.headers.get("If-Modified-Since")
        if since and resource.last_modified is not None:
            return parsedate_to_datetime(since) >= resource.last_modified.replace(microsecond=0)
        return False

    def compute_etag(self) -> None:
        return None  # only the ETags the test asked for


def _quiet(handler: tornado.web.RequestHandler) -> None:
    """Failures are what these tests ask for: no access log."""


class FeedServer:
    """Serves feeds on 127.0.0.1; tests change them, fail them, hold them and redirect."""

    def __init__(self) -> None:
        self._state = _State()
        self._server: tornado.httpserver.HTTPServer | None = None
        self.port = 0

    async def __aenter__(self) -> Self:
        application = tornado.web.Application(
            [(r"/.*", _Handler, {"state": self._state})], log_function=_quiet
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(application)
        self._server.add_sockets(sockets)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for gate in self._state.gates.values():
            gate.set()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, **options: object) -> Resource:
        """Serve ``body`` at ``path`` (``Resource`` fields as options); replaces what was there."""
        resource = Resource(body, **options)  # type: ignore[arg-type]
        self._state.resources[path] = resource
        self._state.failures.pop(path, None)
        self._state.redirects.pop(path, None)
        return resource

    def serve_feed(
        self, path: str, items: Iterable[Item], *, ttl: int | None = None, **options: object
    ) -> Resource:
        return self.serve(path, rss_feed(items, ttl=ttl), **options)

    def fail(
        self,
        path: str,
        status: int = 500,
        *,
        times: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer ``status`` (``times`` times, or until served again), with ``headers``."""
        self._state.failures[path] = (status, times)
        self._state.failure_headers[path] = headers or {}

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        self._state.redirects[path] = (status, location)

    def hold(self, path: str) -> asyncio.Event:
        """Requests to ``path`` wait (slow feed) until the returned event is set."""
        gate = asyncio.Event()
        self._state.gates[path] = gate
        return gate

    def stop_holding(self, path: str) -> None:
        """Later requests to ``path`` are answered at once; those held still wait."""
        self._state.gates.pop(path, None)

    def requests(self, path: str | None = None) -> list[SeenRequest]:
        return [r for r in self._state.requests if path is None or r.path == path]

    async def wait_for_requests(self, path: str, count: int = 1, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until ``count`` requests to ``path`` arrived (they may still be answering)."""
        async with asyncio.timeout(timeout), self._state.changed:
            await self._state.changed.wait_for(lambda: len(self.requests(path)) >= count)
