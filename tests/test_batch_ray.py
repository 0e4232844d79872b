"""The Ray engine on a local Ray instance gives the same outputs as the local process pool.

Ray takes seconds to start, so one instance serves the whole module.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import validate_analysis

from ficlens.batch import BatchSettings, run_batch
from ficlens.batch.local import LocalEngine
from ficlens.batch.ray_engine import RayEngine
from ficlens.tables import TABLES

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow

FIX = Path(__file__).parent / "fixtures" / "batch"
SETTINGS = BatchSettings(profile="fast", stages=(), booknlp=True)


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _files():
    from ficlens.ingest import iter_work_paths

    return iter_work_paths([FIX])


def _outputs(out: Path) -> dict[str, object]:
    """Every output file by relative path; per-work JSON without its run-dependent timings."""
    got: dict[str, object] = {}
    for p in sorted(out.rglob("*")):
        rel = str(p.relative_to(out))
        if p.is_dir() or rel == "log.jsonl":
            continue
        if rel.startswith("works/"):
            obj = validate_analysis(json.loads(p.read_text(encoding="utf-8")))
            obj.pop("timings")
            got[rel] = obj
        elif p.suffix == ".parquet":
            got[rel] = pq.read_table(p).to_pylist()
        elif rel == "failures.jsonl":
            got[rel] = sorted(p.read_text(encoding="utf-8").splitlines())
        else:
            got[rel] = p.read_bytes()
    return got


def test_ray_run_equals_the_local_run(local_ray, tmp_path):
    local = run_batch(_files(), tmp_path / "local", LocalEngine(workers=2), SETTINGS)
    on_ray = run_batch(_files(), tmp_path / "ray", RayEngine(), SETTINGS)
    assert (
        (on_ray.analysed, on_ray.duplicate, on_ray.failed)
        == (local.analysed, local.duplicate, local.failed)
        == (3, 1, 3)
    )
    a, b = _outputs(tmp_path / "local"), _outputs(tmp_path / "ray")
    assert sorted(a) == sorted(b)
    assert {f"{t}.parquet" for t in TABLES} <= set(a)
    assert sum(k.startswith("booknlp/") for k in a) == 12
    for key in a:
        assert a[key] == b[key], key
    assert on_ray.summary_line().replace(str(tmp_path / "ray"), "DIR") == local.summary_line().replace(
        str(tmp_path / "local"), "DIR"
    )


def test_ray_resume_skips_works_the_local_run_did(local_ray, tmp_path):
    out = tmp_path / "out"
    run_batch(_files(), out, LocalEngine(workers=1), SETTINGS)
    again = run_batch(_files(), out, RayEngine(), SETTINGS)
    assert (again.analysed, again.resumed) == (0, 3)


def test_ray_cancels_a_work_over_the_time_limit(local_ray, tmp_path):
    huge = tmp_path / "huge.txt"
    huge.write_text(
        "Start.\n\n" + "\n\n".join(["The boats came home slowly, one by one, in the rain."] * 120_000), encoding="utf-8"
    )
    report = run_batch(
        [huge, FIX / "good" / "market.txt"], tmp_path / "out", RayEngine(timeout=1.0), SETTINGS, tables=False
    )
    assert report.analysed == 1 and report.failed == 1
    (fail,) = report.failures
    assert (fail["file"], fail["stage"]) == (str(huge), "timeout")
