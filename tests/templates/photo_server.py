"""A real HTTP server on loopback that serves what a pin's ``imageURL`` may point at: a photo,
a redirect, an error status, a page that is not an image, a decompression bomb."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.media import samples

PHOTOS = Path(__file__).parent.parent / "fixtures" / "photos"
BOMB = samples.png_bomb(8000, 8000)  # a few KB that would decode to 64 megapixels


@dataclass
class PhotoServer:
    url: str
    requests: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def photo(self, name: str = "cat") -> str:
        return f"{self.url}/photos/{name}.jpg"


def _handler(server: PhotoServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            server.requests.append(self.path)
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            if parts.path.startswith("/photos/"):
                photo = PHOTOS / parts.path.removeprefix("/photos/")
                if photo.is_file() and photo.parent == PHOTOS:
                    self._send(200, photo.read_bytes(), {"Content-Type": "image/jpeg"})
                else:
                    self._send(404, b"")
            elif parts.path == "/redirect":
                self._send(302, b"", {"Location": query["to"]})
            elif parts.path == "/status":
                self._send(int(query["code"]), b"nope", {"Content-Type": "text/plain"})
            elif parts.path == "/page.html":
                self._send(
                    200, b"<html><body>not a photo</body></html>", {"Content-Type": "text/html"}
                )
            elif parts.path == "/bytes":
                self._send(200, b"\xff" * int(query["n"]), {"Content-Type": "image/jpeg"})
            elif parts.path == "/bomb.png":
                self._send(200, BOMB, {"Content-Type": "image/png"})
            elif parts.path == "/slow":  # headers, then a byte now and then until released
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                while not server.release.wait(0.05):
                    try:
                        self.wfile.write(b"x")
                        self.wfile.flush()
                    except OSError:
                        return
            else:
                self._send(404, b"")

    return Handler


@contextmanager
def serving() -> Iterator[PhotoServer]:
    info = PhotoServer(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(info))
    httpd.daemon_threads = True
    info.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield info
    finally:
        info.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()
