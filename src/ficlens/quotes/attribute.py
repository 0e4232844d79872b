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
import re
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..model import Doc, Mention
from .candidates import DEVICE_NOUNS, OWN_NAME_RE, DocIndex, Tag, find_tag, self_identified, vocatives
from .detect import Found
from .lexicon import thing_nouns
from .ranker import Ranker

MAX_GAP = 2  # narration-only paragraphs a conversation survives
MAX_GAP_CHARS = 1500  # ... or this much narration between two quoted paragraphs
RECENT_SPAN = 3  # paragraphs back that count as "on the scene"
MAX_TURNS = 4  # turns remembered (two before the current paragraph's own)
# readings of the conversation kept at each quotation. Greedy (1) measures best end to end:
# the ranker's probabilities are normalised per quotation, so a tagged line is near-certain
# under every history and cannot tell a right history from a wrong one; a wider beam just
# keeps the histories whose untagged guesses were most confident (LitBank, 5-fold CV:
# 0.659 greedy, 0.648 at 3 or 6, 0.656 at 12)
BEAM = 1
SALIENCE_SPAN = 10  # paragraphs of narration that count towards salience
PRONOUN_KINDS = ("pronoun",)
NAME_KINDS = ("name", "alias")
PRONOUN_GENDER = {"he": "male", "she": "female"}


@dataclass(frozen=True, slots=True)
class State:
    """The running conversation, as one hypothesis of the beam sees it (immutable, shared)."""

    turns: tuple[str | None, ...] = ()  # speakers of the last few turns, oldest first
    here: int = 0  # how many of those turns were taken in the paragraph ``last_para``
    turn_quote: int = -1  # the last quotation of the last turn
    participants: frozenset[str] = frozenset()
    last_para: int = -100
    conv: int = 0
    para_speaker: tuple[int, str | None] = (-1, None)  # speaker of the last quotation, by paragraph


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


@dataclass(slots=True)
class _Hyp:
    logp: float
    state: State
    choice: Choice | None = None
    parent: _Hyp | None = None


