"""Many pins from one rows file (CSV or JSON Lines), rendered across processes.

A batch is what a person prepares in a spreadsheet, so the file is checked before any work starts:
an empty file, an unknown column or a broken JSON line stops the batch with the line that is
wrong (``BatchFileError``). A bad *row* (an unknown template, a missing image) only fails that
row: the others are still written, and every failure comes back with its row number and reason.

Rendering is CPU-bound, so rows go to a pool of processes in small chunks. Each worker loads the
templates and fonts once (``prepare_worker``), renders, encodes and writes the file itself: only
a short ``RowResult`` travels back, never image bytes. Workers never come from forking the
caller, which may hold threads (a progress bar's, a server's): see ``pool_context``.

The single-pin pieces (``resolve_template``, ``load_image``, ``checked_colour``, ``write_pin``)
are public so that rendering one pin from the command line takes the same path as a batch row.
"""

from __future__ import annotations

import asyncio
import csv
import difflib
import io
import json
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from pinsmith.render import fonts
from pinsmith.render.builtin import BUILTIN_NAMES, RANDOM_TEMPLATE, builtin_template
from pinsmith.render.engine import render, render_jpeg
from pinsmith.render.fields import MAX_CUSTOM, PinFields
from pinsmith.render.palette import parse_hex
from pinsmith.render.source import PhotoError
from pinsmith.render.spec import TemplateSpec, TextLayer
from pinsmith.render.text import REF as MEASURE_SIZE

__all__ = [
    "COLUMNS",
    "MAX_IMAGE_BYTES",
    "OUTPUT_FORMATS",
    "BatchFileError",
    "BatchReport",
    "PinProblem",
    "Row",
    "RowResult",
    "checked_colour",
    "is_url",
    "load_image",
    "pool_context",
    "prepare_worker",
    "read_rows",
    "render_row",
    "resolve_template",
    "run_batch",
    "unknown_template",
    "write_pin",
]

MAX_IMAGE_BYTES = 20 * 1024 * 1024  # a photo, from disk or from a URL
MAX_SPEC_BYTES = 1024 * 1024  # a custom template file
DEFAULT_QUALITY = 90
MAX_CHUNK = 4  # rows per pool task: enough to hide the IPC, small enough to balance the cores

# Output suffix -> Pillow format.
OUTPUT_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}

# Column or key (lower-cased) -> the name used from here on. customN is matched separately.
_ALIASES = {
    "template": "template",
    "title": "title",
    "description": "description",
    "urltext": "urlText",
    "url_text": "urlText",
    "color": "color",
    "colour": "color",
    "image": "image",
    "imageurl": "image",
    "image_url": "image",
    "output": "output",
}
_REQUIRED_COLUMNS = ("template", "title")
_CUSTOM_COLUMN = re.compile(r"^custom([0-9]{1,3})$")
COLUMNS = (
    "template, title, description, urlText (or url_text), color, image (or imageURL), "
    f"custom1..custom{MAX_CUSTOM}, output"
)

ProblemField = Literal["template", "title", "color", "image", "output", "render"]


class BatchFileError(Exception):
    """The rows file as a whole cannot be used; the message names the line when there is one."""


class PinProblem(Exception):
    """One pin cannot be made; ``field`` says which input is at fault, the message why."""

    def __init__(self, field: ProblemField, message: str) -> None:
        super().__init__(message)
        self.field: ProblemField = field
        self.message = message


@dataclass(frozen=True)
class Row:
    number: int  # 1-based among the data rows: row-<number>.jpg, and how failures are reported
    line: int  # where the row starts in the file
    values: Mapping[str, str]  # by canonical column name (see _ALIASES), never empty strings


@dataclass(frozen=True)
class RowResult:
    number: int
    line: int
    output: Path | None = None  # the file written, when the row succeeded
    problem: str | None = None
    field: ProblemField | None = None
    pid: int = 0  # the process that rendered the row

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class BatchReport:
    results: list[RowResult] = field(default_factory=list)

    @property
    def written(self) -> list[RowResult]:
        return [result for result in self.results if result.ok]

    @property
    def failed(self) -> list[RowResult]:
        return [result for result in self.results if not result.ok]


