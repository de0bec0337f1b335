"""An OpenAI-compatible LLM as a second opinion on board selection (optional).

The local ranker's best few boards go to ``POST {PINSMITH_LLM_URL}/chat/completions``; the model
scores each for the pin and names a new board for it. Its answer is held to a strict shape: JSON
only, every board one of those offered, scores 0 to 100 (mapped to [0, 1] like every ranker's),
a section of that board or none. Anything else (a timeout, an error status, prose, an unknown
board) is an ``LlmFailure``, and the local ranker's selection stands. The URL is the operator's
setting, not a user's, so a plain httpx client calls it; the API key is sent, never logged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from pinsmith.boards.selection.model import PinText, RankedBoard, SectionCandidate
from pinsmith.config import Settings

MAX_REASON = 200
MAX_BOARD_NAME = 60
MAX_RECENT_TITLES = 5

INSTRUCTIONS = """You file Pinterest pins into the boards of one Pinterest account.
You get one pin and some of the account's boards (name, description, sections, titles of pins
recently put there). Score every board for the pin from 0 to 100: {cutoff} or more means the pin
clearly belongs on that board, less means it does not. Pick the board's best section for the pin
when one fits (its id), else null. Also name the new board this pin would need if no board fits:
2 to 4 words, Title Case, like a person names a Pinterest board ("Slow Cooker Recipes").
Answer with one JSON object and nothing else, no markdown, exactly this shape:
{{"boards": [{{"id": "<board id>", "score": <0-100>, "section_id": "<section id or null>",
"reason": "<at most 12 words>"}}], "new_board_name": "<name>"}}"""

_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL | re.IGNORECASE)


class LlmFailure(Exception):
    """The LLM gave no usable answer; the message says why, in a few words."""


@dataclass(frozen=True)
class LlmJudgement:
    ranked: list[RankedBoard]  # best first, scores in [0, 1]
    new_board_name: str | None


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class _BoardScore(_Strict):
    id: str
    score: Annotated[float, Field(ge=0, le=100)]
    section_id: str | None = None
    reason: Annotated[str, StringConstraints(strip_whitespace=True)] = ""


class _Answer(_Strict):
    boards: list[_BoardScore]
    new_board_name: Annotated[str, StringConstraints(strip_whitespace=True)] | None = None


class LlmRanker:
    """Asks one model; ``transport`` replaces the network (tests use a fake endpoint)."""

    name = "llm"

    def __init__(
        self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        assert settings.llm_url is not None  # only made when the LLM is configured
        self.url = str(settings.llm_url).rstrip("/") + "/chat/completions"
        self.model = settings.llm_model
        self.timeout = settings.llm_timeout_seconds
        headers = {}
        if key := settings.llm_api_key.get_secret_value():
            headers["Authorization"] = f"Bearer {key}"
        self.http = httpx.AsyncClient(
            transport=transport, timeout=httpx.Timeout(self.timeout), headers=headers
        )

    async def judge(
        self, pin: PinText, candidates: Sequence[RankedBoard], *, threshold: float
    ) -> LlmJudgement:
        """The model's scores for ``candidates`` (the local ranker's best) and a new name."""
        content = await self._ask(pin, candidates, threshold)
        return _judgement(content, candidates)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _ask(self, pin: PinText, candidates: Sequence[RankedBoard], threshold: float) -> str:
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": INSTRUCTIONS.format(cutoff=round(threshold * 100))},
                {"role": "user", "content": json.dumps(_question(pin, candidates))},
            ],
        }
        try:
            response = await self.http.post(self.url, json=body)
        except httpx.TimeoutException:
            raise LlmFailure(f"no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise LlmFailure(f"unreachable ({type(error).__name__})") from None
        if response.status_code != httpx.codes.OK:
            raise LlmFailure(f"HTTP {response.status_code}")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, LookupError, TypeError):
            raise LlmFailure("not a chat completion") from None
        if not isinstance(content, str):
            raise LlmFailure("not a chat completion")
        return content


def _question(pin: PinText, candidates: Sequence[RankedBoard]) -> dict[str, Any]:
    return {
        "pin": {
            "title": pin.title,
            "description": pin.description,
            "link": pin.link,
            "alt_text": pin.alt_text,
        },
        "boards": [
            {
                "id": ranked.board.id,
                "name": ranked.board.name,
                "description": ranked.board.description,
                "sections": [{"id": s.id, "name": s.name} for s in ranked.board.sections],
                "recent_pins": list(ranked.board.recent_pin_titles[:MAX_RECENT_TITLES]),
            }
            for ranked in candidates
        ],
    }


def _judgement(content: str, candidates: Sequence[RankedBoard]) -> LlmJudgement:
    """The strict reading of the model's answer."""
    text = content.strip()
    if fenced := _FENCE.match(text):  # models often wrap JSON in a code fence despite being told
        text = fenced.group(1)
    try:
        answer = _Answer.model_validate_json(text)
    except ValidationError:
        raise LlmFailure("not the JSON asked for") from None
    offered = {ranked.board.id: ranked for ranked in candidates}
    judged: dict[str, RankedBoard] = {}
    for scored in answer.boards:
        local = offered.get(scored.id)
        if local is None or scored.id in judged:
            raise LlmFailure("scored a board that was not offered, or one twice")
        judged[scored.id] = RankedBoard(
            board=local.board,
            score=scored.score / 100,
            reason=(scored.reason or local.reason)[:MAX_REASON],
            section=_section(local, scored.section_id),
        )
    ranked = sorted(judged.values(), key=lambda ranked: ranked.score, reverse=True)
    return LlmJudgement(ranked, _board_name(answer.new_board_name))


def _section(local: RankedBoard, section_id: str | None) -> SectionCandidate | None:
    if section_id is None:
        return None
    for section in local.board.sections:
        if section.id == section_id:
            return section
    raise LlmFailure("named a section the board does not have")


def _board_name(name: str | None) -> str | None:
    """A usable board name, or None (the local proposal is used then)."""
    if name is None:
        return None
    cleaned = " ".join(name.split()).strip("\"'")
    return cleaned if 0 < len(cleaned) <= MAX_BOARD_NAME else None