class QuoteAttributor:
    """Chooses speakers with a ``Ranker``, keeping the ``beam`` likeliest readings of each
    conversation (by default one: see ``BEAM``).

    ``oracle`` (training only) supplies the true history instead: features of a quotation
    are then computed as if every earlier speaker had been found correctly.
    """

    def __init__(self, ranker: Ranker | None = None, beam: int = BEAM):
        self.ranker = ranker or Ranker.load()
        self.beam = beam

    def attribute(
        self,
        doc: Doc,
        found: list[Found],
        narrator: str | None | list[tuple[int, str | None]],
        *,
        oracle: Callable[[int], str | None] | None = None,
    ) -> tuple[list[Choice], DocIndex]:
        ix = DocIndex.build(doc, found, narrator)
        tags = [_not_the_narrators(ix, find_tag(ix, qi)) if f.kind != "other" else None for qi, f in enumerate(found)]
        ahead = _tags_ahead(ix, tags)
        sal = _Salience(ix)
        # "The printer started chattering": a character the characters stage made of a machine
        # ("printer" is a trade in old novels) acts, but never speaks; nor does a canon
        # character the KB marks as never saying a line (Grogu, Roach the horse)
        ix.mute = {c.id for c in doc.characters if not c.kb and c.name[:1].islower() and c.name.split()[-1].lower() in thing_nouns()}
        ix.mute |= {c.id for c in doc.characters if c.kb and not _speaks(c.kb)}
        ix.calls = _phone_calls(ix)
        ix.told = {qi: t.listener.character for qi, t in enumerate(tags) if t is not None and t.listener is not None}
        beam = [_Hyp(0.0, State())]
        width = 1 if oracle is not None else self.beam
        for qi, f in enumerate(found):
            if f.kind == "other":
                beam = [_Hyp(h.logp, h.state, Choice(None, 0.0, "unknown", "other", None, [], -1), h) for h in beam]
                continue
            tag = tags[qi]
            if tag is not None and tag.subject is not None:
                ix.tag_spans.add((tag.subject.start, tag.subject.end))
            kind = tag.kind if tag is not None and tag.kind != "speech" else f.kind
            # "It's Molly. Molly Hooper, from Bart's.": a name the speaker gives as their own
            # is no vocative
            sid = self_identified(ix, qi)
            called = [m.character for m in vocatives(ix, qi)]
            if sid is None and tag is not None and tag.subject is not None and tag.subject.kind in NAME_KINDS and tag.subject.character in called:
                # '"Ryuzaki," says L.': a line that calls the one its tag names is that one
                # giving their name
                sid = tag.subject.character
            voc = [c for c in called if c != sid]
            base = self._base_features(ix, qi, tag, voc, sid, sal.advance(f.para))
            if tag is None or tag.subject is None:
                for key, who in zip(("next_tag", "next2_tag"), ahead.get(qi, ())):
                    if who is not None:
                        base[0].setdefault(who, {})[key] = 1.0
                for c in _called_next(ix, qi):
                    if c not in voc:
                        base[0].setdefault(c, {})["voc_next"] = 1.0
            takes_turn = kind == "speech" and f.style != "italic"
            prev_tag = tags[qi - 1] if qi else None
            split = tag is not None and prev_tag is not None and prev_tag.verb == tag.verb and found[qi - 1].last_para == f.para
            nxt: list[_Hyp] = []
            for h in beam:
                state = _enter(ix, h.state, f.para)
                cands, feats = _with_history(ix, qi, base, state, tag, voc, sal.counts)
                probs = self.ranker.probabilities(feats)
                order = sorted(range(len(cands)), key=probs.__getitem__, reverse=True)[: max(1, width)]
                if kind == "written" and (tag is None or tag.subject is None):
                    order = []  # a sign or a note nobody is said to have written: no speaker
                elif split and h.choice is not None and h.choice.speaker in cands:
                    order = [cands.index(h.choice.speaker)]  # '"Ruth was his wife," he said. "He asks ..."': one speaker, one tag
                for k in order or [-1]:
                    speaker = cands[k] if k >= 0 else None
                    p = probs[k] if k >= 0 else 1.0
                    how = _how(speaker, feats[k] if k >= 0 else {})
                    conf = self.ranker.calibrate(p) if k >= 0 else p
                    ch = Choice(speaker, conf, how, kind, tag, voc, state.conv, cands, feats)
                    hist = oracle(qi) if oracle is not None else speaker
                    st = _take_turn(state, f, qi, hist) if takes_turn else state
                    nxt.append(_Hyp(h.logp + math.log(max(p, 1e-9)), st, ch, h))
            nxt.sort(key=lambda h: h.logp, reverse=True)
            beam = nxt[:width]
        choices: list[Choice] = []
        h = beam[0]
        while h.choice is not None:
            choices.append(h.choice)
            h = h.parent
        choices.reverse()
        return choices, ix

    # ------------------------------------------------------------------ features

    def _base_features(self, ix: DocIndex, qi: int, tag: Tag | None, voc: list[str], sid: str | None, salience: Counter):
        """Features that do not depend on the conversation's history."""
        f = ix.quotes[qi]
        feats: dict[str, dict[str, float]] = {}
        narr = [m for p in range(f.para, f.last_para + 1) for m in ix.narration.get(p, ())]
        subj = tag.subject if tag is not None else None
        own = _own_name(ix, qi, tag) if subj is not None and subj.kind in PRONOUN_KINDS else None
        if own and own != subj.character and _fits(ix, own, subj):
            # '"My name is Violet Penrose," she said, "and ...": whoever the "she" was resolved
            # to, she is the one naming herself, in both halves ("It's Mr. Hatchard," he said:
            # only who is at the door)
            subj = Mention(subj.start, subj.end, own, subj.kind, subj.text, subj.in_quote)
        if subj is not None:
            key = "tag_pron" if subj.kind in PRONOUN_KINDS else "tag_name"
            if subj.character not in ix.genders:
                # a speaker only the tag names ("said the man", "Irish murmured"), or a
                # misparse ("What a curious feeling," ...): trusted apart, as learned
                key = "tag_new_name" if subj.kind in NAME_KINDS else "tag_new_nom"
            feats.setdefault(subj.character, {})[key] = 1.0
            if key == "tag_pron":
                g = PRONOUN_GENDER.get((subj.text or ix.doc.text[subj.start : subj.end]).lower())
                near = _antecedent(ix, f.para, subj.start, g)
                if near is not None:
                    feats.setdefault(near, {})["tag_pron_near"] = 1.0
                actor = _beat_subject(ix, [m for m in narr if m.end <= f.start and m.start != subj.start], f)
                if actor is None and f.para - 1 not in ix.quoted_paras and f.para - 1 in ix.narration:
                    actor = _beat_subject(ix, ix.narration[f.para - 1], f)
                if actor is not None and actor != subj.character and g is not None and ix.genders.get(actor) == g:
                    feats.setdefault(actor, {})["tag_pron_beat"] = 1.0
        elif tag is not None and (me := ix.narrator_at(f.start)) and _first_person_tag(ix, tag):
            feats.setdefault(me, {})["tag_first"] = 1.0  # "said I" in a first-person story
        elif tag is not None:
            # "he cried out" with a "he" the characters stage left unresolved: resolve it here
            g = _tag_pronoun_gender(ix, tag)
            near = _antecedent(ix, f.para, ix.doc.tokens[tag.verb].start, g)
            if near is not None:
                feats.setdefault(near, {})["tag_pron_own"] = 1.0
        for k, m in enumerate(narr):
            d = feats.setdefault(m.character, {})
            d["recent"] = 1.0  # acting in this very paragraph: on the scene
            d["beat_before" if m.end <= f.start else "beat_after"] = 1.0
            if k == 0:
                d["beat_first"] = 1.0
            gap = (f.start - m.end) if m.end <= f.start else (m.start - f.end)
            d["near"] = max(d.get("near", 0.0), 1.0 / (1.0 + max(gap, 0) / 40.0))
        if subj is None:
            actor = _beat_subject(ix, narr, f)
            if actor is not None:
                feats.setdefault(actor, {})["beat_subj"] = 1.0
        holder = ix.calls.get(f.para)
        if holder is not None and tag is None and not narr:
            feats.setdefault(holder, {})["on_call"] = 1.0  # one side of a call we hear
        if tag is None and not narr and not voc:
            # (a line that calls someone is answered, and the next paragraph is often the
            # one called: '"Kid. Hands."' then 'Grogu ... withdrew one small green hand')
            comer = arrives_next(ix, qi)
            if comer is not None:
                feats.setdefault(comer, {})["arrival"] = 1.0
            owner = _voice_owner_next(ix, qi)
            if owner is not None:
                feats.setdefault(owner, {})["voice_next"] = 1.0
        if tag is None and not narr and _device_sounds(ix, f):
            # 'The walkie on the table crackled.' / '"dustin come in. over"': the voice on the
            # device is someone off the page whom the talk ahead calls by name
            here = {m.character for p in range(max(0, f.para - RECENT_SPAN), f.para + 1) for m in ix.narration.get(p, ())}
            for c in _called_ahead(ix, qi, voc):
                if c not in here:
                    feats.setdefault(c, {})["voice_next"] = 1.0
        if tag is None and qi and _opens_on_a_voice(ix, f):
            # '"Watari. You're on speaker."' then 'The voice that answers is old and unhurried.
            # "Good morning."': the voice is the one just called
            prev = ix.quotes[qi - 1]
            for m in vocatives(ix, qi - 1):
                if prev.last_para < f.para and m.character in ix.genders:
                    feats.setdefault(m.character, {})["voice_next"] = 1.0
        # narration just before may introduce the speaker; a beat in the turn before may
        # name the one addressed
        key = "prev_beat" if f.para - 1 in ix.quoted_paras else "prev_para"
        for m in ix.narration.get(f.para - 1, ()):
            if (m.start, m.end) not in ix.tag_spans:  # the last speaker's own tag says nothing new
                feats.setdefault(m.character, {})[key] = 1.0
        for p in range(max(0, f.para - RECENT_SPAN), f.para):
            for m in ix.narration.get(p, ()):
                feats.setdefault(m.character, {})["recent"] = 1.0
        if me := ix.narrator_at(f.start):
            feats.setdefault(me, {})["narrator"] = 1.0
        if sid:
            feats.setdefault(sid, {})["self_id"] = 1.0
        for c, _ in salience.most_common(3):
            feats.setdefault(c, {})
        for m in ix.in_quote.get(qi, ()):
            if m.character in feats and m.character not in voc and m.kind != "pronoun":
                feats[m.character]["named_in_quote"] = 1.0
        for c in voc:
            if c in feats:
                feats[c]["voc_here"] = 1.0
        bare = tag is None and not narr
        if bare and f.para - 1 not in ix.quoted_paras and f.para - 1 in ix.narration:
            # 'She held out a mug. He took it and sniffed.' then '"This coffee?"': the one the
            # narration just before ends on is about to speak
            actor = _beat_subject(ix, ix.narration[f.para - 1], f)
            if actor is not None:
                feats.setdefault(actor, {})["prev_subj"] = 1.0
        return feats, bare