@dataclass(frozen=True)
class _Options:
    """What every row of a batch shares; sent with each chunk (a few hundred bytes)."""

    rows_dir: Path
    quality: int
    allow_private_urls: bool


@dataclass(frozen=True)
class _Task:
    row: Row
    output: Path


# --- reading the rows file -------------------------------------------------------------------


def read_rows(path: Path) -> list[Row]:
    """Every data row of a ``.csv`` (header line first) or ``.jsonl`` file (one object a line).

    Blank lines are skipped and not counted. Column names are case-insensitive; an unknown one is
    refused rather than ignored, because it is nearly always a typo of a real one.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise BatchFileError(f"{path.name}: a rows file must end in .csv or .jsonl")
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM, as Excel writes, is not a column
    except FileNotFoundError:
        raise BatchFileError(f"{path} does not exist") from None
    except UnicodeDecodeError:
        raise BatchFileError(f"{path.name} is not UTF-8 text") from None
    except OSError as exc:
        raise BatchFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    rows = _csv_rows(path.name, text) if suffix == ".csv" else _jsonl_rows(path.name, text)
    if not rows:
        raise BatchFileError(f"{path.name} has no rows")
    return rows


def _canonical(name: str) -> str | None:
    key = name.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    found = _CUSTOM_COLUMN.match(key)
    if found and 1 <= int(found.group(1)) <= MAX_CUSTOM:
        return f"custom{int(found.group(1))}"
    return None


def _columns(file_name: str, header: list[str]) -> list[str]:
    where = f"{file_name}, line 1 (the header)"
    columns: list[str] = []
    seen: dict[str, str] = {}
    for position, raw in enumerate(header, start=1):
        if not raw.strip():
            raise BatchFileError(f"{where}: column {position} has no name")
        name = _canonical(raw)
        if name is None:
            raise BatchFileError(
                f"{where}: unknown column {raw.strip()!r}; the columns are {COLUMNS}"
            )
        if name in seen:
            raise BatchFileError(f"{where}: {seen[name]!r} and {raw.strip()!r} are the same column")
        seen[name] = raw.strip()
        columns.append(name)
    missing = [name for name in _REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise BatchFileError(f"{where}: no {' or '.join(repr(n) for n in missing)} column")
    return columns


def _csv_rows(file_name: str, text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise BatchFileError(
                f"{file_name} is empty: it needs a header line such as "
                "'template,title,description,urlText,color,image'"
            )
        columns = _columns(file_name, header)
        previous_end = reader.line_num
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                raise BatchFileError(
                    f"{file_name}, line {start}: {len(cells)} values but the header has "
                    f"{len(columns)} columns (a comma inside a value needs quotes)"
                )
            values = {
                name: cell.strip()
                for name, cell in zip(columns, cells, strict=False)
                if cell.strip()
            }
            rows.append(Row(len(rows) + 1, start, values))
    except csv.Error as exc:
        raise BatchFileError(f"{file_name}, line {reader.line_num}: {exc}") from None
    return rows


def _jsonl_rows(file_name: str, text: str) -> list[Row]:
    rows: list[Row] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{file_name}, line {line_number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BatchFileError(
                f"{where}: not valid JSON ({exc.msg} at column {exc.colno})"
            ) from None
        if not isinstance(item, dict):
            raise BatchFileError(
                f'{where}: expected a JSON object such as {{"template": "CenterWave", '
                '"title": "..."}'
            )
        values: dict[str, str] = {}
        for key, value in item.items():
            name = _canonical(key)
            if name is None:
                raise BatchFileError(f"{where}: unknown key {key!r}; the keys are {COLUMNS}")
            if name in values:
                raise BatchFileError(f"{where}: {key!r} repeats another key")
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise BatchFileError(f"{where}: {key!r} must be a string")
            if str(value).strip():
                values[name] = str(value).strip()
        rows.append(Row(len(rows) + 1, line_number, values))
    return rows


# --- one pin ---------------------------------------------------------------------------------


def resolve_template(name: str, *, base_dir: Path) -> TemplateSpec:
    """A built-in by its exact name, ``RandomTemplate``, or a JSON spec file (a path ending in
    ``.json``, relative to ``base_dir``)."""
    name = name.strip()
    if not name:
        raise PinProblem("template", "missing template")
    spec = builtin_template(name)
    if spec is not None:
        return spec
    if name.lower().endswith(".json") or "/" in name or "\\" in name:
        path = Path(name).expanduser()
        return _spec_file(path if path.is_absolute() else base_dir / path, name)
    raise PinProblem("template", unknown_template(name))


def unknown_template(name: str) -> str:
    """The reason for a template name that is not one, with the likely intended name."""
    known = (*BUILTIN_NAMES, RANDOM_TEMPLATE)
    same_letters = [known_name for known_name in known if known_name.lower() == name.lower()]
    if same_letters:
        hint = f"did you mean {same_letters[0]!r}? (names are case-sensitive)"
        return f"unknown template {name!r}: {hint}"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f": did you mean {close[0]!r}?" if close else ""
    return f"unknown template {name!r}{hint}"


def _spec_file(path: Path, shown: str) -> TemplateSpec:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise PinProblem("template", f"template file not found: {shown}") from None
    except OSError as exc:
        raise PinProblem("template", f"cannot read {shown}: {exc.strerror or exc}") from None
    if not path.is_file():
        raise PinProblem("template", f"{shown} is not a file")
    if stat.st_size > MAX_SPEC_BYTES:
        raise PinProblem("template", f"{shown} is larger than {MAX_SPEC_BYTES // 1024} KB")
    return _parsed_spec(str(path.resolve()), stat.st_mtime_ns, shown)


@lru_cache(maxsize=32)
def _parsed_spec(path: str, _mtime_ns: int, shown: str) -> TemplateSpec:
    """Parsed once per process for a batch whose rows share a custom template."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise PinProblem("template", f"cannot read {shown}: {exc.strerror or exc}") from None
    try:
        return TemplateSpec.model_validate_json(data)
    except ValidationError as exc:
        raise PinProblem(
            "template", f"{shown} is not a valid template: {_spec_errors(exc)}"
        ) from None


