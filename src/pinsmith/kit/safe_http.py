"""The SSRF-safe outbound HTTP client: every request to a URL a user supplied goes through here.

- ``check_url`` / ``check_url_resolves`` look at a URL up front (scheme, host, no userinfo, and
  the addresses the host resolves to), for a 400 at registration time.
- ``safe_client`` is an ``httpx.AsyncClient`` whose transport checks the address it *actually*
  connects to: the host is resolved once, every address is checked, and the socket is opened to
  one of those checked addresses, so a name that resolves differently later (DNS rebinding) or a
  redirect to an internal address cannot slip through. TLS still verifies and sends SNI for the
  original hostname, and the Host header is the URL's, because only the TCP connect is redirected
  to the checked IP.
- Responses are capped in size (``ResponseTooLarge``, also counting gzip/deflate output) and in
  total time across redirects (``TotalTimeout``, an ``httpx.TimeoutException``).

Loopback and private ranges are refused unless ``allow_private`` (``PINSMITH_ALLOW_PRIVATE_URLS``,
for tests and the demo) is set; link-local (cloud metadata), multicast, unspecified and reserved
addresses are refused always.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import zlib
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpcore
import httpx
from httpcore import AsyncNetworkBackend, AsyncNetworkStream

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "ResponseTooLarge",
    "SafeClient",
    "SafeHttpError",
    "SafeTransport",
    "TotalTimeout",
    "UnsafeUrl",
    "address_problem",
    "check_address",
    "check_url",
    "check_url_resolves",
    "fetch_bytes",
    "resolve_host",
    "safe_client",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_TIMEOUT = 20.0  # seconds, for the whole exchange including redirects
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ALLOWED_SCHEMES = frozenset({"http", "https"})

_DEADLINE = "pinsmith.deadline"  # request extension: loop time by which the exchange must end

_CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Private in the RFC 1918 / RFC 4193 sense (ipaddress's is_private is wider: documentation,
# benchmarking and reserved ranges too, which allow_private does not open).
_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
# The classes that allow_private opens; the rest stay closed whatever the setting.
_PRIVATE_CLASSES = frozenset({"loopback", "private", "shared (carrier-grade NAT)"})


class SafeHttpError(Exception):
    """A request refused or cut short by the outbound HTTP rules."""


class UnsafeUrl(SafeHttpError, ValueError):
    """The URL, or an address its host resolves to, is not allowed."""


class ResponseTooLarge(SafeHttpError):
    """The response body is larger than the cap."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"the response is larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


class TotalTimeout(httpx.TimeoutException):
    """The whole exchange (redirects and body included) took longer than its time limit."""


