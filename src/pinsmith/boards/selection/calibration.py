"""How a ranker's features become one calibrated score per board, and how that was fitted.

Two steps, each a handful of global constants (no rule knows a niche):

1. *Ranking*: a board's score is a weighted sum of its features (``Weights.coefficients``),
   fitted as a conditional logit: over each labelled pin's boards, softmax(score) should put
   its mass on the acceptable boards (several may be acceptable).
2. *Calibration*: the probability that a board is a good fit is
   ``sigmoid(slope * score + margin_slope * margin + pin_slopes . pin_features + bias)``, where
   ``margin`` is the board's score minus the best other board's (negative for all but the best)
   and ``pin_features`` say how far the pin is from the whole profile, whatever the board
   (``lexical.PIN_FEATURES``: the share of its title's words no board uses, whether it is in
   another language than the boards). It is a logistic regression on the best board of every
   labelled pin: 1 when that board is acceptable, 0 when the pin needs a new board. Pins whose
   best board is wrong while another fits are left out: for them "new" and "existing" are
   equally wrong, so leaving them out makes 0.5 the point where "existing" and "new" are
   equally likely to be right, for every ranker.

``python -m pinsmith.boards.selection.fit FILE`` refits both rankers on a data set and
prints the constants below, with their leave-one-account-out scores (the honest estimate for
accounts of other niches).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]
Vector = NDArray[np.float64]

#: L2 penalty per pin on the standardised ranking and calibration weights: keeps a dozen
#: weights fitted on 325 pins from chasing single pins.
RANKING_L2 = 0.01
CALIBRATION_L2 = 0.001


@dataclass(frozen=True)
class Weights:
    """A ranker's constants: feature weights (raw feature scale) and the calibration."""

    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    slope: float
    margin_slope: float
    bias: float
    pin_features: tuple[str, ...] = ()
    pin_slopes: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if len(self.coefficients) != len(self.features):
            raise ValueError("one coefficient per feature")
        if len(self.pin_slopes) != len(self.pin_features):
            raise ValueError("one slope per pin feature")

    def scores(self, features: NDArray[np.floating]) -> Vector:
        """The ranking score of each board (rows of ``features``)."""
        weights = np.asarray(self.coefficients, dtype=np.float64)
        return np.asarray(np.asarray(features, dtype=np.float64) @ weights, dtype=np.float64)

    def probabilities(
        self, scores: Vector, pin_features: NDArray[np.floating] | None = None
    ) -> Vector:
        """Each board's calibrated probability of being a good fit, in [0, 1]; ``pin_features``
        (in the order of ``self.pin_features``) shift every board of the pin alike."""
        offset = self.bias
        if self.pin_slopes:
            if pin_features is None or len(pin_features) != len(self.pin_slopes):
                raise ValueError(f"these weights need the pin features {self.pin_features}")
            offset += float(np.asarray(pin_features, dtype=np.float64) @ self.pin_slopes)
        return _sigmoid(self.slope * scores + self.margin_slope * margins(scores) + offset)


def margins(scores: Vector) -> Vector:
    """Each score minus the best of the others; 0 for a profile with a single board."""
    if len(scores) < 2:
        return np.zeros_like(scores)
    order = np.argsort(-scores)
    best, second = scores[order[0]], scores[order[1]]
    result = np.asarray(scores - best, dtype=np.float64)
    result[order[0]] = best - second
    return result


def _sigmoid(values: Vector) -> Vector:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(values, -40.0, 40.0))), dtype=np.float64)


# ---------------------------------------------------------------------------- fitting


@dataclass(frozen=True)
class Sample:
    """One labelled pin: its boards' features and which boards are acceptable (none: new)."""

    account: str
    features: Matrix  # (boards, features)
    acceptable: NDArray[np.bool_]  # (boards,)
    pin_features: Vector = field(default_factory=lambda: np.zeros(0))  # (pin features,)

    @property
    def expects_new(self) -> bool:
        return not bool(self.acceptable.any())


def fit(samples: Sequence[Sample], names: Sequence[str], pin_names: Sequence[str] = ()) -> Weights:
    """Ranking weights, then the calibration on top of them."""
    coefficients = fit_ranking(samples)
    slope, margin_slope, pin_slopes, bias = fit_calibration(samples, coefficients)
    if len(pin_slopes) != len(pin_names):
        raise ValueError(f"the samples have {len(pin_slopes)} pin features, not {len(pin_names)}")
    return Weights(
        features=tuple(names),
        coefficients=tuple(round(float(c), 4) for c in coefficients),
        slope=round(slope, 4),
        margin_slope=round(margin_slope, 4),
        bias=round(bias, 4),
        pin_features=tuple(pin_names),
        pin_slopes=tuple(round(float(s), 4) for s in pin_slopes),
    )


def fit_ranking(samples: Sequence[Sample], l2: float = RANKING_L2) -> Vector:
    """Conditional-logit weights by Newton's method, on standardised features; returned on the
    raw feature scale (a per-feature shift does not change a softmax over boards)."""
    usable = [s for s in samples if not s.expects_new and len(s.features) > 1]
    stacked = np.vstack([s.features for s in usable])
    mean, spread = stacked.mean(axis=0), stacked.std(axis=0)
    spread[spread == 0] = 1.0
    standard = [((s.features - mean) / spread, s.acceptable) for s in usable]
    weights = np.zeros(stacked.shape[1])
    loss, gradient, hessian = _ranking_loss(standard, weights, l2)
    for _ in range(100):
        step = np.linalg.solve(hessian, gradient)
        size = 1.0
        while True:
            candidate = weights - size * step
            new_loss, new_gradient, new_hessian = _ranking_loss(standard, candidate, l2)
            if new_loss <= loss or size < 1e-6:
                break
            size /= 2
        converged = loss - new_loss < 1e-9
        weights, loss, gradient, hessian = candidate, new_loss, new_gradient, new_hessian
        if converged:
            break
    return np.asarray(weights / spread, dtype=np.float64)


