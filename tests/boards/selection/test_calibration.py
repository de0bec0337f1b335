"""Calibration: one score per board in [0, 1], fitted so that 0.5 separates "fits" from "new"."""

from __future__ import annotations

import numpy as np
import pytest

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


def test_pin_features_shift_every_board_alike() -> None:
    weights = Weights(
        ("a",),
        (1.0,),
        slope=1.0,
        margin_slope=0.0,
        bias=0.0,
        pin_features=("far",),
        pin_slopes=(-2.0,),
    )
    scores = weights.scores(np.array([[1.0], [0.0]]))

    near = weights.probabilities(scores, np.array([0.0]))
    far = weights.probabilities(scores, np.array([1.0]))

    assert (far < near).all()
    with pytest.raises(ValueError, match="pin features"):
        weights.probabilities(scores)


def test_weights_need_one_slope_per_pin_feature() -> None:
    with pytest.raises(ValueError, match="one slope per pin feature"):
        Weights(("a",), (1.0,), 1.0, 0.0, 0.0, pin_features=("far",))


def test_fitting_learns_that_pins_far_from_the_profile_need_a_new_board() -> None:
    """Scores alike for every pin; only the pin feature tells the new-board pins."""
    rng = np.random.default_rng(3)
    samples = []
    for index in range(160):
        features = rng.normal(0.0, 0.3, size=(5, 1))
        features[0, 0] += 2.0
        new = index % 4 == 0
        acceptable = np.zeros(5, dtype=bool)
        acceptable[0] = not new
        far = np.array([rng.uniform(0.6, 1.0) if new else rng.uniform(0.0, 0.4)])
        samples.append(Sample(f"account{index % 4}", features, acceptable, far))

    weights = fit(samples, ("signal",), ("far",))

    assert weights.pin_features == ("far",)
    assert weights.pin_slopes[0] < 0
    right = [
        (weights.probabilities(weights.scores(s.features), s.pin_features).max() < 0.5)
        == s.expects_new
        for s in samples
    ]
    assert np.mean(right) > 0.95
