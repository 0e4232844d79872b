"""The Ray engine: the same per-work function as the local pool, run as Ray tasks.

The driver makes the same work split as a local run (one task per distinct work, in input
order) and writes every output itself, so a Ray run and a local run produce the same files.
Workers need no shared filesystem: each task carries its input file's bytes, and the
result carries the output files' bytes back. Each Ray worker process builds the pipeline
once (``runner.get_pipeline`` caches it per process; Ray reuses worker processes).

At most ``workers`` tasks are in flight (default: the cluster's CPUs), which bounds memory
on the driver and in the object store, and makes a task's time since submission a fair
measure of its run time: a task over the time limit is cancelled with ``force=True`` (its
worker process is killed; Ray starts another) and reported as failed (stage ``timeout``).

If Ray is already initialised (a test fixture, a notebook), that instance is used and left
running; otherwise ``ray.init(address=...)`` is called and shut down at the end.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterable, Iterator

from .runner import BatchSettings, WorkResult, WorkTask, one_line, process_work


class RayEngine:
    def __init__(self, address: str | None = None, workers: int | None = None, timeout: float | None = None,
                 ship_inputs: bool = True, **init_kwargs):
        self.address = address
        self.workers = workers
        self.timeout = timeout
        self.ship_inputs = ship_inputs
        self.init_kwargs = init_kwargs

    def run(self, tasks: Iterable[WorkTask], settings: BatchSettings) -> Iterator[WorkResult]:
        import ray

        started = False
        if not ray.is_initialized():
            kw = {"include_dashboard": False, "log_to_driver": False, **self.init_kwargs}
            ray.init(address=self.address, **kw)
            started = True
        try:
            yield from self._run(ray, tasks, settings)
        finally:
            if started:
                ray.shutdown()

    def _run(self, ray, tasks: Iterable[WorkTask], settings: BatchSettings) -> Iterator[WorkResult]:
        remote = ray.remote(num_cpus=1, max_retries=0)(process_work)
        limit = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        settings_ref = ray.put(settings)
        inflight: dict = {}  # ObjectRef -> (task, submitted at)
        pending = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(inflight) < limit:
                task = next(pending, None)
                if task is None:
                    exhausted = True
                    break
                if self.ship_inputs and task.data is None:
                    task = WorkTask(task.index, task.path, task.sha256, Path(task.path).read_bytes())
                ref = remote.remote(task, settings_ref)
                inflight[ref] = (WorkTask(task.index, task.path, task.sha256), time.monotonic())
            if not inflight:
                return
            wait_s = None
            if self.timeout is not None:
                oldest = min(t for _, t in inflight.values())
                wait_s = max(0.0, oldest + self.timeout - time.monotonic())
            done, _ = ray.wait(list(inflight), num_returns=1, timeout=wait_s)
            for ref in done:
                task, _ = inflight.pop(ref)
                try:
                    yield ray.get(ref)
                except Exception as exc:  # noqa: BLE001 - a worker crash, not the work's own error
                    yield _failed(task, "worker", f"Ray task failed: {one_line(exc)}")
            if self.timeout is not None:
                now = time.monotonic()
                for ref, (task, t) in list(inflight.items()):
                    if now - t >= self.timeout:
                        ray.cancel(ref, force=True)
                        del inflight[ref]
                        yield _failed(task, "timeout", f"no result after {self.timeout:g} s; Ray task cancelled")


def _failed(task: WorkTask, stage: str, reason: str) -> WorkResult:
    return WorkResult(task.index, task.path, "failed", work_id=task.work_id, stage=stage, reason=reason)
