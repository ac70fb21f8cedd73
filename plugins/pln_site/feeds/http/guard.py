"""Where the fetcher may connect: http(s) URLs only, and public addresses unless allowed.

The address check happens inside the HTTP client's network backend, at connection time: the
backend resolves the name itself, checks *every* address the name resolves to, then connects to
an address it checked. A name that resolves to a public address for a check and to a private
one for the connection (DNS rebinding) therefore cannot slip through, and every redirect hop
opens its connection through the same gate. PLANET_RESOLVE is applied here too.
"""

from __future__ import annotations

import ipaddress
import logging
import select
import socket
import ssl
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

from pln_site.settings import parse_resolve_target

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The host resolves to an address the fetcher must not connect to."""

    def __init__(self, host: str, address: IPAddress, kind: str):
        self.host, self.address, self.kind = host, address, kind
        super().__init__(
            f"{host} resolves to {kind} address {address}: refused "
            "(PLANET_ALLOW_PRIVATE_ADDRESSES is off)"
        )


class NameNotResolved(Exception):
    """DNS has no address for the host."""

    def __init__(self, host: str):
        self.host = host
        super().__init__(f"name does not resolve: {host}")


class SchemeRefused(Exception):
    """The URL is not http or https (file:, ftp:, data:...)."""

    def __init__(self, url: str):
        scheme = urlsplit(url).scheme or "none"
        super().__init__(f"only http and https URLs are fetched, not {scheme}:")


class NotAURL(Exception):
    """The text cannot even be read as a URL (an unclosed IPv6 bracket, a bad port...)."""

    def __init__(self, url: str):
        super().__init__(f"not a URL: {url[:200]!r}")


def check_url(url: str) -> None:
    """Refuse anything but an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise NotAURL(url) from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not hostname:
        raise SchemeRefused(url)


