"""A real HTTP server on loopback that serves what a pin's ``imageURL`` may point at: a photo,
a redirect, an error status, a page that is not an image, a decompression bomb."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests import loopback
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


def _handler(server: PhotoServer) -> type[loopback.Handler]:
    class Handler(loopback.Handler):
        def do_GET(self) -> None:
            server.requests.append(self.path)
            path, query = self.route()
            if path.startswith("/photos/"):
                photo = PHOTOS / path.removeprefix("/photos/")
                if photo.is_file() and photo.parent == PHOTOS:
                    self.send(200, photo.read_bytes(), {"Content-Type": "image/jpeg"})
                else:
                    self.send(404, b"")
            elif path == "/redirect":
                self.send(302, b"", {"Location": query["to"]})
            elif path == "/status":
                self.send(int(query["code"]), b"nope", {"Content-Type": "text/plain"})
            elif path == "/page.html":
                self.send(
                    200, b"<html><body>not a photo</body></html>", {"Content-Type": "text/html"}
                )
            elif path == "/bytes":
                self.send(200, b"\xff" * int(query["n"]), {"Content-Type": "image/jpeg"})
            elif path == "/bomb.png":
                self.send(200, BOMB, {"Content-Type": "image/png"})
            elif path == "/slow":  # headers, then a byte now and then until released
                self.drip(server.release, 0.05)
            else:
                self.send(404, b"")

    return Handler


@contextmanager
def serving() -> Iterator[PhotoServer]:
    info = PhotoServer(url="")
    with loopback.serving(_handler(info), info.release) as url:
        info.url = url
        yield info