def _spec_errors(exc: ValidationError, shown: int = 3) -> str:
    problems = []
    for error in exc.errors(include_url=False)[:shown]:
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    more = exc.error_count() - shown
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def checked_colour(value: str | None) -> str | None:
    """The colour as given when it is a hex colour; None when none was given."""
    if value is None or not value.strip():
        return None
    try:
        parse_hex(value)
    except ValueError as exc:
        raise PinProblem("color", f"bad color: {exc}") from None
    return value.strip()


def is_url(source: str) -> bool:
    return source.strip().lower().startswith(("http://", "https://"))


def load_image(source: str, *, base_dir: Path, allow_private_urls: bool = False) -> bytes:
    """The photo's bytes, from an http(s) URL through the SSRF-safe client or from a file
    (relative to ``base_dir``). Decoding is left to the renderer, which decodes no larger than
    the template shows the photo."""
    if is_url(source):
        return _fetch(source.strip(), allow_private_urls)
    path = Path(source).expanduser()
    path = path if path.is_absolute() else base_dir / path
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise PinProblem("image", f"{source} is a folder, not an image")
        if size > MAX_IMAGE_BYTES:
            raise PinProblem("image", f"{source} is larger than {MAX_IMAGE_BYTES // 2**20} MB")
        return path.read_bytes()
    except FileNotFoundError:
        raise PinProblem("image", f"image file not found: {source}") from None
    except OSError as exc:
        raise PinProblem("image", f"cannot read {source}: {exc.strerror or exc}") from None


def _fetch(url: str, allow_private_urls: bool) -> bytes:
    import httpx

    from pinsmith.kit import safe_http

    async def download() -> bytes:
        async with safe_http.safe_client(
            allow_private=allow_private_urls, follow_redirects=True, max_bytes=MAX_IMAGE_BYTES
        ) as client:
            data, _ = await safe_http.fetch_bytes(client, url, max_bytes=MAX_IMAGE_BYTES)
            return data

    try:
        return asyncio.run(download())
    except safe_http.ResponseTooLarge:
        raise PinProblem("image", f"{url} is larger than {MAX_IMAGE_BYTES // 2**20} MB") from None
    except safe_http.SafeHttpError as exc:
        raise PinProblem("image", f"cannot fetch {url}: {exc}") from None
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        raise PinProblem("image", f"{url} answered HTTP {status}") from None
    except httpx.TimeoutException:
        raise PinProblem("image", f"{url} took too long to answer") from None
    except httpx.HTTPError as exc:
        raise PinProblem("image", f"cannot fetch {url}: {exc or type(exc).__name__}") from None