THIRD_PERSON = frozenset({"he", "she", "him", "her", "they", "them"})


def _not_the_narrators(ix: DocIndex, tag: Tag | None) -> Tag | None:
    """A tag whose "she" the characters stage gave the first-person narrator ("'...,' she
    mumbled" after a merge made a "she" the narrator's): the narrator is "I", so the pronoun is
    someone else's; the tag is read as one whose pronoun was left open."""
    if tag is None or tag.subject is None or tag.subject.kind not in PRONOUN_KINDS:
        return tag
    word = (tag.subject.text or ix.doc.text[tag.subject.start : tag.subject.end]).lower()
    if word in THIRD_PERSON and tag.subject.character == ix.narrator_at(tag.subject.start):
        return replace(tag, subject=None)
    return tag


def _beat_subject(ix: DocIndex, narr, f: Found) -> str | None:
    """Who acts in the quotation's paragraph: the grammatical subject of its narration
    nearest before the quotation ("Sam twists around in his seat. "You do this every time.""),
    a main clause's before a subordinate one's, else the first one after it; objects ("looks
    at Dean") do not count, owners of a subject do ("Her eyes narrowed.")."""
    toks = ix.doc.tokens
    before = before_main = after = None
    for m in narr:
        i = ix.token_at(m.end) - 1  # the mention's last token
        lost = i >= 0 and _lost_subject(ix, ix.token_at(m.start), i)
        if i >= 0 and toks[i].dep == "poss" and 0 <= toks[i].head < len(toks) and toks[toks[i].head].dep in ("nsubj", "nsubjpass"):
            i = toks[i].head  # "Her eyes narrowed.", "Jesper's voice carried": the owner acts
        elif i < 0 or toks[i].dep not in ("nsubj", "nsubjpass") and not lost:
            continue
        if _keeps_silent(ix, toks[i].head):
            continue  # "Joel rode ahead and said nothing for a long time": not the one about to speak
        if m.end <= f.start:
            before = m.character
            if lost or _main_clause(toks, i):
                before_main = m.character  # "he looked at me as if I were real": he, not I
        elif after is None:
            after = m.character
    return before_main or before or after


