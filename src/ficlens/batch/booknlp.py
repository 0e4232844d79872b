"""A BookNLP-compatible export, so research scripts written for BookNLP can read ficlens output.

For one work, ``export_files(doc, obj, book_id)`` returns the text of four files named as
BookNLP names them (``<book_id>.tokens``, ``.entities``, ``.quotes``, ``.book``), with
BookNLP's tab-separated columns:

- ``.tokens``: ``paragraph_ID sentence_ID token_ID_within_sentence token_ID_within_document
  word lemma byte_onset byte_offset POS_tag fine_POS_tag dependency_relation
  syntactic_head_ID event``. Offsets are code-point offsets into the analysis ``text`` (what
  BookNLP's "byte" columns hold for a text read by Python). Whitespace-only tokens are left
  out, as BookNLP does; ``lemma``/``POS`` are ``_`` and heads ``-1`` when the NLP profile has
  no tagger/parser; ``event`` is always ``O`` (ficlens does not tag events).
- ``.entities``: ``COREF start_token end_token prop cat text`` (token ids inclusive). Character
  mentions (names and aliases ``PROP``, nominals ``NOM``, pronouns ``PRON``) are ``PER`` with
  the character's number (its index in the analysis's ``characters``); places and
  organisations that spaCy finds follow as ``PROP`` ``GPE``/``LOC``/``FAC``/``ORG``, one
  number per distinct name.
- ``.quotes``: ``quote_start quote_end mention_start mention_end mention_phrase char_id
  quote`` (token ids inclusive; the mention is the speaker's mention nearest the quote).
  Quotes with no known speaker have ``char_id`` ``-1`` and mention ids ``-1``.
- ``.book``: JSON ``{"characters": [{"id", "count", "mentions": {"proper": [{"n", "c"}], ...},
  "g": {"argmax": ...}, "ficlens_id", "name"}]}``, the subset of BookNLP's character file that
  can be filled.

Tokens come from the ``Doc`` the NLP layer built (the contract holds no tokens); everything
else from the contract object.
"""

from __future__ import annotations

import bisect
import json
from typing import Any

from ..model import Doc

TOKEN_COLUMNS = (
    "paragraph_ID",
    "sentence_ID",
    "token_ID_within_sentence",
    "token_ID_within_document",
    "word",
    "lemma",
    "byte_onset",
    "byte_offset",
    "POS_tag",
    "fine_POS_tag",
    "dependency_relation",
    "syntactic_head_ID",
    "event",
)
ENTITY_COLUMNS = ("COREF", "start_token", "end_token", "prop", "cat", "text")
QUOTE_COLUMNS = ("quote_start", "quote_end", "mention_start", "mention_end", "mention_phrase", "char_id", "quote")
PROP = {"name": "PROP", "alias": "PROP", "nominal": "NOM", "pronoun": "PRON"}
PLACE_LABELS = {"GPE": "GPE", "LOC": "LOC", "FAC": "FAC", "ORG": "ORG"}


def _clean(s: str) -> str:
    """A TSV cell: no tabs or newlines (BookNLP's readers split on both)."""
    return " ".join(s.split()) or "_"


