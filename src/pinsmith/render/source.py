"""A pin's photo from its bytes: checked before it is decoded, decoded no larger than needed.

Photos come from strangers' URLs, so the header is read with a fixed set of decoders and the
pixel count is refused before any decoding (a 50 KB PNG can declare 100,000 x 100,000 pixels). A
large JPEG is decoded at 1/2, 1/4 or 1/8 scale by the decoder itself (``draft``) when the layer
that shows it needs no more: the biggest single saving in a render.
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageCms, ImageOps

MAX_PIXELS = 40_000_000
# What a photo may be, by content: the formats people and blogs actually serve.
PHOTO_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "AVIF", "BMP", "TIFF")
_ORIENTATION_TAG = 0x0112
_SWAPS_SIDES = frozenset({5, 6, 7, 8})  # EXIF orientations that turn the image by 90 degrees
_TURNED = frozenset(range(2, 9))  # every orientation but "as stored"


class PhotoError(Exception):
    """The photo cannot be used; the message says why, for the person who sent it."""


class UnreadablePhoto(PhotoError):
    pass


class PhotoTooLarge(PhotoError):
    def __init__(self, width: int | None, height: int | None, limit: int) -> None:
        size = f"{width}x{height} ({width * height:,} pixels)" if width and height else "too big"
        megapixels = limit // 1_000_000
        super().__init__(f"the image is {size}, over the {megapixels}-megapixel limit")
        self.limit = limit


def open_photo(
    data: bytes, *, max_pixels: int = MAX_PIXELS, at_least: tuple[int, int] | None = None
) -> Image.Image:
    """The first frame, upright, as RGB (RGBA when it has transparency).

    ``at_least`` (width, height, as shown upright) lets a JPEG decode at a reduced scale that is
    still at least that big.
    """
    # No ``with``: the bytes are in memory, and the photo returned may be this very image.
    try:
        image = Image.open(BytesIO(data), formats=PHOTO_FORMATS)
    except Image.DecompressionBombError:
        raise PhotoTooLarge(None, None, max_pixels) from None
    except Exception:  # any parser failure on untrusted bytes means "not an image we take"
        raise UnreadablePhoto(_not_an_image()) from None
    width, height = image.size
    if width * height > max_pixels:
        raise PhotoTooLarge(width, height, max_pixels)
    orientation = image.getexif().get(_ORIENTATION_TAG)
    if at_least is not None and image.format == "JPEG":
        wanted = at_least[::-1] if orientation in _SWAPS_SIDES else at_least
        _draft_cover(image, wanted)
    try:
        image.load()
    except Image.DecompressionBombError:
        raise PhotoTooLarge(width, height, max_pixels) from None
    except Exception:  # truncated or corrupt: whichever error the decoder raises
        raise UnreadablePhoto("the image data is damaged or incomplete") from None
    return _normalised(image, orientation)


def cmyk_to_rgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Through the embedded profile when there is one: a plain conversion shifts the colours."""
    if icc_profile:
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(BytesIO(icc_profile)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # a broken profile: the plain conversion below
        if converted is not None:
            return converted
    return image.convert("RGB")


def _draft_cover(image: Image.Image, wanted: tuple[int, int]) -> None:
    """Ask the JPEG decoder for the smallest scale that still covers ``wanted``.

    ``draft`` keeps both sides at least the requested size; the request is the size that covers
    the layer at the photo's own aspect ratio.
    """
    width, height = image.size
    scale = max(wanted[0] / width, wanted[1] / height)
    if scale < 0.5:
        image.draft("RGB", (max(1, round(width * scale)), max(1, round(height * scale))))


def _normalised(image: Image.Image, orientation: int | None) -> Image.Image:
    """Upright and RGB(A), copying the pixels only for a step that is needed: each copy of a
    large photo costs milliseconds."""
    transparent = image.has_transparency_data
    icc_profile = image.info.get("icc_profile")
    frame: Image.Image = image
    if orientation in _TURNED:
        frame = ImageOps.exif_transpose(image)
    if frame.mode == "CMYK":
        frame = cmyk_to_rgb(frame, icc_profile)
    wanted = "RGBA" if transparent else "RGB"
    return frame if frame.mode == wanted else frame.convert(wanted)


def _not_an_image() -> str:
    return f"the data is not an image of a supported type ({', '.join(PHOTO_FORMATS)})"