def write_pin(
    spec: TemplateSpec,
    fields: PinFields,
    photo: bytes | None,
    *,
    output: Path,
    colour: str | None = None,
    quality: int = DEFAULT_QUALITY,
) -> None:
    """Render, encode by ``output``'s suffix and write; a reader never sees a half-written file
    (the bytes go to a temporary name in the same folder, then replace the target)."""
    image_format = OUTPUT_FORMATS.get(output.suffix.lower())
    if image_format is None:
        raise PinProblem("output", f"{output.name}: the output must end in {_suffixes()}")
    try:
        if image_format == "JPEG":
            data = render_jpeg(spec, fields, photo, colour=colour, quality=quality)
        else:
            buffer = io.BytesIO()
            image = render(spec, fields, photo, colour=colour).image
            image.save(
                buffer, image_format, **({"quality": quality} if image_format == "WEBP" else {})
            )
            data = buffer.getvalue()
    except PhotoError as exc:
        raise PinProblem("image", str(exc)) from None
    temporary = output.with_name(f".{output.name}.{os.getpid()}.part")
    try:
        temporary.write_bytes(data)
        temporary.replace(output)
    except BaseException as exc:  # Ctrl-C too: no stray .part file is left behind
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise PinProblem("output", f"cannot write {output}: {exc.strerror or exc}") from None
        raise


def _suffixes() -> str:
    names = list(OUTPUT_FORMATS)
    return ", ".join(names[:-1]) + " or " + names[-1]


def render_row(
    row: Row,
    output: Path,
    *,
    rows_dir: Path,
    quality: int = DEFAULT_QUALITY,
    allow_private_urls: bool = False,
) -> RowResult:
    """One row to one file; whatever goes wrong becomes the row's reason, never an exception
    that would stop the rest of the batch."""
    try:
        spec = resolve_template(row.values.get("template", ""), base_dir=rows_dir)
        fields = PinFields.from_request(row.values)
        if not fields.title.strip():
            raise PinProblem("title", "missing title")
        colour = checked_colour(row.values.get("color"))
        source = row.values.get("image")
        photo = None
        if source is not None:
            photo = load_image(source, base_dir=rows_dir, allow_private_urls=allow_private_urls)
        write_pin(spec, fields, photo, output=output, colour=colour, quality=quality)
    except PinProblem as problem:
        return RowResult(
            row.number, row.line, problem=problem.message, field=problem.field, pid=os.getpid()
        )
    except Exception as exc:  # a renderer bug must cost one row, not the batch
        return RowResult(
            row.number,
            row.line,
            problem=f"render failed: {type(exc).__name__}: {exc}",
            field="render",
            pid=os.getpid(),
        )
    return RowResult(row.number, row.line, output=output, pid=os.getpid())


# --- the batch -------------------------------------------------------------------------------


def prepare_worker() -> None:
    """Load what every row needs once per process: the built-in templates, and for each font
    they use the font file and its character map (finding a font through its package and
    reading its cmap cost more than a row's text). The CJK fallback (27 MB) stays lazy: it is
    read only when a title needs it."""
    used: set[tuple[str, int]] = set()
    for name in BUILTIN_NAMES:
        spec = builtin_template(name)
        if spec is None:
            continue
        for layer in spec.layers:
            if isinstance(layer, TextLayer) and fonts.family_key(layer.font) in fonts.FAMILIES:
                used.add((fonts.family_key(layer.font), layer.weight))
    for family, weight in used:
        fonts.load(family, weight, MEASURE_SIZE)
        fonts.charset(family, weight)
    for fallback in fonts.FALLBACKS:
        if fallback in fonts.FAMILIES:
            fonts.charset(fallback, 400)


