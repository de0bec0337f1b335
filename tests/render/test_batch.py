"""The batch runner: rows files, per-row failures, and the process pool."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from pinsmith.render.batch import (
    BatchFileError,
    RowResult,
    read_rows,
    run_batch,
)

PHOTOS = Path(__file__).parent.parent / "fixtures" / "photos"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder as a person prepares it: the rows file beside a folder of photos."""
    shutil.copytree(PHOTOS, tmp_path / "photos")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def pixels(path: Path) -> bytes:
    with Image.open(path) as image:
        assert image.size == (1000, 1500)
        return image.convert("RGB").tobytes()


FIVE_ROWS = (
    "Template,Title,Description,urlText,Color,Image\n"
    "CenterWave,Easy one-pot lemon pasta,Dinner in 20 minutes,cozykitchen.com,#e76f51,"
    "photos/coffee.jpg\n"
    "NoSuchTemplate,A bad template name,,,,photos/cat.jpg\n"
    'StandardTemplate,"Cat care 101: food, play and vets",,,#2a9d8f,photos/cat.jpg\n'
    "TextOverlay,A photo that is not there,,,,photos/missing.jpg\n"
    "ImageOnly,Rocket launch day,,,,photos/rocket.jpg\n"
)


def test_bad_rows_fail_alone_with_their_row_numbers(workdir: Path) -> None:
    rows_file = write(workdir / "rows.csv", FIVE_ROWS)
    out = workdir / "out"
    heard: list[RowResult] = []

    report = run_batch(
        read_rows(rows_file), rows_dir=workdir, out_dir=out, jobs=1, on_result=heard.append
    )

    assert sorted(path.name for path in out.iterdir()) == ["row-1.jpg", "row-3.jpg", "row-5.jpg"]
    assert [result.number for result in report.written] == [1, 3, 5]
    failures = {result.number: result for result in report.failed}
    assert sorted(failures) == [2, 4]
    assert failures[2].field == "template"
    assert "unknown template 'NoSuchTemplate'" in (failures[2].problem or "")
    assert failures[4].field == "image"
    assert failures[4].problem == "image file not found: photos/missing.jpg"
    assert failures[4].line == 5  # the header is line 1
    assert len(heard) == 5
    for result in report.written:
        assert result.output is not None
        pixels(result.output)


def test_missing_title_unreadable_image_and_bad_colour_are_reasons(workdir: Path) -> None:
    write(workdir / "photos" / "notes.jpg", "these are notes, not a photo")
    rows_file = write(
        workdir / "rows.csv",
        "template,title,image,color\n"
        "CenterWave,,photos/cat.jpg,\n"
        "StandardTemplate,Not a photo,photos/notes.jpg,\n"
        "CenterWave,Bad colour,,blue\n",
    )

    report = run_batch(read_rows(rows_file), rows_dir=workdir, out_dir=workdir / "out", jobs=1)

    reasons = {result.number: (result.field, result.problem or "") for result in report.failed}
    assert reasons[1] == ("title", "missing title")
    assert reasons[2][0] == "image"
    assert "not an image" in reasons[2][1]
    assert reasons[3][0] == "color"
    assert "'blue' is not a hex colour" in reasons[3][1]
    assert report.written == []


def test_jsonl_rows_take_their_keys_in_any_spelling(workdir: Path) -> None:
    rows_file = write(
        workdir / "rows.jsonl",
        '{"template": "TextBlob", "title": "Latte art at home", "url_text": "brewathome.co",'
        ' "imageURL": "photos/coffee.jpg", "output": "latte.png"}\n'
        "\n"
        '{"template": "BigTopText", "TITLE": "Stargazing for beginners", "Custom3": 42}\n',
    )

    rows = read_rows(rows_file)
    report = run_batch(rows, rows_dir=workdir, out_dir=workdir / "out", jobs=1)

    assert rows[0].values["urlText"] == "brewathome.co"
    assert rows[0].values["image"] == "photos/coffee.jpg"
    assert rows[1].values["custom3"] == "42"
    assert (rows[1].number, rows[1].line) == (2, 3)
    assert report.failed == []
    with Image.open(workdir / "out" / "latte.png") as image:
        assert (image.format, image.size) == ("PNG", (1000, 1500))
    assert (workdir / "out" / "row-2.jpg").is_file()


