"""A custom template is refused with the path of what is wrong in it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pinsmith.render import BUILTIN_NAMES, TemplateSpec, builtin_template

TEXT = {"kind": "text", "text": "{title}", "box": {"x": 0, "y": 0, "width": 100, "height": 100}}


def errors(layers: list[dict[str, Any]], **canvas: Any) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        TemplateSpec.model_validate({**canvas, "layers": layers})
    return [(error["loc"], error["msg"]) for error in caught.value.errors()]


def test_a_bad_field_is_located_in_its_layer() -> None:
    found = errors([TEXT, {**TEXT, "font": "Comic Sans"}])
    assert found[0][0] == ("layers", 1, "text", "font")
    assert "unknown font 'Comic Sans'" in found[0][1]


def test_colours_are_hex_or_palette_roles() -> None:
    assert TemplateSpec.model_validate({"layers": [{**TEXT, "colour": "AE3AC4"}]}).layers[0]
    found = errors([{**TEXT, "colour": "red"}])
    assert "hex colour" in found[0][1]


def test_an_unknown_layer_kind_and_an_unknown_field_are_refused() -> None:
    assert errors([{**TEXT, "kind": "video"}])[0][0] == ("layers", 0)
    assert errors([{**TEXT, "wobble": 3}])[0][0] == ("layers", 0, "text", "wobble")


def test_an_inverted_size_range_is_refused() -> None:
    found = errors([{**TEXT, "size": {"min": 90, "max": 40}}])
    assert "min (90) must not be larger than max (40)" in found[0][1]


def test_limits_keep_a_render_bounded() -> None:
    assert errors([TEXT], width=100_000)[0][0] == ("width",)
    assert errors([TEXT] * 61)[0][0] == ("layers",)
    assert errors([])[0][0] == ("layers",)


def test_font_names_are_forgiving_about_case_and_spaces() -> None:
    layer = TemplateSpec.model_validate({"layers": [{**TEXT, "font": "Playfair  display"}]})
    assert layer.layers[0].font == "playfair-display"  # type: ignore[union-attr]


def test_every_builtin_is_a_valid_spec_and_random_picks_one() -> None:
    assert len(BUILTIN_NAMES) == 15
    assert all(builtin_template(name) is not None for name in BUILTIN_NAMES)
    assert builtin_template("RandomTemplate") in [builtin_template(n) for n in BUILTIN_NAMES]
    assert builtin_template("standardtemplate") is None