SILENT_VERBS = frozenset({"say", "speak", "answer", "reply", "talk"})


def _keeps_silent(ix: DocIndex, verb: int) -> bool:
    """Whether the clause of ``verb`` (or a verb joined to it) says its subject did not speak:
    "said nothing", "did not answer", "never spoke"."""
    toks = ix.doc.tokens
    if not 0 <= verb < len(toks):
        return False
    for v in (verb, *(c for c in ix.children.get(verb, ()) if toks[c].dep == "conj")):
        if toks[v].lemma in SILENT_VERBS and any(
                toks[c].dep == "neg" or (toks[c].dep == "dobj" and toks[c].lower == "nothing") for c in ix.children.get(v, ())):
            # ... unless the sentence goes on to say they did: "and when she finally does, it
            # isn't loud at all"
            end = next((k for k in range(v + 1, len(toks)) if toks[k].sent != toks[v].sent), len(toks))
            return not any(toks[k].lemma in SILENT_VERBS | {"do"} and toks[k].pos in ("VERB", "AUX")
                           and not any(toks[c].dep == "neg" for c in ix.children.get(k, ())) for k in range(v + 1, end))
    return False


def _lost_subject(ix: DocIndex, first: int, i: int) -> bool:
    """"Amy had her legal pad out": a name (tokens ``first``..``i``) opening its sentence that
    the parser hung on the main verb as something else, the verb left with no subject."""
    toks = ix.doc.tokens
    h = toks[i].head
    if not (0 <= h < len(toks)) or toks[h].dep != "ROOT" or toks[h].pos not in ("VERB", "AUX") or h < i:
        return False
    if toks[i].dep not in ("npadvmod", "nmod", "dep", "compound", "appos") or toks[i].sent < 0:
        return False
    start = ix.doc.sentences[toks[i].sent].first_token
    if any(toks[k].pos != "PUNCT" for k in range(start, first)):
        return False
    return not any(toks[c].dep in ("nsubj", "nsubjpass", "expl") for c in ix.children.get(h, ()))


def _main_clause(toks, i: int) -> bool:
    """Whether subject token ``i`` belongs to its sentence's main verb (or one joined to it)."""
    h = toks[i].head
    for _ in range(3):
        if h < 0 or h >= len(toks):
            return False
        if toks[h].dep == "ROOT":
            return True
        if toks[h].dep != "conj":
            return False
        h = toks[h].head
    return False


def _tags_ahead(ix: DocIndex, tags: list[Tag | None]) -> dict[int, tuple[str | None, str | None]]:
    """For each quotation, who the speech tags of the next two turns name (each turn the
    first quotation of the next paragraph, in paragraphs that follow on without narration
    between): a reply's tag says who this line is not, the one after who it likely is."""
    firsts: list[int] = []  # first quotation of each quoted paragraph
    last = -1
    for qi, q in enumerate(ix.quotes):
        if q.kind != "other" and q.para != last:
            firsts.append(qi)
            last = q.last_para
    out: dict[int, tuple[str | None, str | None]] = {}
    for k, qi in enumerate(firsts):
        names: list[str | None] = []
        prev = qi
        for j in firsts[k + 1 : k + 3]:
            if ix.quotes[j].para != ix.quotes[prev].last_para + 1:
                break
            t = tags[j]
            names.append(t.subject.character if t is not None and t.subject is not None and _sure_subject(ix, t, j) else None)
            prev = j
        if names:
            out[qi] = (names[0], names[1] if len(names) > 1 else None)
    return out


SURE_SPAN = 6  # paragraphs (and quotations) back where a rival of the same gender may stand


_CALL_OBJECT = re.compile(r"\b(?:phone|cell|cellphone|mobile|receiver)\b", re.IGNORECASE)
_CALL_START = re.compile(r"\b(?:to (?:his|her|their|my) ear|answered|answers|picked up|picks up|into the (?:phone|receiver)|(?:took|takes|grabbed|grabs|snatched|snatches) the (?:phone|receiver))\b", re.IGNORECASE)
_CALL_END = re.compile(r"\b(?:hung up|hangs up|hang up|ended the call|ends the call|call ended|line went dead|line goes dead)\b", re.IGNORECASE)
CALL_PARAS = 12  # paragraphs a call we hear one side of may run


