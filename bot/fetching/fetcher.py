"""Fetching untrusted URLs: http(s) only, public addresses only, bounded in time and size.

URL checks are in ``bot.fetching.urls``, what an answer becomes in ``bot.fetching.answers``.
Every connection goes through ``bot.fetching.address_guard`` (so every redirect hop is
checked where it connects). Redirects are followed here, one hop at a time, to check each
target's scheme and name it in errors. Conditional GET: pass the last answer's validators.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Self

import httpx

from bot.fetching.address_guard import (
    LOOKUP_TIMEOUT,
    AddressGuard,
    GuardedTransport,
    Resolver,
    UnresolvableHostError,
    UnsafeAddressError,
    system_resolver,
)
from bot.fetching.answers import FetchResult, describe, read_answer, tls_refused
from bot.fetching.credentials import shown_url
from bot.fetching.urls import FetchError, checked_url, fetchable_url, vet_url

__all__ = [
    "DEFAULT_DEADLINE",
    "FetchError",
    "FetchResult",
    "Fetcher",
    "checked_url",
    "fetch_url",
    "user_agent",
    "vet_url",
]

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 20.0  # seconds for each connect, read and write
DEFAULT_DEADLINE = 60.0  # seconds for the whole fetch, redirects included
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT_REDIRECTS = frozenset({301, 308})
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.8, */*;q=0.5"
)
# What every install can decode: httpx would also offer br and zstd were brotli or zstandard
# installed (by anything), and answers in them would then depend on what else is installed.
_ACCEPT_ENCODING = "gzip, deflate"


def user_agent() -> str:
    try:
        release = version("newsdigest")
    except PackageNotFoundError:
        release = "0"
    return f"newsdigest/{release} (+https://github.com/)"


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
                f"{shown}: cannot fetch it ({describe(exc)})",
                unreachable=isinstance(exc, httpx.ConnectError) and not tls_refused(exc),
            ) from None

    async def _follow(
        self, url: str, shown: str, *, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        target = fetchable_url(url, shown=shown)
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
                    target = fetchable_url(location, shown=f"{shown} (redirected to {moved})")
                    permanent = permanent and response.status_code in _PERMANENT_REDIRECTS
                    continue
                result = await read_answer(
                    shown, target, response, redirected=hop > 0, max_bytes=self.max_bytes
                )
                if hop and permanent:
                    return replace(result, moved_to=str(target.copy_with(fragment=None)))
                return result
            finally:
                await response.aclose()
        raise FetchError(f"{shown}: more than {self.max_redirects} redirects")


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
