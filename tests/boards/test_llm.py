"""The optional LLM ranker: an OpenAI-compatible endpoint re-ranks the local ranker's best boards
and names new ones; a slow, failing or babbling endpoint leaves the local ranker's decision."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from pinsmith.app import create_app
from pinsmith.config import Settings
from pinsmith.kit.errors import ConfigError
from pinsmith.sandbox import Sandbox
from tests.boards.accounts import TACOS, WATERCOLOR, Seeded, growth_pinner, seed_boards
from tests.conftest import Clock, Factory, Pinner, sandboxed_with

pytestmark = pytest.mark.db

LLM_URL = "http://llm.test/v1"
LLM_KEY = "sk-llm-very-secret"


@dataclass
class FakeLlm:
    """An OpenAI-compatible ``/chat/completions``: ``answer`` makes the reply from the boards
    it was offered (or raises, or returns a whole response)."""

    answer: Callable[[list[dict[str, Any]]], Any]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        question = json.loads(json.loads(request.content)["messages"][1]["content"])
        reply = self.answer(question["boards"])
        if isinstance(reply, httpx.Response):
            return reply
        content = reply if isinstance(reply, str) else json.dumps(reply)
        completion = {
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]
        }
        return httpx.Response(200, json=completion)

    @property
    def asked(self) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(self.requests[-1].content)
        return body


def scores(by_name: dict[str, int], default: int = 5, **extra: Any) -> Callable[..., Any]:
    """An answer scoring each offered board by its name (``default`` for the others)."""

    def answer(boards: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "boards": [
                {
                    "id": board["id"],
                    "score": by_name.get(board["name"], default),
                    "section_id": None,
                    "reason": f"the model likes {board['name']}",
                }
                for board in boards
            ],
            "new_board_name": "Watercolor Art",
        } | extra

    return answer


@pytest.fixture
def llm() -> FakeLlm:
    return FakeLlm(scores({}))


@pytest.fixture
async def llm_app(settings: Settings, sandbox_app: FastAPI, llm: FakeLlm) -> AsyncIterator[FastAPI]:
    configured = sandboxed_with(
        settings, llm_url=LLM_URL, llm_model="pin-sorter", llm_api_key=LLM_KEY
    )
    application = create_app(
        configured,
        migrate=False,
        pinterest_transport=ASGITransport(app=sandbox_app),
        llm_transport=httpx.MockTransport(llm),
    )
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(llm_app: FastAPI) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=ASGITransport(app=llm_app), base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def rosa(factory: Factory, pinterest_sandbox: Sandbox, clock: Clock) -> Pinner:
    return await growth_pinner(factory, pinterest_sandbox, "rosa_home")


@pytest.fixture
def boards(pinterest_sandbox: Sandbox, rosa: Pinner) -> Seeded:
    return seed_boards(pinterest_sandbox, rosa.account.id)


async def suggest(client: AsyncClient, who: Pinner, pin: dict[str, str]) -> dict[str, Any]:
    response = await client.post("/boards/suggest", json=pin, headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_llm_reranks_and_its_scores_become_zero_to_one(
    client: AsyncClient, llm: FakeLlm, rosa: Pinner, boards: Seeded
) -> None:
    llm.answer = scores({"Slow Cooker Recipes": 40, "Garden Inspiration": 92})

    body = await suggest(client, rosa, TACOS)

    assert (body["ranker"], body["decision"], body["notes"]) == ("llm", "existing", [])
    best, second = body["boards"][:2]
    assert (best["id"], best["score"], best["reason"]) == (
        boards.id("garden"),
        0.92,
        "the model likes Garden Inspiration",
    )
    assert (second["id"], second["score"]) == (boards.id("slow_cooker"), 0.4)


async def test_the_llm_is_asked_in_the_openai_shape_with_the_key(
    client: AsyncClient, llm: FakeLlm, rosa: Pinner, boards: Seeded
) -> None:
    await suggest(client, rosa, TACOS)

    request = llm.requests[-1]
    assert str(request.url) == f"{LLM_URL}/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {LLM_KEY}"
    asked = llm.asked
    assert asked["model"] == "pin-sorter"
    assert "JSON" in asked["messages"][0]["content"]
    question = json.loads(asked["messages"][1]["content"])
    assert question["pin"]["title"] == TACOS["title"]
    assert {board["name"] for board in question["boards"]} <= {
        board.name for board in boards.boards.values()
    }


async def test_when_no_board_scores_high_the_llm_names_the_new_board(
    client: AsyncClient, llm: FakeLlm, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    llm.answer = scores({}, default=3)

    suggestion = await suggest(client, rosa, WATERCOLOR)
    pin = await client.post(
        "/pins",
        json={"auto_board": True, "media_url": "https://images.example.com/a.jpg"} | WATERCOLOR,
        headers=rosa.headers,
    )

    assert (suggestion["decision"], suggestion["new_board_name"]) == ("new", "Watercolor Art")
    made = pinterest_sandbox.boards_of(rosa.account.id)[-1]
    assert made.name == "Watercolor Art"
    assert pin.json()["board_id"] == made.id


async def test_the_llm_may_choose_a_section_of_the_board(
    client: AsyncClient, llm: FakeLlm, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    soups = pinterest_sandbox.add_section(boards.id("slow_cooker"), "Soups")

    def answer(offered: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "boards": [
                {
                    "id": board["id"],
                    "score": 90 if board["sections"] else 10,
                    "section_id": board["sections"][0]["id"] if board["sections"] else None,
                    "reason": "soup",
                }
                for board in offered
            ],
            "new_board_name": None,
        }

    llm.answer = answer

    body = await suggest(client, rosa, TACOS)

    assert body["boards"][0]["section"] == {"id": soups.id, "name": "Soups"}


def _raise(error: type[httpx.TransportError]) -> Callable[..., Any]:
    def answer(_: Any) -> Any:
        raise error("the LLM is away", request=httpx.Request("POST", LLM_URL))

    return answer


BROKEN: dict[str, tuple[Callable[..., Any], str]] = {
    "timeout": (_raise(httpx.ReadTimeout), "no answer within 10 s"),
    "unreachable": (_raise(httpx.ConnectError), "unreachable"),
    "server error": (lambda _: httpx.Response(500, text="oops"), "HTTP 500"),
    "not a completion": (lambda _: httpx.Response(200, json={"id": "x"}), "not a chat completion"),
    "prose": (lambda _: "Slow Cooker Recipes, clearly!", "not the JSON asked for"),
    "score out of range": (
        lambda boards: {"boards": [{"id": boards[0]["id"], "score": 150, "reason": "!"}]},
        "not the JSON asked for",
    ),
    "score as text": (
        lambda boards: {"boards": [{"id": boards[0]["id"], "score": "high", "reason": "!"}]},
        "not the JSON asked for",
    ),
    "unknown board": (
        lambda _: {"boards": [{"id": "999", "score": 90, "reason": "made up"}]},
        "not offered",
    ),
    "unknown section": (
        lambda boards: {
            "boards": [{"id": boards[0]["id"], "score": 90, "section_id": "777", "reason": "?"}]
        },
        "section the board does not have",
    ),
}


@pytest.mark.parametrize("broken", list(BROKEN))
async def test_a_broken_llm_leaves_the_local_rankers_decision_and_says_why(
    client: AsyncClient,
    llm: FakeLlm,
    rosa: Pinner,
    boards: Seeded,
    caplog: pytest.LogCaptureFixture,
    broken: str,
) -> None:
    llm.answer, why = BROKEN[broken]

    with caplog.at_level(logging.DEBUG):
        body = await suggest(client, rosa, TACOS)

    assert body["ranker"] != "llm"
    assert (body["decision"], body["boards"][0]["id"]) == ("existing", boards.id("slow_cooker"))
    (note,) = body["notes"]
    assert note.startswith("llm ranker failed (")
    assert why in note
    assert f"the {body['ranker']} ranker decided" in note
    assert LLM_KEY not in caplog.text


async def test_a_broken_llm_does_not_stop_a_pin_from_being_placed(
    client: AsyncClient, llm: FakeLlm, rosa: Pinner, boards: Seeded
) -> None:
    llm.answer = BROKEN["timeout"][0]

    response = await client.post(
        "/pins",
        json={"auto_board": True, "media_url": "https://images.example.com/a.jpg"} | TACOS,
        headers=rosa.headers,
    )

    assert response.status_code == 201, response.text
    assert response.json()["board_id"] == boards.id("slow_cooker")


async def test_an_answer_in_a_code_fence_is_read(
    client: AsyncClient, llm: FakeLlm, rosa: Pinner, boards: Seeded
) -> None:
    good = scores({"Running Tips": 88})
    llm.answer = lambda offered: "```json\n" + json.dumps(good(offered)) + "\n```"

    body = await suggest(client, rosa, TACOS)

    assert (body["ranker"], body["boards"][0]["id"]) == ("llm", boards.id("running"))


def test_the_llm_needs_both_url_and_model(settings: Settings) -> None:
    from pinsmith.config import load_settings

    with pytest.raises(ConfigError, match="PINSMITH_LLM_URL and PINSMITH_LLM_MODEL go together"):
        load_settings(data_dir=settings.data_dir, llm_url=LLM_URL)


def test_the_key_is_never_shown(settings: Settings) -> None:
    configured = sandboxed_with(settings, llm_url=LLM_URL, llm_model="m", llm_api_key=LLM_KEY)

    assert LLM_KEY not in repr(configured)
    assert LLM_KEY not in str(configured.model_dump())
    assert configured.llm_enabled
