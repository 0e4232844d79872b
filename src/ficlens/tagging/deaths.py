"""Death events: who dies, on or off the page, and how sure we are.

A sentence with a death cue (``content.json`` death verbs: "died", "killed", "stopped
breathing", ...) names its victim through the character mentions in it: the nearest mention
before the cue ("Jonathan died", "He was killed"), else the nearest after ("they killed
Jonathan"). Sentences about a grave or a funeral with a character in them ("Jonathan's
grave") are off-page deaths. On-page: narration in simple past or present ("He stopped
breathing"); off-page: dialogue ("Your father's dead"), past perfect ("had died") and the
grave/funeral cues. Hedges in the sentence ("almost", "if", "scared to death") cut the
probability.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass

from ..model import Doc, Mention
from .lexicon import matcher
from .text import dialogue

_PLUPERFECT = re.compile(r"\b(had|'d)\s+(been\s+)?(died|killed|murdered|passed|drowned|perished|slain|executed)\b", re.IGNORECASE)
_PASSIVE = re.compile(r"\b(was|were|been|got|is|are)\s+$", re.IGNORECASE)
_AGENT_VERBS = ("killed", "murdered", "slain", "executed", "drowned")


@dataclass
class DeathEvent:
    character: str
    start: int  # the sentence that tells it
    end: int
    on_page: bool
    p: float  # probability this is a real death of that character


def _by_sentence(doc: Doc, hits: list[tuple[int, int, str]]) -> dict[int, list[tuple[int, int, str]]]:
    starts = [s.start for s in doc.sentences]
    out: dict[int, list[tuple[int, int, str]]] = {}
    for h in hits:
        i = bisect_right(starts, h[0]) - 1
        if i >= 0 and h[0] < doc.sentences[i].end:
            out.setdefault(i, []).append(h)
    return out


def find(doc: Doc) -> list[DeathEvent]:
    """Death events in the body, one per (sentence, victim)."""
    text, b = doc.text, doc.body
    quotes = dialogue(doc)
    verbs, offpage, hedges = (matcher("content", "death", k) for k in ("verbs", "offpage", "negators"))
    # one pass per cue list over the body, then grouped by sentence
    cue_by, grave_by, hedge_by = (_by_sentence(doc, list(m.finditer(text, b.start, b.end))) for m in (verbs, offpage, hedges))
    mentions = sorted(doc.mentions, key=lambda m: m.start)
    starts = [m.start for m in mentions]
    out: list[DeathEvent] = []
    for i in sorted(set(cue_by) | set(grave_by)):
        s = doc.sentences[i]
        cue_hits = cue_by.get(i, [])
        grave_hits = [] if cue_hits else grave_by.get(i, [])
        sm = mentions[bisect_left(starts, s.start) : bisect_right(starts, s.end - 1)]
        if not sm:
            continue
        stext = text[s.start : s.end]
        hedged = i in hedge_by
        in_quote = (cue_hits or grave_hits)[0][0] in quotes
        if cue_hits:
            cs, ce, cue = cue_hits[0]
            victim = _victim(text, sm, cs, ce, cue)
            if victim is None:
                continue
            pluperfect = bool(_PLUPERFECT.search(stext))
            on_page = not in_quote and not pluperfect
            p = 0.85 if on_page else 0.65
        else:
            victim = next((v for v in (_possessor(text, sm, g) for g in grave_hits) if v), None)
            if victim is None:
                continue
            on_page, p = False, 0.6
        if hedged:
            p *= 0.3
        if in_quote:
            p *= 0.85
        out.append(DeathEvent(victim.character, s.start, s.end, on_page, round(p, 4)))
    return out


def _victim(text: str, mentions: list[Mention], cs: int, ce: int, cue: str) -> Mention | None:
    before = [m for m in mentions if m.end <= cs]
    after = [m for m in mentions if m.start >= ce]
    passive = bool(_PASSIVE.search(text[max(0, cs - 12) : cs]))
    if cue in _AGENT_VERBS and not passive and after:
        return after[0]  # "Lex killed Jonathan" -> Jonathan
    if before:
        return before[-1]
    return after[0] if after else None


_OWNS_BEFORE = re.compile(r"^(?:'s|\u2019s)\s+(?:\w+\s+){0,2}$")  # "Jonathan's (fresh) grave"
_OWNS_AFTER = re.compile(r"^\s+(?:of|for)\s+(?:\w+\s+){0,1}$")  # "the funeral of (poor) Jonathan"
_DIRECT = re.compile(r"^\s+(?:\w+\s+)?$")  # "buried (poor) Jonathan", "the late Jonathan"
_DIRECT_CUES = {"buried", "mourn*", "the late", "widow", "widower"}


def _possessor(text: str, mentions: list[Mention], cue: tuple[int, int, str]) -> Mention | None:
    """The character a grave or funeral belongs to, only when the grammar says so.

    "Jonathan's grave", "the funeral of Jonathan", "they buried Jonathan": yes;
    "Daniel came home for the funeral": no (Daniel attends it).
    """
    cs, ce, word = cue
    for m in mentions:
        if m.end <= cs and _OWNS_BEFORE.match(text[m.end : cs]):
            return m
        if m.start >= ce and _OWNS_AFTER.match(text[ce : m.start]):
            return m
        if word in _DIRECT_CUES and m.start >= ce and _DIRECT.match(text[ce : m.start]):
            return m
    return None


def importance(doc: Doc) -> dict[str, float]:
    """How major each character is (1.0 = among the leads), from mention counts and POV.

    AO3's "Major Character Death" is about a character the story centres on: the
    narrator, a focal character, or one with at least a third of the top character's
    mentions counts fully; minor characters count in proportion.
    """
    counts = Counter(m.character for m in doc.mentions)
    for c in doc.characters:
        counts[c.id] = max(counts[c.id], c.mentions)
    if not counts:
        return {}
    top = max(counts.values()) or 1
    out = {cid: min(1.0, 0.2 + 2.4 * n / top) for cid, n in counts.items()}
    for f in doc.pov.focal:
        out[f.character] = 1.0
    if doc.pov.narrator:
        out[doc.pov.narrator] = 1.0
    return out
