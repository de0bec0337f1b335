"""What a render did, layer by layer: tests and previews check it, a person can read it.

A layer is either drawn, with the box its pixels occupy, or skipped with the reason; a layer is
never silently missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from pinsmith.render.palette import RGB

Bounds = tuple[int, int, int, int]  # left, top, right, bottom in canvas pixels (right exclusive)


@dataclass(frozen=True)
class TextDetails:
    text: str  # as drawn: placeholders filled, uppercased, cut with an ellipsis if it had to be
    lines: list[str]
    size: int
    colour: RGB
    contrast: float  # the worst WCAG ratio against what lies behind the text
    truncated: bool


@dataclass(frozen=True)
class LayerReport:
    index: int
    kind: str
    name: str | None
    drawn: bool
    bounds: Bounds | None = None  # where it drew, clipped to the canvas
    skipped_because: str | None = None
    text: TextDetails | None = None


@dataclass
class Rendered:
    image: Image.Image  # RGB, the template's size
    layers: list[LayerReport] = field(default_factory=list)

    def layer(self, name: str) -> LayerReport:
        for report in self.layers:
            if report.name == name:
                return report
        raise KeyError(name)
