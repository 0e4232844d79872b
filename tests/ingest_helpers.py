"""Helpers shared by the ingest tests (not a test module)."""

from __future__ import annotations

import sys
from pathlib import Path

from ficlens import contract
from ficlens.model import Work
from ficlens.pipeline import Pipeline

INGEST = Path(__file__).resolve().parent / "fixtures" / "ingest"
sys.path.insert(0, str(INGEST))

from epubkit import build_epub


def analyse_work(work: Work, validate) -> tuple:
    """Run the pipeline with no stages and the rule-based NLP profile; validate the contract."""
    doc = Pipeline([], nlp_profile="fast").run(work)
    obj = contract.to_json(doc)
    validate(obj)
    return doc, obj


def check_offsets(work: Work) -> None:
    """Every span lies in the text and says what it claims."""
    text = work.text
    assert 0 <= work.body.start < work.body.end <= len(text)
    for n in work.metadata.notes:
        piece = text[n.start : n.end]
        assert piece and piece == piece.strip(), (n, piece)
    for c in work.chapters:
        assert work.body.start <= c.start <= c.end <= work.body.end
        assert text[c.start : c.end] == text[c.start : c.end].strip()
    for e in work.emphasis:
        piece = text[e.start : e.end]
        assert piece and piece == piece.strip() and "\n" not in piece
    for s in work.scenes:
        assert work.body.start <= s.start < s.end <= work.body.end
    # notes never overlap chapter prose
    for n in work.metadata.notes:
        for c in work.chapters:
            assert n.end <= c.start or n.start >= c.end, (n, c)


def ao3_epub(tmp_path: Path, **kw) -> Path:
    return build_epub(INGEST / "ao3_epub", tmp_path / "umbrellas.epub", **kw)


def encryption_xml(uri: str, algorithm: str) -> bytes:
    return f"""<?xml version="1.0"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
 xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod Algorithm="{algorithm}"/>
 <enc:CipherData><enc:CipherReference URI="{uri}"/></enc:CipherData></enc:EncryptedData></encryption>""".encode()
