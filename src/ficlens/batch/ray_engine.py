"""The Ray engine: the same per-work function as the local pool, run on Ray actors.

The driver makes the same work split as a local run (one task per distinct work, in input
order) and writes every output itself, so a Ray run and a local run produce the same files.
Workers need no shared filesystem: each task carries its input file's bytes, and the
result carries the output files' bytes back.

The pool mirrors the local engine: ``workers`` actors (default: the cluster's CPUs), each
building the pipeline once in its constructor and getting work only once it is ready, one
work at a time (bounded memory on the driver and in the object store). An actor whose work
passes the per-work time limit is killed (``ray.kill``) and replaced, and the work reported
as failed (stage ``timeout``); an actor that dies (out of memory, a lost node) is replaced
and its work reported (stage ``worker``). Model loading never counts against a work's limit.

If Ray is already initialised (a test fixture, a notebook), that instance is used and left
running; otherwise ``ray.init(address=...)`` is called and shut down at the end.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import FiclensError
from .runner import BatchSettings, WorkResult, WorkTask, get_pipeline, one_line, process_work


class RayUnavailable(FiclensError):
    """Ray is not installed, or no cluster answers at the given address."""

    exit_code = 2


class RayWorker:
    """The actor: one pipeline, loaded once, then one work per call."""

    def __init__(self, settings: BatchSettings):
        self.settings = settings
        get_pipeline(settings)

    def ready(self) -> bool:
        return True

    def run(self, task: WorkTask) -> WorkResult:
        return process_work(task, self.settings)


@dataclass
class _Slot:
    actor: Any
    ready_ref: Any = None  # pending until the actor has loaded its pipeline
    ref: Any = None  # the running work's result
    task: WorkTask | None = None
    started: float = 0.0


class RayEngine:
    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        timeout: float | None = None,
        ship_inputs: bool = True,
        **init_kwargs,
    ):
        self.address = address
        self.workers = workers
        self.timeout = timeout
        self.ship_inputs = ship_inputs
        self.init_kwargs = init_kwargs

    def run(self, tasks: Iterable[WorkTask], settings: BatchSettings) -> Iterator[WorkResult]:
        try:
            import ray
        except ImportError as exc:  # pragma: no cover - ray is a pinned dependency
            raise RayUnavailable(f"--engine ray needs the ray package: {one_line(exc)}") from exc
        started = False
        if not ray.is_initialized():
            kw = {"include_dashboard": False, "log_to_driver": False, **self.init_kwargs}
            try:
                ray.init(address=self.address, **kw)
            except Exception as exc:
                where = f"at {self.address}" if self.address else "locally"
                raise RayUnavailable(f"cannot start or reach Ray {where}: {one_line(exc)}") from exc
            started = True
        try:
            yield from self._run(ray, tasks, settings)
        finally:
            if started:
                ray.shutdown()

    def _run(self, ray, tasks: Iterable[WorkTask], settings: BatchSettings) -> Iterator[WorkResult]:
        actor_cls = ray.remote(num_cpus=1, max_restarts=0)(RayWorker)
        n = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))

        def new_slot() -> _Slot:
            actor = actor_cls.remote(settings)
            return _Slot(actor, ready_ref=actor.ready.remote())

        slots = [new_slot() for _ in range(n)]
        pending = iter(tasks)
        exhausted = False
        try:
            while True:
                for sl in slots:
                    if sl.ready_ref is None and sl.task is None and not exhausted:
                        task = next(pending, None)
                        if task is None:
                            exhausted = True
                        else:
                            self._dispatch(sl, task)
                if exhausted and not any(sl.task for sl in slots):
                    return
                yield from self._collect(ray, slots, new_slot)
        finally:
            for sl in slots:
                ray.kill(sl.actor)

    def _dispatch(self, sl: _Slot, task: WorkTask) -> None:
        shipped = task
        if self.ship_inputs and task.data is None:
            shipped = WorkTask(task.index, task.path, task.sha256, Path(task.path).read_bytes())
        sl.task, sl.started, sl.ref = task, time.monotonic(), sl.actor.run.remote(shipped)

    def _collect(self, ray, slots: list[_Slot], new_slot) -> Iterator[WorkResult]:
        waiting = {
            sl.ready_ref if sl.ready_ref is not None else sl.ref: k
            for k, sl in enumerate(slots)
            if sl.ready_ref is not None or sl.ref is not None
        }
        wait_s = None
        if self.timeout is not None:
            busy = [sl.started for sl in slots if sl.task is not None]
            wait_s = max(0.0, min(busy) + self.timeout - time.monotonic()) if busy else None
        done, _ = ray.wait(list(waiting), num_returns=1, timeout=wait_s)
        for ref in done:
            k = waiting[ref]
            sl = slots[k]
            if sl.ready_ref is not None:
                ray.get(ref)  # an actor that cannot build its pipeline fails the run here, once
                sl.ready_ref = None
                continue
            task, sl.task, sl.ref = sl.task, None, None
            try:
                yield ray.get(ref)
            except Exception as exc:  # noqa: BLE001 - the actor died: not the work's own error
                yield _failed(task, "worker", f"Ray worker failed: {one_line(exc)}")
                ray.kill(sl.actor)
                slots[k] = new_slot()
        if self.timeout is not None:
            now = time.monotonic()
            for k, sl in enumerate(slots):
                if sl.task is not None and now - sl.started >= self.timeout:
                    ray.kill(sl.actor)
                    yield _failed(sl.task, "timeout", f"no result after {self.timeout:g} s; Ray worker killed")
                    slots[k] = new_slot()


def _failed(task: WorkTask, stage: str, reason: str) -> WorkResult:
    return WorkResult(task.index, task.path, "failed", work_id=task.work_id, stage=stage, reason=reason)
