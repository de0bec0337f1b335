"""A refused spec is reported where its author looks: the layer, by index and by name."""

from __future__ import annotations

from typing import Any

import pytest

from pinsmith.templates.specs import InvalidSpec, parse_spec

BOX = {"x": 0, "y": 0, "width": 400, "height": 200}


def spec(*layers: dict[str, Any], **canvas: Any) -> dict[str, Any]:
    return {"layers": list(layers), **canvas}


def shape(**fields: Any) -> dict[str, Any]:
    return {"kind": "shape", "shape": "rectangle", "box": BOX} | fields


def text(**fields: Any) -> dict[str, Any]:
    return {"kind": "text", "text": "{title}", "box": BOX} | fields


def problems(raw: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(InvalidSpec) as caught:
        parse_spec(raw)
    assert caught.value.status_code == 422
    found: list[dict[str, Any]] = caught.value.payload()
    return found


def test_a_valid_spec_is_returned_as_the_renderer_reads_it() -> None:
    parsed = parse_spec(spec(shape(fill="#AE3AC4"), text(font="Playfair Display")))

    assert len(parsed.layers) == 2
    assert parsed.model_dump(mode="json")["layers"][0]["fill"] == "#ae3ac4"


def test_an_unknown_font_names_the_layer_and_drops_the_kind_tag() -> None:
    raw = spec(shape(), shape(), shape(), text(name="Title", font="Comic Sans"))

    (problem,) = problems(raw)

    assert problem["loc"] == ["body", "spec", "layers", 3, "font"]
    assert problem["msg"].startswith("layer 3 ('Title'): unknown font 'Comic Sans'")


def test_a_layer_without_a_name_is_named_by_its_index() -> None:
    (problem,) = problems(spec(text(box=BOX | {"width": -5})))

    assert problem["loc"] == ["body", "spec", "layers", 0, "box", "width"]
    assert problem["msg"] == "layer 0: box.width: Input should be greater than 0"


def test_a_bad_colour_reports_once_without_union_members() -> None:
    (problem,) = problems(spec(shape(name="Band", fill="not-a-colour")))

    assert problem["loc"] == ["body", "spec", "layers", 0, "fill"]
    assert problem["msg"].startswith("layer 0 ('Band'): fill must be a hex colour")


def test_a_bad_gradient_reports_the_gradients_field() -> None:
    (problem,) = problems(spec(shape(fill={"start": "zz", "end": "#ffffff"})))

    assert problem["loc"] == ["body", "spec", "layers", 0, "fill", "start"]
    assert problem["msg"].startswith("layer 0: fill.start must be a hex colour")


def test_a_layer_without_a_kind_says_which_kinds_exist() -> None:
    (missing,) = problems(spec({"box": BOX}))
    (unknown,) = problems(spec({"kind": "video", "box": BOX}))

    assert missing["loc"] == ["body", "spec", "layers", 0]
    assert missing["msg"] == "layer 0: kind is required: one of image, shape, text"
    assert unknown["msg"] == "layer 0: kind must be one of image, shape, text, not 'video'"


def test_every_problem_is_listed_canvas_first() -> None:
    found = problems(spec(text(name="Title", fnt="Inter"), width=50))

    assert [problem["loc"] for problem in found] == [
        ["body", "spec", "width"],
        ["body", "spec", "layers", 0, "fnt"],
    ]
    assert found[0]["msg"] == "Input should be greater than or equal to 100"
    assert found[1]["msg"] == "layer 0 ('Title'): fnt: Extra inputs are not permitted"


def test_a_spec_without_layers_is_refused() -> None:
    (problem,) = problems({"width": 1000})

    assert problem["loc"] == ["body", "spec", "layers"]
