"""The reader: story text rendered from the contract's ``text`` plus its spans.

Nothing here trusts the text: every character of it goes through ``markupsafe.escape``, and
the only markup added is ours (paragraphs, quote spans coloured by speaker, mention spans).
Stored HTML is never used. Layout rules:

- a chapter is the contract's chapter span clipped to ``body`` (the whole body when the work
  has no chapters); front and back matter outside ``body`` is not story text;
- ``metadata.notes`` spans are cut out of the chapter they fall in and shown apart, above the
  chapter text when they come before its first paragraph, below it otherwise;
- one line of text is one paragraph; a line made only of symbols (``* * *``) is a scene break;
- quotes are the outer layer and may span paragraphs (each paragraph gets its own piece);
  mentions nest inside, clipped to the piece they fall in. Overlapping spans of one kind
  keep the first and drop the rest, so bad input can never produce bad nesting.

>>> obj = {"text": 'Lana said, "Hi, Clark."', "body": {"start": 0, "end": 23},
...        "quotes": [{"start": 11, "end": 23, "speaker": "lana"}],
...        "mentions": [{"start": 0, "end": 4, "character": "lana"}, {"start": 16, "end": 21, "character": "clark"}],
...        "characters": [{"id": "lana", "name": "Lana Lang", "quotes": 1}, {"id": "clark", "name": "Clark Kent"}]}
>>> print(render_chapters(obj)[0].html)
<p><span class="m" data-c="lana">Lana</span> said, <span class="q spk-0" data-speaker="lana" \
title="Lana Lang">&#34;Hi, <span class="m" data-c="clark">Clark</span>.&#34;</span></p>
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

PALETTE_SIZE = 12  # speaker colours spk-0 .. spk-11 in the stylesheet; the rest share spk-x
# "* * *", "~~~", "oOo", "xXx": a line of symbols (or the o/x ornaments fans use) is a scene break
_SCENE_BREAK = re.compile(r"[\s*~#=_.\-•·◇◆+oOxX0]{1,40}")
_ORNAMENT = re.compile(r"[*~#=_\-•·◇◆+]|oOo|xXx|OoO|XxX")


@dataclass
class NoteView:
    kind: str
    text: str


@dataclass
class ChapterView:
    number: int  # 1-based
    title: str | None
    start: int
    end: int
    html: Markup = field(default_factory=Markup)
    notes: list[NoteView] = field(default_factory=list)
    end_notes: list[NoteView] = field(default_factory=list)


class _Spans:
    """Sorted, non-overlapping spans with a fast "which ones touch [a, b)" lookup."""

    def __init__(self, spans: list[dict[str, Any]]):
        kept: list[dict[str, Any]] = []
        for s in sorted(spans, key=lambda s: (s["start"], s["end"])):
            if s["end"] <= s["start"] or (kept and s["start"] < kept[-1]["end"]):
                continue
            kept.append(s)
        self.spans = kept
        self.ends = [s["end"] for s in kept]

    def within(self, a: int, b: int) -> list[dict[str, Any]]:
        out = []
        for i in range(bisect_right(self.ends, a), len(self.spans)):
            s = self.spans[i]
            if s["start"] >= b:
                break
            out.append(s)
        return out


def speaker_classes(obj: dict[str, Any]) -> dict[str, str]:
    """Character id -> colour class, most quoted first (stable across chapters of one work)."""
    counts: dict[str, int] = {}
    for q in obj.get("quotes", []):
        if q.get("speaker"):
            counts[q["speaker"]] = counts.get(q["speaker"], 0) + 1
    for c in obj.get("characters", []):
        counts.setdefault(c["id"], 0)
    ranked = sorted(counts, key=lambda cid: (-counts[cid], cid))
    return {cid: f"spk-{i}" if i < PALETTE_SIZE else "spk-x" for i, cid in enumerate(ranked)}


def _esc(s: str) -> str:
    return str(escape(s))


# The three functions below build plain strings of escaped text (``_esc``) and wrap the
# result in Markup once: Markup.format per span was most of the time on a long work.
def _run(text: str, a: int, b: int, mentions: _Spans) -> str:
    """Escaped text[a:b] with mention spans (clipped to [a, b))."""
    out: list[str] = []
    pos = a
    for m in mentions.within(a, b):
        ms, me = max(m["start"], a), min(m["end"], b)
        out.append(_esc(text[pos:ms]))
        out.append(f'<span class="m" data-c="{_esc(m["character"])}">{_esc(text[ms:me])}</span>')
        pos = me
    out.append(_esc(text[pos:b]))
    return "".join(out)


def _paragraph(text: str, a: int, b: int, quotes: _Spans, mentions: _Spans, ctx: dict[str, Any]) -> str:
    out: list[str] = []
    pos = a
    for q in quotes.within(a, b):
        qs, qe = max(q["start"], a), min(q["end"], b)
        out.append(_run(text, pos, qs, mentions))
        spk = q.get("speaker")
        inner = _run(text, qs, qe, mentions)
        if spk:
            cls, name = _esc(ctx["classes"].get(spk, "spk-x")), _esc(ctx["names"].get(spk, spk))
            out.append(f'<span class="q {cls}" data-speaker="{_esc(spk)}" title="{name}">{inner}</span>')
        else:
            out.append(f'<span class="q spk-none" title="speaker unknown">{inner}</span>')
        pos = qe
    out.append(_run(text, pos, b, mentions))
    return "".join(out)


def _lines(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Non-blank lines of text[a:b] as (start, end), trimmed of surrounding whitespace."""
    out = []
    pos = a
    while pos < b:
        nl = text.find("\n", pos, b)
        end = b if nl < 0 else nl
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
        pos = end + 1
    return out