def test_two_jobs_use_a_pool_and_draw_the_same_pins_as_one(workdir: Path) -> None:
    rows = read_rows(write(workdir / "rows.csv", FIVE_ROWS))

    alone = run_batch(rows, rows_dir=workdir, out_dir=workdir / "alone", jobs=1)
    pooled = run_batch(rows, rows_dir=workdir, out_dir=workdir / "pooled", jobs=2)

    assert {result.pid for result in alone.results} == {os.getpid()}
    assert os.getpid() not in {result.pid for result in pooled.written}
    assert [(r.number, r.problem) for r in pooled.results] == [
        (r.number, r.problem) for r in alone.results
    ]
    for number in (1, 3, 5):
        name = f"row-{number}.jpg"
        assert pixels(workdir / "pooled" / name) == pixels(workdir / "alone" / name)


def test_an_output_name_taken_twice_fails_the_second_row(workdir: Path) -> None:
    rows_file = write(
        workdir / "rows.csv",
        "template,title,output\n"
        "CenterWave,First,pin.jpg\n"
        "CenterWave,Second,PIN.jpg\n"
        "CenterWave,Third,../escape.jpg\n"
        "CenterWave,Fourth,pin.gif\n",
    )

    report = run_batch(read_rows(rows_file), rows_dir=workdir, out_dir=workdir / "out", jobs=1)

    assert [result.number for result in report.written] == [1]
    reasons = {result.number: result.problem or "" for result in report.failed}
    assert "also row 1's output" in reasons[2]
    assert "without a folder" in reasons[3]
    assert "must end in" in reasons[4]
    assert not (workdir / "escape.jpg").exists()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("rows.csv", "template,titel\nCenterWave,Hello\n", "line 1 (the header): unknown column"),
        ("rows.csv", "template,description\nCenterWave,Hello\n", "no 'title' column"),
        ("rows.csv", "template,title,Title\nA,B,C\n", "'title' and 'Title' are the same column"),
        ("rows.csv", "template,title\nCenterWave,Hi,extra\n", "line 2: 3 values"),
        ("rows.csv", "", "is empty"),
        ("rows.csv", "template,title\n\n", "has no rows"),
        (
            "rows.jsonl",
            '{"template": "CenterWave", "title": "A"}\n{"title": \n',
            "line 2: not valid",
        ),
        ("rows.jsonl", '["CenterWave", "A"]\n', "line 1: expected a JSON object"),
        ("rows.jsonl", '{"template": "CenterWave", "tittle": "A"}\n', "line 1: unknown key"),
        ("rows.jsonl", '{"template": "CenterWave", "title": ["A"]}\n', "'title' must be a string"),
        ("rows.txt", "template,title\n", "must end in .csv or .jsonl"),
    ],
)
def test_a_broken_rows_file_is_refused_with_its_line(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = write(tmp_path / name, text)

    with pytest.raises(BatchFileError) as raised:
        read_rows(path)

    assert message in str(raised.value)
    assert name in str(raised.value)


def test_a_custom_template_file_is_found_beside_the_rows(workdir: Path) -> None:
    write(
        workdir / "mine.json",
        '{"layers": [{"kind": "text", "box": {"x": 50, "y": 600, "width": 900, "height": 300},'
        ' "text": "{custom1}"}]}',
    )
    rows_file = write(
        workdir / "rows.csv",
        "template,title,custom1\nmine.json,T,Hello\nmine.json,T,Goodbye\nnothere.json,T,Hi\n",
    )

    report = run_batch(read_rows(rows_file), rows_dir=workdir, out_dir=workdir / "out", jobs=1)

    assert [result.number for result in report.written] == [1, 2]
    assert pixels(workdir / "out" / "row-1.jpg") != pixels(workdir / "out" / "row-2.jpg")
    assert report.failed[0].problem == "template file not found: nothere.json"
