"""Rating and archive warnings from what happens in the text, with the passages that say so.

Evidence is counted per tier (``data/tags/content.json``): profanity 1-3, sexual content
1-3, violence 1-3, non-consent cues, ages under 18 near sexual content, and death events
(``ficlens.tagging.deaths``). The trigger classifier (``triggers.json``) scores
passage-sized windows for violence and death and adds to the lexicon evidence; it never
sets a warning alone.

Rating rules (the lowest level whose evidence is met, then up):

- Explicit: explicit sexual terms (tier 3) >= 2 and sexual score >= 4;
- Mature: any explicit term, or frequent sexual (tier 2) terms, graphic (tier 3) violence,
  heavy tier-2 violence, frequent strong profanity, or non-consent;
- Teen And Up: strong profanity, violence, a death, suggestive content;
- General Audiences: none of these.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ..model import Doc, ScoredTag, Span
from .deaths import DeathEvent
from .lexicon import Matcher, lexicon, matcher
from .text import sentence_at
from .triggers import load_model, windows

LEVELS = ("General Audiences", "Teen And Up Audiences", "Mature", "Explicit")


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


@dataclass
class ContentEvidence:
    counts: Counter = field(default_factory=Counter)  # ("sexual", 3) -> hits
    spans: dict[tuple[str, int], list[tuple[int, int]]] = field(default_factory=dict)
    noncon: list[tuple[int, int]] = field(default_factory=list)
    minors: list[tuple[int, int]] = field(default_factory=list)
    trigger_windows: dict[str, list[tuple[float, int, int]]] = field(default_factory=dict)

    def n(self, kind: str, tier: int) -> int:
        return self.counts[(kind, tier)]


def _proper_noun(text: str, s: int) -> bool:
    """A capitalised hit mid-sentence ("Dick Grayson") is a name, not a swear word."""
    if not text[s : s + 1].isupper():
        return False
    k = s - 1
    while k >= 0 and text[k] in " \t\"'\u201c\u2018(":
        k -= 1
    return k >= 0 and text[k] not in ".!?\n\u2014-:;"


def gather(doc: Doc) -> ContentEvidence:
    text, b = doc.text, doc.body
    ev = ContentEvidence()
    for kind in ("profanity", "sexual", "violence"):
        for tier in (1, 2, 3):
            m = matcher("content", kind, str(tier))
            hits = [(s, e) for s, e, _ in m.finditer(text, b.start, b.end) if not _proper_noun(text, s)]
            ev.counts[(kind, tier)] = len(hits)
            ev.spans[(kind, tier)] = hits
    ev.noncon = [(s, e) for s, e, _ in matcher("content", "noncon").finditer(text, b.start, b.end)]
    ev.minors = _minor_ages(text, b.start, b.end)
    model = load_model()
    if model is not None:
        for s, e in windows(text, b.start, b.end):
            for cat, p in model.scores(text[s:e], ("violence", "death")).items():
                ev.trigger_windows.setdefault(cat, []).append((p, s, e))
    return ev


def _minor_ages(text: str, start: int, end: int) -> list[tuple[int, int]]:
    lex = lexicon("content")["underage"]
    cues = [pat.format(n=a) for a in lex["ages"] for pat in lex["age_patterns"]]
    cues += [c for c in lex["cues"] if c not in ("child", "kid")]
    return [(s, e) for s, e, _ in Matcher(cues).finditer(text, start, end)]


def _sentence_spans(doc: Doc, hits: list[tuple[int, int]], limit: int = 5) -> list[Span]:
    out: list[Span] = []
    seen = set()
    for s, e in hits:
        sent = sentence_at(doc, s)
        span = (sent.start, sent.end) if sent else (s, e)
        if span not in seen:
            seen.add(span)
            out.append(Span(*span))
        if len(out) >= limit:
            break
    return out


def infer_rating(doc: Doc, ev: ContentEvidence, deaths: list[DeathEvent]) -> ScoredTag:
    """The AO3 rating the text's content calls for, with the passages that raised it."""
    n = ev.n
    sexual = n("sexual", 3) + 0.5 * n("sexual", 2)
    explicit = n("sexual", 3) >= 2 and sexual >= 4
    mature_terms = {
        "sexual": n("sexual", 3) >= 1 or n("sexual", 2) >= 3,
        "violence": n("violence", 3) >= 1 or n("violence", 2) >= 5,
        "profanity": n("profanity", 3) >= 8,
        "noncon": len(ev.noncon) >= 2,
    }
    teen_terms = {
        "profanity": n("profanity", 3) >= 1 or n("profanity", 2) >= 2,
        # a murder talked over in a detective story is not yet teen content
        "violence": n("violence", 2) >= 3 or n("violence", 1) >= 6,
        "sexual": n("sexual", 2) >= 1 or n("sexual", 1) >= 4,
        # a death on the page, not one only remembered or reported
        "death": any(d.p >= 0.5 and d.on_page for d in deaths),
    }
    if explicit:
        conf = _sigmoid((sexual - 4) / 2 + 1.0)
        return ScoredTag(LEVELS[3], round(min(0.97, conf), 4), _sentence_spans(doc, ev.spans[("sexual", 3)]))
    if any(mature_terms.values()):
        strength = sum(mature_terms.values()) + 0.3 * n("sexual", 3) + 0.2 * n("violence", 3)
        hits = ev.spans[("sexual", 3)] + ev.spans[("sexual", 2)] + ev.spans[("violence", 3)] + ev.noncon
        # close to Explicit (one explicit term short) is less sure of Mature
        near_explicit = 0.15 if n("sexual", 3) >= 1 else 0.0
        conf = _sigmoid(strength + 0.2) - near_explicit
        return ScoredTag(LEVELS[2], round(min(0.9, conf), 4), _sentence_spans(doc, sorted(hits)))
    if any(teen_terms.values()):
        strength = sum(teen_terms.values()) + 0.1 * (n("profanity", 3) + n("violence", 2))
        hits = ev.spans[("profanity", 3)] + ev.spans[("profanity", 2)] + ev.spans[("violence", 2)] + ev.spans[("sexual", 2)]
        hits += [(d.start, d.end) for d in deaths]
        near = 0.1 * (n("sexual", 2) + n("violence", 2) >= 2)
        conf = _sigmoid(strength + 0.3) - near
        return ScoredTag(LEVELS[1], round(min(0.9, conf), 4), _sentence_spans(doc, sorted(hits)))
    mild = n("profanity", 1) + n("violence", 1) + n("sexual", 1)
    words = max(1, doc.stats.words or len(doc.tokens))
    conf = 0.92 - min(0.4, 8.0 * mild / words)
    return ScoredTag(LEVELS[0], round(conf, 4), [])