def _phone_calls(ix: DocIndex) -> dict[int, str]:
    """Paragraph -> who is on the phone there: from a narration sentence that puts a phone
    to someone's ear or has them answer it ('He fished it out, glanced at the screen, and put
    it to his ear.') until they hang up, a scene break, or CALL_PARAS paragraphs."""
    doc = ix.doc
    out: dict[int, str] = {}
    holder, since = None, -1
    for p, para in enumerate(doc.paragraphs):
        if holder is not None and (p - since > CALL_PARAS or para.scene != doc.paragraphs[since].scene):
            holder = None
        text = doc.text[para.start : para.end]
        narr = ix.narration.get(p, ())
        phone = bool(_CALL_OBJECT.search(text))
        pos = para.start
        for sent in re.split(r"(?<=[.!?])\s+", text):
            start = doc.text.find(sent, pos)
            end = start + len(sent)
            pos = end
            if phone and _CALL_START.search(sent):
                first = next((m for m in narr if start <= m.start < end and (m.kind in NAME_KINDS or m.kind in PRONOUN_KINDS)), None)
                if first is not None:
                    holder, since = first.character, p
            if holder is not None and _CALL_END.search(sent):
                out[p] = holder
                holder = None
        if holder is not None:
            out[p] = holder
    return out


def _speaks(kb_id: str) -> bool:
    from ..kb import load_kb

    kc = load_kb().characters.get(kb_id)
    return kc is None or kc.speaks


def _sure_subject(ix: DocIndex, tag: Tag, qi: int) -> bool:
    """A tag's subject to go by beyond its own line: a name, or a pronoun nobody else
    on the page lately shares the gender of (the "he" of five boys in a cave may be any)."""
    subj = tag.subject
    if subj.kind in NAME_KINDS or (subj.text or "").lower() == "i":
        return True  # a name, or the narrator's "I"
    g = ix.genders.get(subj.character)
    if g not in ("male", "female"):
        return False
    para = ix.quotes[qi].para
    near = {m.character for p in range(max(0, para - SURE_SPAN), para + 1) for m in ix.narration.get(p, ())}
    near |= {m.character for k in range(max(0, qi - SURE_SPAN), qi) for m in ix.in_quote.get(k, ()) if m.kind in NAME_KINDS}
    return not any(c != subj.character and ix.genders.get(c) == g for c in near)


def _enter(ix: DocIndex, st: State, para: int) -> State:
    """The state as a quotation in ``para`` finds it: a new conversation after a scene or
    chapter break or a long stretch of narration; broken parity after a newcomer."""
    if st.last_para < 0 or para == st.last_para:
        return st
    paras = ix.doc.paragraphs
    a, b = paras[st.last_para], paras[para]
    long_gap = para - st.last_para - 1 > MAX_GAP or b.start - a.end > MAX_GAP_CHARS
    if long_gap or a.scene != b.scene or a.chapter != b.chapter:
        return State(conv=st.conv + 1)
    between = [m for p in range(st.last_para + 1, para) for m in ix.narration.get(p, ())]
    newcomers = {m.character for m in between if m.character not in st.participants and m.kind in NAME_KINDS}
    if len(newcomers) >= 2 and not any(m.character in st.participants for m in between):
        # "A kilometer away, Fitz had three monitors going. Simmons was leaning over his
        # shoulder": two others named, none of those talking: the story cut to another scene
        return State(conv=st.conv + 1)
    if newcomers:
        return replace(st, turns=st.turns[-1:])
    return st


def _take_turn(st: State, f: Found, qi: int, speaker: str | None) -> State:
    parts = st.participants | {speaker} if speaker else st.participants
    here = st.here if f.para == st.last_para else 0
    if here and speaker in (None, st.turns[-1]):
        turns = st.turns  # the same speaker going on in the same paragraph
    elif here and st.turns[-1] is None:
        turns = st.turns[:-1] + (speaker,)
    else:
        # a new paragraph, or someone else answering inside one (run-on print, or paragraph
        # breaks lost in conversion): a turn of its own, so the parity after it holds
        turns, here = (st.turns + (speaker,))[-MAX_TURNS:], here + 1
    return State(turns, min(here, MAX_TURNS - 2), qi, parts, f.last_para, st.conv, (f.last_para, speaker))


