"""The text a pin brings to a template, and how placeholders in a text layer take it.

As Pin Generator documents: ``{title}``, ``{description}``, ``{urlText}`` and
``{custom1}``..``{custom100}``, names case-insensitive. A layer that names an empty built-in field
is hidden (a pin without a description shows no description box); a ``{customN}`` with no value
is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_CUSTOM = 100
BUILTIN_FIELDS = ("title", "description", "urltext")
_PLACEHOLDER = re.compile(r"\{(title|description|urltext|custom([0-9]{1,3}))\}", re.IGNORECASE)
_CUSTOM_KEY = re.compile(r"^custom([0-9]{1,3})$", re.IGNORECASE)


@dataclass(frozen=True)
class PinFields:
    title: str = ""
    description: str = ""
    url_text: str = ""
    custom: Mapping[int, str] = field(default_factory=dict)

    @classmethod
    def from_request(cls, values: Mapping[str, object]) -> PinFields:
        """From a request body: ``title``, ``description``, ``urlText`` and any ``customN``
        (any case, 1..100). Other keys are not fields and are ignored here."""
        custom: dict[int, str] = {}
        for key, value in values.items():
            found = _CUSTOM_KEY.match(key)
            if found and 1 <= int(found.group(1)) <= MAX_CUSTOM and value is not None:
                custom[int(found.group(1))] = str(value)
        lowered = {key.lower(): value for key, value in values.items()}

        def text(name: str) -> str:
            value = lowered.get(name)
            return "" if value is None else str(value)

        return cls(text("title"), text("description"), text("urltext"), custom)

    def builtin(self, name: str) -> str:
        return {"title": self.title, "description": self.description, "urltext": self.url_text}[
            name
        ]


def fill_placeholders(text: str, fields: PinFields) -> str | None:
    """The layer's text with its placeholders replaced; None when it names an empty built-in
    field, which hides the layer."""
    hidden = False

    def replace(found: re.Match[str]) -> str:
        nonlocal hidden
        name = found.group(1).lower()
        if found.group(2) is not None:
            number = int(found.group(2))
            value = fields.custom.get(number) if 1 <= number <= MAX_CUSTOM else None
            return found.group(0) if value is None else value
        value = fields.builtin(name).strip()
        if not value:
            hidden = True
        return value

    filled = _PLACEHOLDER.sub(replace, text)
    return None if hidden else filled
