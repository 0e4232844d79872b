"""Freeform ("Additional Tags") for common AO3 tropes and genres, each with a confidence.

Every tag combines at least two kinds of evidence, never one cue word: cue densities per
1,000 words (``data/tags/tropes.json``), sentence valence (VADER), the relationships, death
events and fandom KB identities, and the work's length. Tags under ``MIN_CONFIDENCE`` are
dropped. The rules are small functions below, one per tag, so each can be read and tested.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..model import Doc, ScoredTag, Span
from .deaths import DeathEvent
from .lexicon import matcher
from .text import sentence_at

MIN_CONFIDENCE = 0.35
CUES = ("fluff", "angst", "hurt", "comfort", "humor", "established", "first_kiss", "kiss", "reconcile",
        "conflict", "breakup", "secret", "reveal", "grief", "au", "songfic")


def _sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


@dataclass
class Features:
    words: int
    body: tuple[int, int]
    hits: dict[str, list[tuple[int, int]]]
    pos_share: float = 0.0
    neg_share: float = 0.0
    end_valence: float = 0.0
    romance: float = 0.0  # confidence of the strongest romantic relationship
    deaths: list[DeathEvent] = field(default_factory=list)
    identities: list[tuple[int, int]] = field(default_factory=list)  # secret-identity name uses
    notes_text: str = ""

    def density(self, cue: str) -> float:
        return 1000.0 * len(self.hits.get(cue, [])) / max(1, self.words)

    def where(self, cue: str) -> list[float]:
        """Relative positions (0-1) of a cue's hits in the body."""
        b0, b1 = self.body
        return [(s - b0) / max(1, b1 - b0) for s, _ in self.hits.get(cue, [])]