def _with_history(ix: DocIndex, qi: int, base, st: State, tag: Tag | None, voc: list[str], salience: Counter):
    """Base features plus those that depend on this hypothesis's conversation so far."""
    feats0, bare = base
    f = ix.quotes[qi]
    feats = {c: dict(d) for c, d in feats0.items()}
    prior = st.turns if f.para != st.last_para else st.turns[: len(st.turns) - st.here]
    if prior and prior[-1]:
        d = feats.setdefault(prior[-1], {})
        d["turn1"] = 1.0
        d["turn1_bare"] = 1.0 if bare else 0.0
        if bare and 0 <= st.last_para < f.para - 1:
            d["turn1_gap"] = 1.0  # narration came between: the last speaker may go on
    if len(prior) >= 2 and prior[-2]:
        d = feats.setdefault(prior[-2], {})
        d["turn2"] = 1.0
        d["turn2_bare"] = 1.0 if bare else 0.0
    para, same = st.para_speaker
    if para == f.para and same is not None:
        d = feats.setdefault(same, {})
        d["same_para"] = 1.0
        if tag is None:
            d["same_para_bare"] = 1.0
    if st.turn_quote >= 0 and f.para != st.last_para:
        asked = _asks(ix, st.turn_quote)
        called = [m.character for k in _turn_quotes(ix, st.turn_quote) for m in vocatives(ix, k)]
        if st.turn_quote in ix.told:
            called.append(ix.told[st.turn_quote])  # '"You owe me a dinner," she tells him': he answers
        for c in called:
            d = feats.setdefault(c, {})
            d["voc_prev"] = 1.0
            if asked:
                d["voc_prev_asked"] = 1.0  # "When is your next ball, Lizzy?" -- Lizzy answers
    if 0 <= st.last_para < f.para - 1:
        # named in the narration since the last turn and not yet a speaker: just arrived
        for p in range(st.last_para + 1, f.para):
            for m in ix.narration.get(p, ()):
                if m.kind in NAME_KINDS and m.character not in st.participants:
                    feats.setdefault(m.character, {})["arrival"] = 1.0
    if tag is None and all(c in voc for c in feats):
        # '"Alexis. I know you're awake."' before anyone else is on the page: whoever the
        # next turns call by name is there to have said it
        for c in _called_ahead(ix, qi, voc):
            feats.setdefault(c, {})
    subj = tag.subject.character if tag is not None and tag.subject is not None else None
    pron = _tag_pronoun_gender(ix, tag)
    for c, d in feats.items():
        if pron is not None:
            g = ix.genders.get(c) or ix.extra_genders.get(c)
            if g == pron:
                d["tag_gender"] = 1.0
            elif g in ("male", "female"):
                d["tag_clash"] = 1.0
        d["salience"] = math.log1p(salience.get(c, 0)) / 3.0
        if c in st.participants:
            d["recent"] = 1.0  # who has spoken in this conversation is still on the scene
        if c in st.participants and not d.get("turn1"):
            d["conv_part"] = 1.0  # has spoken here, but not the last turn
        if d.get("recent") and c not in st.participants:
            # on the scene and silent so far: a bystander once two people talk, but the
            # likeliest to answer while only one has spoken
            d["recent_silent" if len(st.participants) >= 2 else "recent_second"] = 1.0
        if subj is not None and c != subj:
            d["not_tag"] = 1.0
        if d.get("narrator") and bare:
            d["narrator_bare"] = 1.0
        if c in voc:
            d["voc_here"] = 1.0
    names = [c for c in feats if c not in ix.mute]
    return names, [feats[c] for c in names]


_A_VOICE = re.compile(r"^(?:the|a|an)\s+(?:\w+\s+){0,3}?voice\b", re.IGNORECASE)


def _opens_on_a_voice(ix: DocIndex, f: Found) -> bool:
    """Whether the quotation's paragraph opens, in the narration before it, on a voice nobody
    is named as owning ("The voice that answers is old and unhurried.")."""
    para = ix.doc.paragraphs[f.para]
    before = ix.doc.text[para.start : f.start].strip()
    return bool(before) and bool(_A_VOICE.match(before)) and not any(
        m.end <= f.start and m.kind in NAME_KINDS for m in ix.narration.get(f.para, ()))


def _device_sounds(ix: DocIndex, f: Found) -> bool:
    """Whether a phone, radio or walkie-talkie is the subject of the narration just before
    the quotation: in its paragraph before it, or in the paragraph before when that one has
    no quotation ("The intercom crackled overhead.")."""
    toks = ix.doc.tokens
    para = ix.doc.paragraphs[f.para]
    spans = [(para.start, f.start)]
    if f.para > 0 and f.para - 1 not in ix.quoted_paras:
        prev = ix.doc.paragraphs[f.para - 1]
        spans.append((prev.start, prev.end))
    for lo, hi in spans:
        for i in range(ix.token_at(lo), ix.token_at(hi)):
            if toks[i].lower in DEVICE_NOUNS and toks[i].lower != "line" and toks[i].dep in ("nsubj", "nsubjpass") \
                    and not any(toks[c].dep == "poss" for c in ix.children.get(i, ())):
                return True  # (not "Tony's phone buzzed": its owner answers it)
    return False


_FIRST_SENTENCE_VOICE = re.compile(r"[^.!?\n]*?\b(?:the|that|this) voice\b", re.IGNORECASE)


