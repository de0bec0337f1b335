"""Placeholders as Pin Generator documents them."""

from __future__ import annotations

from pinsmith.render.fields import PinFields, fill_placeholders


def test_builtin_fields_fill_in_any_case() -> None:
    fields = PinFields(title="Tacos", description="Fast", url_text="blog.com")
    assert fill_placeholders("{TITLE} at {urlText} ({Description})", fields) == (
        "Tacos at blog.com (Fast)"
    )


def test_a_layer_naming_an_empty_builtin_field_is_hidden() -> None:
    assert fill_placeholders("Visit {urlText}", PinFields(title="Tacos")) is None
    assert fill_placeholders("{description}", PinFields(title="x", description="  ")) is None


def test_custom_fields_are_case_insensitive_and_missing_ones_stay_as_written() -> None:
    fields = PinFields.from_request({"title": "t", "Custom1": "Sale ends Friday", "CUSTOM2": "20%"})
    assert fill_placeholders("{custom1} / {Custom2} / {custom3}", fields) == (
        "Sale ends Friday / 20% / {custom3}"
    )


def test_from_request_takes_only_custom1_to_custom100() -> None:
    fields = PinFields.from_request({"custom100": "last", "custom101": "no", "custom0": "no"})
    assert dict(fields.custom) == {100: "last"}
    assert fill_placeholders("{custom101}", fields) == "{custom101}"


def test_from_request_reads_url_text_and_ignores_other_keys() -> None:
    fields = PinFields.from_request({"title": "A", "urlText": "x.com", "template": "Std"})
    assert (fields.title, fields.url_text, fields.description) == ("A", "x.com", "")