def render_segment(text: str, a: int, b: int, quotes: _Spans, mentions: _Spans, ctx: dict[str, Any]) -> Markup:
    """Paragraphs of text[a:b] as HTML."""
    parts = []
    for s, e in _lines(text, a, b):
        line = text[s:e]
        if _SCENE_BREAK.fullmatch(line) and _ORNAMENT.search(line):
            parts.append(f'<p class="scene-break">{_esc(line)}</p>')
        else:
            parts.append(f"<p>{_paragraph(text, s, e, quotes, mentions, ctx)}</p>")
    return Markup("\n".join(parts))


def chapter_spans(obj: dict[str, Any]) -> list[tuple[int, int, str | None]]:
    """The work's chapters clipped to its body; one chapter spanning the body when it has none."""
    body = obj.get("body") or {"start": 0, "end": len(obj.get("text", ""))}
    bs, be = body["start"], body["end"]
    out = []
    for ch in sorted(obj.get("chapters") or [], key=lambda c: c["start"]):
        s, e = max(ch["start"], bs), min(ch["end"], be)
        if e > s:
            out.append((s, e, ch.get("title")))
    return out or [(bs, be, None)]


def _cut(start: int, end: int, holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[start, end) minus the holes, as a list of pieces."""
    pieces, pos = [], start
    for hs, he in sorted(holes):
        if hs > pos:
            pieces.append((pos, min(hs, end)))
        pos = max(pos, he)
    if pos < end:
        pieces.append((pos, end))
    return [(s, e) for s, e in pieces if e > s]


def _skip_heading(text: str, s: int, e: int, title: str | None, number: int) -> int:
    """Start of the chapter's prose: past a first line that only repeats its heading.

    The page shows the chapter heading itself, so "Chapter 3: The Barn" as the first line of
    the chapter's text would otherwise appear twice.
    """
    lines = _lines(text, s, e)
    if not lines:
        return s
    ls, le = lines[0]
    first = text[ls:le].strip().casefold()
    if le - ls > 200:
        return s
    heading = first.startswith(("chapter", f"{number}.", f"{number}:")) or (title and first == title.strip().casefold())
    if heading and (not title or title.strip().casefold() in first):
        return le
    return s


def render_chapters(obj: dict[str, Any], only: int | None = None) -> list[ChapterView]:
    """Every chapter (or only chapter number ``only``, 1-based) rendered as HTML."""
    text = obj.get("text") or ""
    ctx = {
        "classes": speaker_classes(obj),
        "names": {c["id"]: c.get("name") or c["id"] for c in obj.get("characters", [])},
    }
    quotes, mentions = _Spans(obj.get("quotes", [])), _Spans(obj.get("mentions", []))
    notes = (obj.get("metadata") or {}).get("notes") or []
    views = []
    for n, (s, e, title) in enumerate(chapter_spans(obj), start=1):
        if only is not None and n != only:
            continue
        view = ChapterView(number=n, title=title, start=s, end=e)
        s = _skip_heading(text, s, e, title, n)
        inside = [nt for nt in notes if nt["start"] < e and nt["end"] > s]
        pieces = _cut(s, e, [(nt["start"], nt["end"]) for nt in inside])
        first_text = pieces[0][0] if pieces else e
        for nt in inside:
            note = NoteView(nt["kind"], text[max(nt["start"], s) : min(nt["end"], e)].strip())
            (view.notes if nt["start"] <= first_text else view.end_notes).append(note)
        view.html = Markup("\n").join(render_segment(text, ps, pe, quotes, mentions, ctx) for ps, pe in pieces)
        views.append(view)
    return views


def _norm(s: str | None) -> str:
    return " ".join((s or "").split()).casefold()


def _repeats_metadata(note: NoteView, meta: dict[str, Any]) -> bool:
    """A note that only restates the title, the byline or the summary the page already shows.

    >>> _repeats_metadata(NoteView("other", "by  Ann"), {"title": "T", "authors": ["Ann"]})
    True
    >>> _repeats_metadata(NoteView("author_note", "Thanks, Ann!"), {"title": "T", "authors": ["Ann"]})
    False
    """
    text = _norm(note.text)
    authors = [_norm(a) for a in meta.get("authors") or []]
    shown = {_norm(meta.get("title")), _norm(meta.get("summary")), *authors}
    shown |= {f"by {a}" for a in authors} | {"by " + ", ".join(authors)}
    shown |= {f"summary: {_norm(meta.get('summary'))}"}
    return bool(text) and text in shown


def outside_notes(obj: dict[str, Any]) -> tuple[list[NoteView], list[NoteView]]:
    """Notes before and after the story body (work-level notes: shown apart from the text).

    Notes that merely repeat the title, byline or summary are left out: the page shows those.
    """
    text = obj.get("text") or ""
    body = obj.get("body") or {"start": 0, "end": len(text)}
    meta = obj.get("metadata") or {}
    before, after = [], []
    for nt in meta.get("notes") or []:
        view = NoteView(nt["kind"], text[nt["start"] : nt["end"]].strip())
        if _repeats_metadata(view, meta):
            continue
        if nt["end"] <= body["start"]:
            before.append(view)
        elif nt["start"] >= body["end"]:
            after.append(view)
    return before, after


def legend(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """Speakers with their colour class and quote count, most quoted first."""
    classes = speaker_classes(obj)
    counts: dict[str, int] = {}
    for q in obj.get("quotes", []):
        if q.get("speaker"):
            counts[q["speaker"]] = counts.get(q["speaker"], 0) + 1
    names = {c["id"]: c.get("name") or c["id"] for c in obj.get("characters", [])}
    rows = [{"id": cid, "name": names.get(cid, cid), "cls": classes.get(cid, "spk-x"), "quotes": n} for cid, n in counts.items()]
    unknown = sum(1 for q in obj.get("quotes", []) if not q.get("speaker"))
    rows.sort(key=lambda r: (-r["quotes"], r["name"]))
    if unknown:
        rows.append({"id": "", "name": "Unknown speaker", "cls": "spk-none", "quotes": unknown})
    return rows
