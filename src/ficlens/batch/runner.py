"""The per-work function every engine runs, and the driver that feeds engines and writes outputs.

Design and invariants:

- **One per-work function** (``process_work``): read one file, run the pipeline (built once per
  process and cached), turn the ``Doc`` into the contract JSON, and return the bytes of every
  output file. It never writes: the driver does, so local and Ray runs share one writer and one
  naming scheme, and a worker killed mid-work can leave nothing behind.
- **Engines** (``Engine``) only move ``WorkTask``s to workers and ``WorkResult``s back: the local
  process pool (``local.py``) and Ray (``ray_engine.py``). The work split (one task per distinct
  work, in input order) is made here, so it is the same whatever the engine.
- **Works are named by content**: ``work_id`` is the first 16 hex digits of the sha256 of the
  file's bytes (the contract's ``source.sha256``); the analysis goes to ``DIR/works/<id>.json``.
  Every file is written to a temporary name in the same folder and renamed into place, so a
  file at a final name is always complete; the JSON is written last, so its presence means the
  work is done. Resume skips a work whose JSON exists; nothing else is trusted.
- ``DIR/log.jsonl`` gets one line per work per run (analysed, resumed, duplicate, failed), so a
  run's history can be audited; ``DIR/failures.jsonl`` lists this run's failures (see
  ``report.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..errors import FiclensError

WORKS_DIR = "works"
BOOKNLP_DIR = "booknlp"
LOG_FILE = "log.jsonl"


@dataclass(frozen=True)
class BatchSettings:
    """What every worker needs to analyse a work the same way (picklable, sent once per worker)."""

    profile: str | None = None
    stages: tuple[str, ...] | None = None
    max_bytes: int | None = None
    booknlp: bool = False


@dataclass
class WorkTask:
    """One distinct work to analyse. ``data`` carries the file's bytes when the engine ships
    inputs to workers that may not see the driver's filesystem (Ray); else workers read ``path``."""

    index: int
    path: str
    sha256: str
    data: bytes | None = None

    @property
    def work_id(self) -> str:
        return work_id_of(self.sha256)


@dataclass
class WorkResult:
    """What came of one input file. ``status``: analysed, resumed, duplicate or failed.

    ``outputs`` maps paths relative to the batch folder to file contents (analysed works only;
    the driver writes and then drops them). ``stage_errors`` are the stages that raised on a
    work that was otherwise analysed (``doc.errors``).
    """

    index: int
    path: str
    status: str
    work_id: str | None = None
    words: int = 0
    bytes: int = 0
    seconds: float = 0.0
    stage: str | None = None
    reason: str | None = None
    stage_errors: list[dict[str, str]] = field(default_factory=list)
    outputs: dict[str, bytes] = field(default_factory=dict)
    duplicate_of: str | None = None


class Engine(Protocol):
    """Runs ``process_work`` over tasks; yields one result per task, in any order."""

    def run(self, tasks: Iterable[WorkTask], settings: BatchSettings) -> Iterator[WorkResult]: ...


def work_id_of(sha256: str) -> str:
    """The work's id in outputs and tables: the first 16 hex digits of its content hash."""
    return sha256[:16]


def one_line(exc: BaseException) -> str:
    """An exception as one line: ``FiclensError``s as their message, others with their type."""
    if isinstance(exc, FiclensError):
        return str(exc)
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


# ----------------------------------------------------------------------------- the per-work function

_PIPELINES: dict[BatchSettings, Any] = {}


def get_pipeline(settings: BatchSettings):
    """The pipeline for ``settings``, built once per process (spaCy model loaded with it)."""
    pipe = _PIPELINES.get(settings)
    if pipe is None:
        from .. import nlp

        pipe = build_pipeline(settings)
        nlp.load(pipe.nlp_profile)  # load now, not inside the first work's time limit
        _PIPELINES[settings] = pipe
    return pipe


def build_pipeline(settings: BatchSettings):
    """A new pipeline for ``settings`` (``stages=None``: every available stage; ``()``: none)."""
    from ..pipeline import default_pipeline

    stages = list(settings.stages) if settings.stages is not None else None
    return default_pipeline(profile=settings.profile, stages=stages)


def process_work(task: WorkTask, settings: BatchSettings) -> WorkResult:
    """Read, analyse and serialise one work. Never raises: failures come back as results."""
    from ..contract import to_json
    from ..ingest import read, read_bytes

    t0 = time.perf_counter()
    res = WorkResult(task.index, task.path, "failed", work_id=task.work_id)
    stage = "ingest"
    try:
        if task.data is None:
            work = read(task.path, max_bytes=settings.max_bytes)
        else:
            try:
                work = read_bytes(task.data, path=task.path, max_bytes=settings.max_bytes)
            except FiclensError as exc:  # name the file, as ``read`` does
                exc.path = exc.path or task.path
                raise
        res.bytes = len(task.data) if task.data is not None else os.path.getsize(task.path)
        stage = "nlp"
        pipe = get_pipeline(settings)
        doc = pipe.run(work)
        stage = "contract"
        obj = to_json(doc)
        res.outputs[f"{WORKS_DIR}/{task.work_id}.json"] = dump_json(obj)
        if settings.booknlp:
            stage = "booknlp"
            from .booknlp import export_files

            for name, content in export_files(doc, obj, task.work_id).items():
                res.outputs[f"{BOOKNLP_DIR}/{name}"] = content.encode("utf-8")
    except Exception as exc:  # noqa: BLE001 - one bad work never stops a batch
        res.stage, res.reason, res.outputs = stage, one_line(exc), {}
        res.seconds = time.perf_counter() - t0
        return res
    res.status = "analysed"
    res.words = doc.stats.words
    res.stage_errors = list(doc.errors)
    res.seconds = time.perf_counter() - t0
    return res


