"""Fandoms (AO3 canonical names) from KB-linked characters and marker terms.

Score per fandom = character evidence + marker evidence:

- each character linked to the KB (``Character.kb``; or, for an unlinked character, a
  multi-word name that exactly one KB character goes by) adds ``log1p(mentions)`` to each of
  its fandoms, divided by the square root of how many fandoms it belongs to, so a character
  of one canon (Chloe Sullivan: Smallville) says more than one of nine (Clark Kent);
- each distinct marker term found (case-sensitive, whole words) adds ``1 + log(count)``;
  a child canon counts only markers its parent ("Superman - All Media Types") lacks, so
  "the Daily Planet" alone points to the umbrella fandom and "the Talon" to Smallville.

The top fandom is reported; others join it when they have evidence of their own: a
different fandom family (a crossover) with at least a quarter of the top score, or a
sibling canon with half. "Original Work" when nothing matches.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..model import Doc, ScoredTag, Span

ORIGINAL = "Original Work"


@dataclass
class FandomEvidence:
    chars: float = 0.0
    markers: float = 0.0  # own markers plus the parent fandom's
    own_markers: float = 0.0
    primary: float = 0.0  # tie-break: how early the fandom comes in its characters' KB lists
    specific_chars: float = 0.0  # from characters of at most two fandoms
    only_here: float = 0.0  # from characters the KB lists in this fandom but not its umbrella
    spans: list[tuple[int, int]] = field(default_factory=list)
    marker_names: set[str] = field(default_factory=set)
    marker_weight: dict[str, float] = field(default_factory=dict)

    def distinct_weight(self, names: set[str]) -> float:
        return sum(self.marker_weight.get(m, 1.0) for m in names)

    @property
    def score(self) -> float:
        return self.chars + self.markers


class MarkerIndex:
    """Every KB marker found in the text, without one regex scan per marker.

    Single words match whole-word and case-sensitively ("Baby", "Queens" are everyday words
    in lowercase); phrases match case-insensitively with any run of spaces ("great shades of
    Elvis"). A set lookup over the text's words picks the few candidate markers; each is then
    tried only where a word of the text is its own first word (a phrase that opens on "the" is
    not scanned for through the whole work).
    """

    _TOKEN = re.compile(r"[\w][\w.'\-]*")
    _RUN = re.compile(r"\w+")

    def __init__(self, markers: set[str]):
        self.words = {m.strip() for m in markers if " " not in m.strip()}
        self.phrases = {m for m in markers if " " in m.strip()}

    def find(self, text: str, start: int, end: int) -> dict[str, list[tuple[int, int]]]:
        """marker -> spans of its uses in ``text[start:end]``."""
        seen = set()
        for tok in self._TOKEN.findall(text, start, end):
            seen.add(tok)
            seen.add(tok.rstrip(".'-"))
        lower = {t.lower() for t in seen}
        # where each run of word characters starts, as written and in lower case: a marker's
        # match starts where a run equal to its own first run does
        runs: dict[str, list[int]] = {}
        lower_runs: dict[str, list[int]] = {}
        for x in self._RUN.finditer(text, start, end):
            runs.setdefault(x.group(), []).append(x.start())
            lower_runs.setdefault(x.group().lower(), []).append(x.start())
        out: dict[str, list[tuple[int, int]]] = {}
        for m in self.words:
            if m in seen or m.rstrip(".") in seen:
                rx = re.compile(r"(?<![\w])" + re.escape(m) + r"(?![\w])")
                out[m] = self._spans(rx, m, runs, text, start, end)
        for m in self.phrases:
            if all(w.lower().rstrip(".,'") in lower or not w[:1].isalnum() for w in m.split()):
                rx = re.compile(r"(?<![\w])" + re.escape(m).replace(r"\ ", r"\s+") + r"(?![\w])", re.IGNORECASE)
                out[m] = self._spans(rx, m.lower(), lower_runs, text, start, end)
        return {m: h for m, h in out.items() if h}

    def _spans(self, rx: re.Pattern, marker: str, runs: dict[str, list[int]], text: str, start: int, end: int) -> list[tuple[int, int]]:
        first = self._RUN.match(marker)
        if first is None:  # a marker opening on punctuation: scan for it
            return [x.span() for x in rx.finditer(text, start, end)]
        spans = []
        for at in runs.get(first.group(), ()):
            x = rx.match(text, at, end)
            if x is not None:
                spans.append(x.span())
        return spans


_INDEX: dict[int, MarkerIndex] = {}


def marker_index(kb: Any) -> MarkerIndex:
    """One index per loaded KB (the KB is cached and read-only)."""
    idx = _INDEX.get(id(kb))
    if idx is None:
        idx = _INDEX[id(kb)] = MarkerIndex({m for fd in kb.fandoms.values() for m in fd.markers})
    return idx


def linked_characters(doc: Doc, kb: Any) -> list[tuple[Any, int, int]]:
    """(KB character, mentions, first mention offset) for characters tied to the KB."""
    counts = Counter(m.character for m in doc.mentions)
    first: dict[str, int] = {}
    for m in doc.mentions:
        first.setdefault(m.character, m.start)
    out = []
    for c in doc.characters:
        kc = kb.characters.get(c.kb) if c.kb else None
        if kc is None:
            # a description ("the boy") names nobody, though a canon's character is "The Boy"
            forms = [f for f in (c.name, *c.aliases) if len(f.split()) >= 2 and not f[:1].islower()]
            found = {k.id: k for f in forms for k in kb.find_characters(f)}
            kc = next(iter(found.values())) if len(found) == 1 else None
        if kc is not None:
            out.append((kc, max(c.mentions, counts[c.id], 1), first.get(c.id, doc.body.start)))
    return out


def gather(doc: Doc, kb: Any) -> dict[str, FandomEvidence]:
    ev: dict[str, FandomEvidence] = defaultdict(FandomEvidence)
    for kc, n, first in linked_characters(doc, kb):
        # a character of a child canon belongs to its umbrella fandom too
        fandoms = [f for f in kc.fandoms if f in kb.fandoms]
        fandoms += [p for p in dict.fromkeys(kb.fandoms[f].parent for f in fandoms) if p in kb.fandoms and p not in fandoms]
        if not fandoms:
            continue
        w = math.log1p(n) / math.sqrt(len(fandoms))
        for k, f in enumerate(fandoms):
            ev[f].chars += w
            ev[f].primary += 1.0 / (1 + k)
            parent = kb.fandoms[f].parent
            if parent in kb.fandoms and parent not in kc.fandoms:
                ev[f].only_here += w
            if len(fandoms) <= 2:
                ev[f].specific_chars += w
            ev[f].spans.append((first, first + len(kc.name.split()[0])))
    hits = marker_index(kb).find(doc.text, doc.body.start, doc.body.end)
    found = {m: 1.0 + math.log(len(h)) for m, h in hits.items()}
    first_hit = {m: h[0] for m, h in hits.items()}
    for name, fd in kb.fandoms.items():
        for marker in fd.markers:
            if found.get(marker):
                ev[name].own_markers += found[marker]
                ev[name].marker_names.add(marker)
                ev[name].marker_weight[marker] = found[marker]
                ev[name].spans.append(first_hit[marker])
    # a child canon inherits its parent's markers: a tie then goes to the umbrella fandom,
    # and the child wins only with markers of its own
    for name, fd in kb.fandoms.items():
        if name in ev:
            parent = fd.parent if fd.parent in kb.fandoms else None
            own = set(fd.markers)
            extra = sum(found.get(m, 0.0) for m in (kb.fandoms[parent].markers if parent else ()) if m not in own)
            ev[name].markers = ev[name].own_markers + extra
    return ev


def rank(ev: dict[str, FandomEvidence], kb: Any) -> list[ScoredTag]:
    """Ranked fandom tags from evidence (see the module docstring for the rules)."""
    usable = {f: e for f, e in ev.items() if e.chars > 0 or len(e.marker_names) >= 2}
    if not usable:
        return []
    order = sorted(usable, key=lambda f: (-round(_rank_score(f, usable, kb), 6), bool(kb.fandoms[f].parent), -usable[f].primary, f))
    top = order[0]
    best = usable[top].score
    out = [ScoredTag(top, _confidence(usable[top], None), _spans(usable[top]))]
    heads = {kb.fandoms[top].family: top}  # the leading fandom of each family reported
    for f in order[1:]:
        e = usable[f]
        family = kb.fandoms[f].family
        head = heads.get(family)
        if head is None:
            # another family: a crossover, when its own evidence is a real share of the top's
            if e.score >= 0.25 * best and (e.own_markers + e.specific_chars > 0 or e.chars >= 1.0):
                heads[family] = f
                out.append(ScoredTag(f, _confidence(e, best), _spans(e)))
        elif f != kb.fandoms[head].parent:
            # a sibling canon needs evidence neither the family's lead nor an umbrella has:
            # markers worth MIN_DISTINCT, or characters only it has
            shared = set(kb.fandoms[head].markers) | _parent_markers(kb, f) | _parent_markers(kb, head)
            distinct = e.marker_names - shared
            own = e.distinct_weight(distinct)
            if (len(distinct) >= MIN_DISTINCT or e.only_here > 0) and own + e.only_here >= 0.25 * best:
                out.append(ScoredTag(f, _confidence(e, best), _spans(e)))
    return out[:4]


MIN_DISTINCT = 2  # distinct markers of its own: one stray term, however often, is not a canon


def _rank_score(f: str, usable: dict[str, FandomEvidence], kb: Any) -> float:
    """A child canon's score, capped just under its umbrella's unless it shows evidence of its
    own: ``MIN_DISTINCT`` markers the umbrella lacks, or a character only it has.

    >>> class F:  # a two-fandom KB: "Child" under "Parent"
    ...     def __init__(self, parent, markers): self.parent, self.markers = parent, markers
    >>> class K: fandoms = {"Parent": F(None, ("Town",)), "Child": F("Parent", ("Town", "Cafe"))}
    >>> ev = {"Parent": FandomEvidence(chars=2.0, markers=1.0), "Child": FandomEvidence(chars=2.0, markers=2.0, own_markers=2.0)}
    >>> ev["Child"].marker_names = {"Town", "Cafe"}
    >>> _rank_score("Child", ev, K()) < _rank_score("Parent", ev, K())
    True
    """
    e = usable[f]
    parent = kb.fandoms[f].parent
    if parent not in usable:
        return e.score
    distinct = e.marker_names - set(kb.fandoms[parent].markers)
    if len(distinct) >= MIN_DISTINCT or e.only_here > 0:
        return e.score
    return min(e.score, usable[parent].score - 1e-3)


def _parent_markers(kb: Any, name: str) -> set[str]:
    parent = kb.fandoms[name].parent
    return set(kb.fandoms[parent].markers) if parent in kb.fandoms else set()


def _confidence(e: FandomEvidence, best: float | None) -> float:
    base = 1.0 / (1.0 + math.exp(-(1.2 * e.score - 2.0)))
    if best:
        base *= min(1.0, 0.5 + 0.5 * e.score / best)
    return round(min(0.97, base), 4)


def _spans(e: FandomEvidence) -> list[Span]:
    return [Span(s, t) for s, t in sorted(set(e.spans))[:5]]


def infer(doc: Doc, kb: Any | None) -> list[ScoredTag]:
    """Fandom tags, or ``Original Work`` when no fandom has evidence."""
    tags = rank(gather(doc, kb), kb) if kb is not None else []
    if tags:
        return tags
    named = sum(1 for c in doc.characters if c.mentions >= 2 or c.aliases)
    words = doc.stats.words or len(doc.tokens)
    # not finding a fandom is weak evidence on a short text or one with few named people
    conf = 0.45 + 0.15 * min(1.0, words / 1500) + 0.1 * min(1.0, named / 3)
    return [ScoredTag(ORIGINAL, round(conf, 4), [])]
