"""The SSRF-safe client against a real loopback server; names resolve through a stand-in DNS."""

from __future__ import annotations

import gzip
import ipaddress
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from pinsmith.kit import safe_http
from pinsmith.kit.safe_http import (
    ResponseTooLarge,
    TotalTimeout,
    UnsafeUrl,
    address_problem,
    check_url,
    check_url_resolves,
    fetch_bytes,
    safe_client,
)
from tests import loopback

GZIP_BOMB = gzip.compress(b"\0" * 1_000_000)
ZLIB_BOMB = zlib.compress(b"\0" * 1_000_000)
_raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
RAW_DEFLATE_BOMB = _raw.compress(b"\0" * 1_000_000) + _raw.flush()
BOMBS = {
    "/bomb": (GZIP_BOMB, "gzip"),
    "/deflate-bomb": (ZLIB_BOMB, "deflate"),
    "/raw-deflate-bomb": (RAW_DEFLATE_BOMB, "deflate"),
}


@dataclass
class Server:
    url: str
    port: int
    requests: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


def _handler(server: Server) -> type[loopback.Handler]:
    class Handler(loopback.Handler):
        def do_GET(self) -> None:
            server.requests.append(self.path)
            server.hosts.append(self.headers.get("Host", ""))
            path, query = self.route()
            if path == "/ok":
                self.send(200, b"hello", {"Content-Type": "text/plain"})
            elif path == "/host":
                self.send(200, self.headers.get("Host", "").encode())
            elif path == "/big":
                self.send(200, b"x" * int(query["n"]))
            elif path == "/unsized":  # no Content-Length: the body ends when we close
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"x" * int(query["n"]))
                self.close_connection = True
            elif path in BOMBS:
                body, encoding = BOMBS[path]
                self.send(200, body, {"Content-Encoding": encoding})
            elif path == "/redirect":
                self.send(302, b"", {"Location": query["to"]})
            elif path == "/drip":  # a byte at a time, until the test is over
                self.drip(server.release, 0.02)
            else:
                self.send(404, b"")

    return Handler


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    info = Server(url="", port=0)
    with loopback.serving(_handler(info), info.release) as url:
        info.url = url
        info.port = int(url.rsplit(":", 1)[1])
        yield info


@pytest.fixture(autouse=True)
def _clear(server: Server) -> None:
    server.requests.clear()
    server.hosts.clear()


Resolver = Callable[[dict[str, list[str]]], list[str]]


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """A stand-in DNS: names map to addresses; each lookup is logged under ``"_lookups"``."""
    table: dict[str, list[str]] = {"_lookups": []}

    async def resolve(host: str, port: int) -> list[safe_http.IPAddress]:
        table["_lookups"].append(host)
        if host not in table:
            raise UnsafeUrl(f"{host} does not resolve")
        return [ipaddress.ip_address(address) for address in table[host]]

    monkeypatch.setattr(safe_http, "resolve_host", resolve)
    return table


# --- the address check -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("10.0.0.5", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("::ffff:10.0.0.5", "private"),
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address under test, not a bind
        ("0.1.2.3", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("2002:7f00:1::", "loopback"),  # 6to4 around 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 around 169.254.169.254
        ("192.0.2.1", "non-public"),  # documentation
        ("198.18.0.1", "non-public"),  # benchmarking
        ("2001:db8::1", "non-public"),  # documentation
    ],
)
def test_non_public_addresses_are_refused(address: str, kind: str) -> None:
    ip = ipaddress.ip_address(address)
    article = "an" if kind == "unspecified" else "a"
    assert address_problem(ip, allow_private=False) == f"{article} {kind} address"


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:2800:220:1::1"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address), allow_private=False) is None


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "10.0.0.5", "192.168.1.1", "100.64.0.1"])
def test_allow_private_opens_loopback_and_private(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address), allow_private=True) is None


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "::ffff:169.254.169.254",
        "0.0.0.0",  # noqa: S104 - an address under test, not a bind
        "224.0.0.1",
        "240.0.0.1",
        "192.0.2.1",
    ],
)
def test_allow_private_keeps_metadata_and_odd_ranges_closed(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address), allow_private=True) is not None


