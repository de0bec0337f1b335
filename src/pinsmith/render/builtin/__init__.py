"""The 15 built-in templates, with the names and styles Pin Generator documents.

Each is a JSON file beside this module, a ``TemplateSpec`` like any custom template: a user can
fetch one (``GET /templates/StandardTemplate``), change it and save it as their own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pinsmith.render.spec import TemplateSpec

RANDOM_TEMPLATE = "RandomTemplate"


@dataclass(frozen=True)
class BuiltinInfo:
    name: str
    friendly_name: str
    style: str


BUILTIN_INFO = (
    BuiltinInfo("CenterWave", "Center wave", "Wavey"),
    BuiltinInfo("TextBlob", "Text blob", "Wavey"),
    BuiltinInfo("WaveySplit", "Wavey split", "Wavey"),
    BuiltinInfo("ColorBlobs", "Color blobs", "Wavey"),
    BuiltinInfo("SquareTextWithLandscapeImage", "Big text with landscape image", "Square"),
    BuiltinInfo("TextOverlay", "Text overlay", "Square"),
    BuiltinInfo("TextSideRight", "Text side right", "Square"),
    BuiltinInfo("BigTopText", "Big top text", "Square"),
    BuiltinInfo("StandardTemplate", "Standard", "Standard"),
    BuiltinInfo("LandscapeFriendly", "Landscape friendly", "Standard"),
    BuiltinInfo("FullImageWithBanner", "Full image with banner", "Standard"),
    BuiltinInfo("PortraitFriendly", "Portrait friendly", "Standard"),
    BuiltinInfo("ImageOnly", "Image only", "Standard"),
    BuiltinInfo("BlankWithFrame", "Image only with frame", "Standard"),
    BuiltinInfo("CircleImageWithBanner", "Circle image with banner", "Standard"),
)
BUILTIN_NAMES = tuple(info.name for info in BUILTIN_INFO)


def builtin_template(name: str, *, chance: random.Random | None = None) -> TemplateSpec | None:
    """The built-in called ``name`` (exactly, as Pin Generator spells it), one picked at random
    for ``RandomTemplate``, or None."""
    if name == RANDOM_TEMPLATE:
        name = (chance or random).choice(BUILTIN_NAMES)
    if name not in BUILTIN_NAMES:
        return None
    return _load(name)


@cache
def _load(name: str) -> TemplateSpec:
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return TemplateSpec.model_validate_json(text)
