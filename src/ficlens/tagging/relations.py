"""Relationships: who interacts with whom, how strongly, and what kind of bond it is.

Weight (before scaling so the strongest pair is 1.0):

- co-presence: both act in the same paragraph (narration mention or a line of dialogue)
  +1.0, both in the same scene +0.5 once per scene;
- dialogue: a quote by one addressed to the other +1.5;
- mention: one talks about the other in dialogue +0.3 (a pair that is only talked about
  keeps 40% of that: past or mentioned relationships weigh less than enacted ones).

Type: cues (``data/tags/relations.json``) in sentences that mention both characters, and in
what one says to the other ("I love you", "Mom,"), plus the KB's canon relations when both
characters are linked. A "past" cue in the same sentence ("his ex-wife", "used to date")
marks the bond as over: it keeps its type but its weight is halved.

Tags follow AO3: ``A/B`` for romantic, ``A & B`` otherwise, each side the character's full
(canonical) name, sides in order of family name ("Clark Kent/Lois Lane").
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from ..model import Character, Doc, Relationship, ScoredTag, Span
from .lexicon import Matcher, fold, lexicon, weighted
from .text import ParagraphIndex, dialogue

TYPES = ("romantic", "familial", "platonic", "adversarial", "professional")
# KB relation kinds (ficlens.kb.INVERSE keys) -> relationship type
KB_KIND = {
    "spouse": "romantic", "romantic": "romantic", "partner": "romantic",
    "parent": "familial", "child": "familial", "sibling": "familial", "cousin": "familial",
    "relative": "familial", "guardian": "familial", "ward": "familial",
    "friend": "platonic", "rival": "adversarial", "enemy": "adversarial",
    "colleague": "professional", "mentor": "professional", "student": "professional",
}
KB_PRIOR = 2.5  # a canon relation counts as much as a strong cue in the text
KB_PRIOR_FAMILY = 4.0  # kinship is a fact of canon: romance cues must be plentiful to outweigh it
MAX_CHARACTERS = 25
MAX_PAIRS = 30


@dataclass
class PairEvidence:
    enacted: float = 0.0
    mentioned: float = 0.0
    types: Counter = field(default_factory=Counter)
    past: float = 0.0
    spans: list[tuple[float, int, int]] = field(default_factory=list)  # (cue weight, start, end)


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def salient_characters(doc: Doc) -> list[Character]:
    counts = Counter(m.character for m in doc.mentions)
    chars = [c for c in doc.characters if max(c.mentions, counts[c.id]) >= 2]
    chars.sort(key=lambda c: -max(c.mentions, counts[c.id]))
    return chars[:MAX_CHARACTERS]


def gather(doc: Doc) -> dict[tuple[str, str], PairEvidence]:
    """Interaction and type evidence for every pair of salient characters."""
    keep = {c.id for c in salient_characters(doc)}
    ev: dict[tuple[str, str], PairEvidence] = defaultdict(PairEvidence)
    pidx = ParagraphIndex(doc.paragraphs)
    quotes = dialogue(doc)
    present: dict[int, set[str]] = defaultdict(set)
    for m in doc.mentions:
        if m.character in keep and not (m.in_quote or m.start in quotes):
            present[pidx(m.start)].add(m.character)
    for q in doc.quotes:
        if q.speaker in keep:
            present[pidx(q.start)].add(q.speaker)
    scene_of = {i: p.scene for i, p in enumerate(doc.paragraphs)}
    scene_pairs: set[tuple[int, tuple[str, str]]] = set()
    for p, chars in present.items():
        for a, b in combinations(sorted(chars), 2):
            ev[(a, b)].enacted += 1.0
            sk = (scene_of.get(p, 0), (a, b))
            if sk not in scene_pairs:
                scene_pairs.add(sk)
                ev[(a, b)].enacted += 0.5
    _dialogue_evidence(doc, keep, ev)
    _sentence_cues(doc, keep, ev)
    _kb_priors(doc, keep, ev)
    return ev


def _dialogue_evidence(doc: Doc, keep: set[str], ev: dict[tuple[str, str], PairEvidence]) -> None:
    lex = lexicon("relations")
    cue_tables = {t: weighted("relations", t) for t in TYPES}
    matchers = {t: Matcher(cue_tables[t]) for t in TYPES}
    vocative = lex["vocative_kin"]
    by_quote: dict[int, list] = defaultdict(list)
    qs = sorted((q.start, q.end, k) for k, q in enumerate(doc.quotes))
    qstarts = [s for s, _, _ in qs]
    for m in doc.mentions:
        if m.in_quote:
            i = bisect_right(qstarts, m.start) - 1
            if i >= 0 and m.start < qs[i][1]:
                by_quote[qs[i][2]].append(m.character)
    for k, q in enumerate(doc.quotes):
        a, b = q.speaker, q.addressee
        if a in keep and b in keep and a != b:
            pe = ev[_key(a, b)]
            pe.enacted += 1.5
            text = doc.text[q.start : q.end]
            # kin and job words in a line are mostly about third people ("your aunt said"):
            # between speaker and addressee only the vocative counts for those ("Mom, ...")
            for t in ("romantic", "platonic", "adversarial"):
                for _, _, cue in matchers[t].finditer(text):
                    pe.types[t] += cue_tables[t][cue]
                    pe.spans.append((cue_tables[t][cue], q.start, q.end))
            first = fold(text).strip("\"'\u201c\u201d ").split(",")[0].strip(" .!?")
            if first in vocative:
                pe.types[vocative[first]] += 2.0
                pe.spans.append((2.0, q.start, q.end))
        if a in keep:
            for c in set(by_quote.get(k, [])):
                if c in keep and c != a and c != b:
                    ev[_key(a, c)].mentioned += 0.3


def _sentence_cues(doc: Doc, keep: set[str], ev: dict[tuple[str, str], PairEvidence]) -> None:
    cue_tables = {t: weighted("relations", t) for t in TYPES}
    matchers = {t: Matcher(cue_tables[t]) for t in TYPES}
    past = Matcher(lexicon("relations")["past"])
    starts = [s.start for s in doc.sentences]
    in_sent: dict[int, set[str]] = defaultdict(set)
    for m in doc.mentions:
        if m.character in keep:
            i = bisect_right(starts, m.start) - 1
            if i >= 0:
                in_sent[i].add(m.character)
    # a cue inside a character's own description ("his wife") is about that character only:
    # "She knows that his wife is not coming" says nothing romantic about "she" and "him"
    described = sorted((m.start, m.end, m.character) for m in doc.mentions if m.kind == "nominal")
    dstarts = [d[0] for d in described]
    # ... and about whoever owns it: the "his" of "his wife"
    starts_at: dict[int, set[str]] = defaultdict(set)
    for m in doc.mentions:
        if m.kind != "nominal":
            starts_at[m.start].add(m.character)
    for i, chars in in_sent.items():
        if len(chars) < 2:
            continue
        s = doc.sentences[i]
        text = doc.text[s.start : s.end]
        hits = {t: 0.0 for t in TYPES}
        owned: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        owners: dict[str, set[str]] = defaultdict(set)
        for t in TYPES:
            for a0, _, c in matchers[t].finditer(text):
                k = bisect_right(dstarts, s.start + a0) - 1
                if k >= 0 and s.start + a0 < described[k][1]:
                    d0, _, who = described[k]
                    owned[who][t] += cue_tables[t][c]
                    for o in starts_at.get(d0, set()) - {who}:
                        owners[who].add(o)
                else:
                    hits[t] += cue_tables[t][c]
        is_past = past.count(text) > 0
        share = 1.0 / (len(chars) - 1)
        for a, b in combinations(sorted(chars), 2):
            pe = ev[(a, b)]
            pair = dict(hits)
            for x, y in ((a, b), (b, a)):
                if x in owned and (not owners[x] or y in owners[x]):
                    for t, w in owned[x].items():
                        pair[t] += w
            for t, w in pair.items():
                if w:
                    pe.types[t] += w * share
                    pe.spans.append((w * share, s.start, s.end))
            if is_past and (pair["romantic"] or pair["familial"]):
                pe.past += 1.0


def _kb_priors(doc: Doc, keep: set[str], ev: dict[tuple[str, str], PairEvidence]) -> None:
    linked = {c.id: c.kb for c in doc.characters if c.kb and c.id in keep}
    if len(linked) < 2:
        return
    try:
        from ..kb import load_kb

        kb = load_kb()
    except Exception:  # noqa: BLE001 - the KB is optional evidence, never a reason to fail
        return
    for a, b in combinations(sorted(linked), 2):
        for r in kb.canon_relation(linked[a], linked[b]):
            t = KB_KIND.get(r.kind)
            if t and (a, b) in ev:
                ev[(a, b)].types[t] += KB_PRIOR_FAMILY if t == "familial" else KB_PRIOR


def family_name_key(name: str) -> tuple[str, str]:
    """Sort key by family name: "Lois Lane" -> ("lane", "lois lane"); one-word names sort as is."""
    words = name.split()
    return ((words[-1] if len(words) > 1 else name).lower(), name.lower())


def ao3_tag(a: str, b: str, kind: str) -> str:
    """``ao3_tag("Lois Lane", "Clark Kent", "romantic") == "Clark Kent/Lois Lane"``."""
    x, y = sorted((a, b), key=family_name_key)
    return f"{x}/{y}" if kind == "romantic" else f"{x} & {y}"


def build(doc: Doc, ev: dict[tuple[str, str], PairEvidence]) -> list[Relationship]:
    """Relationships from evidence, strongest first (the main pairing leads)."""
    raw: list[tuple[float, Relationship]] = []
    for (a, b), pe in ev.items():
        w = pe.enacted + (pe.mentioned if pe.enacted else 0.4 * pe.mentioned)
        if pe.past and pe.past >= 0.5 * max(1.0, pe.types.get("romantic", 0) / 3):
            w *= 0.5
        if w < 1.5:  # one shared paragraph (1.0 + 0.5 for the scene) is the least that counts
            continue
        kind, tconf = _type(pe)
        support = 1.0 - math.exp(-w / 6.0)
        ca, cb = doc.character(a), doc.character(b)
        tag = ao3_tag(ca.name if ca else a, cb.name if cb else b, kind)
        conf = round(min(0.99, (tconf if kind != "unknown" else 0.35) * (0.4 + 0.6 * support)), 4)
        rank = w * (1.5 if kind == "romantic" else 1.0)
        raw.append((rank, Relationship(a, b, kind, tag, w, conf)))
    raw.sort(key=lambda x: -x[0])
    raw = raw[:MAX_PAIRS]
    top = max((r.weight for _, r in raw), default=1.0)
    for _, r in raw:
        r.weight = round(r.weight / top, 4)
    return [r for _, r in raw if r.weight >= 0.05]


def _type(pe: PairEvidence) -> tuple[str, float]:
    if not pe.types:
        return "unknown", 0.0
    kind, best = pe.types.most_common(1)[0]
    total = sum(pe.types.values())
    if best < 1.5:
        return "unknown", 0.0
    # share of the cue mass, shrunk when there is little of it
    conf = (best / total) * (1.0 - math.exp(-best / 3.0))
    return kind, round(0.3 + 0.7 * conf, 4)


def relationship_tags(doc: Doc, rels: list[Relationship], ev: dict[tuple[str, str], PairEvidence]) -> list[ScoredTag]:
    """AO3 relationship tags worth showing, with the passages that set their type."""
    out = []
    for r in rels:
        if r.type == "unknown" and r.weight < 0.5:
            continue
        conf = r.confidence * (0.6 + 0.4 * r.weight)
        if conf < 0.25 or not r.tag:
            continue
        spans = sorted(ev[_key(r.a, r.b)].spans, key=lambda x: -x[0])[:3]
        out.append(ScoredTag(r.tag, round(conf, 4), [Span(s, e) for _, s, e in sorted(spans, key=lambda x: x[1])]))
    return out[:8]


def character_tags(doc: Doc, places: frozenset[str] = frozenset()) -> list[ScoredTag]:
    """Characters worth an AO3 character tag: on the page and often mentioned.

    ``places`` are names the KB knows as marker terms (the Talon, Smallville High): an
    unlinked "character" by one of those names is a place the name finder took for a person.
    """
    counts = Counter(m.character for m in doc.mentions)
    scored = []
    for c in doc.characters:
        n = max(c.mentions, counts[c.id])
        if c.kb is None and (c.name in places or not c.name[:1].isupper()):
            continue  # a place, or a nominal ("woman", "dentist") the name finder kept
        if n >= 3 and c.present is not False:
            scored.append((n, c))
    if not scored:
        return []
    top = max(n for n, _ in scored)
    out = []
    for n, c in sorted(scored, key=lambda x: -x[0]):
        share = n / top
        if share < 0.05:
            continue
        first = next((m for m in doc.mentions if m.character == c.id), None)
        ev = [Span(first.start, first.end)] if first else []
        out.append(ScoredTag(c.name, round(min(0.99, 0.35 + 0.6 * math.sqrt(share)), 4), ev))
    return out[:12]


def analyse(doc: Doc) -> None:
    ev = gather(doc)
    rels = build(doc, ev)
    doc.relationships = rels
    doc.tags.relationships = relationship_tags(doc, rels, ev)
    doc.tags.characters = character_tags(doc, _kb_markers())


def _kb_markers() -> frozenset[str]:
    from .kbview import get_kb

    kb = get_kb()
    return frozenset(m for fd in kb.fandoms.values() for m in fd.markers) if kb is not None else frozenset()