def infer_warnings(
    doc: Doc, ev: ContentEvidence, deaths: list[DeathEvent], major: dict[str, float]
) -> list[ScoredTag]:
    """AO3 archive warnings with confidence >= 0.5, or "No Archive Warnings Apply" when sure."""
    found: list[ScoredTag] = []
    scores = {
        "Graphic Depictions Of Violence": _violence(doc, ev),
        "Major Character Death": _major_death(deaths, major),
        "Rape/Non-Con": _noncon(doc, ev),
        "Underage Sex": _underage(doc, ev),
    }
    for name, (p, spans) in scores.items():
        if p >= 0.5:
            found.append(ScoredTag(name, round(p, 4), spans))
    top = max(p for p, _ in scores.values())
    if not found and top < 0.25:
        found.append(ScoredTag("No Archive Warnings Apply", round(0.95 - top, 4), []))
    return found


def _violence(doc: Doc, ev: ContentEvidence) -> tuple[float, list[Span]]:
    strong = [p for p, _, _ in ev.trigger_windows.get("violence", []) if p >= 0.6]
    lexical = 2.0 * ev.n("violence", 3) + 0.8 * ev.n("violence", 2) + 0.15 * ev.n("violence", 1)
    score = lexical + 0.5 * len(strong)
    # the same few graphic sentences weigh more in a short piece than scattered over a novel
    density = 1000.0 * lexical / max(1, doc.stats.words or len(doc.tokens))
    p = _sigmoid((score - 7.0) / 2.0 + max(0.0, (density - 8.0) / 4.0))
    hits = sorted(ev.spans[("violence", 3)] + ev.spans[("violence", 2)])
    return p, _sentence_spans(doc, hits)


def _major_death(deaths: list[DeathEvent], major: dict[str, float]) -> tuple[float, list[Span]]:
    per: dict[str, float] = {}
    spans: dict[str, list[Span]] = {}
    for d in deaths:
        # a death told, not shown (a funeral, "had died") is more often backstory than plot
        w = d.p * major.get(d.character, 0.0) * (1.0 if d.on_page else 0.75)
        per[d.character] = 1.0 - (1.0 - per.get(d.character, 0.0)) * (1.0 - w)
        spans.setdefault(d.character, []).append(Span(d.start, d.end))
    if not per:
        return 0.0, []
    who = max(per, key=per.get)
    return min(0.95, per[who]), spans[who][:5]


def _noncon(doc: Doc, ev: ContentEvidence) -> tuple[float, list[Span]]:
    if not ev.noncon:
        return 0.0, []
    sexual = ev.n("sexual", 2) + ev.n("sexual", 3)
    score = 1.2 * len(ev.noncon) + (1.5 if sexual >= 2 else 0.0)
    return _sigmoid(score - 3.5), _sentence_spans(doc, ev.noncon)


def _underage(doc: Doc, ev: ContentEvidence) -> tuple[float, list[Span]]:
    sexual = ev.n("sexual", 2) + 2 * ev.n("sexual", 3)
    if not ev.minors or sexual < 3:
        return 0.0, []
    # an age near sexual content counts; one anywhere in the story counts less
    near = 0
    sex_hits = ev.spans[("sexual", 2)] + ev.spans[("sexual", 3)]
    for s, _ in ev.minors:
        if any(abs(s - h) < 1500 for h, _ in sex_hits):
            near += 1
    score = 1.5 * near + 0.3 * len(ev.minors) + 0.1 * sexual
    return _sigmoid(score - 3.0), _sentence_spans(doc, ev.minors)
