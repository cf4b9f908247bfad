"""Which addresses untrusted URLs may reach: the check at the moment of connecting.

``GuardedNetworkBackend`` is an httpcore network backend: every connection httpx opens
(every redirect hop, every retry) goes through ``AddressGuard``, which resolves the host
without blocking the loop, refuses it when any of its addresses is not public, and hands
the checked addresses to the real backend, so a second DNS answer (rebinding) cannot
slip past the check.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import httpcore
import httpx

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# NAT64 prefixes: a gateway turns these into the IPv4 address in their last 32 bits.
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
LOOKUP_TIMEOUT = 10.0  # seconds a host's DNS lookup may take
# The system resolver's lookups run in threads of their own. A lookup that gets no answer
# holds its thread until the system gives up, long after LOOKUP_TIMEOUT: in the event
# loop's default pool, a few of them would hold up feed parsing and everything else there.
_LOOKUPS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dns")


async def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses, from the resolver the system uses (without blocking the loop)."""
    lookup = partial(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    infos = await asyncio.get_running_loop().run_in_executor(_LOOKUPS, lookup)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal_reason(address: IPAddress) -> str | None:
    """Why a connection to ``address`` is refused ("loopback", "private"...); None: public.

    IPv4 addresses written as IPv6 (``::ffff:127.0.0.1``, NAT64 ``64:ff9b::a00:1``) are
    judged as the IPv4 address they reach.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        elif any(address in network for network in _NAT64):
            address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-public", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


class UnsafeAddressError(Exception):
    """Raised inside the connection: the host resolves to an address we do not connect to."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        super().__init__(f"{host} resolves to {address}, a {reason} address")
        self.host = host


class UnresolvableHostError(Exception):
    def __init__(self, host: str, detail: str) -> None:
        super().__init__(f"cannot resolve host {host} ({detail})")
        self.host = host


class LookupTimeoutError(UnresolvableHostError):
    """The resolver did not answer in time (a hanging DNS server)."""

    def __init__(self, host: str, seconds: float) -> None:
        super().__init__(host, f"no DNS answer in {seconds:g} s")


@dataclass(frozen=True, slots=True)
class AddressGuard:
    """Resolves a host and vets every address; ``allow_private`` lets any address through."""

    allow_private: bool = False
    resolver: Resolver = system_resolver
    lookup_timeout: float = LOOKUP_TIMEOUT

    async def addresses(self, host: str, port: int) -> list[str]:
        """The host's addresses, all of them public (or anything when private is allowed).

        One non-public address refuses the host: a name that also points inside is not
        trusted, whichever address a connection would pick. ``LookupTimeoutError`` when the
        resolver has not answered in ``lookup_timeout`` seconds.
        """
        try:
            # The system resolver's thread cannot be stopped, but the caller need not wait.
            async with asyncio.timeout(self.lookup_timeout):
                found = await self.resolver(host.strip("[]"), port)
        except TimeoutError:
            raise LookupTimeoutError(host, self.lookup_timeout) from None
        except OSError as exc:
            raise UnresolvableHostError(host, exc.strerror or str(exc)) from None
        if not found:
            raise UnresolvableHostError(host, "no address")
        if not self.allow_private:
            for text in found:
                address = ipaddress.ip_address(text.split("%", 1)[0])
                reason = refusal_reason(address)
                if reason is not None:
                    raise UnsafeAddressError(host, text, reason)
        return found


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the guard approved, trying each in turn."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: Exception = httpcore.ConnectError(f"no address to connect to for {host}")
        for address in await self._guard.addresses(host, port):
            try:
                # TLS still verifies (and sends SNI for) the URL's host name, not the address.
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, guard: AddressGuard) -> None:
        super().__init__(trust_env=False)  # a proxy would connect for us, unchecked
        # httpx has no public way to give its pool a network backend: build the pool it
        # would build, with ours. Exceptions are still mapped to httpx's by the transport.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=GuardedNetworkBackend(guard),
        )
