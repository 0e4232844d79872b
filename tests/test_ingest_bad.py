"""Bad input: each gives its FiclensError, and through the CLI one line and its exit code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from ingest_helpers import INGEST, ao3_epub, encryption_xml
from typer.testing import CliRunner

from ficlens import errors
from ficlens.cli import get_app
from ficlens.ingest import iter_work_paths, read

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
STORY = "Chloe ran the length of the Torch office and slammed the door. \"Tell me you didn't print it,\" she said.\n" * 30


def bad_inputs(tmp_path):
    """name -> (path, expected error class); written fresh for each test."""
    cases = {}

    def put(name, data, err):
        p = tmp_path / name
        p.write_bytes(data)
        cases[name] = (p, err)

    put("empty.txt", b"", errors.EmptyWork)
    put("blank.txt", b"  \n\t\n  ", errors.EmptyWork)
    put("picture.txt", PNG, errors.BinaryInput)  # an image named .txt: content decides
    put("noise.txt", bytes(range(1, 9)) * 400, errors.UndecodableText)
    put("broken16.txt", b"\xff\xfe" + "Hi ".encode("utf-16-le") + b"\x00\xd8" + "you".encode("utf-16-le"), errors.UndecodableText)
    put("corrupt.epub", ao3_epub(tmp_path).read_bytes()[:3000], errors.BadEpub)
    drm = encryption_xml("index_split_002.xhtml", "http://www.w3.org/2001/04/xmlenc#aes256-cbc")
    put("drm.epub", ao3_epub(tmp_path, extra={"META-INF/encryption.xml": drm}).read_bytes(), errors.BadEpub)
    put("bomb.epub", ao3_epub(tmp_path, extra={"index_split_003.xhtml": b" " * (30 << 20)}).read_bytes(), errors.BadEpub)
    put("notes.html", b"<html><body><nav><a href='/'>Home</a></nav><p>Coming soon!</p></body></html>", errors.NotAWork)
    for name in ("ao3_404.html", "ao3_adult_interstitial.html"):
        shutil.copy(INGEST / name, tmp_path / name)
        cases[name] = (tmp_path / name, errors.NotAWork)
    return cases


def test_each_bad_input_raises_its_own_error(tmp_path):
    for path, err in bad_inputs(tmp_path).values():
        with pytest.raises(err):
            read(path)


def test_missing_file_and_directory_without_works(tmp_path):
    with pytest.raises(errors.InputNotFound):
        read(tmp_path / "nope.txt")
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "cover.png").write_bytes(PNG)
    with pytest.raises(errors.NoWorksFound):
        iter_work_paths([tmp_path / "pics"])


def test_work_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    f = tmp_path / "long.txt"
    f.write_text(STORY)
    with pytest.raises(errors.WorkTooLarge):
        read(f, max_bytes=1000)
    monkeypatch.setenv("FICLENS_MAX_BYTES", "1000")
    with pytest.raises(errors.WorkTooLarge):
        read(f)
    monkeypatch.delenv("FICLENS_MAX_BYTES")
    assert read(f).text == STORY


def test_html_whose_text_is_over_the_limit_is_refused(tmp_path):
    with pytest.raises(errors.WorkTooLarge):
        read(INGEST / "ao3_multi.html", max_bytes=2000)


def run_cli(*args):
    return CliRunner().invoke(get_app(), ["analyze", *map(str, args), "--profile", "fast"])


def test_cli_reports_each_bad_file_in_one_line_with_its_exit_code(tmp_path):
    cases = bad_inputs(tmp_path)
    for name, (path, err) in cases.items():
        result = run_cli(path)
        assert result.exit_code == err.exit_code, (name, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, result.stderr)
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "name, err, message",
    [
        ("missing.txt", errors.InputNotFound, "no such file or directory"),
        ("pictures", errors.NoWorksFound, "directory holds no works"),
    ],
)
def test_cli_bad_paths_are_one_line_and_exit_code_through_the_real_entry_point(tmp_path, name, err, message):
    # path expansion fails before any file is read: main() turns it into the one-line error
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "cover.png").write_bytes(PNG)
    result = subprocess.run([sys.executable, "-m", "ficlens", "analyze", str(tmp_path / name)], capture_output=True, text=True, check=False)
    assert result.returncode == err.exit_code
    assert result.stderr.strip().splitlines() == [f"error: {tmp_path / name}: {message} (.txt, .html, .epub, .md)"
                                                  if err is errors.NoWorksFound else f"error: {tmp_path / name}: {message}"]


def test_cli_size_limit_option(tmp_path):
    f = tmp_path / "long.txt"
    f.write_text(STORY)
    result = run_cli(f, "--max-bytes", "1000")
    assert result.exit_code == errors.WorkTooLarge.exit_code
    assert "over the 1,000-byte limit" in result.stderr


def test_multi_file_run_reports_the_bad_file_and_analyses_the_others(tmp_path, validate):
    folder = tmp_path / "works"
    folder.mkdir()
    shutil.copy(INGEST / "ao3_oneshot.html", folder / "a_owlery.html")
    (folder / "b_empty.txt").write_bytes(b"")
    shutil.copy(INGEST / "ffn_story.html", folder / "c_greenhouse.html")
    result = run_cli(folder, "--json")
    assert result.exit_code == errors.SomeInputsFailed.exit_code
    assert "b_empty.txt: empty file" in result.stderr
    assert "1 of 3 files could not be read" in result.stderr
    objs = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [o["metadata"]["title"] for o in objs] == ["The Owlery at Dawn", "The Greenhouse Key"]
    for o in objs:
        validate(o)
