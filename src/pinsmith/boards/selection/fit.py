"""Refit the rankers' constants on a labelled data set and print them for calibration.py.

    python -m pinsmith.boards.selection.fit tests/fixtures/board-selection/dev.jsonl

For each ranker it prints the fitted ``Weights`` (paste them into calibration.py), the in-sample
scores, and the leave-one-account-out scores: each account scored with constants fitted on the
other seven, which is what to expect from the held-out accounts of other niches.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pinsmith.boards.selection.calibration import Sample, Weights, fit
from pinsmith.boards.selection.evaluation import Account, DatasetError, read_dataset
from pinsmith.boards.selection.rankers import LexicalRanker, SemanticRanker
from pinsmith.boards.selection.semantic import load_encoder

THRESHOLD = 0.5


@dataclass(frozen=True)
class Outcome:
    pins: int
    correct: int
    predicted_new: int
    expected_new: int
    true_new: int

    def line(self) -> str:
        precision = self.true_new / self.predicted_new if self.predicted_new else 1.0
        recall = self.true_new / self.expected_new if self.expected_new else 1.0
        return (
            f"top-1 {self.correct / self.pins:.3f}  new-board precision {precision:.3f}"
            f" ({self.true_new}/{self.predicted_new})  recall {recall:.3f}"
            f" ({self.true_new}/{self.expected_new})"
        )


def samples(accounts: Sequence[Account], ranker: LexicalRanker | SemanticRanker) -> list[Sample]:
    found: list[Sample] = []
    for account in accounts:
        if not account.boards:
            continue
        for labelled in account.pins:
            found_features = ranker.features(labelled.pin, account.boards)
            acceptable = np.array(
                [board.id in labelled.acceptable_board_ids for board in account.boards]
            )
            found.append(
                Sample(
                    account.name,
                    found_features.features.astype(np.float64),
                    acceptable,
                    found_features.pin_features,
                )
            )
    return found


def outcome(weights: Weights, data: Sequence[Sample]) -> Outcome:
    correct = predicted_new = expected_new = true_new = 0
    for sample in data:
        scores = weights.scores(sample.features)
        best = int(np.argmax(scores))
        new = weights.probabilities(scores, sample.pin_features)[best] < THRESHOLD
        expected_new += sample.expects_new
        if new:
            predicted_new += 1
            true_new += sample.expects_new
            correct += sample.expects_new
        else:
            correct += bool(sample.acceptable[best])
    return Outcome(len(data), correct, predicted_new, expected_new, true_new)


def cross_validated(
    data: Sequence[Sample], names: Sequence[str], pin_names: Sequence[str]
) -> Outcome:
    totals = np.zeros(5, dtype=np.int64)
    for account in sorted({sample.account for sample in data}):
        train = [sample for sample in data if sample.account != account]
        test = [sample for sample in data if sample.account == account]
        result = outcome(fit(train, names, pin_names), test)
        totals += np.array(
            [
                result.pins,
                result.correct,
                result.predicted_new,
                result.expected_new,
                result.true_new,
            ]
        )
    return Outcome(*(int(value) for value in totals))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    args = parser.parse_args(argv)
    try:
        accounts = read_dataset(args.dataset)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rankers: list[LexicalRanker | SemanticRanker] = [LexicalRanker()]
    encoder = load_encoder()
    if encoder is not None:
        rankers.append(SemanticRanker(encoder))
    for ranker in rankers:
        data = samples(accounts, ranker)
        weights = fit(data, ranker.feature_names, ranker.pin_feature_names)
        print(f"# {ranker.name}")
        print(f"{weights!r}")
        print(f"in-sample:      {outcome(weights, data).line()}")
        loao = cross_validated(data, ranker.feature_names, ranker.pin_feature_names)
        print(f"leave-one-out:  {loao.line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
