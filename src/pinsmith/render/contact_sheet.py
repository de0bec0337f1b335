"""The contact sheet: every built-in template side by side, each filled with a real photo and
realistic text, so a person can choose one at a glance (``docs/templates.png``).

The sample pins vary on purpose (short and ~90-character titles, light and dark colours), since
a template that only looks right with a 20-character title is not one a person can rely on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pinsmith.render import fonts
from pinsmith.render.builtin import BUILTIN_NAMES, builtin_template
from pinsmith.render.engine import render
from pinsmith.render.fields import PinFields

CELL = (280, 420)  # a 1000x1500 pin at 28%: the whole sheet stays a PNG of about 2 MB
COLUMNS = 5
GAP = 24
LABEL_HEIGHT = 40
LABEL_FONT = ("inter", 600, 19)
BACKGROUND = (243, 243, 245)
LABEL_COLOUR = (32, 32, 38)
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class SamplePin:
    title: str
    description: str
    url_text: str
    colour: str


# In the order of the sample photos (astronaut, cat, coffee, galaxies, rocket), cycled.
SAMPLES = (
    SamplePin(
        "What Astronauts Eat in Space: 12 Surprising Facts About Life Aboard the Space Station",
        "Freeze-dried shrimp cocktail, tortillas instead of bread and hot sauce on everything.",
        "orbitkitchen.blog",
        "#1f6feb",
    ),
    SamplePin(
        "Cat Care 101",
        "Food, play and vet visits: the basics every new cat owner should know.",
        "whiskersweekly.com",
        "#e76f51",
    ),
    SamplePin(
        "The Ultimate Cold Brew Coffee Recipe",
        "Smoother, stronger and cheaper than the café: all you need is a jar and a night.",
        "brewathome.co",
        "#6f4518",
    ),
    SamplePin(
        "Stargazing for Beginners: How to Find Galaxies, Nebulae and Star Clusters With Binoculars",
        "No telescope needed: a dark sky, a star chart and twenty minutes.",
        "darkskyguide.org",
        "#3a0ca3",
    ),
    SamplePin(
        "Watch a Rocket Launch Up Close",
        "The best viewing spots, launch schedules and what to pack for the day.",
        "launchday.net",
        "#d62828",
    ),
    SamplePin(
        "Careers in Space Science",
        "Engineers, doctors, geologists: the many paths that lead to a mission.",
        "futurecrew.org",
        "#2a9d8f",
    ),
    SamplePin(
        "15 Clever Ways to Keep Your Indoor Cat Happy, Healthy and Entertained All Year Round",
        "Window perches, puzzle feeders and five-minute play sessions that work.",
        "whiskersweekly.com",
        "#f4a261",
    ),
    SamplePin(
        "Latte Art at Home",
        "Pour a heart, a tulip and a rosetta with any espresso machine.",
        "brewathome.co",
        "#8d6e63",
    ),
    SamplePin(
        "Your Night Sky Calendar for the Year",
        "Meteor showers, eclipses and planets to watch for, month by month.",
        "darkskyguide.org",
        "#264653",
    ),
    SamplePin(
        "DIY Bottle Rockets: A Weekend Science Project the Whole Family Will Love to Launch",
        "A soda bottle, a cork and a bike pump: step-by-step with photos.",
        "makerkids.club",
        "#ff6b6b",
    ),
    SamplePin(
        "Portrait Photography Tips",
        "Light, angle and a relaxed subject make the difference.",
        "framedwell.com",
        "#5e60ce",
    ),
    SamplePin(
        "Why Do Cats Knead?",
        "The science behind making biscuits, explained by a vet.",
        "whiskersweekly.com",
        "#ffb703",
    ),
    SamplePin(
        "A Slow Sunday Morning Coffee Ritual",
        "Grind, bloom, pour and breathe: ten quiet minutes to start the day.",
        "brewathome.co",
        "#7f5539",
    ),
    SamplePin(
        "Deep Space Wallpapers",
        "Free phone and desktop backgrounds from the Hubble archive.",
        "darkskyguide.org",
        "#118ab2",
    ),
    SamplePin(
        "How Reusable Rockets Are Changing Spaceflight, Explained Simply for Curious Minds",
        "Landing legs, grid fins and why the booster comes back.",
        "launchday.net",
        "#ef476f",
    ),
)


@dataclass(frozen=True)
class SheetLayout:
    """Where each cell and its label sit: a grid of ``columns``, a gap around every cell."""

    count: int
    columns: int = COLUMNS
    cell: tuple[int, int] = CELL
    gap: int = GAP
    label_height: int = LABEL_HEIGHT

    @property
    def rows(self) -> int:
        return -(-self.count // self.columns)

    @property
    def size(self) -> tuple[int, int]:
        width = self.columns * self.cell[0] + (self.columns + 1) * self.gap
        height = self.rows * (self.cell[1] + self.label_height) + (self.rows + 1) * self.gap
        return width, height

    def cell_box(self, index: int) -> Box:
        row, column = divmod(index, self.columns)
        left = self.gap + column * (self.cell[0] + self.gap)
        top = self.gap + row * (self.cell[1] + self.label_height + self.gap)
        return left, top, left + self.cell[0], top + self.cell[1]

    def label_box(self, index: int) -> Box:
        left, _, right, bottom = self.cell_box(index)
        return left, bottom, right, bottom + self.label_height


def photos_in(folder: Path) -> list[Path]:
    """The photos directly in ``folder``, by name (so the sheet comes out the same each time)."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() in PHOTO_SUFFIXES and path.is_file()
    )


