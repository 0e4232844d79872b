"""The local engine: a pool of worker processes, one pipeline each, watched by the driver.

Why not ``concurrent.futures.ProcessPoolExecutor``: it cannot stop one task that hangs, and a
worker that dies breaks the whole pool. Here each worker has its own pipe; the driver sends it
one task at a time (so at most one work per worker is in memory: bounded, whatever the corpus
size), waits on all pipes and process sentinels at once, and

- kills a worker that passes the per-work time limit, reports that work as failed
  (stage ``timeout``) and starts a fresh worker;
- reports the work of a worker that died (out of memory, a crash in native code) as failed
  (stage ``worker``) and starts a fresh worker.

Workers are started with ``spawn`` (no fork of a driver that runs a progress thread), load
the pipeline once, say ``ready``, and only then get work, so model loading never counts
against a work's time limit.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from ..errors import FiclensError
from .runner import BatchSettings, WorkResult, WorkTask, get_pipeline, one_line, process_work

READY = "ready"


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _worker_main(conn: Connection, settings: BatchSettings) -> None:
    # Ctrl-C reaches the whole process group: the driver handles it (and stops the workers)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        get_pipeline(settings)
    except Exception as exc:  # noqa: BLE001 - the driver reports it and stops
        conn.send(("error", one_line(exc)))
        return
    conn.send(READY)
    while True:
        try:
            task = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if task is None:
            return
        conn.send(process_work(task, settings))


@dataclass
class _Worker:
    proc: mp.process.BaseProcess
    conn: Connection
    ready: bool = False
    task: WorkTask | None = None
    started: float = 0.0


class WorkerStartError(FiclensError):
    """No worker could start (the pipeline failed to build or load in it)."""

    exit_code = 2


class LocalEngine:
    """Run works on ``workers`` local processes (default: all cores) with a per-work ``timeout``."""

    def __init__(self, workers: int | None = None, timeout: float | None = None):
        self.workers = workers or default_workers()
        self.timeout = timeout
        self._ctx = mp.get_context("spawn")
        self._pool: list[_Worker] = []

    def busy_pids(self) -> list[int]:
        """Process ids of the workers running a work right now (for monitoring and tests)."""
        return [w.proc.pid for w in self._pool if w.task is not None and w.proc.pid is not None]

    def _start(self, settings: BatchSettings) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(child, settings), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def run(self, tasks: Iterable[WorkTask], settings: BatchSettings) -> Iterator[WorkResult]:
        pending = iter(tasks)
        exhausted = False
        pool = self._pool = [self._start(settings) for _ in range(self.workers)]
        try:
            while True:
                for w in pool:  # dispatch: one task per ready, idle worker
                    if w.ready and w.task is None and not exhausted:
                        task = next(pending, None)
                        if task is None:
                            exhausted = True
                        else:
                            w.task, w.started = task, time.monotonic()
                            w.conn.send(task)
                if exhausted and not any(w.task for w in pool):
                    return
                yield from self._collect(pool, settings)
        finally:
            self._stop(pool)

    def _collect(self, pool: list[_Worker], settings: BatchSettings) -> Iterator[WorkResult]:
        """Wait for the next message, death or time-out; yield what it settles."""
        now = time.monotonic()
        wait_s = None
        if self.timeout is not None:
            deadlines = [w.started + self.timeout - now for w in pool if w.task is not None]
            wait_s = max(0.0, min(deadlines)) if deadlines else None
        ready = set(wait([w.conn for w in pool] + [w.proc.sentinel for w in pool], timeout=wait_s))
        for k, w in enumerate(pool):
            if w.conn in ready:
                try:
                    msg = w.conn.recv()
                except (EOFError, OSError):
                    msg = None
                if msg == READY:
                    w.ready = True
                    continue
                if isinstance(msg, WorkResult):
                    w.task = None
                    yield msg
                    continue
                if isinstance(msg, tuple) and msg[0] == "error":
                    raise WorkerStartError(f"a worker could not build the pipeline: {msg[1]}")
            if w.proc.sentinel in ready or w.conn in ready:  # the process died (or closed its pipe)
                w.proc.join(1)
                if not w.ready:
                    raise WorkerStartError(f"a worker died while loading the pipeline (exit code {w.proc.exitcode})")
                if w.task is not None:
                    yield self._failed(w.task, "worker", f"worker process died (exit code {w.proc.exitcode})")
                pool[k] = self._start(settings)
            elif w.task is not None and self.timeout is not None and time.monotonic() - w.started >= self.timeout:
                w.proc.kill()
                w.proc.join()
                yield self._failed(w.task, "timeout", f"no result after {self.timeout:g} s; worker killed")
                w.conn.close()
                pool[k] = self._start(settings)

    @staticmethod
    def _failed(task: WorkTask, stage: str, reason: str) -> WorkResult:
        return WorkResult(task.index, task.path, "failed", work_id=task.work_id, stage=stage, reason=reason)

    @staticmethod
    def _stop(pool: list[_Worker]) -> None:
        """Idle workers are asked to exit; busy or still-loading ones (an interrupted run) are killed."""
        for w in pool:
            if w.task is None and w.ready:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
            else:
                w.proc.kill()
        deadline = time.monotonic() + 5
        for w in pool:
            w.proc.join(max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join()
            w.conn.close()
