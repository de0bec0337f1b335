"""Benchmark pin rendering against what Pillow alone needs, and the batch runner across cores.

Measures, in one run, on this machine:

- the floor: Pillow decoding a 2400x1600 JPEG, ``ImageOps.fit`` to 1000x1500 and encoding it
  as JPEG quality 90 -- the least any pin with a photo can cost;
- each of the 15 built-in templates: ``render_jpeg`` from the same JPEG bytes with a ~60-character
  title, a description, urlText and a colour. Target: median <= 1.5x the floor (PASS/FAIL);
- batch throughput: ``run_batch`` (what ``pinsmith render --batch`` runs) over 200 rows with 200
  different photos (crops, flips, turns, 800 to 2400 px, JPEG quality 60 to 95), with every core
  and with ``--jobs 1``. Target: all cores >= 1.7x the rows/s of one job on 2 cores.

The floor and the templates are timed interleaved (one floor, then each template, per round), so
they see the same machine; every timing is preceded by warm-up runs.

Run:  python bench/render.py [--quick] [--runs N] [--rows N] [--jobs N]
Photos come from ../shared/data/photos beside the project, else tests/fixtures/photos.
Prints medians and ratios; exits 0 either way.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps

from pinsmith.render import BUILTIN_NAMES, PinFields, builtin_template, render_jpeg
from pinsmith.render.batch import pool_context, read_rows, run_batch
from pinsmith.render.contact_sheet import photos_in, sample_photo_folder

PROJECT = Path(__file__).resolve().parent.parent
SOURCE_SIZE = (2400, 1600)
PIN_SIZE = (1000, 1500)
TEMPLATE_TARGET = 1.5
SCALING_TARGET = 1.7
TITLE = "The Ultimate Guide to Slow Morning Coffee Rituals at Home"  # 57 characters
FIELDS = PinFields(
    title=TITLE,
    description="Grind, bloom, pour and breathe: ten quiet minutes to start the day right.",
    url_text="brewathome.co",
)
COLOUR = "#7f5539"
TITLES = (
    "Easy One-Pot Lemon Garlic Pasta",
    "10 Cozy Reading Nooks You Will Want to Curl Up In This Winter",
    "Budget Travel Guide",
    "How to Start a Balcony Herb Garden: Basil, Mint and Thyme for Beginners",
    "Cat Care 101",
    "What Astronauts Eat in Space: 12 Surprising Facts About Life Aboard the Station",
    "Latte Art at Home",
    "Stargazing for Beginners",
)
COLOURS = ("#1f6feb", "#e76f51", "#2a9d8f", "#3a0ca3", "#ffb703", "#d62828", "#8d6e63")


def cores() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def big_photo(source: Path) -> bytes:
    """A 2400x1600 JPEG (quality 90) upscaled from a real photo."""
    with Image.open(source) as image:
        big = ImageOps.fit(image.convert("RGB"), SOURCE_SIZE, Image.Resampling.LANCZOS)
    buffer = BytesIO()
    big.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def floor(data: bytes) -> bytes:
    with Image.open(BytesIO(data)) as image:
        fitted = ImageOps.fit(image, PIN_SIZE)
    buffer = BytesIO()
    fitted.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def bench_templates(data: bytes, runs: int) -> None:
    specs = {name: builtin_template(name) for name in BUILTIN_NAMES}
    for _ in range(3):  # warm-up: fonts, shape masks, decoders
        floor(data)
        for spec in specs.values():
            assert spec is not None
            render_jpeg(spec, FIELDS, data, colour=COLOUR)
    floor_times: list[float] = []
    template_times: dict[str, list[float]] = {name: [] for name in specs}
    for _ in range(runs):
        floor_times.append(timed(lambda: floor(data)))
        for name, spec in specs.items():
            assert spec is not None
            started = time.perf_counter()
            render_jpeg(spec, FIELDS, data, colour=COLOUR)
            template_times[name].append(time.perf_counter() - started)
    base = median_ms(floor_times)
    print(f"floor: decode 2400x1600 JPEG, fit to 1000x1500, encode q90: {base:.1f} ms (median)")
    print(f"{'template':<30} {'median':>9} {'ratio':>7}  target <= {TEMPLATE_TARGET}x")
    passed = 0
    for name, samples in template_times.items():
        ratio = median_ms(samples) / base
        verdict = "PASS" if ratio <= TEMPLATE_TARGET else "FAIL"
        passed += verdict == "PASS"
        print(f"{name:<30} {median_ms(samples):>6.1f} ms {ratio:>6.2f}x  {verdict}")
    print(f"{passed} of {len(template_times)} templates within {TEMPLATE_TARGET}x the floor")


def varied_photo(source: Path, index: int, target: Path) -> None:
    """One of the batch's photos: a different crop, orientation, size and quality each time."""
    chance = random.Random(index)  # noqa: S311 - variety, not secrecy
    with Image.open(source) as opened:
        image = opened.convert("RGB")
    width, height = image.size
    keep = chance.uniform(0.55, 1.0)
    crop_w, crop_h = round(width * keep), round(height * chance.uniform(0.55, 1.0))
    left, top = chance.randint(0, width - crop_w), chance.randint(0, height - crop_h)
    image = image.crop((left, top, left + crop_w, top + crop_h))
    if chance.random() < 0.5:
        image = ImageOps.mirror(image)
    turn = chance.choice((None, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180, None))
    if turn is not None:
        image = image.transpose(turn)
    long_side = chance.randint(800, 2400)
    scale = long_side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    image = image.resize(size, Image.Resampling.BICUBIC)
    image.save(target, "JPEG", quality=chance.randint(60, 95))


