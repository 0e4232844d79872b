"""Plain text: encodings detected, text kept exactly as decoded so offsets stay true."""

from __future__ import annotations

import pytest

from ficlens.errors import UndecodableText
from ficlens.ingest import read
from ficlens.ingest.decode import decode_text

STORY = (
    "The Café on Main\n"
    "\n"
    "\u201cYou\u2019re late,\u201d said Chlo\u00e9, not looking up from the na\u00efve little sketch on her napkin.\n"
    "Lex shrugged. \u201cTraffic.\u201d\n"
)
# the same story with only the characters latin-1 can hold
STORY_LATIN1 = "The Caf\u00e9 on Main\n\n\"You're late,\" said Chlo\u00e9, over the na\u00efve sketch. \u00a9 2009\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (STORY.encode("utf-8"), "utf-8"),
        (STORY.encode("utf-8-sig"), "utf-8-sig"),
        (STORY.encode("utf-16"), "utf-16"),  # with BOM
        (STORY.encode("cp1252"), "cp1252"),  # curly quotes are bytes 0x93/0x94/0x92
    ],
)
def test_encodings_are_detected_and_text_is_exact(tmp_path, data, encoding):
    f = tmp_path / "story.txt"
    f.write_bytes(data)
    w = read(f)
    assert w.text == STORY
    assert w.source.encoding == encoding
    assert w.source.format == "txt"


def test_latin1_text_decodes_to_the_same_characters(tmp_path):
    f = tmp_path / "old.txt"
    f.write_bytes(STORY_LATIN1.encode("latin-1"))
    w = read(f)
    assert w.text == STORY_LATIN1
    # latin-1 and cp1252 agree on every byte this file uses
    assert w.source.encoding in ("cp1252", "latin-1")


def test_latin1_with_bytes_cp1252_leaves_undefined_is_read_as_latin1():
    text, enc = decode_text("caf\u00e9 \x81".encode("latin-1"))
    assert (text, enc) == ("caf\u00e9 \x81", "latin-1")


def test_windows_newlines_become_universal_newlines_and_offsets_match_python_text_mode(tmp_path):
    f = tmp_path / "crlf.txt"
    f.write_bytes(STORY.replace("\n", "\r\n").encode("utf-8"))
    w = read(f)
    assert w.text == f.read_text(encoding="utf-8") == STORY


def test_utf16_with_bom_and_a_broken_surrogate_is_undecodable():
    data = b"\xff\xfe" + "Hello ".encode("utf-16-le") + b"\x00\xd8" + "there".encode("utf-16-le")
    with pytest.raises(UndecodableText):
        decode_text(data)


def test_mostly_utf8_with_stray_windows_bytes_keeps_both_right():
    data = "Lois said \u201cno\u201d.\n".encode("utf-8") + b"Clark didn\x92t listen.\n"
    text, enc = decode_text(data)
    assert text == "Lois said \u201cno\u201d.\nClark didn\u2019t listen.\n"
    assert enc == "utf-8+cp1252"


def test_utf16_without_bom_is_detected(tmp_path):
    f = tmp_path / "nobom.txt"
    f.write_bytes(STORY.encode("utf-16-le"))
    w = read(f)
    assert (w.text, w.source.encoding) == (STORY, "utf-16-le")
