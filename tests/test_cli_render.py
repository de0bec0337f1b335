"""`pinsmith render` (one pin, a batch, the contact sheet) and `pinsmith templates`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from pinsmith.cli import app
from pinsmith.render import BUILTIN_NAMES
from tests.templates.photo_server import serving

runner = CliRunner()
PHOTOS = Path(__file__).parent / "fixtures" / "photos"
CAT = PHOTOS / "cat.jpg"


def render(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, ["render", *(str(arg) for arg in args)], env=env)


def pixels(path: Path) -> bytes:
    with Image.open(path) as image:
        return image.convert("RGB").tobytes()


def assert_one_error_line(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1
    assert result.stderr.startswith("error:")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_one_pin_is_a_1000x1500_jpeg_that_follows_its_title(tmp_path: Path) -> None:
    first, second = tmp_path / "first.jpg", tmp_path / "second.jpg"
    common = ["--template", "StandardTemplate", "--image", CAT, "--color", "#e76f51"]

    one = render(*common, "--title", "Easy one-pot lemon pasta", "-o", first)
    other = render(*common, "--title", "Ten cozy reading nooks", "-o", second)

    assert one.exit_code == 0, one.stderr
    assert other.exit_code == 0, other.stderr
    assert f"wrote {first}" in one.stdout
    with Image.open(first) as image:
        assert (image.format, image.size) == ("JPEG", (1000, 1500))
    assert pixels(first) != pixels(second)


def test_the_suffix_chooses_the_format(tmp_path: Path) -> None:
    target = tmp_path / "pin.webp"

    result = render("-t", "CenterWave", "--title", "Weekend meal prep", "-o", target)

    assert result.exit_code == 0, result.stderr
    with Image.open(target) as image:
        assert (image.format, image.size) == ("WEBP", (1000, 1500))


def test_custom_values_fill_a_custom_template(tmp_path: Path) -> None:
    spec = tmp_path / "custom.json"
    spec.write_text(
        json.dumps(
            {
                "layers": [
                    {
                        "kind": "text",
                        "box": {"x": 100, "y": 500, "width": 800, "height": 500},
                        "text": "{custom1}",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    hello, goodbye = tmp_path / "hello.png", tmp_path / "goodbye.png"

    said_hello = render("-t", spec, "--title", "T", "--custom", "1=Hello there", "-o", hello)
    said_goodbye = render("-t", spec, "--title", "T", "--custom", "custom1=Goodbye", "-o", goodbye)

    assert said_hello.exit_code == 0, said_hello.stderr
    assert said_goodbye.exit_code == 0, said_goodbye.stderr
    assert pixels(hello) != pixels(goodbye)


def test_a_bad_custom_value_is_refused(tmp_path: Path) -> None:
    result = render(
        "-t", "CenterWave", "--title", "T", "--custom", "101=x", "-o", tmp_path / "p.jpg"
    )

    assert_one_error_line(result, "--custom", "between 1 and 100")


def test_an_unknown_template_lists_the_names(tmp_path: Path) -> None:
    result = render("-t", "centerwave", "--title", "T", "-o", tmp_path / "pin.jpg")

    assert_one_error_line(result, "unknown template 'centerwave'", "did you mean 'CenterWave'")
    assert all(name in result.stderr for name in BUILTIN_NAMES)
    assert not (tmp_path / "pin.jpg").exists()


def test_an_invalid_custom_template_names_the_layer(tmp_path: Path) -> None:
    spec = tmp_path / "broken.json"
    spec.write_text(
        '{"layers": [{"kind": "text", "box": {"x": 0, "y": 0, "width": 10, '
        '"height": 10}, "text": "{title}", "font": "Comic Sans"}]}',
        encoding="utf-8",
    )

    result = render("-t", spec, "--title", "T", "-o", tmp_path / "pin.jpg")

    assert_one_error_line(result, "is not a valid template", "layers.0", "Comic Sans")


def test_a_missing_image_file_is_one_clear_line(tmp_path: Path) -> None:
    target = tmp_path / "pin.jpg"

    result = render("-t", "CenterWave", "--title", "T", "--image", "nope.jpg", "-o", target)

    assert_one_error_line(result, "--image: image file not found: nope.jpg")
    assert not target.exists()


def test_an_image_that_is_not_one_says_why(tmp_path: Path) -> None:
    fake = tmp_path / "fake.jpg"
    fake.write_text("not a picture", encoding="utf-8")

    result = render("-t", "CenterWave", "--title", "T", "--image", fake, "-o", tmp_path / "p.jpg")

    assert_one_error_line(result, "--image:", "not an image")


def test_a_missing_output_folder_is_named(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "pin.jpg"

    result = render("-t", "CenterWave", "--title", "T", "-o", target)

    assert_one_error_line(result, f"the folder {target.parent} does not exist")


def test_a_bad_colour_is_refused(tmp_path: Path) -> None:
    result = render("-t", "CenterWave", "--title", "T", "--color", "teal", "-o", tmp_path / "p.jpg")

    assert_one_error_line(result, "--color:", "'teal' is not a hex colour")


@pytest.fixture
def photo_url() -> Iterator[str]:
    with serving() as server:
        yield server.photo("cat")


def test_an_image_url_is_fetched_through_the_safe_client(tmp_path: Path, photo_url: str) -> None:
    with_photo, without = tmp_path / "with.jpg", tmp_path / "without.jpg"
    data_dir = tmp_path / "data"
    one_pin = ["-t", "StandardTemplate", "--title", "T"]
    env = {"PINSMITH_DATA_DIR": str(data_dir)}

    refused = render(*one_pin, "--image", photo_url, "-o", with_photo, env=env)
    allowed = {**env, "PINSMITH_ALLOW_PRIVATE_URLS": "1"}
    fetched = render(*one_pin, "--image", photo_url, "-o", with_photo, env=allowed)
    plain = render(*one_pin, "-o", without)

    assert_one_error_line(refused, "--image: cannot fetch", "loopback")
    assert fetched.exit_code == 0, fetched.stderr
    assert plain.exit_code == 0, plain.stderr
    assert pixels(with_photo) != pixels(without)
    assert not data_dir.exists()  # rendering stores no secret key


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--template", "CenterWave", "--batch", "rows.csv"],
            "--template and --batch are different",
        ),
        (["--batch", "rows.csv", "--contact-sheet"], "--batch and --contact-sheet are different"),
        (["--batch", "rows.csv", "--out", "d", "--title", "T"], "--title goes with --template"),
        (["--batch", "rows.csv", "-o", "pin.jpg"], "--out DIR"),
        (["-t", "CenterWave", "--title", "T", "--out", "d"], "--out goes with --batch"),
        (["-t", "CenterWave", "--title", "T", "-o", "p.jpg", "--jobs", "2"], "--jobs goes with"),
        (["--contact-sheet", "--image", "cat.jpg"], "--image goes with --template"),
        (["--title", "T", "-o", "p.jpg"], "nothing to render"),
        (["-t", "CenterWave", "-o", "p.jpg"], "--title is required"),
        (["-t", "CenterWave", "--title", "T"], "-o FILE"),
        (["-t", "CenterWave", "--title", "T", "-o", "p.gif"], "must end in .jpg"),
        (["-t", "CenterWave", "--title", "T", "-o", "p.jpg", "--quality", "0"], "--quality"),
    ],
)
def test_contradictory_or_missing_options_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)

    result = render(*args)

    assert_one_error_line(result, message)
    assert list(tmp_path.iterdir()) == []


def test_help_describes_the_three_modes_and_the_exit_status() -> None:
    result = runner.invoke(app, ["render", "--help"], env={"COLUMNS": "120"})

    assert result.exit_code == 0
    for mode in ("One pin", "--template", "A batch", "--batch", "Contact sheet", "--contact-sheet"):
        assert mode in result.stdout
    assert "1 when any row failed" in result.stdout
    assert "--custom" in result.stdout


def test_a_batch_writes_the_good_rows_and_lists_the_bad_ones(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "template,title,image\n"
        f"CenterWave,Lemon pasta,{CAT}\n"
        "NoSuchTemplate,Bad template,\n"
        "StandardTemplate,Missing photo,gone.jpg\n",
        encoding="utf-8",
    )

    result = render("--batch", rows, "--out", tmp_path / "out", "--jobs", "1")

    assert result.exit_code == 1
    assert "1 rendered, 2 failed" in result.stdout
    assert "unknown template 'NoSuchTemplate'" in result.stderr
    assert "image file not found: gone.jpg" in result.stderr
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["row-1.jpg"]


def test_a_batch_that_succeeds_exits_0(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"template": "TextBlob", "title": "Cat care 101"}\n', encoding="utf-8")

    result = render("--batch", rows, "--out", tmp_path / "out")

    assert result.exit_code == 0, result.stderr
    assert "1 rendered, 0 failed" in result.stdout
    assert (tmp_path / "out" / "row-1.jpg").is_file()


def test_a_broken_rows_file_is_one_line(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("template,titel\nCenterWave,Hello\n", encoding="utf-8")

    result = render("--batch", rows, "--out", tmp_path / "out")

    assert_one_error_line(result, "line 1", "unknown column 'titel'")


def test_the_contact_sheet_is_a_png_of_every_template(tmp_path: Path) -> None:
    target = tmp_path / "templates.png"

    result = render("--contact-sheet", "--photos", PHOTOS, "-o", target)

    assert result.exit_code == 0, result.stderr
    with Image.open(target) as sheet:
        assert sheet.format == "PNG"
        assert sheet.width > sheet.height > 1000
    assert target.stat().st_size < 3 * 1024 * 1024


def test_the_contact_sheet_needs_photos(tmp_path: Path) -> None:
    result = render("--contact-sheet", "--photos", tmp_path, "-o", tmp_path / "sheet.png")

    assert_one_error_line(result, "no .jpg, .jpeg, .png or .webp files")


def test_templates_list_shows_every_builtin() -> None:
    result = runner.invoke(app, ["templates", "list"], env={"COLUMNS": "160"})

    assert result.exit_code == 0
    for name in BUILTIN_NAMES:
        assert name in result.stdout
    assert "Wavey" in result.stdout


def test_templates_fonts_shows_the_families() -> None:
    result = runner.invoke(app, ["templates", "fonts"], env={"COLUMNS": "160"})

    assert result.exit_code == 0
    assert "Playfair Display" in result.stdout
    assert "montserrat" in result.stdout