def _ranking_loss(
    samples: Sequence[tuple[Matrix, NDArray[np.bool_]]], weights: Vector, l2: float
) -> tuple[float, Vector, Matrix]:
    """-log P(an acceptable board), its gradient and a positive definite Hessian bound."""
    count = len(samples)
    loss = 0.5 * l2 * count * float(weights @ weights)
    gradient = l2 * count * weights
    hessian = l2 * count * np.eye(len(weights))
    for features, acceptable in samples:
        scores = features @ weights
        every = _log_sum_exp(scores)
        good = _log_sum_exp(scores[acceptable])
        loss += every - good
        p_all = np.exp(scores - every)
        p_good = np.where(acceptable, np.exp(scores - good), 0.0)
        gradient = gradient + features.T @ (p_all - p_good)
        centered = features - p_all @ features
        hessian = hessian + (centered * p_all[:, None]).T @ centered
    return loss, gradient, hessian


def _log_sum_exp(values: Vector) -> float:
    top = float(values.max())
    return top + float(np.log(np.exp(values - top).sum()))


def fit_calibration(
    samples: Sequence[Sample], coefficients: Vector, l2: float = CALIBRATION_L2
) -> tuple[float, float, tuple[float, ...], float]:
    """(slope, margin_slope, pin_slopes, bias) of the logistic regression described in the
    module doc, by Newton's method on standardised inputs (the bias is not penalised)."""
    rows: list[list[float]] = []
    labels: list[float] = []
    for sample in samples:
        scores = sample.features @ coefficients
        best = int(np.argmax(scores))
        fits = bool(sample.acceptable[best])
        if fits or sample.expects_new:
            rows.append(
                [float(scores[best]), float(margins(scores)[best])]
                + [float(value) for value in sample.pin_features]
            )
            labels.append(1.0 if fits else 0.0)
    inputs = np.array(rows)
    mean, spread = inputs.mean(axis=0), inputs.std(axis=0)
    spread[spread == 0] = 1.0
    design = np.hstack([(inputs - mean) / spread, np.ones((len(rows), 1))])
    target = np.array(labels)
    size = design.shape[1]
    penalty = l2 * len(rows) * np.diag([1.0] * (size - 1) + [0.0])
    weights = np.zeros(size)
    for _ in range(100):
        p = _sigmoid(design @ weights)
        gradient = design.T @ (p - target) + penalty @ weights
        hessian = (design * (p * (1 - p))[:, None]).T @ design + penalty + 1e-9 * np.eye(size)
        step = np.linalg.solve(hessian, gradient)
        weights = weights - step
        if float(np.abs(step).max()) < 1e-10:
            break
    raw = weights[:-1] / spread
    bias = float(weights[-1] - raw @ mean)
    return float(raw[0]), float(raw[1]), tuple(float(value) for value in raw[2:]), bias


# ---------------------------------------------------------------------------- the constants
#
# Fitted on the development set (dev.jsonl: 8 accounts, 182 boards, 325 pins) with
# ``python -m pinsmith.boards.selection.fit dev.jsonl``: ranking weights by the conditional
# logit above (L2 0.01 per pin on standardised features), then the calibration (L2 0.001).
# 4 + 5 constants for the lexical ranker, 8 + 5 for the semantic one; nothing per niche.
# What they give on dev.jsonl, in-sample / leave-one-account-out (the fit prints both):
#   lexical   top-1 0.738 / 0.735, new-board precision 0.54 / 0.55, recall 0.56 / 0.56
#   semantic  top-1 0.791 / 0.772, new-board precision 0.56 / 0.46, recall 0.49 / 0.44
# (before the pin features: lexical 0.705 / 0.692, semantic 0.760 / 0.745, new-board precision
# and recall 0.23-0.38.) The bars (0.80 / 0.88, new-board precision and recall 0.70)
# are not reached.

LEXICAL_WEIGHTS = Weights(
    features=("title_coverage", "description_coverage", "name_recall", "bm25"),
    coefficients=(6.9554, 4.1401, 2.15, 2.7469),
    slope=0.782,
    margin_slope=0.4013,
    bias=-0.6929,
    pin_features=("unknown_title_share", "other_language"),
    pin_slopes=(-4.1034, 7.6393),
)

SEMANTIC_WEIGHTS = Weights(
    features=(
        "title_coverage",
        "description_coverage",
        "name_recall",
        "bm25",
        "board_similarity",
        "board_similarity_centered",
        "view_similarity",
        "name_similarity",
    ),
    coefficients=(3.1932, 6.4758, 1.8482, 1.1802, 21.6791, 42.3322, 25.6926, 32.9125),
    slope=0.1586,
    margin_slope=0.315,
    bias=-7.3562,
    pin_features=("unknown_title_share", "other_language"),
    pin_slopes=(-4.9335, 5.4579),
)
