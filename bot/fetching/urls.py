"""Which URLs may be fetched, and the error every fetch raises.

http(s) only, with a host and port that can exist; ``feed:`` URLs stand for the http(s)
URL inside. ``vet_url`` also checks the host's addresses, before a feed is stored.
"""

from __future__ import annotations

import httpx

from bot.fetching.address_guard import (
    AddressGuard,
    LookupTimeoutError,
    UnresolvableHostError,
    UnsafeAddressError,
)
from bot.fetching.credentials import shown_url
from digest.errors import InputError


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


def fetchable_url(url: str, *, shown: str) -> httpx.URL:
    """``url`` parsed, if it is one a fetch may try; ``FetchError`` naming ``shown``."""
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
    """``feed://host/path`` is ``http://host/path``; ``feed:https://host/path`` (or
    ``feed://https://host/path``) is the URL inside. Browsers and sites write feed links
    so, to mean "open in a feed reader"."""
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() != "feed":
        return url
    inner = rest.removeprefix("//")
    if inner.lower().startswith(("http://", "https://")):
        return inner
    return f"http:{rest}" if rest.startswith("//") else rest


def checked_url(url: str) -> str:
    """The URL in normal form (scheme and host lower case, no fragment), or ``FetchError``.

    A ``feed:`` URL is taken as the http(s) URL it stands for (``_without_feed_scheme``).
    """
    given = url.strip()
    parsed = fetchable_url(_without_feed_scheme(given), shown=shown_url(given))
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