class _TokenIndex:
    """Maps code-point spans to the ids of the kept (non-whitespace) tokens."""

    def __init__(self, doc: Doc):
        self.kept = [t for t in doc.tokens if t.text.strip()]
        self.starts = [t.start for t in self.kept]
        self.ends = [t.end for t in self.kept]
        self.new_id = {t.i: k for k, t in enumerate(self.kept)}

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Inclusive (first, last) token ids covering [start, end), or None if no token does."""
        a = bisect.bisect_right(self.ends, start)
        b = bisect.bisect_left(self.starts, end) - 1
        return (a, b) if a <= b else None

    def words(self, a: int, b: int) -> str:
        return " ".join(_clean(t.text) for t in self.kept[a : b + 1])


def tokens_tsv(doc: Doc, ix: _TokenIndex) -> str:
    lines = ["\t".join(TOKEN_COLUMNS)]
    pos_in_sent: dict[int, int] = {}
    for k, t in enumerate(ix.kept):
        n = pos_in_sent.get(t.sent, 0)
        pos_in_sent[t.sent] = n + 1
        head = ix.new_id.get(t.head, k) if t.head >= 0 else -1
        lines.append(
            "\t".join(
                map(
                    str,
                    (
                        t.para,
                        t.sent,
                        n,
                        k,
                        _clean(t.text),
                        _clean(t.lemma),
                        t.start,
                        t.end,
                        t.pos or "_",
                        t.tag or "_",
                        t.dep or "_",
                        head,
                        "O",
                    ),
                )
            )
        )
    return "\n".join(lines) + "\n"


def entities_tsv(doc: Doc, obj: dict[str, Any], ix: _TokenIndex) -> str:
    num = {c["id"]: i for i, c in enumerate(obj.get("characters", []))}
    rows: list[tuple[int, int, int, str, str, str]] = []
    for m in obj.get("mentions", []):
        sp = ix.span(m["start"], m["end"])
        if sp and m["character"] in num:
            rows.append((sp[0], sp[1], num[m["character"]], PROP.get(m["kind"], "PROP"), "PER", ix.words(*sp)))
    place_ids: dict[tuple[str, str], int] = {}
    for e in doc.entities:
        cat = PLACE_LABELS.get(e.label)
        sp = ix.span(e.start, e.end) if cat else None
        if sp:
            key = (cat, " ".join(e.text.lower().split()))
            cid = place_ids.setdefault(key, len(num) + len(place_ids))
            rows.append((sp[0], sp[1], cid, "PROP", cat, ix.words(*sp)))
    rows.sort()
    lines = ["\t".join(ENTITY_COLUMNS)]
    lines += [f"{cid}\t{a}\t{b}\t{prop}\t{cat}\t{words}" for a, b, cid, prop, cat, words in rows]
    return "\n".join(lines) + "\n"


def quotes_tsv(obj: dict[str, Any], ix: _TokenIndex) -> str:
    num = {c["id"]: i for i, c in enumerate(obj.get("characters", []))}
    by_char: dict[str, list[tuple[int, int]]] = {}
    for m in obj.get("mentions", []):
        by_char.setdefault(m["character"], []).append((m["start"], m["end"]))
    lines = ["\t".join(QUOTE_COLUMNS)]
    for q in obj.get("quotes", []):
        qs = ix.span(q["start"], q["end"])
        if not qs:
            continue
        ms, me, phrase, cid = -1, -1, "_", -1
        speaker = q.get("speaker")
        if speaker in num:
            cid = num[speaker]
            near = _nearest_outside(by_char.get(speaker, []), q["start"], q["end"])
            msp = ix.span(*near) if near else None
            if msp:
                ms, me, phrase = msp[0], msp[1], ix.words(*msp)
        lines.append(f"{qs[0]}\t{qs[1]}\t{ms}\t{me}\t{phrase}\t{cid}\t{ix.words(*qs)}")
    return "\n".join(lines) + "\n"


def _nearest_outside(spans: list[tuple[int, int]], qs: int, qe: int) -> tuple[int, int] | None:
    """The mention closest to the quote [qs, qe) that is not inside it (the speech tag)."""
    best, dist = None, None
    for s, e in spans:
        if qs <= s and e <= qe:
            continue
        d = qs - e if e <= qs else s - qe
        if dist is None or d < dist:
            best, dist = (s, e), d
    return best


def book_json(obj: dict[str, Any]) -> str:
    chars = []
    for i, c in enumerate(obj.get("characters", [])):
        chars.append(
            {
                "id": i,
                "count": c.get("mentions", 0),
                "mentions": {
                    "proper": [{"n": a["text"], "c": a["count"]} for a in c.get("aliases", [])],
                    "common": [],
                    "pronoun": [],
                },
                "g": {"argmax": c.get("gender")},
                "ficlens_id": c["id"],
                "name": c["name"],
            }
        )
    return json.dumps({"characters": chars}, ensure_ascii=False) + "\n"


def export_files(doc: Doc, obj: dict[str, Any], book_id: str) -> dict[str, str]:
    """``{file name: text}`` of the BookNLP files for one analysed work."""
    ix = _TokenIndex(doc)
    return {
        f"{book_id}.tokens": tokens_tsv(doc, ix),
        f"{book_id}.entities": entities_tsv(doc, obj, ix),
        f"{book_id}.quotes": quotes_tsv(obj, ix),
        f"{book_id}.book": book_json(obj),
    }