def refusal_kind(address: IPAddress) -> str | None:
    """Why `address` is not public ("private", "loopback"...), or None when it is fine."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return refusal_kind(address.ipv4_mapped)
        for tunnel, inner in embedded_ipv4(address):
            if kind := refusal_kind(inner):
                return f"{tunnel} (for {kind} {inner})"
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    )
    for kind, hit in checks:
        if hit:
            return kind
    # Shared (carrier-grade NAT), documentation, benchmarking... ranges are not global either.
    return None if address.is_global else "non-public"


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses a tunnel address leads to: 6to4 (2002::/16) carries one, Teredo
    (2001::/32) its server's and its client's. A relay may deliver to them, so they are checked
    as if connected to directly."""
    if address.sixtofour is not None:
        return [("6to4", address.sixtofour)]
    if address.teredo is not None:
        return [("Teredo", inner) for inner in address.teredo]
    return []


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves, checks, then connects to the checked address."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolve: Mapping[str, str] | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ):
        self.allow_private = allow_private
        self.resolve = {
            host.lower().rstrip("."): parse_resolve_target(target)
            for host, target in (resolve or {}).items()
        }
        self.inner = inner or httpcore.AnyIOBackend()

    async def addresses(self, host: str, port: int) -> list[tuple[IPAddress, int]]:
        """Every address `host` stands for, with the port to use; refused ones raise."""
        name = host.lower().rstrip(".")
        if name in self.resolve:
            ip, mapped_port = self.resolve[name]
            found = [(ipaddress.ip_address(ip), mapped_port or port)]
        else:
            found = [(address, port) for address in await self._lookup(host, port)]
        if not self.allow_private:
            for address, _ in found:
                kind = refusal_kind(address)
                if kind:
                    raise AddressRefused(host, address, kind)
        return found

    async def _lookup(self, host: str, port: int) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            pass
        try:
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise NameNotResolved(host) from error
        addresses: list[IPAddress] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            # Strip an IPv6 zone ("fe80::1%eth0") before parsing.
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise NameNotResolved(host)
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        candidates = await self.addresses(host, port)
        error: Exception | None = None
        for address, target_port in candidates:
            try:
                # TLS still verifies the certificate for `host`: httpcore passes the URL's host
                # as server_hostname when it starts TLS on this stream.
                stream = await self.inner.connect_tcp(
                    str(address), target_port, timeout, local_address, socket_options
                )
                return _SocketKnownStream(stream)
            except httpcore.ConnectError as failure:  # try the next checked address
                error = failure
        assert error is not None
        raise error

    async def connect_unix_socket(  # pragma: no cover - never used
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for fetching feeds")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class _SocketKnownStream(httpcore.AsyncNetworkStream):
    """A connection's stream with its socket looked up once.

    Each time the pool hands out a request it asks every idle connection whether its socket is
    readable (a server that closed it); anyio rebuilds a table of attributes to find the socket
    for each question: 21,000 questions and a tenth of the fetching process's CPU for 500 feeds.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream):
        self.inner = inner
        self.socket = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self.inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # httpcore writes the end of every bodiless request (a GET) as zero bytes: nothing to send.
        if buffer:
            await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _SocketKnownStream(await self.inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:  # Any: httpcore's, whatever `info` names
        if info == "is_readable" and self.socket is not None:
            return _readable(self.socket)
        if info == "socket":
            return self.socket
        return self.inner.get_extra_info(info)


def _readable(sock: socket.socket) -> bool:
    # As httpcore's own check: readable, or closed, means the connection cannot be reused.
    if sock.fileno() == -1:
        return True
    poller = select.poll()  # not select.select, which fails for descriptors over 1023
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with its connection pool opening connections through the guard."""

    def __init__(self, backend: GuardedBackend, *, limits: httpx.Limits, verify: ssl.SSLContext):
        super().__init__(verify=verify, trust_env=False, limits=limits)
        # httpx has no public hook for the network backend; the pool it builds is replaced by
        # an identical one that uses ours (the netguard tests fail loudly if this ever breaks).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=verify,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


#: Where a redirect's Location header is kept (see `_set_location_aside`).
KEPT_LOCATION = "X-Planet-Location"


async def _set_location_aside(response: httpx.Response) -> None:
    """Move Location out of httpx's sight: the fetcher follows redirects itself, checking each
    hop, while httpx would parse the target on its own (for `response.next_request`) and fail on
    ones such as data: or javascript: before the fetcher could refuse them with a reason."""
    location = response.headers.get("Location")
    if location is not None:
        del response.headers["Location"]
        response.headers[KEPT_LOCATION] = location


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing.

    A feed fetcher has no session to keep, and a cookie one feed sets must not reach the other
    feeds served by the same host through the same client. Keeping none also spares httpx's
    cookie parsing on every answer.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        pass


class _CookielessClient(httpx.AsyncClient):
    """An AsyncClient that neither stores nor sends cookies (see `_NoCookies`)."""

    _no_cookies = _NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        # httpx stores a response's cookies through this property (test_fetch_overhead.py
        # notices if an httpx upgrade bypasses it).
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        pass  # a jar that keeps nothing takes nothing either


def guarded_client(
    *,
    allow_private: bool,
    resolve: Mapping[str, str] | None,
    connect_timeout: float,
    read_timeout: float,
    max_connections: int,
    headers: Mapping[str, str],
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient whose every connection passes the address check; redirects are not followed
    (the fetcher follows them by hand, checking each hop)."""
    backend = GuardedBackend(allow_private=allow_private, resolve=resolve)
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    # Loading the CA certificates takes tens of milliseconds: clients used together share them.
    verify = ssl_context or httpx.create_ssl_context()
    transport = GuardedTransport(backend, limits=limits, verify=verify)
    return _CookielessClient(
        transport=transport,
        headers=dict(headers),
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        follow_redirects=False,
        trust_env=False,
        event_hooks={"response": [_set_location_aside]},
    )
