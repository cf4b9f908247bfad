"""Fetching untrusted URLs: http(s) only, public addresses only, bounded in time and size.

Every connection goes through ``bot.address_guard`` (so every redirect hop is checked where
it connects). Redirects are followed here, one hop at a time, to check each target's
scheme and name it in errors. Conditional GET: pass the last answer's validators.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Self

import httpx

from bot.address_guard import (
    LOOKUP_TIMEOUT,
    AddressGuard,
    GuardedTransport,
    LookupTimeoutError,
    Resolver,
    UnresolvableHostError,
    UnsafeAddressError,
    system_resolver,
)
from bot.url_credentials import shown_url
from digest.errors import InputError

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 20.0  # seconds for each connect, read and write
DEFAULT_DEADLINE = 60.0  # seconds for the whole fetch, redirects included
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT_REDIRECTS = frozenset({301, 308})
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.8, */*;q=0.5"
)
# What every install can decode: httpx would also offer br and zstd were brotli or zstandard
# installed (by anything), and answers in them would then depend on what else is installed.
_ACCEPT_ENCODING = "gzip, deflate"


class FetchError(InputError):
    """A URL that could not be fetched; the message names the URL and what went wrong.

    ``retry_after``: the seconds a 429 or 503 answer's ``Retry-After`` asked to wait.
    ``unreachable``: no server answered (the host did not resolve, or no connection could be
    made), which our own network being down explains as well as the feed's server.
    """

    def __init__(
        self, message: str, *, retry_after: float | None = None, unreachable: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.unreachable = unreachable


def user_agent() -> str:
    try:
        release = version("newsdigest")
    except PackageNotFoundError:
        release = "0"
    return f"newsdigest/{release} (+https://github.com/)"


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # after redirects
    status: int  # 200, or 304 when the conditional GET found nothing new
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    max_age: int | None  # Cache-Control max-age, in seconds
    # ``url`` in normal form when every redirect to it was permanent (301, 308): where the
    # caller should fetch from now on (RFC 9110, 15.4.2). None without redirects.
    moved_to: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _max_age(cache_control: str | None) -> int | None:
    if not cache_control or "no-store" in cache_control.lower():
        return None
    match = _MAX_AGE.search(cache_control)
    return int(match.group(1)) if match else None


def _checked_url(url: str, *, shown: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise FetchError(f"{shown}: is not a valid URL") from None
    if parsed.scheme not in {"http", "https"}:
        raise FetchError(f"{shown}: only http:// and https:// URLs can be fetched")
    if not parsed.host:
        raise FetchError(f"{shown}: has no host")
    labels = parsed.raw_host.decode("ascii").removesuffix(".").split(".")
    if any(not 0 < len(label) <= 63 for label in labels):
        # The resolver would raise UnicodeError (from the idna codec), no FetchError.
        raise FetchError(f"{shown}: is not a valid host name")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        # Else the connection (or the resolver) raises OverflowError, no FetchError.
        raise FetchError(f"{shown}: there is no port {parsed.port}")
    return parsed


def _without_feed_scheme(url: str) -> str:
    """``feed://host/path`` is ``http://host/path``; ``feed:https://host/path`` is the URL
    inside. Browsers and sites write feed links so, to mean "open in a feed reader"."""
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() != "feed":
        return url
    return f"http:{rest}" if rest.startswith("//") else rest


def checked_url(url: str) -> str:
    """The URL in normal form (scheme and host lower case, no fragment), or ``FetchError``.

    A ``feed:`` URL is taken as the http(s) URL it stands for (``_without_feed_scheme``).
    """
    given = url.strip()
    parsed = _checked_url(_without_feed_scheme(given), shown=shown_url(given))
    return str(parsed.copy_with(fragment=None))


async def vet_url(url: str, guard: AddressGuard) -> str:
    """``checked_url``, with the host's addresses vetted now, before anything is stored.

    A host that does not resolve at the moment is let through (the poll will report it);
    every fetch checks the addresses again where it connects, since DNS answers change.
    A lookup that gets no answer in time is an error: the URL cannot be vetted.
    """
    normal = checked_url(url)
    parsed = httpx.URL(normal)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        await guard.addresses(parsed.host, port)
    except UnsafeAddressError as exc:
        allow = "ALLOW_PRIVATE_FEED_URLS=1 allows it"
        raise FetchError(f"{shown_url(url)}: refused: {exc} ({allow})") from None
    except LookupTimeoutError as exc:
        raise FetchError(f"{shown_url(url)}: cannot check its address: {exc}") from None
    except UnresolvableHostError:
        pass
    return normal


class Fetcher:
    """An HTTP client for untrusted URLs; use one for many fetches, in ``async with``."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver = system_resolver,
        lookup_timeout: float = LOOKUP_TIMEOUT,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_bytes: int = MAX_BODY_BYTES,
        max_redirects: int = MAX_REDIRECTS,
    ) -> None:
        self.guard = AddressGuard(
            allow_private=allow_private, resolver=resolver, lookup_timeout=lookup_timeout
        )
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(self.guard),
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": user_agent(),
                "Accept": _ACCEPT,
                "Accept-Encoding": _ACCEPT_ENCODING,
            },
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` (conditionally when validators are given); ``FetchError`` otherwise.

        A 304 answer is a result (``not_modified``); any other status but 200 is an error.
        Errors name the URL with its password masked (``shown_url``); the fetch uses it.
        """
        shown = shown_url(url)
        try:
            async with asyncio.timeout(self.deadline):
                return await self._follow(url, shown, etag=etag, last_modified=last_modified)
        except TimeoutError:
            raise FetchError(f"{shown}: timed out after {self.deadline:g} s") from None
        except httpx.TimeoutException as exc:
            raise FetchError(
                f"{shown}: timed out (no answer in time)",
                unreachable=isinstance(exc, httpx.ConnectTimeout),
            ) from None
        except httpx.RequestError as exc:
            raise FetchError(
                f"{shown}: cannot fetch it ({_describe(exc)})",
                unreachable=isinstance(exc, httpx.ConnectError),
            ) from None

    async def _follow(
        self, url: str, shown: str, *, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        target = _checked_url(url, shown=shown)
        permanent = True
        for hop in range(self.max_redirects + 1):
            via = f" (redirected to {shown_url(str(target))})" if hop else ""
            request = self._client.build_request("GET", target, headers=headers)
            try:
                response = await self._client.send(request, stream=True)
            except UnsafeAddressError as exc:
                allow = "ALLOW_PRIVATE_FEED_URLS=1 allows it"
                raise FetchError(f"{shown}: refused{via}: {exc} ({allow})") from None
            except UnresolvableHostError as exc:
                raise FetchError(f"{shown}{via}: {exc}", unreachable=True) from None
            try:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    location = str(target.join(response.headers["location"]))
                    moved = shown_url(location)
                    logger.debug("%s redirects to %s", shown_url(str(target)), moved)
                    target = _checked_url(location, shown=f"{shown} (redirected to {moved})")
                    permanent = permanent and response.status_code in _PERMANENT_REDIRECTS
                    continue
                result = await self._result(shown, target, response, redirected=hop > 0)
                if hop and permanent:
                    return replace(result, moved_to=str(target.copy_with(fragment=None)))
                return result
            finally:
                await response.aclose()
        raise FetchError(f"{shown}: more than {self.max_redirects} redirects")

    async def _result(
        self, shown: str, target: httpx.URL, response: httpx.Response, *, redirected: bool
    ) -> FetchResult:
        status = response.status_code
        if status not in {200, 304}:
            phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
            where = f" (redirected to {shown_url(str(target))})" if redirected else ""
            raise FetchError(
                f"{shown}: the server answered {status}{phrase}{where}",
                retry_after=_retry_after(response.headers) if status in {429, 503} else None,
            )
        body = b"" if status == 304 else await self._read_body(shown, response)
        return FetchResult(
            url=str(target),
            status=status,
            body=body,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            max_age=_max_age(response.headers.get("cache-control")),
        )

    async def _read_body(self, shown: str, response: httpx.Response) -> bytes:
        too_big = FetchError(f"{shown}: the answer is larger than {self.max_bytes:,} bytes")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():  # decoded: a gzip bomb stops at the cap
            size += len(chunk)
            if size > self.max_bytes:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)


def _retry_after(headers: httpx.Headers) -> float | None:
    """The seconds ``Retry-After`` asks for: a number, or a date read against the answer's
    own ``Date`` (the server's clock, not ours); None when absent, past or unreadable."""
    value = headers.get("retry-after", "").strip()
    if value.isdecimal():
        return float(int(value)) if len(value) <= 12 else 1e12  # int() refuses 4,300 digits
    try:
        until = parsedate_to_datetime(value)
        now = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError):
        return None
    seconds = until.replace(tzinfo=until.tzinfo or UTC) - now.replace(tzinfo=now.tzinfo or UTC)
    return seconds.total_seconds() if seconds.total_seconds() > 0 else None


def _describe(exc: httpx.RequestError) -> str:
    text = str(exc).strip().splitlines()
    return text[-1] if text and text[-1] else type(exc).__name__


async def fetch_url(
    url: str,
    *,
    allow_private: bool,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """One safe GET (see ``Fetcher``); for many URLs, share a ``Fetcher``."""
    async with Fetcher(allow_private=allow_private) as fetcher:
        return await fetcher.fetch(url, etag=etag, last_modified=last_modified)
