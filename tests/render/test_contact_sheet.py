"""The contact sheet: every built-in template, each in its cell with its name under it."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageStat

from pinsmith.render import BUILTIN_NAMES
from pinsmith.render.contact_sheet import (
    BACKGROUND,
    SAMPLES,
    SheetLayout,
    build_contact_sheet,
    photos_in,
    project_root,
    sample_photo_folder,
)

PHOTOS = Path(__file__).parent.parent / "fixtures" / "photos"


def test_the_sheet_has_fifteen_filled_and_labelled_cells() -> None:
    layout = SheetLayout(len(BUILTIN_NAMES))
    photos = [path.read_bytes() for path in photos_in(PHOTOS)]

    sheet = build_contact_sheet(photos, layout=layout)

    assert len(BUILTIN_NAMES) == 15
    assert (layout.columns, layout.rows) == (5, 3)
    assert sheet.size == layout.size
    for index in range(15):
        cell = sheet.crop(layout.cell_box(index))
        assert max(ImageStat.Stat(cell.convert("L")).stddev) > 10, BUILTIN_NAMES[index]
        label = sheet.crop(layout.label_box(index)).convert("L")
        darkest, lightest = label.getextrema()
        assert darkest < 90, f"no label under {BUILTIN_NAMES[index]}"
        assert lightest >= min(BACKGROUND) - 5
    gap = sheet.crop((0, 0, layout.gap, sheet.height))
    assert gap.getcolors() == [(gap.width * gap.height, BACKGROUND)]


def test_the_labels_are_the_template_names() -> None:
    """Two different names draw two different labels: each cell says which template it is."""
    layout = SheetLayout(2)

    sheet = build_contact_sheet([], layout=layout)

    first = sheet.crop(layout.label_box(0)).tobytes()
    second = sheet.crop(layout.label_box(1)).tobytes()
    assert first != second


def test_the_samples_vary_in_length_and_colour() -> None:
    lengths = [len(sample.title) for sample in SAMPLES]

    assert len(SAMPLES) >= 15
    assert min(lengths) < 25
    assert max(lengths) >= 80
    assert len({sample.colour for sample in SAMPLES}) == len(SAMPLES)


def test_sample_photos_come_from_the_shared_folder_or_the_fixtures(tmp_path: Path) -> None:
    project = tmp_path / "main"
    (project / "src" / "pinsmith").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    fixtures = project / "tests" / "fixtures" / "photos"
    fixtures.mkdir(parents=True)
    Image.new("RGB", (20, 30), (200, 10, 10)).save(fixtures / "red.jpg")

    assert project_root(project / "tests" / "fixtures") == project
    assert sample_photo_folder(project) == fixtures

    shared = tmp_path / "shared" / "data" / "photos"
    shared.mkdir(parents=True)
    Image.new("RGB", (20, 30), (10, 10, 200)).save(shared / "blue.png")
    (shared / "README.md").write_text("photos", encoding="utf-8")

    assert sample_photo_folder(project) == shared
    assert [path.name for path in photos_in(shared)] == ["blue.png"]