def features(doc: Doc, valences: list[tuple[int, int, float]], deaths: list[DeathEvent], kb: Any | None) -> Features:
    b = doc.body
    hits = {c: [(s, e) for s, e, _ in matcher("tropes", c).finditer(doc.text, b.start, b.end)] for c in CUES}
    words = doc.stats.words or sum(1 for t in doc.tokens if t.text[:1].isalnum())
    f = Features(words=words, body=(b.start, b.end), hits=hits, deaths=deaths)
    if valences:
        vals = [v for _, _, v in valences]
        f.pos_share = sum(v >= 0.3 for v in vals) / len(vals)
        f.neg_share = sum(v <= -0.3 for v in vals) / len(vals)
        tail = vals[-max(3, len(vals) // 10) :]
        f.end_valence = sum(tail) / len(tail)
    f.romance = max((r.confidence * (0.6 + 0.4 * r.weight) for r in doc.relationships if r.type == "romantic"), default=0.0)
    f.identities = _identity_uses(doc, kb)
    f.notes_text = " ".join(doc.text[n.start : n.end] for n in doc.metadata.notes)
    return f


def _identity_uses(doc: Doc, kb: Any | None) -> list[tuple[int, int]]:
    """Uses of a KB secret identity ("Superman") by a character also named as a civilian."""
    if kb is None:
        return []
    names = set()
    for c in doc.characters:
        kc = kb.characters.get(c.kb) if c.kb else None
        if kc is None or not kc.identities:
            continue
        civil = [a for a in c.aliases if a not in kc.identities]
        secret = [a for a in c.aliases if a in kc.identities]
        if civil and secret:
            names.update(secret)
    out = []
    for n in names:
        out += [m.span() for m in re.finditer(r"\b" + re.escape(n) + r"\b", doc.text[doc.body.start : doc.body.end])]
    return [(s + doc.body.start, e + doc.body.start) for s, e in sorted(out)]


Rule = Callable[[Features], tuple[float, list[tuple[int, int]]]]


def angst(f: Features):
    d = sum(1 for x in f.deaths if x.p >= 0.5)
    score = 6.0 * (f.neg_share - 0.18) + 0.12 * (f.density("angst") - 4) + 0.8 * min(d, 2) - 2.0 * max(0.0, f.end_valence)
    return _sig(score), f.hits["angst"]


def fluff(f: Features):
    d = sum(1 for x in f.deaths if x.p >= 0.5)
    score = 6.0 * (f.pos_share - 0.3) - 6.0 * max(0.0, f.neg_share - 0.12) + 0.15 * (f.density("fluff") - 5) - 2.0 * d
    return _sig(score), f.hits["fluff"]


def hurt_comfort(f: Features):
    h, c = f.density("hurt"), f.density("comfort")
    if not f.hits["hurt"] or not f.hits["comfort"]:
        return 0.0, []
    # comfort must come with or after the hurt
    late = [p for p in f.where("comfort") if p >= min(f.where("hurt"))]
    score = 0.35 * min(h, c) + 0.2 * len(late) - 2.2
    return _sig(score), f.hits["hurt"][:2] + f.hits["comfort"][:2]


def romance(f: Features):
    return f.romance, f.hits["kiss"]


def humor(f: Features):
    score = 0.3 * (f.density("humor") - 7) + 3.0 * (f.pos_share - 0.25)
    return _sig(score), f.hits["humor"]


def established(f: Features):
    if f.romance < 0.3:
        return 0.0, []
    early = [p for p in f.where("established") if p <= 0.35]
    firsts = len(f.hits["first_kiss"])
    score = 0.9 * len(early) - 1.5 * firsts - 1.2
    return _sig(score) * min(1.0, f.romance + 0.3), f.hits["established"]


def first_kiss(f: Features):
    kisses = f.where("kiss")
    explicit = len(f.hits["first_kiss"])
    late_only = bool(kisses) and min(kisses) >= 0.45
    early_est = sum(1 for p in f.where("established") if p <= 0.35)
    score = 1.6 * explicit + (1.2 if late_only else 0.0) - 0.8 * early_est - 1.0 + (0.5 if f.romance >= 0.4 else -0.5)
    return (_sig(score) if kisses else 0.0), f.hits["first_kiss"] or f.hits["kiss"][:2]


def reconciliation(f: Features):
    conflict = [p for p in f.where("conflict") if p <= 0.7]
    recon = [p for p in f.where("reconcile") if p >= 0.4]
    if not conflict or not recon:
        return 0.0, []
    score = 0.5 * min(len(conflict), 4) + 0.7 * min(len(recon), 4) + 2.0 * f.end_valence - 2.5
    return _sig(score), f.hits["reconcile"]


def breakup(f: Features):
    n = len(f.hits["breakup"])
    return (_sig(1.4 * n - 2.2) if n else 0.0), f.hits["breakup"]


def secret_identity(f: Features):
    n = len(f.hits["secret"])
    score = 0.6 * n + 0.4 * min(len(f.identities), 5) - 1.8
    return (_sig(score) if n or f.identities else 0.0), f.hits["secret"] + f.identities[:2]


def reveal(f: Features):
    s, _ = secret_identity(f)
    n = len(f.hits["reveal"])
    return (_sig(0.8 * n - 1.5) * min(1.0, s + 0.2) if n else 0.0), f.hits["reveal"]


def grief(f: Features):
    d = max((x.p for x in f.deaths), default=0.0)
    n = f.density("grief")
    return (_sig(0.4 * n + 2.0 * d - 2.6) if n else 0.0), f.hits["grief"]


def character_death(f: Features):
    best = max((x.p for x in f.deaths), default=0.0)
    spans = [(x.start, x.end) for x in sorted(f.deaths, key=lambda x: -x.p)[:3]]
    return best, spans


def alternate_universe(f: Features):
    if re.search(r"\bAU\b|alternate universe|alternative universe", f.notes_text, re.IGNORECASE):
        return 0.85, []
    return min(0.6, _sig(0.25 * f.density("au") - 2.5)), f.hits["au"]


def songfic(f: Features):
    noted = bool(re.search(r"\b(song|lyrics|songfic)\b", f.notes_text, re.IGNORECASE))
    n = f.density("songfic")
    return _sig((2.0 if noted else 0.0) + 0.3 * n - 2.5) if (noted or n) else 0.0, f.hits["songfic"]


def drabble(f: Features):
    """AO3 uses "Drabble" for 100-word stories and, loosely, for very short ones."""
    w = f.words
    if 95 <= w <= 105:
        return 0.95, []
    if w <= 150:
        return 0.75, []
    if w <= 300:
        return 0.3, []
    return 0.0, []


RULES: dict[str, Rule] = {
    "Angst": angst,
    "Fluff": fluff,
    "Hurt/Comfort": hurt_comfort,
    "Romance": romance,
    "Humor": humor,
    "Established Relationship": established,
    "First Kiss": first_kiss,
    "Reconciliation": reconciliation,
    "Break-up": breakup,
    "Secret Identity": secret_identity,
    "Reveal": reveal,
    "Grief/Mourning": grief,
    "Character Death": character_death,
    "Alternate Universe": alternate_universe,
    "Songfic": songfic,
    "Drabble": drabble,
}


def infer(doc: Doc, f: Features) -> list[ScoredTag]:
    out = []
    for name, rule in RULES.items():
        p, spans = rule(f)
        if p >= MIN_CONFIDENCE:
            out.append(ScoredTag(name, round(min(0.97, p), 4), _sentences(doc, spans)))
    out.sort(key=lambda t: -t.confidence)
    return out


def _sentences(doc: Doc, spans: list[tuple[int, int]], limit: int = 3) -> list[Span]:
    out, seen = [], set()
    for s, e in spans:
        sent = sentence_at(doc, s)
        key = (sent.start, sent.end) if sent else (s, e)
        if key not in seen:
            seen.add(key)
            out.append(Span(*key))
        if len(out) >= limit:
            break
    return out
