"""Pin images from templates: a library with no database and no web server.

A template (``TemplateSpec``) is data; ``render`` paints one pin from it, the pin's text fields
(``PinFields``) and an optional photo. Domains call this; it calls nothing of theirs.
"""

from pinsmith.render.builtin import (
    BUILTIN_INFO,
    BUILTIN_NAMES,
    RANDOM_TEMPLATE,
    BuiltinInfo,
    builtin_template,
)
from pinsmith.render.engine import largest_photo_box, render, render_jpeg
from pinsmith.render.fields import PinFields
from pinsmith.render.report import LayerReport, Rendered, TextDetails
from pinsmith.render.source import PhotoError, PhotoTooLarge, UnreadablePhoto, open_photo
from pinsmith.render.spec import TemplateSpec

__all__ = [
    "BUILTIN_INFO",
    "BUILTIN_NAMES",
    "RANDOM_TEMPLATE",
    "BuiltinInfo",
    "LayerReport",
    "PhotoError",
    "PhotoTooLarge",
    "PinFields",
    "Rendered",
    "TemplateSpec",
    "TextDetails",
    "UnreadablePhoto",
    "builtin_template",
    "largest_photo_box",
    "open_photo",
    "render",
    "render_jpeg",
]