# --- checking URLs up front --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/a.png", "scheme must be http or https, not 'ftp'"),
        ("file:///etc/passwd", "scheme must be http or https, not 'file'"),
        ("gopher://example.com/", "not 'gopher'"),
        ("example.com/a.png", "not 'none'"),
        ("http:///path", "no host"),
        ("https://user:secret@example.com/", "user name or password"),
        ("https://user@example.com/", "user name or password"),
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://[::1]:8000/", "is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "is a link-local address"),
        ("http://10.1.2.3/", "is a private address"),
        ("http://0.0.0.0:8000/", "is an unspecified address"),
    ],
)
def test_check_url_refuses(url: str, message: str) -> None:
    with pytest.raises(UnsafeUrl, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_url(url, allow_private=False)


def test_check_url_leaves_names_to_the_resolver(dns: dict[str, list[str]]) -> None:
    check_url("https://example.com/a.png", allow_private=False)
    assert dns["_lookups"] == []


def test_check_url_with_allow_private() -> None:
    check_url("http://127.0.0.1:8000/hook", allow_private=True)
    with pytest.raises(UnsafeUrl, match="link-local"):
        check_url("http://169.254.169.254/", allow_private=True)


async def test_check_url_resolves_passes_a_public_name(dns: dict[str, list[str]]) -> None:
    dns["example.com"] = ["93.184.216.34", "2606:2800:220:1::1"]
    await check_url_resolves("https://example.com/hook", allow_private=False)
    assert dns["_lookups"] == ["example.com"]


async def test_check_url_resolves_refuses_if_any_address_is_private(
    dns: dict[str, list[str]],
) -> None:
    dns["mixed.example"] = ["93.184.216.34", "10.0.0.5"]
    with pytest.raises(UnsafeUrl, match=r"mixed.example resolves to a private address 10\.0\.0\.5"):
        await check_url_resolves("https://mixed.example/hook", allow_private=False)


async def test_check_url_resolves_unknown_name(dns: dict[str, list[str]]) -> None:
    with pytest.raises(UnsafeUrl, match="does not resolve"):
        await check_url_resolves("https://nowhere.example/", allow_private=False)


async def test_the_real_resolver_sees_localhost_as_loopback() -> None:
    with pytest.raises(UnsafeUrl, match="localhost resolves to a loopback address"):
        await check_url_resolves("http://localhost/", allow_private=False)


async def test_the_real_resolver_reads_odd_ipv4_spellings() -> None:
    # 2130706433 is 127.0.0.1 to inet_aton; the resolver's answer is what gets checked
    with pytest.raises(UnsafeUrl, match="loopback"):
        await check_url_resolves("http://2130706433/", allow_private=False)


# --- the client --------------------------------------------------------------------------------


async def test_loopback_is_refused_without_connecting(server: Server) -> None:
    async with safe_client(allow_private=False) as client:
        with pytest.raises(UnsafeUrl, match=r"127\.0\.0\.1 is a loopback address"):
            await client.get(f"{server.url}/ok")
    assert server.requests == []


async def test_loopback_is_allowed_with_allow_private(server: Server) -> None:
    async with safe_client(allow_private=True) as client:
        response = await client.get(f"{server.url}/ok")
    assert response.status_code == 200
    assert response.text == "hello"
    assert server.requests == ["/ok"]


async def test_a_name_resolving_to_loopback_is_refused_at_connect(
    server: Server, dns: dict[str, list[str]]
) -> None:
    dns["evil.example"] = ["127.0.0.1"]
    async with safe_client(allow_private=False) as client:
        with pytest.raises(UnsafeUrl, match=r"evil.example resolves to a loopback address 127"):
            await client.get(f"http://evil.example:{server.port}/ok")
    assert server.requests == []


async def test_localhost_is_refused_at_connect(server: Server) -> None:
    async with safe_client(allow_private=False) as client:
        with pytest.raises(UnsafeUrl, match="localhost resolves to a loopback address"):
            await client.get(f"http://localhost:{server.port}/ok")
    assert server.requests == []


async def test_dns_rebinding_is_caught_at_connect(
    server: Server, dns: dict[str, list[str]]
) -> None:
    dns["rebind.example"] = ["93.184.216.34"]
    await check_url_resolves("http://rebind.example/", allow_private=False)  # registration: fine
    dns["rebind.example"] = ["127.0.0.1"]  # the name now points inside
    async with safe_client(allow_private=False) as client:
        with pytest.raises(UnsafeUrl, match="loopback"):
            await client.get(f"http://rebind.example:{server.port}/ok")
    assert server.requests == []


async def test_the_connection_goes_to_the_checked_address_with_the_original_host(
    server: Server, dns: dict[str, list[str]]
) -> None:
    dns["pins.example"] = ["127.0.0.1"]
    async with safe_client(allow_private=True) as client:
        response = await client.get(f"http://pins.example:{server.port}/host")
    assert response.text == f"pins.example:{server.port}"
    assert dns["_lookups"] == ["pins.example"]  # resolved once, by us


async def test_a_redirect_to_a_forbidden_address_is_refused(server: Server) -> None:
    target = "http://169.254.169.254/latest/meta-data/"
    async with safe_client(allow_private=True, follow_redirects=True) as client:
        with pytest.raises(UnsafeUrl, match=r"169\.254\.169\.254 is a link-local address"):
            await client.get(f"{server.url}/redirect", params={"to": target})
    assert server.requests == ["/redirect?to=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F"]


async def test_a_redirect_to_a_name_resolving_inside_is_refused(
    server: Server, dns: dict[str, list[str]]
) -> None:
    dns["metadata.example"] = ["169.254.169.254"]
    async with safe_client(allow_private=True, follow_redirects=True) as client:
        with pytest.raises(UnsafeUrl, match=r"metadata\.example resolves to a link-local address"):
            await client.get(f"{server.url}/redirect", params={"to": "http://metadata.example/"})


async def test_a_redirect_to_another_scheme_is_refused(server: Server) -> None:
    async with safe_client(allow_private=True, follow_redirects=True) as client:
        with pytest.raises(UnsafeUrl, match="not 'file'"):
            await client.get(f"{server.url}/redirect", params={"to": "file:///etc/passwd"})


async def test_an_allowed_redirect_is_followed(server: Server) -> None:
    async with safe_client(allow_private=True, follow_redirects=True) as client:
        response = await client.get(f"{server.url}/redirect", params={"to": f"{server.url}/ok"})
    assert response.text == "hello"
    assert len(server.requests) == 2


async def test_without_following_the_redirect_comes_back_untouched(server: Server) -> None:
    target = "http://169.254.169.254/"
    async with safe_client(allow_private=True, follow_redirects=False) as client:
        response = await client.get(f"{server.url}/redirect", params={"to": target})
    assert response.status_code == 302
    assert response.headers["location"] == target
    assert len(server.requests) == 1


async def test_userinfo_is_refused_by_the_client(server: Server) -> None:
    async with safe_client(allow_private=True) as client:
        with pytest.raises(UnsafeUrl, match="user name or password"):
            await client.get(f"http://user:pw@127.0.0.1:{server.port}/ok")
    assert server.requests == []


async def test_a_declared_length_over_the_cap_is_refused(server: Server) -> None:
    async with safe_client(allow_private=True, max_bytes=1000) as client:
        assert len((await client.get(f"{server.url}/big?n=1000")).content) == 1000
        with pytest.raises(ResponseTooLarge, match="larger than 1000 bytes"):
            await client.get(f"{server.url}/big?n=1001")


async def test_an_undeclared_length_over_the_cap_is_cut(server: Server) -> None:
    async with safe_client(allow_private=True, max_bytes=1000) as client:
        assert len((await client.get(f"{server.url}/unsized?n=1000")).content) == 1000
        with pytest.raises(ResponseTooLarge):
            await client.get(f"{server.url}/unsized?n=50000")
        async with client.stream("GET", f"{server.url}/unsized?n=50000") as response:
            with pytest.raises(ResponseTooLarge):
                await response.aread()


@pytest.mark.parametrize("path", sorted(BOMBS))
async def test_a_compression_bomb_is_cut(server: Server, path: str) -> None:
    assert len(BOMBS[path][0]) < 10_000
    async with safe_client(allow_private=True, max_bytes=100_000) as client:
        with pytest.raises(ResponseTooLarge):
            await client.get(f"{server.url}{path}")
    async with safe_client(allow_private=True, max_bytes=2_000_000) as client:
        response = await client.get(f"{server.url}{path}")
    assert response.content == b"\0" * 1_000_000


async def test_the_next_address_is_tried_when_one_refuses(
    server: Server, dns: dict[str, list[str]]
) -> None:
    dns["two.example"] = ["127.0.0.2", "127.0.0.1"]  # the server listens on 127.0.0.1 only
    async with safe_client(allow_private=True) as client:
        response = await client.get(f"http://two.example:{server.port}/ok")
    assert response.text == "hello"


async def test_a_transport_failure_is_httpx_own_error(dns: dict[str, list[str]]) -> None:
    dns["closed.example"] = ["127.0.0.2"]
    async with safe_client(allow_private=True) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("http://closed.example:9/")


async def test_the_whole_exchange_has_a_deadline(server: Server) -> None:
    # bytes keep coming, so no single read times out: only the total limit stops it
    async with safe_client(allow_private=True, timeout=0.5) as client:
        with pytest.raises(TotalTimeout, match=r"longer than 0\.5 seconds"):
            await client.get(f"{server.url}/drip")
    assert issubclass(TotalTimeout, httpx.TimeoutException)


async def test_fetch_bytes(server: Server) -> None:
    async with safe_client(allow_private=True) as client:
        body, content_type = await fetch_bytes(client, f"{server.url}/ok")
        assert (body, content_type) == (b"hello", "text/plain")
        with pytest.raises(ResponseTooLarge, match="larger than 100 bytes"):
            await fetch_bytes(client, f"{server.url}/big?n=101", max_bytes=100)
        with pytest.raises(ResponseTooLarge):
            await fetch_bytes(client, f"{server.url}/unsized?n=101", max_bytes=100)
        with pytest.raises(ResponseTooLarge):
            await fetch_bytes(client, f"{server.url}/bomb", max_bytes=100_000)
        with pytest.raises(httpx.HTTPStatusError):
            await fetch_bytes(client, f"{server.url}/missing")
        with pytest.raises(UnsafeUrl, match="not 'ftp'"):
            await fetch_bytes(client, "ftp://example.com/a.png")


async def test_fetch_bytes_refuses_loopback(server: Server) -> None:
    async with safe_client(allow_private=False) as client:
        with pytest.raises(UnsafeUrl):
            await fetch_bytes(client, f"{server.url}/ok")
    assert server.requests == []
