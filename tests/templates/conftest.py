from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.templates.photo_server import PhotoServer, serving


@pytest.fixture(scope="module")
def photo_server() -> Iterator[PhotoServer]:
    with serving() as server:
        yield server


@pytest.fixture(autouse=True)
def _forget_requests(photo_server: PhotoServer) -> None:
    photo_server.requests.clear()
