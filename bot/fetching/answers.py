"""What an answer becomes: a ``FetchResult`` with its body read within a size cap, or a
``FetchError`` that says why, in a line a person can read."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import httpx

from bot.fetching.credentials import shown_url
from bot.fetching.headers import max_age, retry_after
from bot.fetching.urls import FetchError


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


async def read_answer(
    shown: str, target: httpx.URL, response: httpx.Response, *, redirected: bool, max_bytes: int
) -> FetchResult:
    """The result of a final (not redirecting) answer; ``FetchError`` unless 200 or 304."""
    status = response.status_code
    if status not in {200, 304}:
        phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
        where = f" (redirected to {shown_url(str(target))})" if redirected else ""
        raise FetchError(
            f"{shown}: the server answered {status}{phrase}{where}",
            retry_after=retry_after(response.headers) if status in {429, 503} else None,
        )
    body = b"" if status == 304 else await _read_body(shown, response, max_bytes)
    return FetchResult(
        url=str(target),
        status=status,
        body=body,
        content_type=response.headers.get("content-type"),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        max_age=max_age(response.headers.get("cache-control")),
    )


async def _read_body(shown: str, response: httpx.Response, max_bytes: int) -> bytes:
    too_big = FetchError(f"{shown}: the answer is larger than {max_bytes:,} bytes")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():  # decoded: a gzip bomb stops at the cap
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def tls_refused(exc: BaseException) -> bool:
    """Whether a connection failed in its TLS handshake (a certificate refused, a server
    that does not speak TLS): httpx calls that a ``ConnectError`` too, but a server answered."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def describe(exc: httpx.RequestError) -> str:
    text = str(exc).strip().splitlines()
    return text[-1] if text and text[-1] else type(exc).__name__