def _voice_owner_next(ix: DocIndex, qi: int) -> str | None:
    """'"What a delightful notion!"' then 'The voice crackled out of every corner of the lobby
    ... Alastor was standing by the fireplace': the paragraph after an untagged line, all
    narration, opens on "the voice" just heard and then names whose it was."""
    nxt = ix.quotes[qi].last_para + 1
    if nxt >= len(ix.doc.paragraphs) or nxt in ix.quoted_paras:
        return None
    para = ix.doc.paragraphs[nxt]
    body = ix.doc.text[para.start : para.end]
    lead = len(body) - len(body.lstrip())
    heard = _FIRST_SENTENCE_VOICE.match(body, lead)
    if heard is None:
        return None  # (or 'I know that voice.': the first sentence turns to the voice)
    # whose it was comes after it ('Crowley followed the voice' is not Crowley's)
    first = next((m for m in ix.narration.get(nxt, ()) if m.kind in NAME_KINDS), None)
    return first.character if first is not None and first.start >= para.start + heard.end() else None


ARRIVAL_QUIET_PARAS = 10  # paragraphs someone must have been off the page to arrive


def _own_name(ix: DocIndex, qi: int, tag: Tag | None) -> str | None:
    """The character quotation ``qi`` names as the speaker's own ("I'm ...", "My name is ..."),
    or the first half of a line its tag splits, when this is the second half."""
    text = ix.doc.text
    for k in (qi, qi - 1) if tag is not None and tag.side == "before" else (qi,):
        q = ix.quotes[k] if k >= 0 else None
        if q is None or (k != qi and q.last_para != ix.quotes[qi].para):
            continue
        for m in ix.in_quote.get(k, ()):
            if m.kind in NAME_KINDS and OWN_NAME_RE.search(text[max(q.start, m.start - 14) : m.start]):
                return m.character
    return None


def _fits(ix: DocIndex, cid: str, pronoun: Mention) -> bool:
    """Whether a tag's pronoun ("she") can be character ``cid`` by gender."""
    g = PRONOUN_GENDER.get((pronoun.text or ix.doc.text[pronoun.start : pronoun.end]).lower())
    return g is None or ix.genders.get(cid) in (None, "unknown", g)


def arrives_next(ix: DocIndex, qi: int, *, opening: bool = False, first_new: bool = False) -> str | None:
    """'"You're wiping tables."' then 'I know that voice. ... Katara is standing just inside
    the door': the first person the narration after quotation ``qi`` names, when that
    paragraph is all narration and they had not been on the page (nor in a line) for a while;
    ``opening``: only when the paragraph opens on their name ('Izzy Hands came down the last
    three steps'); ``first_new``: the first name there that is new, past those already on the
    page ('Isagi hadn't even noticed him. Nagi was stretched out on the last bench')."""
    f = ix.quotes[qi]
    nxt = f.last_para + 1
    if nxt >= len(ix.doc.paragraphs) or nxt in ix.quoted_paras:
        return None
    lo = max(0, f.para - ARRIVAL_QUIET_PARAS)

    def new(cid: str) -> bool:
        if any(m.character == cid for p in range(lo, nxt) for m in ix.narration.get(p, ())):
            return False
        for j in range(qi, -1, -1):
            if ix.quotes[j].last_para < lo:
                break
            if any(m.character == cid for m in ix.in_quote.get(j, ())):
                return False
        return True

    names = [m for m in ix.narration.get(nxt, ()) if m.kind in NAME_KINDS]
    if first_new:
        return next((m.character for m in names if new(m.character)), None)
    first = names[0] if names else None
    if first is None or (opening and ix.doc.text[ix.doc.paragraphs[nxt].start : first.start].strip()):
        return None
    return first.character if new(first.character) else None


CALLED_AHEAD_TURNS = 6  # quotations ahead whose vocatives may name a speaker nobody introduced


def _called_ahead(ix: DocIndex, qi: int, voc: list[str]) -> list[str]:
    """Characters the next quotations of the same conversation call by name, other than
    those ``voc`` says this one calls."""
    paras = ix.doc.paragraphs
    here = paras[ix.quotes[qi].para]
    last = ix.quotes[qi].last_para
    out: list[str] = []
    for j in range(qi + 1, min(len(ix.quotes), qi + 1 + CALLED_AHEAD_TURNS)):
        g = ix.quotes[j]
        there = paras[g.para]
        if g.para - last - 1 > MAX_GAP or there.scene != here.scene or there.chapter != here.chapter:
            break
        for m in vocatives(ix, j):
            if m.character not in voc and m.character not in out:
                out.append(m.character)
        last = g.last_para
    return out


_TURN_VERBS = frozenset({"turn", "look", "glance", "face", "nod", "lean", "peer", "stare", "smile", "grin", "wave", "gesture", "point", "frown", "wink", "scowl", "glare"})


def _turned_to(ix: DocIndex, qi: int) -> list[str]:
    """Who the narration of quotation ``qi``'s paragraph turns to or looks at ("Edelgard
    turned to Claude", "Sydney looked at him") before the quotation."""
    q = ix.quotes[qi]
    toks = ix.doc.tokens
    out = []
    for m in ix.narration.get(q.para, ()):
        if m.end > q.start:
            break
        i = ix.token_at(m.end) - 1
        if not (0 <= i < len(toks)) or toks[i].dep != "pobj":
            continue
        prep = toks[i].head
        if 0 <= prep < len(toks) and toks[prep].lower in ("to", "at", "toward", "towards") and 0 <= toks[prep].head < len(toks) \
                and toks[toks[prep].head].lemma.lower() in _TURN_VERBS:
            out.append(m.character)
    return out


