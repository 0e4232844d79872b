"""The failures report of a batch: ``DIR/failures.jsonl`` and a one-line summary.

One JSON object per line, written as failures happen (so a killed run still leaves its
report so far), each naming the file, the stage and a one-line reason::

    {"file": "fics/bad.epub", "stage": "ingest", "reason": "fics/bad.epub: corrupt EPUB ...", "skipped": true}
    {"file": "fics/odd.txt", "stage": "quotes", "reason": "IndexError: ...", "skipped": false, "work_id": "9f2c..."}

``skipped: true`` means the work has no output (it could not be read, timed out, or its
worker died); ``skipped: false`` means one analysis stage raised on the work and the rest of
its analysis was written (the stage's fields are empty in the output).

The file holds this run's failures. Failed works are retried by a resumed run; works already
done are not, so their stage errors stay in the report of the run that analysed them (and in
their own JSON under ``errors``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

FAILURES_FILE = "failures.jsonl"


@dataclass
class BatchReport:
    """Counts of what happened to each input, and the failures file."""

    out: Path
    total: int = 0
    analysed: int = 0
    resumed: int = 0
    duplicate: int = 0
    failed: int = 0
    works_with_stage_errors: int = 0
    stage_errors: int = 0
    words: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    table_rows: dict[str, int] = field(default_factory=dict)
    _fh: Any = None

    def __enter__(self) -> Self:
        self._fh = open(Path(self.out) / FAILURES_FILE, "w", encoding="utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh:
            self._fh.close()
            self._fh = None

    @property
    def done(self) -> int:
        return self.analysed + self.resumed + self.duplicate + self.failed

    def add(self, res) -> None:
        """Count one ``WorkResult`` and append its failures to the report."""
        setattr(self, res.status, getattr(self, res.status) + 1)
        self.words += res.words
        lines: list[dict[str, Any]] = []
        if res.status == "failed":
            lines.append({"file": res.path, "stage": res.stage, "reason": res.reason, "skipped": True})
        for err in res.stage_errors:
            lines.append(
                {
                    "file": res.path,
                    "stage": err.get("stage"),
                    "reason": err.get("error"),
                    "skipped": False,
                    "work_id": res.work_id,
                }
            )
        if res.stage_errors:
            self.works_with_stage_errors += 1
            self.stage_errors += len(res.stage_errors)
        for line in lines:
            self.failures.append(line)
            if self._fh:
                self._fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                self._fh.flush()

    def summary_line(self) -> str:
        """E.g. ``12 works: 9 analysed, 1 resumed, 2 failed (see out/failures.jsonl)``."""
        parts = [f"{self.analysed} analysed"]
        if self.resumed:
            parts.append(f"{self.resumed} already done")
        if self.duplicate:
            parts.append(f"{self.duplicate} duplicate")
        parts.append(f"{self.failed} failed")
        if self.stage_errors:
            parts.append(
                f"{self.stage_errors} stage error{'s' if self.stage_errors != 1 else ''} "
                f"in {self.works_with_stage_errors} analysed"
            )
        line = f"{self.total} work{'s' if self.total != 1 else ''}: " + ", ".join(parts)
        if self.failures:
            line += f" (see {Path(self.out) / FAILURES_FILE})"
        return line
