"""A real HTTP server on loopback, for tests of code that fetches URLs: each test module routes
its own paths in a ``Handler`` subclass; sending, dripping and starting and stopping are here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def route(self) -> tuple[str, dict[str, str]]:
        """The request's path and its query, one value per name."""
        parts = urlsplit(self.path)
        return parts.path, {key: values[0] for key, values in parse_qs(parts.query).items()}

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def drip(self, release: threading.Event, interval: float) -> None:
        """Headers, then a byte every ``interval`` seconds until ``release`` is set."""
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        while not release.wait(interval):
            try:
                self.wfile.write(b"x")
                self.wfile.flush()
            except OSError:
                return


@contextmanager
def serving(handler: type[Handler], release: threading.Event) -> Iterator[str]:
    """The server's base URL while the block runs; ``release`` ends any drip before it stops."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()