def _called_next(ix: DocIndex, qi: int) -> list[str]:
    """Who the next paragraph's quotations call by name, where it follows quotation ``qi``'s
    paragraph straight on: '"Should I vent the mess?"' / '"We're cool, Joker."'."""
    nxt = ix.quotes[qi].last_para + 1
    out: list[str] = []
    for k in range(qi + 1, len(ix.quotes)):
        g = ix.quotes[k]
        if g.para > nxt:
            break
        if g.para == nxt and g.kind != "other":
            sid = self_identified(ix, k)
            out += [m.character for m in vocatives(ix, k) if m.character != sid]
    return out


def _turn_quotes(ix: DocIndex, qi: int) -> list[int]:
    """Quotation ``qi`` and those before it in its paragraph: the whole of a turn, whose
    vocative may come first ('"Angel?" he called. "You've left the lights on."')."""
    para = ix.quotes[qi].para
    out = [qi]
    while out[-1] > 0 and ix.quotes[out[-1] - 1].para == para:
        out.append(out[-1] - 1)
    return out


def _asks(ix: DocIndex, qi: int) -> bool:
    """Whether quotation ``qi`` ends with a question ("Where are you from?")."""
    q = ix.quotes[qi]
    body = ix.doc.text[q.start : q.end].rstrip("\"'\u201d\u2019 \n\u2014-")
    return body.endswith("?")


def _antecedent(ix: DocIndex, para: int, before: int, gender: str | None) -> str | None:
    """Our own reading of a tag's "he"/"she": the nearest character named (not by a
    pronoun) in the narration before offset ``before``, in this paragraph or the few before,
    whose gender agrees. The characters stage resolves pronouns for the whole work; beside
    a quotation the last person the narration named is a useful second opinion ("The
    parson rode nearer. '...,' he said"), and the only one when it left the pronoun open."""
    if gender is None:
        return None
    for p in range(para, max(-1, para - 1 - RECENT_SPAN), -1):
        for m in reversed(ix.narration.get(p, ())):
            if m.start >= before or m.kind in PRONOUN_KINDS:
                continue
            if ix.genders.get(m.character) in (gender, None, "unknown"):
                return m.character
    return None


def _tag_pronoun_gender(ix: DocIndex, tag: Tag | None) -> str | None:
    """'male' for "he said", 'female' for "she said", else None."""
    if tag is None:
        return None
    if tag.subject is not None:
        w = tag.subject.text.lower() if tag.subject.text else ix.doc.text[tag.subject.start : tag.subject.end].lower()
        return PRONOUN_GENDER.get(w)
    toks = ix.doc.tokens
    for i in (tag.verb - 1, tag.verb + 1):
        if 0 <= i < len(toks) and toks[i].lower in PRONOUN_GENDER:
            return PRONOUN_GENDER[toks[i].lower]
    return None


def _first_person_tag(ix: DocIndex, tag: Tag) -> bool:
    toks = ix.doc.tokens
    lo, hi = max(0, tag.verb - 3), min(len(toks), tag.verb + 3)
    return any(toks[i].text in ("I", "i", "we") for i in range(lo, hi))


def _how(speaker: str | None, feats: dict[str, float]) -> str:
    if speaker is None:
        return "unknown"
    if feats.get("tag_name") or feats.get("tag_new_name") or feats.get("tag_new_nom"):
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
        prev = choices[qi - 1] if qi else None
        if (
            prev is not None
            and c.speaker is not None
            and prev.speaker == c.speaker
            and found[qi - 1].last_para == found[qi].para
            and not any(v != c.speaker for v in c.vocatives)
            and (c.tag is None or c.tag.listener is None)
        ):
            out.append(out[-1])  # the same speaker going on in one paragraph, to the same person
            continue
        out.append(_addressee(qi, c, choices, found, ix, by_conv, pos))
    return out


def _addressee(qi, c, choices, found, ix, by_conv, pos) -> str | None:
    if c.speaker is None or c.kind in ("other", "written"):
        return None
    for v in c.vocatives:
        if v != c.speaker:
            return v
    if c.tag is not None and c.tag.listener is not None and c.tag.listener.character != c.speaker:
        return c.tag.listener.character  # "said he to Temple"
    if c.kind == "thought":
        return None
    for who in _turned_to(ix, qi):
        if who != c.speaker:
            return who  # 'Edelgard turned to Claude. "And you?"'
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
    # else whoever the narration just before put on the scene, nearest first
    for p in range(f.para - 1, max(-1, f.para - 1 - RECENT_SPAN), -1):
        if p in ix.quoted_paras:
            break
        for m in reversed(ix.narration.get(p, ())):
            if m.character != c.speaker:
                return m.character
    return None
