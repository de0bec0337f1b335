"""The board-selection data set (dev.jsonl and the held-out set), predictions and their scores.

The scoring is the data set README's, to the letter, so that the number the CLI prints is the
number the feature is judged by:

- top-1: a pin is right when the predicted board is one of ``acceptable_board_ids``, or when
  both the prediction and ``expected_board_id`` are null; a pin without a prediction is wrong;
- new-board precision / recall: of the pins predicted null, how many expect null; of the pins
  expecting null, how many were predicted null;
- section accuracy: over the pins with an ``expected_section_id``, the predicted section must
  equal it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pinsmith.boards.selection.model import (
    BoardCandidate,
    PinText,
    SectionCandidate,
    Selection,
)


class DatasetError(ValueError):
    """The file is not a board-selection data set; the message names the line and the field."""


@dataclass(frozen=True)
class LabelledPin:
    pin: PinText
    expected_board_id: str | None
    expected_section_id: str | None
    acceptable_board_ids: tuple[str, ...]
    new_board_hint: str | None = None

    @property
    def expects_new_board(self) -> bool:
        return self.expected_board_id is None


@dataclass(frozen=True)
class Account:
    name: str
    niche: str
    boards: tuple[BoardCandidate, ...]
    pins: tuple[LabelledPin, ...]


@dataclass(frozen=True)
class Prediction:
    account: str
    pin_index: int
    board_id: str | None
    section_id: str | None
    new_board_name: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "pin_index": self.pin_index,
            "board_id": self.board_id,
            "section_id": self.section_id,
            "new_board_name": self.new_board_name,
        }


@dataclass(frozen=True)
class AccountScore:
    account: str
    pins: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.pins if self.pins else 0.0


@dataclass(frozen=True)
class Scores:
    pins: int
    correct: int
    predicted_new: int
    expected_new: int
    new_true_positives: int
    sections_expected: int
    sections_correct: int
    accounts: list[AccountScore] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.pins if self.pins else 0.0

    @property
    def new_board_precision(self) -> float:
        """1.0 when nothing was predicted new: no wrong "new" answers were given."""
        return self.new_true_positives / self.predicted_new if self.predicted_new else 1.0

    @property
    def new_board_recall(self) -> float:
        return self.new_true_positives / self.expected_new if self.expected_new else 1.0

    @property
    def section_accuracy(self) -> float:
        return self.sections_correct / self.sections_expected if self.sections_expected else 1.0


# ---------------------------------------------------------------------------- reading


def read_dataset(path: Path) -> list[Account]:
    """Every account of a JSON Lines file in the README's format; blank lines are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path} is not UTF-8 text") from exc
    accounts: list[Account] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            accounts.append(_account(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise DatasetError(f"{path}:{number}: {_problem(exc)}") from exc
    if not accounts:
        raise DatasetError(f"{path} holds no accounts")
    return accounts


def _problem(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


def _account(data: Any) -> Account:
    if not isinstance(data, dict):
        raise TypeError("each line must be a JSON object (one account)")
    boards = tuple(_board(board) for board in _list(data, "boards"))
    pins = tuple(_labelled_pin(pin) for pin in _list(data, "pins"))
    return Account(
        name=_text(data, "account"), niche=str(data.get("niche") or ""), boards=boards, pins=pins
    )


def _board(data: Any) -> BoardCandidate:
    if not isinstance(data, dict):
        raise TypeError("a board must be a JSON object")
    return BoardCandidate(
        id=_id(data["id"]),
        name=_text(data, "name"),
        description=str(data.get("description") or ""),
        sections=tuple(
            SectionCandidate(id=_id(section["id"]), name=_text(section, "name"))
            for section in data.get("sections") or []
        ),
        recent_pin_titles=tuple(str(title) for title in data.get("recent_pin_titles") or []),
    )


def _labelled_pin(data: Any) -> LabelledPin:
    if not isinstance(data, dict):
        raise TypeError("a pin must be a JSON object")
    expected = data.get("expected_board_id")
    acceptable = tuple(_id(board) for board in data.get("acceptable_board_ids") or [])
    if expected is not None and _id(expected) not in acceptable:
        acceptable = (_id(expected), *acceptable)
    section = data.get("expected_section_id")
    return LabelledPin(
        pin=PinText(
            title=str(data.get("title") or ""),
            description=str(data.get("description") or ""),
            link=data.get("link"),
        ),
        expected_board_id=None if expected is None else _id(expected),
        expected_section_id=None if section is None else _id(section),
        acceptable_board_ids=acceptable,
        new_board_hint=data.get("new_board_hint"),
    )


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data[key]
    if not isinstance(value, list):
        raise TypeError(f"{key!r} must be a list")
    return value


def _text(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key!r} must be a string")
    return value


def _id(value: Any) -> str:
    """Ids are digit strings; a number is accepted and compared as its string."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"an id must be a string of digits, not {value!r}")
    return str(value)


# ---------------------------------------------------------------------------- predicting

Select = Callable[[PinText, Sequence[BoardCandidate]], Selection]


def predict(accounts: Iterable[Account], select: Select) -> list[Prediction]:
    """One prediction per pin, in file order, from ``select`` (the public ``select`` with a
    ranker and threshold bound)."""
    predictions: list[Prediction] = []
    for account in accounts:
        for index, labelled in enumerate(account.pins):
            predictions.append(
                _prediction(account.name, index, select(labelled.pin, account.boards))
            )
    return predictions


def write_predictions(path: Path, predictions: Iterable[Prediction]) -> None:
    """One JSON object per line, as the README's scorer reads them."""
    lines = [json.dumps(p.as_json(), ensure_ascii=False) for p in predictions]
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def _prediction(account: str, index: int, selection: Selection) -> Prediction:
    best = selection.best
    if selection.decision == "new" or best is None:
        return Prediction(account, index, None, None, selection.new_board_name)
    return Prediction(
        account, index, best.board.id, best.section.id if best.section else None, None
    )


# ---------------------------------------------------------------------------- scoring


def score(accounts: Sequence[Account], predictions: Iterable[Prediction]) -> Scores:
    """The README's scores of ``predictions`` against the labels of ``accounts``."""
    by_pin = {(p.account, p.pin_index): p for p in predictions}
    pins = correct = predicted_new = expected_new = true_new = 0
    sections_expected = sections_correct = 0
    per_account: list[AccountScore] = []
    for account in accounts:
        account_correct = 0
        for index, labelled in enumerate(account.pins):
            prediction = by_pin.get((account.name, index))
            right = _is_correct(labelled, prediction)
            account_correct += right
            if prediction is not None and prediction.board_id is None:
                predicted_new += 1
                true_new += labelled.expects_new_board
            expected_new += labelled.expects_new_board
            if labelled.expected_section_id is not None:
                sections_expected += 1
                sections_correct += (
                    prediction is not None and prediction.section_id == labelled.expected_section_id
                )
        pins += len(account.pins)
        correct += account_correct
        per_account.append(AccountScore(account.name, len(account.pins), account_correct))
    return Scores(
        pins=pins,
        correct=correct,
        predicted_new=predicted_new,
        expected_new=expected_new,
        new_true_positives=true_new,
        sections_expected=sections_expected,
        sections_correct=sections_correct,
        accounts=per_account,
    )


def _is_correct(labelled: LabelledPin, prediction: Prediction | None) -> bool:
    if prediction is None:
        return False
    if prediction.board_id is None:
        return labelled.expects_new_board
    return prediction.board_id in labelled.acceptable_board_ids


def report_lines(scores: Scores) -> list[str]:
    """The scorer's summary; the last line is ``accuracy=0.XXX`` as the README asks."""
    return [
        f"pins: {scores.pins}",
        f"top-1 board accuracy: {scores.accuracy:.3f} ({scores.correct}/{scores.pins})",
        f"new-board precision: {scores.new_board_precision:.3f}"
        f" ({scores.new_true_positives}/{scores.predicted_new})",
        f"new-board recall: {scores.new_board_recall:.3f}"
        f" ({scores.new_true_positives}/{scores.expected_new})",
        f"section accuracy: {scores.section_accuracy:.3f}"
        f" ({scores.sections_correct}/{scores.sections_expected})",
        f"accuracy={scores.accuracy:.3f}",
    ]