def batch_rows(folder: Path, sources: list[Path], count: int) -> Path:
    photos = folder / "photos"
    photos.mkdir()
    rows_file = folder / "rows.csv"
    with rows_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["template", "title", "description", "urlText", "color", "image"])
        for index in range(count):
            name = f"photo-{index:03d}.jpg"
            varied_photo(sources[index % len(sources)], index, photos / name)
            writer.writerow(
                [
                    BUILTIN_NAMES[index % len(BUILTIN_NAMES)],
                    TITLES[index % len(TITLES)],
                    "A short description that fills the description box.",
                    "pinsmith.example",
                    COLOURS[index % len(COLOURS)],
                    f"photos/{name}",
                ]
            )
    return rows_file


def time_batch(rows_file: Path, out_dir: Path, jobs: int) -> None:
    """In a fresh process (see ``timed_batch``): run the batch and print what it did."""
    rows = read_rows(rows_file)
    started = time.perf_counter()
    report = run_batch(rows, rows_dir=rows_file.parent, out_dir=out_dir, jobs=jobs)
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {"elapsed": elapsed, "written": len(report.written), "failed": len(report.failed)}
        )
    )


def timed_batch(rows_file: Path, out_dir: Path, jobs: int) -> dict[str, float]:
    """Each batch runs in a new process, as ``pinsmith render --batch`` does, so --jobs 1 starts
    as cold as the pool's workers (no fonts, masks or measures cached by the runs above)."""
    command = [sys.executable, __file__, "--time-batch", str(rows_file), str(out_dir), str(jobs)]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    result: dict[str, float] = json.loads(completed.stdout.splitlines()[-1])
    return result


def floors(data: bytes, count: int) -> float:
    """Seconds for ``count`` floors after a warm-up: a pool task for ``parallel_ceiling``."""
    floor(data)
    started = time.perf_counter()
    for _ in range(count):
        floor(data)
    return time.perf_counter() - started


def parallel_ceiling(data: bytes, jobs: int, count: int) -> float:
    """How much faster ``jobs`` processes doing Pillow's part alone are than one, here and now.

    Shared or busy cores (a VM whose vCPUs are SMT siblings, other work on the machine) cap
    what any batch can reach; printing that cap tells a slow machine from a slow runner.
    """
    one = floors(data, count)
    with ProcessPoolExecutor(jobs, mp_context=pool_context()) as pool:
        elapsed = max(pool.map(floors, [data] * jobs, [count] * jobs))
    return (jobs * count / elapsed) / (count / one)


def bench_batch(sources: list[Path], count: int, jobs: int, ceiling: float) -> None:
    with tempfile.TemporaryDirectory(prefix="pinsmith-bench-") as temporary:
        folder = Path(temporary)
        print(f"preparing {count} photos and rows ...", flush=True)
        rows_file = batch_rows(folder, sources, count)
        lines = rows_file.read_text(encoding="utf-8").splitlines(keepends=True)
        warm_rows = folder / "warm.csv"
        warm_rows.write_text("".join(lines[: 1 + 4 * jobs]), encoding="utf-8")
        timed_batch(warm_rows, folder / "warm", jobs)  # disk cache, bytecode, the fork server
        rates: dict[int, float] = {}
        for workers in (jobs, 1):
            result = timed_batch(rows_file, folder / f"out-{workers}", workers)
            rates[workers] = result["written"] / result["elapsed"]
            failed = f", {result['failed']:.0f} failed" if result["failed"] else ""
            print(
                f"batch --jobs {workers}: {result['written']:.0f} pins in"
                f" {result['elapsed']:.1f} s = {rates[workers]:.1f} rows/s{failed}"
            )
        ratio = rates[jobs] / rates[1]
        verdict = "PASS" if ratio >= SCALING_TARGET else "FAIL"
        target = f"target >= {SCALING_TARGET}x on 2 cores"
        print(f"batch scaling: --jobs {jobs} / --jobs 1 = {ratio:.2f}x  ({target}) {verdict}")
        print(
            f"  Pillow alone in {jobs} processes reached {ceiling:.2f}x one process on this"
            f" machine just before: the batch got {ratio / ceiling:.0%} of what the cores gave"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and rows")
    parser.add_argument("--runs", type=int, help="timed renders per template (default 30)")
    parser.add_argument("--rows", type=int, help="rows in the batch (default 200)")
    parser.add_argument("--jobs", type=int, default=cores(), help="processes for the batch")
    parser.add_argument("--time-batch", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.time_batch:
        rows_file, out_dir, jobs = options.time_batch
        time_batch(Path(rows_file), Path(out_dir), int(jobs))
        return
    runs = options.runs or (7 if options.quick else 30)
    rows = options.rows or (40 if options.quick else 200)

    folder = sample_photo_folder(PROJECT)
    if folder is None:
        print("no sample photos: expected ../shared/data/photos or tests/fixtures/photos")
        return
    sources = photos_in(folder)
    print(f"pinsmith render benchmark: {cores()} core(s), Python {sys.version.split()[0]}")
    print(f"photos from {folder} ({len(sources)})")
    data = big_photo(max(sources, key=lambda path: path.stat().st_size))
    bench_templates(data, runs)
    print()
    if options.jobs < 2:
        print("batch scaling needs 2 or more cores (or --jobs 2): skipped")
        return
    ceiling = parallel_ceiling(data, options.jobs, max(5, runs // 2))
    bench_batch(sources, rows, options.jobs, ceiling)


if __name__ == "__main__":
    main()