def sample_photo_folder(project_root: Path) -> Path | None:
    """The shared sample photos beside the project (``../shared/data/photos``), else the test
    fixtures, which every clone has."""
    for folder in (
        project_root.parent / "shared" / "data" / "photos",
        project_root / "tests" / "fixtures" / "photos",
    ):
        if photos_in(folder):
            return folder
    return None


def project_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds pinsmith's ``pyproject.toml``."""
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "src" / "pinsmith").is_dir():
            return folder
    return None


def _label_font(name: str, width: int) -> ImageFont.FreeTypeFont:
    """The label's font, a little smaller for a name too long for the cell
    (SquareTextWithLandscapeImage)."""
    family, weight, size = LABEL_FONT
    font = fonts.load(family, weight, size)
    while size > 10 and font.getlength(name) > width - 8:
        size -= 1
        font = fonts.load(family, weight, size)
    return font


def build_contact_sheet(
    photos: Sequence[bytes], *, layout: SheetLayout | None = None
) -> Image.Image:
    """Every built-in template rendered with a sample pin (photos cycled), scaled into a grid
    and labelled with its name. ``PhotoError`` if a photo cannot be read."""
    layout = layout or SheetLayout(len(BUILTIN_NAMES))
    sheet = Image.new("RGB", layout.size, BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for index, name in enumerate(BUILTIN_NAMES[: layout.count]):
        spec = builtin_template(name)
        assert spec is not None  # a built-in name
        sample = SAMPLES[index % len(SAMPLES)]
        fields = PinFields(sample.title, sample.description, sample.url_text)
        photo = photos[index % len(photos)] if photos else None
        pin = render(spec, fields, photo, colour=sample.colour).image
        left, top, right, bottom = layout.cell_box(index)
        sheet.paste(
            pin.resize((right - left, bottom - top), Image.Resampling.LANCZOS, reducing_gap=3.0),
            (left, top),
        )
        label_left, label_top, label_right, label_bottom = layout.label_box(index)
        draw.text(
            ((label_left + label_right) / 2, (label_top + label_bottom) / 2),
            name,
            font=_label_font(name, label_right - label_left),
            fill=LABEL_COLOUR,
            anchor="mm",
        )
    return sheet