def dump_json(obj: dict[str, Any]) -> bytes:
    """Compact, key-order-stable JSON with a final newline (the newline marks a whole file)."""
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# ----------------------------------------------------------------------------- writing


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader (or a resumed run) sees either no file or the whole file, never a prefix, even
    if this process is killed mid-write. (No fsync: this guards against a killed process,
    not against a power cut.)
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def output_path(out: Path, work_id: str) -> Path:
    return out / WORKS_DIR / f"{work_id}.json"


def is_complete(path: Path) -> bool:
    """A finished analysis: the file exists and ends with the final newline ``dump_json`` writes."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() < 2:
                return False
            f.seek(-2, os.SEEK_END)
            return f.read() == b"}\n"
    except OSError:
        return False


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# ----------------------------------------------------------------------------- the driver


@dataclass
class Plan:
    """Splits input files into tasks; resolves resumed, duplicate and unreadable files itself."""

    paths: list[Path]
    out: Path
    resume: bool = True
    settings: BatchSettings = field(default_factory=BatchSettings)
    resolved: deque = field(default_factory=deque)  # WorkResults decided without a worker
    first_path: dict[str, str] = field(default_factory=dict)  # work_id -> first input with it

    def _done(self, wid: str) -> bool:
        """Its JSON is whole (and, when asked for, its BookNLP files, written before the JSON, exist)."""
        if not is_complete(output_path(self.out, wid)):
            return False
        return not self.settings.booknlp or (self.out / BOOKNLP_DIR / f"{wid}.book").is_file()

    def tasks(self) -> Iterator[WorkTask]:
        """Tasks in input order, lazily (files are hashed as the engine asks for work)."""
        from ..ingest import max_bytes_default, read

        limit = self.settings.max_bytes if self.settings.max_bytes is not None else max_bytes_default()
        for i, p in enumerate(self.paths):
            try:
                size = p.stat().st_size
                if size == 0 or size > limit * 4:
                    # empty and hugely oversized files: let the reader give its usual error now,
                    # without hashing (all empty files share one hash) or shipping them
                    read(p, max_bytes=self.settings.max_bytes)
                sha = file_sha256(p)
            except Exception as exc:  # noqa: BLE001
                self.resolved.append(WorkResult(i, str(p), "failed", stage="ingest", reason=one_line(exc)))
                continue
            wid = work_id_of(sha)
            if wid in self.first_path:
                self.resolved.append(WorkResult(i, str(p), "duplicate", work_id=wid, duplicate_of=self.first_path[wid]))
                continue
            self.first_path[wid] = str(p)
            if self.resume and self._done(wid):
                self.resolved.append(WorkResult(i, str(p), "resumed", work_id=wid, bytes=size))
                continue
            yield WorkTask(i, str(p), sha)


def run_batch(
    paths: list[Path],
    out: Path,
    engine: Engine,
    settings: BatchSettings | None = None,
    *,
    resume: bool = True,
    on_result: Callable[[WorkResult], None] | None = None,
    tables: bool = True,
):
    """Analyse every work in ``paths`` into ``out`` with ``engine``; returns a ``BatchReport``.

    ``on_result`` is called once per input file as its result arrives (for progress bars).
    After the works, the corpus tables (``works.parquet`` ...) are rebuilt from the per-work
    JSON of every work in this batch, resumed ones included.
    """
    from .report import BatchReport

    settings = settings or BatchSettings()
    build_pipeline(settings)  # a misconfigured pipeline fails here, once, not in every worker
    out = Path(out)
    (out / WORKS_DIR).mkdir(parents=True, exist_ok=True)
    plan = Plan(list(paths), out, resume=resume, settings=settings)
    report = BatchReport(out, total=len(plan.paths))
    done_ids: dict[int, str] = {}
    with _open_log(out / LOG_FILE) as log, report:

        def handle(res: WorkResult) -> None:
            for rel, data in sorted(res.outputs.items(), key=lambda kv: kv[0].startswith(WORKS_DIR)):
                write_atomic(out / rel, data)  # the works/ JSON last: it marks the work done
            res.outputs = {}
            if res.status in ("analysed", "resumed"):
                done_ids[res.index] = res.work_id
            log.write(json.dumps(_log_line(res), ensure_ascii=False) + "\n")
            log.flush()
            report.add(res)
            if on_result:
                on_result(res)

        for res in engine.run(plan.tasks(), settings):
            while plan.resolved:
                handle(plan.resolved.popleft())
            handle(res)
        while plan.resolved:
            handle(plan.resolved.popleft())
    if tables:
        from ..tables import write_parquet

        ids = [done_ids[i] for i in sorted(done_ids)]
        report.table_rows = write_parquet(_load_all(out, ids), out)
    return report


def _open_log(path: Path):
    """Open the log for appending, first ending a line a killed run may have left cut short."""
    if path.exists() and path.stat().st_size:
        with open(path, "rb") as f:
            f.seek(-1, os.SEEK_END)
            cut = f.read() != b"\n"
        if cut:
            with open(path, "a", encoding="utf-8") as f:
                f.write("\n")
    return open(path, "a", encoding="utf-8")


def _log_line(res: WorkResult) -> dict[str, Any]:
    line: dict[str, Any] = {"file": res.path, "work_id": res.work_id, "status": res.status}
    if res.status == "analysed":
        line.update(words=res.words, seconds=round(res.seconds, 3))
    if res.duplicate_of:
        line["duplicate_of"] = res.duplicate_of
    if res.reason:
        line.update(stage=res.stage, reason=res.reason)
    return line


def _load_all(out: Path, ids: list[str]) -> Iterator[dict[str, Any]]:
    for wid in ids:
        with open(output_path(out, wid), encoding="utf-8") as f:
            yield json.load(f)
