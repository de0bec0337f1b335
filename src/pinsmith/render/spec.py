"""A pin template as data: a canvas and an ordered list of layers, painted back to front.

Built-in templates and users' custom templates are both instances of ``TemplateSpec``; a custom
template arrives as JSON, so every limit a renderer relies on (sizes, counts, ranges) is checked
here, and a bad layer is refused with a path that names it (``layers.3.size.min``).

Coordinates are canvas pixels from the top-left corner. Colours are ``"#rrggbb"``,
``"#rrggbbaa"`` or the name of a palette role (see ``palette.py``), so one template follows
whatever ``color`` a pin asks for.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from pinsmith.render.palette import ROLES

MAX_CANVAS_SIDE = 3000
MAX_LAYERS = 60
MAX_TEXT = 2000
FONT_WEIGHTS = (100, 200, 300, 400, 500, 600, 700, 800, 900)

_HEX = re.compile(r"^#?(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _colour(value: str) -> str:
    if value in ROLES:
        return value
    if _HEX.match(value):
        return value.lower() if value.startswith("#") else f"#{value.lower()}"
    raise ValueError(f"must be a hex colour like #1f6feb or a palette role ({', '.join(ROLES)})")


def _text_colour(value: str) -> str:
    return value if value == "auto" else _colour(value)


def _seed_colour(value: str) -> str:
    if value in ROLES:
        raise ValueError("must be a hex colour like #1f6feb (it seeds the palette)")
    return _colour(value)


Colour = Annotated[
    str, Field(max_length=20, examples=["#1f6feb", "primary"]), AfterValidator(_colour)
]
TextColour = Annotated[
    str,
    Field(max_length=20, description="'auto' picks the most readable palette colour"),
    AfterValidator(_text_colour),
]
SeedColour = Annotated[str, Field(max_length=9), AfterValidator(_seed_colour)]
Opacity = Annotated[float, Field(ge=0, le=1)]
Coordinate = Annotated[float, Field(ge=-MAX_CANVAS_SIDE, le=2 * MAX_CANVAS_SIDE)]
Length = Annotated[float, Field(gt=0, le=2 * MAX_CANVAS_SIDE)]


class Box(Spec):
    """Where a layer sits; it may reach past the canvas edge (what lies outside is cut off)."""

    x: Coordinate
    y: Coordinate
    width: Length
    height: Length


class Gradient(Spec):
    """A linear gradient from ``start`` to ``end``; ``angle`` 0 runs top to bottom, 90 left to
    right."""

    start: Colour
    end: Colour
    angle: Annotated[float, Field(ge=0, lt=360)] = 0


Paint = Colour | Gradient


class Stroke(Spec):
    width: Annotated[int, Field(ge=1, le=40)]
    colour: Colour = "ink"


class Shadow(Spec):
    dx: Annotated[int, Field(ge=-50, le=50)] = 0
    dy: Annotated[int, Field(ge=-50, le=50)] = 4
    blur: Annotated[int, Field(ge=0, le=40)] = 6
    colour: Colour = "#00000099"


class Pill(Spec):
    """A rounded background drawn behind each line (``per_line``) or behind the whole block."""

    colour: Colour = "primary"
    padding_x: Annotated[int, Field(ge=0, le=200)] = 24
    padding_y: Annotated[int, Field(ge=0, le=200)] = 12
    radius: Annotated[int, Field(ge=0, le=500)] = 18
    per_line: bool = False


class SizeRange(Spec):
    """Auto-fit: the largest size in ``min``..``max`` at which the text fits the box in at most
    ``max_lines`` lines; at ``min`` what still does not fit is cut with an ellipsis."""

    min: Annotated[int, Field(ge=6, le=600)]
    max: Annotated[int, Field(ge=6, le=600)]

    @model_validator(mode="after")
    def _ordered(self) -> SizeRange:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) must not be larger than max ({self.max})")
        return self


Visibility = Literal["always", "with_image", "without_image"]


class LayerBase(Spec):
    name: Annotated[str, Field(max_length=60)] | None = None
    box: Box
    opacity: Opacity = 1
    visible: Visibility = Field(
        default="always", description="Templates that work with and without a photo say which"
    )


class ImageLayer(LayerBase):
    """The pin's photo (``imageURL``). ``cover`` fills the box and crops around ``focal``;
    ``contain`` shows all of it. Without a photo the layer is not drawn."""

    kind: Literal["image"]
    fit: Literal["cover", "contain"] = "cover"
    focal_x: Opacity = 0.5
    focal_y: Opacity = 0.5
    shape: Literal["rectangle", "rounded", "circle"] = "rectangle"
    radius: Annotated[int, Field(ge=0, le=1000)] = 0
    frame: Stroke | None = None
    tint: Colour | None = None
    tint_opacity: Opacity = 0.0


ShapeKind = Literal["rectangle", "rounded", "ellipse", "wave", "blob", "band"]


class ShapeLayer(LayerBase):
    """A filled shape. ``wave`` fills the box below (or above, ``edge="bottom"``) a sine edge;
    ``blob`` is an organic closed curve from ``seed``; ``band`` is a rectangle turned by
    ``angle`` degrees around its centre."""

    kind: Literal["shape"]
    shape: ShapeKind
    fill: Paint = "primary"
    radius: Annotated[int, Field(ge=0, le=1000)] = 0
    amplitude: Annotated[float, Field(ge=0, le=500)] = 40
    waves: Annotated[float, Field(gt=0, le=20)] = 1.5
    phase: Annotated[float, Field(ge=0, le=1)] = 0
    edge: Literal["top", "bottom"] = "top"
    seed: Annotated[int, Field(ge=0, le=2**31)] = 1
    angle: Annotated[float, Field(gt=-90, lt=90)] = 0
    outline: Stroke | None = None


class TextLayer(LayerBase):
    """Text bound to the pin's fields: ``{title}``, ``{description}``, ``{urlText}`` and
    ``{custom1}``..``{custom100}``, mixed with literal words if wanted. A layer whose text names
    an empty built-in field is hidden; a ``{customN}`` with no value stays as written."""

    kind: Literal["text"]
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    font: Annotated[str, Field(max_length=60)] = "montserrat"
    weight: Annotated[int, Field(ge=100, le=900, multiple_of=100)] = 700
    colour: TextColour = "auto"
    size: SizeRange = SizeRange(min=28, max=96)
    max_lines: Annotated[int, Field(ge=1, le=40)] = 4
    line_height: Annotated[float, Field(ge=0.7, le=3)] = 1.15
    letter_spacing: Annotated[float, Field(ge=-0.2, le=1)] = 0
    align: Literal["left", "center", "right"] = "center"
    valign: Literal["top", "middle", "bottom"] = "middle"
    uppercase: bool = False
    stroke: Stroke | None = None
    shadow: Shadow | None = None
    pill: Pill | None = None

    @field_validator("font")
    @classmethod
    def _known_font(cls, value: str) -> str:
        from pinsmith.render.fonts import FAMILIES, family_key

        key = family_key(value)
        if key not in FAMILIES:
            raise ValueError(f"unknown font {value!r}; the fonts are {', '.join(FAMILIES)}")
        return key


Layer = Annotated[ImageLayer | ShapeLayer | TextLayer, Field(discriminator="kind")]


class TemplateSpec(Spec):
    """A whole template. ``colour`` is the palette's seed when a pin does not name one."""

    width: Annotated[int, Field(ge=100, le=MAX_CANVAS_SIDE)] = 1000
    height: Annotated[int, Field(ge=100, le=MAX_CANVAS_SIDE)] = 1500
    background: Paint = "background"
    colour: SeedColour = "#1f6feb"
    layers: Annotated[list[Layer], Field(min_length=1, max_length=MAX_LAYERS)]