# --- addresses -------------------------------------------------------------------------------


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (IPv4-mapped, 6to4, Teredo, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _address_class(ip: IPAddress) -> str | None:
    """The name of the non-public class ``ip`` falls in, or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and (found := _address_class(embedded)) is not None:
            return found
    if ip.is_unspecified or (isinstance(ip, ipaddress.IPv4Address) and ip in _THIS_NETWORK):
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CARRIER_GRADE_NAT:
        return "shared (carrier-grade NAT)"
    if any(ip in net for net in _PRIVATE_NETWORKS):
        return "private"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global:
        return "non-public"
    return None


def address_problem(ip: IPAddress, *, allow_private: bool) -> str | None:
    """Why ``ip`` may not be connected to (``"a loopback address"``), or None if it may."""
    found = _address_class(ip)
    if found is None or (allow_private and found in _PRIVATE_CLASSES):
        return None
    article = "an" if found[0] in "aeiou" else "a"
    return f"{article} {found} address"


def check_address(host: str, ip: IPAddress, *, allow_private: bool) -> None:
    """Raise UnsafeUrl if ``ip`` (what ``host`` resolved to) may not be connected to."""
    problem = address_problem(ip, allow_private=allow_private)
    if problem is None:
        return
    if _ip_literal(host) == ip:
        raise UnsafeUrl(f"{host} is {problem}")
    raise UnsafeUrl(f"{host} resolves to {problem} {ip}")


def _strip_brackets(host: str) -> str:
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(_strip_brackets(host))
    except ValueError:
        return None


async def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to for a TCP connection, in the resolver's order."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeUrl(f"{host} does not resolve: {exc.strerror}") from None
    addresses: list[IPAddress] = []
    for family, _type, _proto, _canonname, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        # sockaddr[0] may carry an IPv6 scope ("fe80::1%eth0"); ipaddress keeps it.
        ip = ipaddress.ip_address(str(sockaddr[0]))
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise UnsafeUrl(f"{host} does not resolve to an IP address")
    return addresses


async def _checked_addresses(host: str, port: int, *, allow_private: bool) -> list[IPAddress]:
    """Every address of ``host``, each checked; one bad address refuses the host."""
    literal = _ip_literal(host)
    # Looked up on the module at call time, so tests can stand in for DNS.
    addresses = [literal] if literal is not None else await resolve_host(host, port)
    for ip in addresses:
        check_address(host, ip, allow_private=allow_private)
    return addresses


# --- URLs ------------------------------------------------------------------------------------


def _parse(url: str | httpx.URL) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise UnsafeUrl(f"not a valid URL: {exc}") from None
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise UnsafeUrl(f"the URL scheme must be http or https, not {parsed.scheme or 'none'!r}")
    if not parsed.host:
        raise UnsafeUrl("the URL has no host")
    if parsed.userinfo:
        raise UnsafeUrl("the URL must not carry a user name or password")
    return parsed


def check_url(url: str | httpx.URL, *, allow_private: bool) -> None:
    """Raise UnsafeUrl unless ``url`` is an http(s) URL with a host and no userinfo, whose host,
    when it is an IP address, may be connected to. Names are not resolved here: see
    ``check_url_resolves``."""
    parsed = _parse(url)
    literal = _ip_literal(parsed.host)
    if literal is not None:
        check_address(parsed.host, literal, allow_private=allow_private)


async def check_url_resolves(url: str | httpx.URL, *, allow_private: bool) -> None:
    """``check_url``, and every address the host resolves to must be allowed (registration-time
    check; the client checks again when it connects)."""
    parsed = _parse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    await _checked_addresses(parsed.host, port, allow_private=allow_private)


# --- transport -------------------------------------------------------------------------------


class _CheckingBackend(AsyncNetworkBackend):
    """httpcore network backend: resolve, check every address, connect to a checked one."""

    def __init__(self, *, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await _checked_addresses(host, port, allow_private=self._allow_private)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        error: httpcore.ConnectError | None = None
        for ip in addresses:
            try:
                # An IP literal: no second lookup, so the checked address is the one used.
                return await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                error = exc
        assert error is not None  # addresses is never empty
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        raise UnsafeUrl("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class SafeTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose connections go through the address check, with a size
    cap on every response and a deadline (``pinsmith.deadline`` extension, set by SafeClient; else
    ``timeout`` seconds per request)."""

    def __init__(
        self,
        *,
        allow_private: bool,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = DEFAULT_TIMEOUT,
        limits: httpx.Limits = httpx.Limits(max_connections=20, max_keepalive_connections=5),  # noqa: B008
    ) -> None:
        super().__init__(trust_env=False, limits=limits)  # no proxies: they would skip the check
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.timeout = timeout
        # httpx's transport takes no network backend; the pool it builds is swapped for one that
        # has the same settings and ours. handle_async_request keeps httpx's exception mapping.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=_CheckingBackend(allow_private=allow_private),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _parse(request.url)  # scheme, host, userinfo: also for every redirect hop
        loop = asyncio.get_running_loop()
        deadline = request.extensions.get(_DEADLINE)
        if not isinstance(deadline, float):
            deadline = loop.time() + self.timeout
        try:
            async with asyncio.timeout_at(deadline):
                response = await super().handle_async_request(request)
        except TimeoutError:
            raise _total_timeout(request, self.timeout) from None
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            await response.aclose()
            raise ResponseTooLarge(self.max_bytes)
        response.stream = _CappedStream(
            response.stream,
            request=request,
            max_bytes=self.max_bytes,
            deadline=deadline,
            timeout=self.timeout,
            encoding=response.headers.get("content-encoding", ""),
        )
        return response


def _total_timeout(request: httpx.Request, timeout: float) -> TotalTimeout:
    return TotalTimeout(f"the request took longer than {timeout:g} seconds", request=request)


class _CappedStream(httpx.AsyncByteStream):
    """A response body that stops past ``max_bytes`` on the wire or, for gzip and deflate,
    after decompression (a small bomb would otherwise pass the wire count), or at the deadline."""

    def __init__(
        self,
        inner: httpx.AsyncByteStream | Any,
        *,
        request: httpx.Request,
        max_bytes: int,
        deadline: float,
        timeout: float,
        encoding: str,
    ) -> None:
        self._inner = inner
        self._request = request
        self._max_bytes = max_bytes
        self._deadline = deadline
        self._timeout = timeout
        encoding = encoding.strip().lower()
        self._inflater: Any = None
        if encoding == "gzip":
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header
        self._raw_deflate = encoding == "deflate"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        received = 0
        inflated = 0
        chunks = aiter(self._inner)
        while True:
            try:
                async with asyncio.timeout_at(self._deadline):
                    chunk = await anext(chunks)
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise _total_timeout(self._request, self._timeout) from None
            received += len(chunk)
            if received > self._max_bytes:
                raise ResponseTooLarge(self._max_bytes)
            if self._inflater is not None:
                inflated += self._inflated_size(chunk)
                if inflated > self._max_bytes:
                    raise ResponseTooLarge(self._max_bytes)
            yield chunk

    def _inflated_size(self, chunk: bytes) -> int:
        """How much ``chunk`` inflates to, counted without keeping more than the cap in memory.
        A broken stream stops the count; httpx's own decoder reports it."""
        size = 0
        data = chunk
        try:
            while data:
                out = self._inflater.decompress(data, self._max_bytes + 1)
                size += len(out)
                if size > self._max_bytes:
                    break
                data = self._inflater.unconsumed_tail
        except zlib.error:
            if self._raw_deflate and size == 0:  # deflate without a header, as httpx allows
                self._raw_deflate = False
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._inflated_size(chunk)
            self._inflater = None
        return size

    async def aclose(self) -> None:
        await self._inner.aclose()


# --- client ----------------------------------------------------------------------------------


class SafeClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` that sets one deadline per ``send``, redirects included."""

    def __init__(self, *, transport: SafeTransport, **kwargs: Any) -> None:
        super().__init__(transport=transport, trust_env=False, **kwargs)
        self.safe_transport = transport

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        deadline = asyncio.get_running_loop().time() + self.safe_transport.timeout
        # a new dict: redirects share it, while a caller's Request object is left as it was
        request.extensions = {**request.extensions, _DEADLINE: deadline}
        return await super().send(request, **kwargs)


def safe_client(
    *,
    allow_private: bool,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    follow_redirects: bool = False,
    max_redirects: int = 5,
    headers: dict[str, str] | None = None,
) -> SafeClient:
    """A client for user-supplied URLs: every connection checked, every response capped at
    ``max_bytes`` and every exchange (redirects and body) at ``timeout`` seconds. Webhook
    deliveries use ``follow_redirects=False``; a followed redirect is checked like the first hop.
    """
    transport = SafeTransport(allow_private=allow_private, max_bytes=max_bytes, timeout=timeout)
    return SafeClient(
        transport=transport,
        timeout=httpx.Timeout(timeout),
        follow_redirects=follow_redirects,
        max_redirects=max_redirects,
        headers={"User-Agent": "pinsmith", "Accept-Encoding": "gzip, deflate", **(headers or {})},
    )


async def fetch_bytes(
    client: httpx.AsyncClient,
    url: str | httpx.URL,
    *,
    max_bytes: int | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[bytes, str | None]:
    """GET ``url``: its decoded body (at most ``max_bytes``, else ResponseTooLarge) and its
    Content-Type. A status other than 2xx raises ``httpx.HTTPStatusError``."""
    check_url(url, allow_private=True)  # the shape; the client checks the addresses
    async with client.stream("GET", url, headers=headers) as response:
        response.raise_for_status()
        length = response.headers.get("content-length", "")
        if max_bytes is not None and length.isdigit() and int(length) > max_bytes:
            raise ResponseTooLarge(max_bytes)
        parts: list[bytes] = []
        size = 0
        async for part in response.aiter_bytes():
            size += len(part)
            if max_bytes is not None and size > max_bytes:
                raise ResponseTooLarge(max_bytes)
            parts.append(part)
        return b"".join(parts), response.headers.get("content-type")
