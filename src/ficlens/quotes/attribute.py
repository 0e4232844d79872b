"""Speaker and addressee for every quotation: one walk through the document, in order.

For each quotation the attributor lists candidate speakers (the tag's subject, characters
named in the paragraph's narration and the one before, the last two speakers of the
conversation, whoever the previous turn addressed, the narrator, the most mentioned lately),
describes each with ``ranker.FEATURES`` and lets the ``Ranker`` choose. Conversations are
runs of quoted paragraphs; they end at a scene or chapter break or after a few paragraphs
of narration, and a newcomer named in the narration breaks the two-turn parity.

Everything is local to the quotation and the running conversation, so the walk is linear
in the length of the work.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Callable

from ..model import Doc, Mention, Quote
from .candidates import DocIndex, Tag, find_tag, self_identified, vocatives
from .detect import Found
from .ranker import Ranker

MAX_GAP = 2  # narration-only paragraphs a conversation survives
SALIENCE_SPAN = 10  # paragraphs of narration that count towards salience
PRONOUN_KINDS = ("pronoun",)


@dataclass
class Conversation:
    turns: list[str | None] = field(default_factory=list)  # speaker per quoted paragraph
    turn_quotes: list[int] = field(default_factory=list)  # last quote index of each turn
    participants: set[str] = field(default_factory=set)
    last_para: int = -100
    ident: int = 0

    def reset(self) -> None:
        self.turns, self.turn_quotes, self.participants = [], [], set()
        self.ident += 1


@dataclass
class Choice:
    """What the attributor decided for one quotation, with what it saw."""

    speaker: str | None
    confidence: float
    attribution: str
    kind: str
    tag: Tag | None
    vocatives: list[str]
    conv: int
    candidates: list[str] = field(default_factory=list)
    feats: list[dict[str, float]] = field(default_factory=list)


class _Salience:
    """Mentions per character over the last ``SALIENCE_SPAN`` paragraphs, updated as we walk."""

    def __init__(self, ix: DocIndex):
        self.ix = ix
        self.counts: Counter[str] = Counter()
        self.window: deque[int] = deque()
        self.upto = -1

    def advance(self, para: int) -> Counter:
        while self.upto < para - 1:
            self.upto += 1
            self.window.append(self.upto)
            for m in self.ix.narration.get(self.upto, ()):
                self.counts[m.character] += 1
            if len(self.window) > SALIENCE_SPAN:
                old = self.window.popleft()
                for m in self.ix.narration.get(old, ()):
                    self.counts[m.character] -= 1
        return self.counts


class QuoteAttributor:
    """Chooses speakers with a ``Ranker``; ``oracle``/``collect`` hooks serve training."""

    def __init__(self, ranker: Ranker | None = None):
        self.ranker = ranker or Ranker.load()

    def attribute(
        self,
        doc: Doc,
        found: list[Found],
        narrator: str | None,
        *,
        oracle: Callable[[int], str | None] | None = None,
    ) -> tuple[list[Choice], DocIndex]:
        ix = DocIndex.build(doc, found, narrator)
        conv = Conversation()
        sal = _Salience(ix)
        last_in_para: dict[int, str | None] = {}
        choices: list[Choice] = []
        for qi, f in enumerate(found):
            if f.kind == "other":
                choices.append(Choice(None, 0.0, "unknown", "other", None, [], -1))
                continue
            self._maybe_reset(ix, conv, f.para)
            tag = find_tag(ix, qi)
            kind = tag.kind if tag is not None and tag.kind != "speech" else f.kind
            voc = [m.character for m in vocatives(ix, qi)]
            cands, feats = self._features(ix, qi, tag, voc, conv, sal.advance(f.para), last_in_para)
            probs = self.ranker.probabilities(feats)
            best = max(range(len(cands)), key=probs.__getitem__) if cands else -1
            speaker = cands[best] if best >= 0 else None
            conf = probs[best] if best >= 0 else 0.0
            how = _how(speaker, tag, feats[best] if best >= 0 else {})
            choices.append(Choice(speaker, conf, how, kind, tag, voc, conv.ident, cands, feats))
            hist = oracle(qi) if oracle is not None else speaker
            last_in_para[f.last_para] = hist
            if kind == "speech" and f.style != "italic":
                self._take_turn(conv, f, qi, hist)
        return choices, ix

    # ------------------------------------------------------------------ conversation

    def _maybe_reset(self, ix: DocIndex, conv: Conversation, para: int) -> None:
        if conv.last_para < 0 or para == conv.last_para:
            return
        paras = ix.doc.paragraphs
        a, b = paras[conv.last_para], paras[para]
        if para - conv.last_para - 1 > MAX_GAP or a.scene != b.scene or a.chapter != b.chapter:
            conv.reset()
            conv.last_para = -100
            return
        # someone new enters in the narration between turns: the parity of turns is broken
        for p in range(conv.last_para + 1, para):
            if any(m.character not in conv.participants for m in ix.narration.get(p, ())):
                if len(conv.turns) >= 2:
                    conv.turns[:-1] = [None] * (len(conv.turns) - 1)
                break

    @staticmethod
    def _take_turn(conv: Conversation, f: Found, qi: int, speaker: str | None) -> None:
        if f.para == conv.last_para and conv.turns:
            conv.turns[-1] = speaker if speaker is not None else conv.turns[-1]
            conv.turn_quotes[-1] = qi
        else:
            conv.turns.append(speaker)
            conv.turn_quotes.append(qi)
        if speaker:
            conv.participants.add(speaker)
        conv.last_para = f.last_para

    # ------------------------------------------------------------------ features

    def _features(self, ix, qi, tag, voc, conv, salience, last_in_para):
        doc, f = ix.doc, ix.quotes[qi]
        feats: dict[str, dict[str, float]] = {}

        def cand(c: str | None) -> dict[str, float] | None:
            if not c:
                return None
            return feats.setdefault(c, {})

        narr = [m for p in range(f.para, f.last_para + 1) for m in ix.narration.get(p, ())]
        bare = tag is None and not narr
        subj = tag.subject if tag is not None else None
        if subj is not None:
            key = "tag_pron" if subj.kind in PRONOUN_KINDS else "tag_name"
            cand(subj.character)[key] = 1.0
        elif tag is not None and ix.narrator and _first_person_tag(ix, tag):
            cand(ix.narrator)["tag_first"] = 1.0
        for k, m in enumerate(narr):
            d = cand(m.character)
            if m.end <= f.start:
                d["beat_before"] = 1.0
            else:
                d["beat_after"] = 1.0
            if k == 0:
                d["beat_first"] = 1.0
            gap = (f.start - m.end) if m.end <= f.start else (m.start - f.end)
            d["near"] = max(d.get("near", 0.0), 1.0 / (1.0 + max(gap, 0) / 40.0))
        for m in ix.narration.get(f.para - 1, ()):
            cand(m.character)["prev_para"] = 1.0
        prior = conv.turns if f.para != conv.last_para else conv.turns[:-1]
        if prior:
            d = cand(prior[-1])
            if d is not None:
                d["turn1"] = 1.0
                d["turn1_bare"] = 1.0 if bare else 0.0
        if len(prior) >= 2:
            d = cand(prior[-2])
            if d is not None:
                d["turn2"] = 1.0
                d["turn2_bare"] = 1.0 if bare else 0.0
        same = last_in_para.get(f.para)
        if same is not None:
            cand(same)["same_para"] = 1.0
            if tag is None:
                feats[same]["same_para_bare"] = 1.0
        if conv.turn_quotes and f.para != conv.last_para:
            prev_q = conv.turn_quotes[-1]
            for m in vocatives(ix, prev_q):
                cand(m.character)["voc_prev"] = 1.0
        if ix.narrator:
            d = cand(ix.narrator)
            d["narrator"] = 1.0
            d["narrator_bare"] = 1.0 if bare else 0.0
        sid = self_identified(ix, qi)
        if sid:
            cand(sid)["self_id"] = 1.0
        for c, _ in salience.most_common(3):
            cand(c)
        for c in voc:
            if c in feats:
                feats[c]["voc_here"] = 1.0
        for m in ix.in_quote.get(qi, ()):
            if m.character in feats and m.character not in voc and m.kind != "pronoun":
                feats[m.character]["named_in_quote"] = 1.0
        for c, d in feats.items():
            d["salience"] = math.log1p(salience.get(c, 0)) / 3.0
            if c in conv.participants:
                d["conv_part"] = 1.0
            if tag is not None and tag.subject is not None and c != tag.subject.character:
                d["not_tag"] = 1.0
        names = list(feats)
        return names, [feats[c] for c in names]


def _first_person_tag(ix: DocIndex, tag: Tag) -> bool:
    toks = ix.doc.tokens
    lo, hi = max(0, tag.verb - 3), min(len(toks), tag.verb + 3)
    return any(toks[i].text in ("I", "we") for i in range(lo, hi))


def _how(speaker: str | None, tag: Tag | None, feats: dict[str, float]) -> str:
    if speaker is None:
        return "unknown"
    if feats.get("tag_name"):
        return "explicit"
    if feats.get("tag_pron") or feats.get("tag_first"):
        return "anaphoric"
    return "implicit"


def addressees(choices: list[Choice], found: list[Found], ix: DocIndex) -> list[str | None]:
    """Who each quotation is said to: a vocative, else the other side of the conversation,
    else someone else named in the paragraph's narration."""
    out: list[str | None] = []
    by_conv: dict[int, list[int]] = {}
    for qi, c in enumerate(choices):
        if c.kind == "speech" and c.conv >= 0:
            by_conv.setdefault(c.conv, []).append(qi)
    pos = {qi: (cid, k) for cid, qs in by_conv.items() for k, qi in enumerate(qs)}
    for qi, c in enumerate(choices):
        out.append(_addressee(qi, c, choices, found, ix, by_conv, pos))
    return out


def _addressee(qi, c, choices, found, ix, by_conv, pos) -> str | None:
    if c.speaker is None or c.kind in ("other", "written"):
        return None
    for v in c.vocatives:
        if v != c.speaker:
            return v
    if c.kind == "thought":
        return None
    if qi in pos:
        cid, k = pos[qi]
        qs = by_conv[cid]
        for j in list(range(k - 1, -1, -1))[:3] + list(range(k + 1, len(qs)))[:3]:
            other = choices[qs[j]].speaker
            if other and other != c.speaker:
                return other
    f = found[qi]
    for p in range(f.para, f.last_para + 1):
        for m in ix.narration.get(p, ()):
            if m.character != c.speaker:
                return m.character
    return None
