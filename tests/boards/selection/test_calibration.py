"""Calibration: one score per board in [0, 1], fitted so that 0.5 separates "fits" from "new"."""

from __future__ import annotations

import numpy as np

from pinsmith.boards.selection.calibration import Sample, Weights, fit, margins


def test_the_best_board_has_a_positive_margin_the_others_negative() -> None:
    assert margins(np.array([1.0, 3.0, 2.5])).tolist() == [-2.0, 0.5, -0.5]
    assert margins(np.array([4.0])).tolist() == [0.0]


def test_probabilities_are_in_0_1_and_follow_the_scores() -> None:
    weights = Weights(("a",), (2.0,), slope=1.5, margin_slope=1.0, bias=-1.0)
    probabilities = weights.probabilities(weights.scores(np.array([[0.1], [0.9], [-40.0]])))

    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert probabilities[1] > probabilities[0] > probabilities[2]


def synthetic(seed: int) -> list[Sample]:
    """Pins whose right board has a high first feature; pins needing a new board have none."""
    rng = np.random.default_rng(seed)
    samples = []
    for index in range(120):
        features = rng.normal(0.0, 0.3, size=(6, 2))
        acceptable = np.zeros(6, dtype=bool)
        if index % 4:  # three pins in four fit board 0
            features[0, 0] += 2.0
            acceptable[0] = True
        samples.append(Sample(f"account{index % 3}", features, acceptable))
    return samples


def test_fitting_finds_the_informative_feature_and_the_new_board_pins() -> None:
    weights = fit(synthetic(1), ("signal", "noise"))

    assert weights.coefficients[0] > 5 * abs(weights.coefficients[1])
    test = synthetic(2)
    decisions = []
    for sample in test:
        probabilities = weights.probabilities(weights.scores(sample.features))
        decisions.append((probabilities.max() >= 0.5) == (not sample.expects_new))
    assert np.mean(decisions) > 0.95
