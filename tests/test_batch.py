"""Batch runs on the local process pool: outputs, the failures report, limits and resume."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, validate_analysis

from ficlens.batch import BatchSettings, run_batch
from ficlens.batch.local import LocalEngine
from ficlens.batch.report import BatchReport
from ficlens.batch.runner import WorkResult, file_sha256, is_complete, work_id_of, write_atomic

FIX = Path(__file__).parent / "fixtures" / "batch"
# NLP only, rule-based: keeps batch tests fast and independent of the analysis stages
FAST = BatchSettings(profile="fast", stages=())


def _files(*dirs: Path) -> list[Path]:
    from ficlens.ingest import iter_work_paths

    return iter_work_paths(list(dirs))


def _log(out: Path) -> list[dict]:
    """The log's whole lines (a killed run may leave its last line cut short)."""
    out_lines = []
    for line in (out / "log.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            out_lines.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return out_lines


def _story(n: int, words: int) -> str:
    """A long made-up story, distinct per ``n`` (so each has its own content hash)."""
    para = (
        f'"Work {n} is not finished," said Mara. Tobias looked at the sea and sighed, and the lamp '
        "turned slowly above them while the boats came home one by one."
    )
    reps = max(1, words // len(para.split()))
    return f"Story number {n}\n\n" + "\n\n".join(para for _ in range(reps)) + "\n"


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    report = run_batch(_files(FIX), out, LocalEngine(workers=2), FAST)
    return out, report


def test_good_works_get_a_valid_analysis_each_and_bad_ones_are_reported(fixture_run):
    out, report = fixture_run
    good = sorted({file_sha256(p) for p in _files(FIX / "good")})
    written = sorted(p.stem for p in (out / "works").glob("*.json"))
    assert written == sorted(work_id_of(s) for s in good)
    for p in (out / "works").glob("*.json"):
        obj = validate_analysis(json.loads(p.read_text(encoding="utf-8")))
        assert obj["stats"]["words"] > 100
    assert (report.analysed, report.duplicate, report.failed, report.resumed) == (3, 1, 3, 0)


def test_failures_report_names_each_bad_file_its_stage_and_reason(fixture_run):
    out, report = fixture_run
    lines = [json.loads(x) for x in (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()]
    bad = str(FIX / "bad")
    assert sorted(lines, key=lambda d: d["file"]) == [
        {"file": f"{bad}/blank.txt", "stage": "ingest", "reason": f"{bad}/blank.txt: empty file", "skipped": True},
        {
            "file": f"{bad}/cover.txt",
            "stage": "ingest",
            "reason": f"{bad}/cover.txt: not a text, HTML or EPUB file",
            "skipped": True,
        },
        {"file": f"{bad}/empty.txt", "stage": "ingest", "reason": f"{bad}/empty.txt: empty file", "skipped": True},
    ]
    assert report.summary_line() == f"7 works: 3 analysed, 1 duplicate, 3 failed (see {out}/failures.jsonl)"


def test_a_byte_identical_copy_is_analysed_once_and_logged_as_duplicate(fixture_run):
    out, _ = fixture_run
    by_file = {Path(d["file"]).name: d for d in _log(out)}
    first, copy = by_file["lighthouse-copy.txt"], by_file["lighthouse.txt"]  # sorted: the copy comes first
    assert first["status"] == "analysed" and copy["status"] == "duplicate"
    assert copy["work_id"] == first["work_id"] and copy["duplicate_of"].endswith("lighthouse-copy.txt")


def test_works_over_the_size_limit_are_reported_and_the_rest_analysed(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(_story(1, 400), encoding="utf-8")
    small = FIX / "good" / "market.txt"
    report = run_batch(
        [big, small], tmp_path / "out", LocalEngine(workers=1), BatchSettings(profile="fast", stages=(), max_bytes=1000)
    )
    assert report.analysed == 1 and report.failed == 1
    (fail,) = report.failures
    assert fail["file"] == str(big) and fail["stage"] == "ingest" and "over the 1,000-byte limit" in fail["reason"]


def test_a_work_over_the_time_limit_is_killed_reported_and_the_batch_goes_on(tmp_path):
    huge = tmp_path / "a_huge.txt"
    huge.write_text(_story(2, 1_500_000), encoding="utf-8")  # far more than a second of work
    small = FIX / "good" / "market.txt"
    t0 = time.monotonic()
    report = run_batch([huge, small], tmp_path / "out", LocalEngine(workers=1, timeout=1.0), FAST, tables=False)
    assert time.monotonic() - t0 < 60
    assert report.analysed == 1 and report.failed == 1
    (fail,) = report.failures
    assert (fail["file"], fail["stage"]) == (str(huge), "timeout")
    assert not (tmp_path / "out" / "works" / f"{work_id_of(file_sha256(huge))}.json").exists()


def test_resume_skips_done_works_and_no_resume_redoes_them(tmp_path):
    files = _files(FIX / "good")
    out = tmp_path / "out"
    first = run_batch(files, out, LocalEngine(workers=1), FAST)
    stamps = {p: p.stat().st_mtime_ns for p in (out / "works").glob("*.json")}
    again = run_batch(files, out, LocalEngine(workers=1), FAST)
    assert (first.analysed, again.analysed, again.resumed) == (3, 0, 3)
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    assert again.table_rows["works"] == 3
    redo = run_batch(files, out, LocalEngine(workers=1), FAST, resume=False)
    assert (redo.analysed, redo.resumed) == (3, 0)


def test_an_incomplete_output_file_is_not_counted_as_done(tmp_path):
    out = tmp_path / "out"
    story = FIX / "good" / "market.txt"
    target = out / "works" / f"{work_id_of(file_sha256(story))}.json"
    target.parent.mkdir(parents=True)
    target.write_text('{"schema": "ficlens.analysis/1", "text": "Pri', encoding="utf-8")  # cut short
    assert not is_complete(target)
    report = run_batch([story], out, LocalEngine(workers=1), FAST)
    assert report.analysed == 1 and is_complete(target)
    validate_analysis(json.loads(target.read_text(encoding="utf-8")))


def test_atomic_write_leaves_no_temporary_file_and_replaces_whole(tmp_path):
    p = tmp_path / "w" / "x.json"
    write_atomic(p, b'{"a":1}\n')
    write_atomic(p, b'{"a":2}\n')
    assert p.read_bytes() == b'{"a":2}\n'
    assert [q.name for q in p.parent.iterdir()] == ["x.json"]


def test_a_killed_run_resumed_loses_and_repeats_nothing(tmp_path):
    src = tmp_path / "fics"
    src.mkdir()
    for n in range(40):
        (src / f"w{n:02d}.txt").write_text(_story(n, 15_000), encoding="utf-8")
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "ficlens",
        "batch",
        str(src),
        "--out",
        str(out),
        "--workers",
        "1",
        "--profile",
        "fast",
        "--stages",
        "none",
        "--no-progress",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while len(list((out / "works").glob("*.json"))) < 3:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers: a hard stop mid-run
        proc.wait()
    done_before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (out / "works").glob("*.json")}
    assert 3 <= len(done_before) < 40, "the run must be stopped part-way for this test to mean anything"
    assert all(is_complete(out / "works" / name) for name in done_before)
    logged_first = _log(out)

    report = run_batch(_files(src), out, LocalEngine(workers=2), FAST)
    assert report.failed == 0 and report.analysed + report.resumed == 40
    assert report.resumed == len(done_before)
    # nothing that was done is redone: same files, untouched
    assert {n: (out / "works" / n).stat() for n in done_before} and all(
        ((out / "works" / n).stat().st_ino, (out / "works" / n).stat().st_mtime_ns) == v for n, v in done_before.items()
    )
    # nothing is lost: every work has exactly one complete, valid output, analysed exactly once
    outputs = sorted((out / "works").glob("*.json"))
    assert len(outputs) == 40
    for p in outputs:
        validate_analysis(json.loads(p.read_text(encoding="utf-8")))
    analysed = [d["work_id"] for d in logged_first + _log(out)[len(logged_first) :] if d["status"] == "analysed"]
    assert len(analysed) == len(set(analysed))
    second = [d["work_id"] for d in _log(out)[len(logged_first) :] if d["status"] == "analysed"]
    assert sorted(f"{w}.json" for w in second) == sorted(p.name for p in outputs if p.name not in done_before)
    assert report.table_rows["works"] == 40


def test_report_lists_stage_errors_of_an_analysed_work_without_skipping_it(tmp_path):
    with BatchReport(tmp_path, total=2) as report:
        report.add(
            WorkResult(
                0,
                "a.txt",
                "analysed",
                work_id="ab12",
                words=10,
                stage_errors=[{"stage": "quotes", "error": "IndexError: list index out of range"}],
            )
        )
        report.add(WorkResult(1, "b.txt", "failed", stage="timeout", reason="no result after 5 s; worker killed"))
    lines = [json.loads(x) for x in (tmp_path / "failures.jsonl").read_text().splitlines()]
    assert lines == [
        {
            "file": "a.txt",
            "stage": "quotes",
            "reason": "IndexError: list index out of range",
            "skipped": False,
            "work_id": "ab12",
        },
        {"file": "b.txt", "stage": "timeout", "reason": "no result after 5 s; worker killed", "skipped": True},
    ]
    assert report.summary_line() == (
        f"2 works: 1 analysed, 1 failed, 1 stage error in 1 analysed (see {tmp_path}/failures.jsonl)"
    )


def test_cli_batch_writes_outputs_prints_a_summary_and_exits_14_when_some_failed(tmp_path):
    from typer.testing import CliRunner

    from ficlens.cli import get_app

    src = tmp_path / "in"
    shutil.copytree(FIX, src)
    res = CliRunner().invoke(
        get_app(),
        [
            "batch",
            str(src),
            "--out",
            str(tmp_path / "out"),
            "--profile",
            "fast",
            "--stages",
            "none",
            "--workers",
            "1",
            "--no-progress",
        ],
    )
    assert res.exit_code == 14, res.output
    assert "7 works: 3 analysed, 1 duplicate, 3 failed" in res.output
    assert (tmp_path / "out" / "works.parquet").is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--engine", "spark"], "unknown engine 'spark'"),
        (["--workers", "0"], "--workers must be at least 1"),
        (["--profile", "huge"], "unknown profile 'huge'"),
    ],
)
def test_cli_batch_rejects_bad_options_in_one_line(tmp_path, args, message):
    proc = subprocess.run(
        [sys.executable, "-m", "ficlens", "batch", str(FIX / "good"), "--out", str(tmp_path), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith(f"error: {message}")


def test_a_worker_that_dies_mid_work_is_reported_and_replaced(tmp_path):
    import threading

    huge = tmp_path / "a_huge.txt"
    huge.write_text(_story(3, 1_500_000), encoding="utf-8")
    small = FIX / "good" / "market.txt"
    engine = LocalEngine(workers=1)
    killed = []

    def kill_the_worker_once_busy():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not engine.busy_pids():
            time.sleep(0.05)
        time.sleep(0.5)
        for pid in engine.busy_pids():
            os.kill(pid, signal.SIGKILL)  # as the kernel's OOM killer would
            killed.append(pid)

    t = threading.Thread(target=kill_the_worker_once_busy)
    t.start()
    report = run_batch([huge, small], tmp_path / "out", engine, FAST, tables=False)
    t.join()
    assert killed
    assert report.analysed == 1 and report.failed == 1
    (fail,) = report.failures
    assert fail["file"] == str(huge) and fail["stage"] == "worker"
    assert fail["reason"] == "worker process died (exit code -9)"


def test_resume_with_booknlp_redoes_works_done_without_it(tmp_path):
    files = _files(FIX / "good")
    out = tmp_path / "out"
    run_batch(files, out, LocalEngine(workers=1), FAST)
    again = run_batch(files, out, LocalEngine(workers=1), BatchSettings(profile="fast", stages=(), booknlp=True))
    assert again.analysed == 3
    assert len(list((out / "booknlp").glob("*.tokens"))) == 3
    third = run_batch(files, out, LocalEngine(workers=1), BatchSettings(profile="fast", stages=(), booknlp=True))
    assert third.resumed == 3
