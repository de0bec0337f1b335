from __future__ import annotations

from pydantic import Field

from pinsmith.kit.schemas import Output


class UploadedImage(Output):
    """PinFlow's answer to an upload: only the URL, to be sent back as a pin's ``media_url``."""

    url: str = Field(
        description="Where the image is served; use it as `media_url` when creating a pin.",
        examples=["https://pins.example.com/media/uploads/3f2a9c0d5e7b41a8b6c4d2e0f1a3b5c7.jpg"],
    )