def _start_worker() -> None:
    """The pool's initializer. Ctrl-C reaches the whole process group: the parent stops the
    batch and the pool, while a worker finishes its rows rather than print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prepare_worker()


def _render_chunk(options: _Options, tasks: list[_Task]) -> list[RowResult]:
    """The pool's unit of work: top-level, so a spawned process can import it."""
    return [
        render_row(
            task.row,
            task.output,
            rows_dir=options.rows_dir,
            quality=options.quality,
            allow_private_urls=options.allow_private_urls,
        )
        for task in tasks
    ]


def _planned(rows: Sequence[Row], out_dir: Path) -> tuple[list[_Task], list[RowResult]]:
    """Each row's output file, or the reason it cannot have one (a path, a suffix we do not
    write, a name another row already took)."""
    tasks: list[_Task] = []
    refused: list[RowResult] = []
    taken: dict[str, int] = {}
    for row in rows:
        name = row.values.get("output") or f"row-{row.number}.jpg"
        problem = None
        if Path(name).name != name or "\\" in name or name in (".", ".."):
            problem = f"output {name!r} must be a file name, without a folder"
        elif Path(name).suffix.lower() not in OUTPUT_FORMATS:
            problem = f"output {name!r} must end in {_suffixes()}"
        elif name.casefold() in taken:
            problem = f"output {name!r} is also row {taken[name.casefold()]}'s output"
        if problem is not None:
            refused.append(RowResult(row.number, row.line, problem=problem, field="output"))
            continue
        taken[name.casefold()] = row.number
        tasks.append(_Task(row, out_dir / name))
    return tasks, refused


def _chunks(tasks: list[_Task], workers: int) -> Iterator[list[_Task]]:
    size = max(1, min(MAX_CHUNK, len(tasks) // (workers * 8)))
    for start in range(0, len(tasks), size):
        yield tasks[start : start + size]


def run_batch(
    rows: Sequence[Row],
    *,
    rows_dir: Path,
    out_dir: Path,
    jobs: int | None = None,
    quality: int = DEFAULT_QUALITY,
    allow_private_urls: bool = False,
    on_result: Callable[[RowResult], None] | None = None,
) -> BatchReport:
    """Render every row into ``out_dir`` (created if missing) with ``jobs`` processes (default:
    one per core; 1 renders in this process). ``on_result`` hears of each row as it finishes,
    in completion order; the report lists them by row number."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchFileError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    options = _Options(rows_dir, quality, allow_private_urls)
    tasks, refused = _planned(rows, out_dir)
    report = BatchReport()

    def record(result: RowResult) -> None:
        report.results.append(result)
        if on_result is not None:
            on_result(result)

    for result in refused:
        record(result)
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    if workers <= 1:
        if tasks:
            prepare_worker()
        for task in tasks:
            record(_render_chunk(options, [task])[0])
    else:
        _run_pool(tasks, options, workers, record)
    report.results.sort(key=lambda result: result.number)
    return report


def pool_context() -> BaseContext:
    """``forkserver`` where the platform has it (Linux, macOS), else ``spawn`` (Windows).

    Both start workers from a clean process, never by forking this one, which may hold threads
    (a progress bar's, a server's). The fork server imports the renderer and the main module
    once and forks every worker from that, so a worker starts in milliseconds instead of
    importing everything again (over a second when the main module is ``pinsmith.cli``); it
    lives on for the next batch in this process.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["__main__", __name__])
        return context
    return multiprocessing.get_context("spawn")


def _run_pool(
    tasks: list[_Task], options: _Options, workers: int, record: Callable[[RowResult], None]
) -> None:
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=pool_context(), initializer=_start_worker
    )
    try:
        pending: dict[Future[list[RowResult]], list[_Task]] = {
            pool.submit(_render_chunk, options, chunk): chunk for chunk in _chunks(tasks, workers)
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                chunk = pending.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:
                    reason = "the worker process stopped unexpectedly (out of memory?)"
                    results = [
                        RowResult(task.row.number, task.row.line, problem=reason, field="render")
                        for task in chunk
                    ]
                for result in results:
                    record(result)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
