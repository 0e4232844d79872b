"""Point of view: grammatical person, narrative tense, focal characters, the narrator.

All counts are over narration (dialogue excluded). Person comes from pronoun rates per
narration word, per section, so a story that switches between first and third person by
scene is "mixed". Tense reads POS tags (VBD vs VBZ/VBP) when the NLP profile has them and
otherwise the word after a narration subject ("she walked", "she walks", "I walk") through
the verb lexicon in ``data/tags/verbs.json``. The focal character of a close-third section
is whom the narration follows: most narration mentions, with extra weight on verbs of
thought and perception right after them ("Lois wondered", "he felt"); a POV heading
("Lana's POV") or the declared ``metadata.pov_note`` outranks the count.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..model import Character, Doc, Focal, Mention, Token
from .lexicon import lexicon
from .text import FIRST_PERSON, SECOND_PERSON, ParagraphIndex, Spans, character_names, dialogue, heading, pov_line_narrators, sections, talked_about

# pronoun rates per narration word that mark a person (calibrated on LitBank, see bench tags)
FIRST_RATE = 0.012
SECOND_RATE = 0.015
THIRD_RATE = 0.008
MIN_WORDS = 25  # below this many narration words a section has no person of its own
PAST_SHARE, PRESENT_SHARE = 0.65, 0.35


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


@dataclass
class PersonCounts:
    words: int = 0
    first: float = 0.0
    second: float = 0.0
    third: float = 0.0

    def add(self, other: PersonCounts) -> None:
        self.words += other.words
        self.first += other.first
        self.second += other.second
        self.third += other.third


def count_person(tokens: list[Token]) -> PersonCounts:
    """Weighted pronoun counts by person over narration tokens."""
    lex = lexicon("pov")
    first, second, third = lex["first"], lex["second"], lex["third"]
    pc = PersonCounts()
    for t in tokens:
        if not t.text[:1].isalnum():
            continue
        pc.words += 1
        w = t.text.lower()
        if w in first and (w != "us" or t.text != "US"):
            pc.first += first[w]
        elif w in second:
            pc.second += second[w]
        elif w in third:
            pc.third += third[w]
    return pc


def classify_person(pc: PersonCounts) -> tuple[str | None, float]:
    """(person, confidence) for one stretch of narration.

    >>> classify_person(PersonCounts(words=1000, first=45, third=30))
    ('first', 0.9999)
    >>> classify_person(PersonCounts(words=1000, first=1, third=60))[0]
    'third'
    >>> classify_person(PersonCounts(words=10, first=2))
    (None, 0.0)
    """
    if pc.words < MIN_WORDS:
        return None, 0.0
    n = pc.words
    f, s, t = pc.first / n, pc.second / n, pc.third / n
    # the scale is about a third of the threshold: a rate twice the threshold is near-certain
    if s >= SECOND_RATE and s > f:
        return "second", round(_sigmoid((s - SECOND_RATE) / (SECOND_RATE / 3) + 1.5), 4)
    if f >= FIRST_RATE:
        return "first", round(_sigmoid((f - FIRST_RATE) / (FIRST_RATE / 3) + 1.5), 4)
    if t >= THIRD_RATE:
        # the further first person is below its threshold, the surer third person is
        margin = min((FIRST_RATE - f) / (FIRST_RATE / 3), (t - THIRD_RATE) / (THIRD_RATE / 3))
        return "third", round(_sigmoid(margin + 1.0), 4)
    return None, 0.0


def section_tokens(doc: Doc, quotes: Spans) -> list[tuple[int, int, list[Token]]]:
    """(start, end, narration tokens) per section of the body."""
    out = []
    for a, b in sections(doc):
        pa, pb = doc.paragraphs[a], doc.paragraphs[b - 1]
        toks = [t for t in doc.tokens[pa.first_token : pb.last_token] if t.start not in quotes]
        out.append((pa.start, pb.end, toks))
    return out


def infer_person(secs: list[tuple[int, int, list[Token]]]) -> tuple[str | None, float, list[str | None]]:
    """Whole-work person (``mixed`` when confident sections disagree), confidence, per-section persons."""
    total = PersonCounts()
    labels: list[str | None] = []
    share: dict[str, int] = Counter()
    for _, _, toks in secs:
        pc = count_person(toks)
        total.add(pc)
        person, conf = classify_person(pc)
        labels.append(person if conf >= 0.6 and pc.words >= 80 else None)
        if person and conf >= 0.6 and pc.words >= 80:
            share[person] += pc.words
    person, conf = classify_person(total)
    known = sum(share.values())
    if known and len([p for p, n in share.items() if n >= 0.15 * known]) >= 2:
        minority = sorted(share.values())[-2] / known
        return "mixed", round(min(0.95, 0.5 + minority), 4), labels
    return person, conf, labels


# ----------------------------------------------------------------------------- tense

_TAGGED_PAST = {"VBD"}
_TAGGED_PRESENT = {"VBZ", "VBP"}
_SUBJECT_NAME_RE = re.compile(r"^[A-Z][a-z]+$")


def tense_counts(tokens: list[Token], tagged: bool) -> tuple[int, int]:
    """(past, present) finite-verb counts in narration tokens."""
    if tagged:
        past = sum(1 for t in tokens if t.tag in _TAGGED_PAST)
        present = sum(1 for t in tokens if t.tag in _TAGGED_PRESENT)
        return past, present
    return _lexicon_tense(tokens)


def _lexicon_tense(tokens: list[Token]) -> tuple[int, int]:
    """Past/present from the word after a subject pronoun or capitalised name (no POS tags)."""
    lex = lexicon("verbs")
    past_set, present_set, base = set(lex["past"]), set(lex["present"]), set(lex["base"])
    sing3 = set(lex["subjects_third"]) - {"they"}
    plural = set(lex["subjects_first"]) | set(lex["subjects_second"]) | {"they"}
    past = present = 0
    for a, b in zip(tokens, tokens[1:]):
        if b.i != a.i + 1 or b.sent != a.sent:
            continue
        s, w = a.text.lower(), b.text.lower().replace("\u2019", "'")
        is_name = bool(_SUBJECT_NAME_RE.match(a.text)) and a.i > 0 and s not in plural | sing3
        if s not in sing3 and s not in plural and not is_name:
            continue
        if w in past_set or (w.endswith("ed") and len(w) > 4):
            past += 1
        elif w in present_set or (s in sing3 or is_name) and w.endswith("s") and (w[:-1] in base or w[:-2] in base) or s in plural and w in base:
            present += 1
    return past, present


def classify_tense(past: int, present: int) -> tuple[str | None, float]:
    """(tense, confidence) from finite-verb counts.

    >>> classify_tense(90, 10)
    ('past', 0.9)
    >>> classify_tense(5, 40)[0]
    'present'
    >>> classify_tense(1, 1)
    (None, 0.0)
    """
    n = past + present
    if n < 5:
        return None, 0.0
    share = past / n
    # confidence shrinks with few verbs: 5 verbs give at most ~0.7, 50 verbs ~0.97
    support = 1.0 - math.exp(-n / 12.0)
    if share >= PAST_SHARE:
        return "past", round(min(share, 0.5 + support / 2) if n < 60 else share, 4)
    if share <= PRESENT_SHARE:
        return "present", round(min(1 - share, 0.5 + support / 2) if n < 60 else 1 - share, 4)
    return "mixed", round(0.5 + 0.4 * (1 - abs(share - 0.5) / 0.15), 4)


def infer_tense(secs: list[tuple[int, int, list[Token]]], tagged: bool) -> tuple[str | None, float]:
    """Whole-work tense; ``mixed`` when long sections are confidently in different tenses."""
    tp = tpr = 0
    seen: Counter = Counter()
    for _, _, toks in secs:
        p, q = tense_counts(toks, tagged)
        tp, tpr = tp + p, tpr + q
        t, c = classify_tense(p, q)
        if t in ("past", "present") and c >= 0.75 and p + q >= 15:
            seen[t] += p + q
    known = sum(seen.values())
    if len(seen) == 2 and min(seen.values()) >= 0.15 * known:
        return "mixed", round(0.5 + min(seen.values()) / known, 4)
    return classify_tense(tp, tpr)


# ----------------------------------------------------------------------------- characters


def match_character(doc: Doc, name: str) -> Character | None:
    """The character a bare name refers to ("Lana", "Clark Kent"), by alias or name words."""
    key = name.strip().lower()
    if not key:
        return None
    best, best_n = None, 0
    for c in doc.characters:
        forms = {c.name.lower(), *(a.lower() for a in c.aliases)}
        words = {w for f in forms for w in f.split()}
        n = c.mentions or 1
        if key in forms or key in words or any(key == f.split()[0] for f in forms if f):
            if n > best_n:
                best, best_n = c, n
    return best


_OBJECT_FORMS = {"him", "her", "his", "hers", "them", "their", "me", "my"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
_SPEECH_VERBS = {"said", "says", "asked", "asks", "replied", "told", "tells", "called", "shouted", "whispered",
                 "muttered", "murmured", "answered", "added", "snapped", "yelled"}


def focal_scores(
    doc: Doc,
    start: int,
    end: int,
    mentions: list[Mention],
    tok_at: dict[int, Token] | None = None,
    starts: list[int] | None = None,
) -> Counter:
    """Narration salience of each character within ``[start, end)``.

    A mention as the subject counts 1, as an object or possessor 0.5 (the narration looks
    *at* them); a speech tag ("Tom said") 0.5, since the narration follows whoever listens
    as much as whoever speaks; a verb of thought or perception right after (within two
    tokens: "Lois wondered", "she saw") adds 2, the mark of whose head we are in.
    """
    cog = set(lexicon("pov")["cognition"])
    tok_at = tok_at if tok_at is not None else {t.start: t for t in doc.tokens}
    starts = starts if starts is not None else [m.start for m in mentions]  # mentions sorted by start
    score: Counter = Counter()
    for m in mentions[bisect_left(starts, start) : bisect_left(starts, end)]:
        if m.in_quote:
            continue
        t = tok_at.get(m.start)
        word = (m.text or doc.text[m.start : m.end]).lower()
        if t is not None and t.dep:
            w = 1.0 if t.dep in _SUBJECT_DEPS else 0.5
        else:
            w = 0.5 if word in _OBJECT_FORMS else 1.0
        nxt = [n.text.lower() for n in doc.tokens[t.i + 1 : t.i + 3]] if t is not None else []
        if nxt and nxt[0] in _SPEECH_VERBS:
            w = 0.5
        elif any(n in cog for n in nxt):
            w += 2.0
        score[m.character] += w
    return score


def infer_focal(
    doc: Doc, secs: list[tuple[int, int, list[Token]]], narrator: str | None, person: str | None
) -> list[Focal]:
    """Focal character per section, adjacent sections with the same focal merged."""
    if person == "first":
        handed = _narrators_by_pov_line(doc, secs)
        if handed:
            return _merge(handed)
        if narrator is None or not secs:
            return []
        return [Focal(narrator, secs[0][0], secs[-1][1], 0.9)]
    mentions = sorted((m for m in doc.mentions if not m.in_quote), key=lambda m: m.start)
    mentions = sorted(mentions + unresolved_pronouns(doc, mentions), key=lambda m: m.start)
    tok_at = {t.start: t for t in doc.tokens}
    starts = [m.start for m in mentions]
    note = match_character(doc, doc.metadata.pov_note) if doc.metadata.pov_note else None
    out: list[Focal] = []
    for k, (s, e, _) in enumerate(secs):
        heading = _section_heading(doc, s)
        declared = match_character(doc, heading) if heading else (note if len(secs) == 1 or k == 0 else None)
        if declared is not None:
            out.append(Focal(declared.id, s, e, 0.95))
            continue
        score = focal_scores(doc, s, e, mentions, tok_at, starts)
        if not score:
            continue
        (cid, top), *rest = score.most_common() + [("", 0.0)]
        total = sum(score.values())
        share = top / total
        if top < 3 or share < 0.35:
            continue
        runner = rest[0][1] if rest else 0.0
        conf = _sigmoid(4.0 * (share - 0.35) + 0.6 * math.log1p(top - runner) - 0.3)
        out.append(Focal(cid, s, e, round(min(0.95, conf), 4)))
    return _merge(out)


def _narrators_by_pov_line(doc: Doc, secs: list[tuple[int, int, list[Token]]]) -> list[Focal]:
    """In a first-person story whose POV lines hand the "I" on ("Annabeth POV" ... "Percy
    POV"), each section's focal character is its own narrator; [] for a story with one
    narrator (or none of those lines)."""
    handed = pov_line_narrators(doc)
    if not handed:
        return []
    at = [s for s, _ in handed]
    out = []
    for s, e, _ in secs:
        who = handed[max(0, bisect_right(at, s) - 1)][1]
        if who:
            out.append(Focal(who, s, e, 0.9))
    return out


_PRONOUN_GENDER = {"he": "male", "him": "male", "his": "male", "himself": "male",
                   "she": "female", "her": "female", "hers": "female", "herself": "female"}
_LOOKBACK = 600  # characters: about the last paragraph or two


def unresolved_pronouns(doc: Doc, narration: list[Mention]) -> list[Mention]:
    """Narration he/she pronouns the characters stage left unresolved, given to the nearest
    preceding named character of that gender (within ``_LOOKBACK`` characters).

    Only for scoring focal characters: close-third narration says "she" for its focal
    character far more than her name, so without pronouns the count favours whoever is
    named most. Nothing here is written to ``doc.mentions``.
    """
    gender = {c.id: c.gender for c in doc.characters if c.gender in ("male", "female")}
    if not gender:
        return []
    quotes = dialogue(doc)
    taken = {m.start for m in doc.mentions}
    named = [m for m in narration if m.kind in ("name", "alias") and m.character in gender]
    starts = [m.start for m in named]
    out = []
    for t in doc.tokens:
        g = _PRONOUN_GENDER.get(t.text.lower())
        if g is None or t.start in taken or t.start in quotes:
            continue
        k = bisect_left(starts, t.start) - 1
        while k >= 0 and t.start - named[k].start <= _LOOKBACK:
            if gender[named[k].character] == g:
                out.append(Mention(t.start, t.end, named[k].character, "pronoun", t.text, False))
                break
            k -= 1
    return out


def _section_heading(doc: Doc, start: int) -> str | None:
    line_end = doc.text.find("\n", start)
    line = doc.text[start : line_end if line_end >= 0 else len(doc.text)]
    return heading(line, character_names(doc))


def _merge(focals: list[Focal]) -> list[Focal]:
    out: list[Focal] = []
    for f in focals:
        if out and out[-1].character == f.character:
            prev = out[-1]
            w1, w2 = prev.end - prev.start, f.end - f.start
            prev.confidence = round((prev.confidence * w1 + f.confidence * w2) / max(1, w1 + w2), 4)
            prev.end = f.end
        else:
            out.append(Focal(f.character, f.start, f.end, f.confidence))
    return out


# ----------------------------------------------------------------------------- narrator


def _reader(doc: Doc) -> str | None:
    """The "you" a second-person story is told to and about (the characters stage made one
    character of the narration's "you"), else None."""
    said = _narration_pronouns(doc, SECOND_PERSON)
    return said[0] if said else None


def _narration_pronouns(doc: Doc, words: frozenset[str]) -> tuple[str, float] | None:
    """The character most of the narration's pronouns in ``words`` belong to, with its share,
    when it holds three or more of them and 60% or more; else None."""
    votes: Counter = Counter()
    for m in doc.mentions:
        if not m.in_quote and m.kind == "pronoun" and (m.text or doc.text[m.start : m.end]).lower() in words:
            votes[m.character] += 1
    if not votes:
        return None
    cid, n = votes.most_common(1)[0]
    share = n / sum(votes.values())
    return (cid, share) if n >= 3 and share >= 0.6 else None


def infer_narrator(doc: Doc, quotes: Spans) -> tuple[str | None, float]:
    """The character a first-person narrator is, with a confidence.

    In order of strength: the characters stage resolving narration "I" to someone; a
    declared POV note; then dialogue: the narrator is the character others address by name
    (vocatives, ``Quote.addressee``) or who names themself ("I'm Jo"), yet whom the
    narration itself never names, since a narrator says "I", not their own name.
    """
    placeholder = None
    said = _narration_pronouns(doc, FIRST_PERSON)
    if said:
        cid, share = said
        conf = round(min(0.95, 0.6 + 0.35 * share), 4)
        if not is_anonymous(doc, cid):
            return cid, conf
        placeholder = (cid, conf)
    if doc.metadata.pov_note:
        c = match_character(doc, doc.metadata.pov_note)
        if c is not None:
            return c.id, 0.9
    found = narrator_from_dialogue(doc, quotes, exclude=placeholder[0] if placeholder else None)
    return found if found[0] is not None or placeholder is None else placeholder


def is_anonymous(doc: Doc, cid: str) -> bool:
    """A stand-in character for an unnamed narrator ("Narrator", no names used in the text)."""
    c = doc.character(cid)
    return c is not None and not c.aliases and c.name.strip().lower() in ("narrator", "the narrator", "i")


_SPEECH = r"(?:said|asked|told|replied|answered|whispered|muttered|murmured|called|shouted|yelled|repeated|added|snapped|cried|admitted|began|continued|went on|says|asks|tells)"
_I_TAG = re.compile(r"\b[Ii]\s+" + _SPEECH + r"\b")
_OTHER_TAG = re.compile(r"\b(?:he|she|they|[A-Z][a-z]+)\s+" + _SPEECH + r"\b")
_YOU_ARE = re.compile(r"\b(?i:you must be|you're|you are|aren't you|hello,?|hi,?|morning,?|thanks,?|thank you,?)\s+([A-Z][\w'-]+)")
_NAME_ONLY = re.compile(r"^[\s\"'\u201c\u2018]*([A-Z][\w'-]+)[\s,.!?]*[\"'\u201d\u2019]*$")
_VOCATIVE = re.compile(r"^[\"'\u201c\u2018]\s*([A-Z][\w'-]+)\s*[,.!?]|,\s*([A-Z][\w'-]+)\s*[.!?]\s*[\"'\u201d\u2019]?$")


def narrator_speaks(doc: Doc, start: int, end: int, quotes: Spans, pidx: ParagraphIndex | None = None) -> bool | None:
    """Whether the quote at ``[start, end)`` is the first-person narrator's own line.

    Read from the tags around it in its paragraph ("I said" vs "he said"), not from
    attribution: True, False, or None when the paragraph has no tag either way.
    """
    k = (pidx or ParagraphIndex(doc.paragraphs))(start)
    if k < 0:
        return None
    para = doc.paragraphs[k]
    # the paragraph with its quotations blanked out
    parts, pos = [], para.start
    for qs, qe in quotes.overlapping(para.start, para.end):
        parts.append(doc.text[pos : max(pos, qs)])
        pos = max(pos, min(qe, para.end))
    parts.append(doc.text[pos : para.end])
    narration = " ".join(parts)
    if _I_TAG.search(narration):
        return True
    if _OTHER_TAG.search(narration):
        return False
    return None


def narrator_from_dialogue(doc: Doc, quotes: Spans, exclude: str | None = None) -> tuple[str | None, float]:
    """The narrator from how others address them and how they name themselves.

    Score per character: +2 each time the narrator's own line names them ("Wren," I said;
    "I'm Wren"), +1.5 for "you must be Wren" from someone else, +1 for a vocative in
    someone else's line, +0.5 per quote the quotes stage addressed to them, -2 per time the
    narration names or describes them (a narrator says "I", not their own name nor "the boy").
    """
    by_name: dict[str, str] = {}
    for c in doc.characters:
        if c.id == exclude:
            continue
        for form in (c.name, *c.aliases):
            for w in form.split()[:1]:
                by_name.setdefault(w.lower(), c.id)
    score: Counter = Counter()
    for m in doc.mentions:
        if m.kind in ("name", "alias", "nominal") and not (m.in_quote or m.start in quotes):
            score[m.character] -= 2.0  # named or described by the narration ("the boy"): someone else
    attributed = {(q.start, q.end): q for q in doc.quotes if q.kind != "other"}
    pidx = ParagraphIndex(doc.paragraphs)
    for qs, qe in quotes.spans:
        q = attributed.get((qs, qe))
        if q is not None and q.addressee and q.addressee != exclude:
            score[q.addressee] += 0.5
        text = doc.text[qs:qe]
        own = narrator_speaks(doc, qs, qe, quotes, pidx)
        if own is None:
            own = q is not None and q.speaker is not None and q.speaker == exclude
        if own:
            for m in list(_SELF_NAME_RE.finditer(text)) + list(_NAME_ONLY.finditer(text)):
                cid = by_name.get(m.group(1).lower())
                if cid:
                    score[cid] += 2.0
        else:
            for m in _YOU_ARE.finditer(text):
                cid = by_name.get(m.group(1).lower())
                if cid:
                    score[cid] += 1.5
            for m in _VOCATIVE.finditer(text):
                cid = by_name.get((m.group(1) or m.group(2) or "").lower())
                if cid:
                    score[cid] += 1.0
    score.pop(exclude, None)
    if exclude is not None:
        # '"Ruth was his wife," he said' to the narrator: Ruth is not the one listening
        for cid in talked_about(doc, to=exclude):
            score.pop(cid, None)
    if not score:
        return None, 0.0
    (best, top), *rest = score.most_common()
    if top < 1.5:
        return None, 0.0
    second = rest[0][1] if rest else 0.0
    conf = _sigmoid(0.8 * (top - max(0.0, second)) - 0.5)
    return best, round(min(0.9, max(0.35, conf)), 4)


_SELF_NAME_RE = re.compile(r"(?:my name is|my name's|i'm|i am|call me|it's)\s+([A-Z][\w'-]+)", re.IGNORECASE)


def analyse(doc: Doc) -> None:
    """Fill ``doc.pov`` (person, tense, focal spans, narrator and confidences)."""
    quotes = dialogue(doc)
    secs = section_tokens(doc, quotes)
    person, pconf, _ = infer_person(secs)
    tagged = any(t.tag for t in doc.tokens[:200])
    tense, tconf = infer_tense(secs, tagged)
    narrator = None
    if person in ("first", "mixed"):
        narrator, _ = infer_narrator(doc, quotes)
    elif person == "second":
        narrator = _reader(doc)
    pov = doc.pov
    pov.person, pov.person_confidence = person, (pconf if person else None)
    pov.tense, pov.tense_confidence = tense, (tconf if tense else None)
    pov.narrator = narrator
    pov.focal = infer_focal(doc, secs, narrator, person)
