"""Person mention detection: names, nominals and pronouns, with their grammatical cues.

Names come from NER PERSON spans, cleaned of what the small model gets wrong in fan fiction
("Mhmm", "K", "Lana POV", "Kissing Lois" -> "Lois"), plus what it misses: the same names
where NER skipped them (sentence-initial, lowercase in sloppy fics), honorific names
("Mrs. K", "Dr. Groll"), titles used as names ("Chief"), and KB aliases of the fandoms in
play ("the Blur"). A name used as a place ("in Smallville") is dropped; a name addressed in
dialogue ("Thanks Smallville") is kept and marked as a vocative.

Every pass walks the token list once; lookups are dict/set hits, never a regex per token.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..model import Doc, Token
from ..quotes.lexicon import speech_verbs
from ..structure import line_name, pov_name
from .lexicon import INDEFINITE_PEOPLE, Lexicon

PLACE_PREPS = frozenset(
    "in at to from into of near outside around through toward towards across back leave left "
    "leaving reach reached reaching visit visited visiting onto within beyond past via".split()
)
# prepositions as common before a person as before a place: trust NER or a given name there
PERSON_PREPS = frozenset("to of at past from towards toward near around".split())
VOCATIVE_CUES = frozenset(
    "hey hi hello thanks thank yes yeah no nope oh okay ok sorry listen look please bye goodbye "
    "night morning evening afternoon well come dear god wait stop see cheers congrats welcome".split()
)
SUBJ_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "agent", "expl"})
DETERMINERS = frozenset("the a an this that these those another some any every each no".split())
POSS_DETS = frozenset("his her their my your our its".split())
CLOSERS = frozenset({",", ".", "!", "?", ";", "\u201d", '"', "\u2026", "...", "--", "\u2014", ")"})
OPENERS = frozenset({"\u201c", '"', "\u201e", "(", "\u2014", "--"})


@dataclass(slots=True)
class MentionCand:
    start: int
    end: int
    t0: int  # first token
    t1: int  # last token (exclusive)
    kind: str  # name nominal pronoun
    text: str
    key: str  # name words joined (names), head noun (nominals), pronoun (lower)
    head: int  # head token index
    sent: int
    para: int
    in_quote: bool = False
    gender: str | None = None  # cue from the form itself: honorific, noun, pronoun
    number: str = "sg"
    person: int = 3
    role: str = "other"  # subj obj poss refl other
    honorific: str | None = None
    words: tuple[str, ...] = ()  # name words without honorific or possessive
    vocative: bool = False
    title: bool = False  # a title standing alone as a name ("Chief")
    definite: bool = False  # nominal with the/this/possessive
    possessor: int = -1  # nominal: token index of its possessive pronoun/name
    relation: str | None = None  # nominal: family/social relation ("mother" -> parent)
    # nominal: a mention no later pronoun refers to ("like a man who ...", a comparison;
    # "Nobody had noticed she was there")
    no_referent: bool = False
    entity: int = -1
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------- token helpers


def _cap(t: Token) -> bool:
    return t.text[:1].isupper()


def _sent_start(doc: Doc, i: int) -> bool:
    """True for the first word of a sentence (skipping opening quotes and dashes)."""
    toks = doc.tokens
    s = doc.sentences[toks[i].sent] if toks[i].sent >= 0 else None
    j = i - 1
    while j >= 0 and toks[j].text in OPENERS:
        j -= 1
    return s is None or j < s.first_token or (j >= 0 and toks[j].text in {".", "!", "?", ":", "\u2026"})


def _role(t: Token) -> str:
    if t.dep in SUBJ_DEPS:
        return "subj"
    if t.dep in ("poss",) or t.tag in ("PRP$", "WP$"):
        return "poss"
    if t.dep in ("dobj", "pobj", "iobj", "dative", "obj"):
        return "obj"
    return "other"


def _strip_possessive(toks: Sequence[Token], t0: int, t1: int) -> int:
    while t1 > t0 and toks[t1 - 1].text.lower() in ("'s", "\u2019s", "'", "\u2019"):
        t1 -= 1
    return t1


def _name_key(words: Iterable[str]) -> str:
    return " ".join(w.lower().rstrip(".") for w in words)


# ---------------------------------------------------------------------- names


def _clean_person_span(doc: Doc, lex: Lexicon, t0: int, t1: int, vocab: set[str]) -> tuple[int, int] | None:
    """Trim an NER PERSON span to the name it holds, or None when it holds none."""
    toks = doc.tokens
    t1 = _strip_possessive(toks, t0, t1)
    # trailing junk: "Lana POV", "Clark's", "Lois -", "Oliver clapped" (a name never ends lowercase)
    while t1 > t0 and (toks[t1 - 1].text.upper() == "POV" or not toks[t1 - 1].text[:1].isalnum()
                       or toks[t1 - 1].text.lower() in lex.not_names or toks[t1 - 1].text[:1].islower()):
        t1 -= 1
    # leading junk: "Kissing Lois", "Mhmm Clark", quotes
    while t0 < t1:
        w = toks[t0].text
        low = w.lower()
        if not w[:1].isalnum() or low in lex.not_names:
            t0 += 1
        elif t1 - t0 > 1 and low.endswith("ing") and lex.name_gender(low) is None and toks[t0].pos in ("VERB", "", "NOUN", "PROPN"):
            t0 += 1
        elif t1 - t0 > 1 and toks[t0].tag == "VB" and toks[t0].pos == "VERB" and lex.name_gender(low) is None:
            t0 += 1  # "Tell Nick he can come": an imperative before the name
        elif t1 - t0 > 1 and w[:1].islower() and low not in NAME_PARTICLES and any(t.text[:1].isupper() for t in toks[t0 + 1 : t1]):
            t0 += 1  # "the band flyer Xander had been using": a noun before the name is not part of it
        else:
            break
    if t0 >= t1:
        return None
    for k in range(t0 + 1, t1 - 1):
        w = toks[k].text
        if w[:1].islower() and w.isalpha() and w not in NAME_PARTICLES and w not in ("the", "of"):
            t1 = k  # "John rang Lestrade, set the phone down": two names and a verb, not one name
            break
    words = [t.text for t in toks[t0:t1]]
    if any(ch.isdigit() for w in words for ch in w):
        return None
    if len(words) == 1 and len(words[0].rstrip(".")) < 2:
        return None  # "K" on its own
    if len(words) == 1 and words[0].lower().endswith("ing") and lex.name_gender(words[0]) is None:
        return None  # "Exploding", "Kissing": a participle NER took for a name
    if all(w.lower() in lex.not_names or not w[:1].isupper() for w in words):
        return None
    return t0, t1


# lower-case words that belong inside a name ("Ludwig van Beethoven", "Maria de la Cruz")
NAME_PARTICLES = frozenset("de da di del della der den van von le la du al el bin ibn ter ten y dos das".split())


def _abbreviation_dot(toks, j: int) -> bool:
    """Whether the "." at token ``j`` ends an abbreviated honorific ("Mr", "Dr", "Capt") of
    the same sentence as what follows, not a sentence ("... said the Doctor. It hummed")."""
    if j < 1 or toks[j].text != "." or j + 1 >= len(toks):
        return False
    word = toks[j - 1].text
    return len(word) <= 4 and word[:1].isupper() and toks[j + 1].sent == toks[j - 1].sent


def _with_honorific(doc: Doc, lex: Lexicon, t0: int) -> tuple[int, str | None]:
    """Extend a name start back over an honorific ("Mr." "Darcy")."""
    toks = doc.tokens
    j = t0 - 1
    if j >= 0 and toks[j].text == "." and j - 1 >= 0:
        if not _abbreviation_dot(toks, j):
            return t0, None
        j -= 1
    if j >= 0 and toks[j].text.lower().rstrip(".") in lex.honorifics and _cap(toks[j]):
        return j, toks[j].text.lower().rstrip(".")
    return t0, None


def _split_honorific(toks: Sequence[Token], lex: Lexicon, t0: int, t1: int) -> tuple[str | None, list[str]]:
    words = [t.text for t in toks[t0:t1] if t.text != "."]
    if len(words) > 2 and words[0].lower() == "the" and words[1].lower().rstrip(".") in lex.honorifics:
        words = words[1:]  # "the Widow Douglas": the article belongs to the title
    hon = None
    while len(words) > 1 and words[0].lower().rstrip(".") in lex.honorifics:
        hon = hon or words[0].lower().rstrip(".")
        words = words[1:]
    return hon, words


# what may open a noun phrase before a name that modifies its head ("the Kent farm")
NP_OPENERS = frozenset({"DET", "PRON", "ADJ", "NUM", "PART"})


def _is_modifier(toks: Sequence[Token], t0: int, t1: int) -> bool:
    last = toks[t1 - 1]
    if last.dep != "compound" or last.head < 0:
        return False
    head = toks[last.head]
    if head.pos == "PROPN" and head.lower in PLACE_HEADS:
        return True  # "Netherfield Park", "Kellynch Hall": the name of a place
    if head.pos != "NOUN" or head.ent_type == "PERSON":
        return False
    if head.text.endswith("s") and last.head == t1 and (t0 == 0 or toks[t0 - 1].pos not in NP_OPENERS) and (
            head.dep in ("nsubj", "ROOT") or head.lower in speech_verbs()):
        # "Then Sam shifts against the door", '"...," Yor offers': a present-tense verb the
        # parser read as a plural noun the name modifies; "the Kent farms" and "Luthor's
        # mansions" keep theirs
        return False
    return True


def _is_vocative(doc: Doc, t0: int, t1: int, in_quote: list[bool]) -> bool:
    """A name addressed in dialogue: "Thanks Smallville." / "Hey, Lois!" / "Clark, wait"."""
    toks = doc.tokens
    if not in_quote[t0]:
        return False
    nxt = toks[t1].text if t1 < len(toks) else "."
    if nxt not in CLOSERS:
        return False
    j = t0 - 1
    if j >= 0 and toks[j].text == ",":
        return True  # "..., Smallville." / "..., Lois!"
    if j < 0 or toks[j].text in OPENERS:
        return True
    return toks[j].text.lower() in VOCATIVE_CUES


def _name_cand(doc: Doc, lex: Lexicon, t0: int, t1: int, in_quote: list[bool], *, title: bool = False) -> MentionCand:
    toks = doc.tokens
    hon, words = _split_honorific(toks, lex, t0, t1)
    head = toks[t1 - 1]
    g = lex.honorifics.get(hon) if hon else None
    if title:
        g = lex.title_gender.get(toks[t0].text)
    # "the Captain": the determiner belongs to the mention span but not to the name
    return MentionCand(
        start=toks[t0].start,
        end=toks[t1 - 1].end,
        t0=t0,
        t1=t1,
        kind="name",
        text=doc.text[toks[t0].start : toks[t1 - 1].end],
        key=_name_key(words),
        head=t1 - 1,
        sent=head.sent,
        para=head.para,
        in_quote=in_quote[t0],
        gender=g,
        role=(_role(head) if _role(head) != "other" or not _orphan_subject(doc, t1) else "subj") if head.dep else _role_from_position(doc, t0, t1),
        honorific=hon,
        words=tuple(words),
        vocative=_is_vocative(doc, t0, t1, in_quote),
        title=title,
    )


def _orphan_subject(doc: Doc, t1: int) -> bool:
    """'... slides open with a hiss and Haymitch comes through it': a name right before a
    finite verb the parse left without a subject (it hung the name elsewhere) is its subject."""
    toks = doc.tokens
    if t1 >= len(toks) or toks[t1].tag not in ("VBZ", "VBD", "VBP"):
        return False
    # (a subject the parse found further back, across the name, is the parse's mistake:
    # "The door ... slides open with a hiss and Haymitch comes")
    return not any(toks[k].head == t1 and toks[k].dep in SUBJ_DEPS for k in range(t1 + 1, min(len(toks), t1 + 40)))


def _role_from_position(doc: Doc, t0: int, t1: int) -> str:
    """Without a parse: a name followed by 's is a possessor; one opening a clause is a subject."""
    toks = doc.tokens
    if t1 < len(toks) and toks[t1].text.lower() in ("'s", "\u2019s"):
        return "poss"
    nxt = toks[t1] if t1 < len(toks) else None
    if nxt is not None and nxt.text[:1].islower() and (_sent_start(doc, t0) or toks[t0 - 1].text in (",", "and")):
        return "subj"
    return "other"


PLACE_HEADS = frozenset(
    "high school street manor tower towers city asylum park farm hospital academy university college "
    "church cathedral chapel station road avenue bridge castle abbey inn square mansion palace building "
    "island river mountain valley county village town harbor harbour bay lake forest woods".split()
)


def looks_like_place(words: Sequence[str], lex: Lexicon, places: frozenset[str] = frozenset()) -> bool:
    """"Smallville High", "Wayne Manor", "Kellynch Hall", or a KB place ("Metropolis")."""
    key = " ".join(w.lower() for w in words)
    if key in places:
        return True
    if len(words) >= 2:
        last = words[-1].lower()
        if last in PLACE_HEADS:
            return True
        if last == "hall" and lex.name_gender(words[0]) is None:
            return True
    return False


def find_names(doc: Doc, lex: Lexicon, in_quote: list[bool], kb_aliases: dict | None = None,
               places: frozenset[str] = frozenset()) -> list[MentionCand]:
    """Name mentions in text order (see module docstring)."""
    toks = doc.tokens
    taken = [False] * len(toks)
    spans: list[tuple[int, int, str]] = []  # (t0, t1, source: ner / missed / title / kb)
    ner_spans = []
    for e in doc.entities:
        if e.label == "PERSON":
            ner_spans.append((e.first_token, e.last_token))
    vocab: dict[str, int] = {}
    for t0, t1 in ner_spans + _honorific_spans(doc, lex):
        for t in toks[t0:t1]:
            w = t.text
            if (w[:1].isupper() and _wordlike(w) and w.lower() not in lex.not_names and w.lower() not in lex.honorifics
                    and not (w.lower().endswith("ing") and lex.name_gender(w) is None)):
                vocab[w] = vocab.get(w, 0) + 1
    lower = _body_lowercase(doc)
    _add_untagged_names(doc, lex, vocab, lower)
    low_vocab = {w.lower() for w in vocab}
    common = _common_words_tagged_once(doc, lex, ner_spans, kb_aliases or {}, lower)
    for t0, t1 in ner_spans:
        span = _clean_person_span(doc, lex, t0, t1, low_vocab)
        if span is None:
            continue
        t0, t1 = span
        t0, _hon = _with_honorific(doc, lex, t0)
        if _hon is None and t1 - t0 == 1 and toks[t0].text in common:
            continue
        spans.append((t0, t1, "ner"))
        for k in range(t0, t1):
            taken[k] = True
    spans.extend(_missed_names(doc, lex, taken, vocab, in_quote))
    if kb_aliases:
        spans.extend(_kb_alias_spans(doc, taken, kb_aliases, lowercase=_lowercase_styled(doc), lex=lex, in_quote=in_quote))
    spans.sort()
    # "Netherfield Park" once makes "Netherfield" a place wherever it stands alone
    # ("Wayne Manor" leaves "Wayne" to Bruce Wayne: a surname of a person named in full)
    surnames = {toks[t1 - 1].lower for t0, t1, _ in spans if t1 - t0 > 1}
    estates = {t.lower for t in toks if t.dep == "compound" and t.pos == "PROPN" and 0 <= t.head < len(toks)
               and toks[t.head].pos == "PROPN" and toks[t.head].lower in PLACE_HEADS} - surnames
    # a name that acts as a person somewhere ("Terry leaned over the partition") is one after
    # "at"/"to" too ("Everyone turned to look at Terry")
    # ("All the fight goes out of Catra": NER calls this one NORP, the others PERSON)
    acting = {t.text for t in toks if t.dep in ("nsubj", "nsubjpass") and (t.ent_type == "PERSON" or vocab.get(t.text, 0) >= 2)
              and 0 <= t.head < len(toks) and toks[t.head].pos == "VERB"}
    out = []
    for t0, t1, source in spans:
        if t1 - t0 == 1 and toks[t0].lower in estates:
            continue
        if t0 > 0 and toks[t0 - 1].lower in ("your", "his", "her", "their") and toks[t0].lower in STYLES_OF_ADDRESS:
            continue  # "Your Grace", "His Majesty": how a king is addressed, no one named Grace
        # only a preposition makes a person's name a place: the small model's GPE/ORG labels
        # on rare names ("Groll", "Bea Orwell") are too often wrong to trust
        place = toks[t0 - 1].text.lower() in PLACE_PREPS if t0 > 0 else False
        if place and toks[t0 - 1].text.lower() in PERSON_PREPS and (
                lex.name_gender(toks[t0].text) or (source == "ner" and t1 - t0 > 1) or toks[t0].text in acting):
            place = False  # "proposed to Robert", "the daughter of Agnes": people follow these too
        if place and not _is_vocative(doc, t0, t1, in_quote):
            continue
        if _is_modifier(toks, t0, t1):
            continue  # "the Kent farm", "a Luthor mansion": a name modifying a thing
        if t0 > 0 and toks[t0 - 1].text.lower() == "the" and toks[t0].text.lower().rstrip(".") in lex.honorifics:
            t0 -= 1  # "the Lord Chancellor", "the Captain": a title takes its article
        cand = _name_cand(doc, lex, t0, t1, in_quote, title=source == "title")
        if cand.words and not looks_like_place(cand.words, lex, places):
            _take_modifiers(doc, cand)
            out.append(cand)
    return out


# the nouns of "Your Grace", "Her Majesty", "His Lordship"
STYLES_OF_ADDRESS = frozenset({"grace", "majesty", "highness", "holiness", "lordship", "ladyship", "excellency",
                               "eminence", "worship", "honor", "honour", "royal"})


def _body_lowercase(doc: Doc) -> set[str]:
    """The words the story's body writes in lower case (an author's note in lower case, "a
    tori chapter", says nothing)."""
    body = doc.body
    return {t.text for t in doc.tokens if t.text.islower() and body.start <= t.start < body.end}


def _common_words_tagged_once(doc: Doc, lex: Lexicon, ner_spans: list[tuple[int, int]], kb_aliases: dict,
                              lower: set[str]) -> set[str]:
    """Words NER called a person once, as a sentence of one word, that the story writes in
    lower case elsewhere (``lower``) and no name list knows: '"Library."' beside "the library",
    "Sunday, though. Pernil." beside "I'm making pernil"."""
    toks = doc.tokens
    once: dict[str, int] = {}
    opening: dict[str, int] = {}
    for t0, t1 in ner_spans:
        w = toks[t0].text
        first = t1 - t0 == 1 and _sent_start(doc, t0)
        alone = first and not (t1 < len(toks) and toks[t1].text == ",")
        once[w] = once.get(w, 0) + (1 if alone else 2)
        opening[w] = opening.get(w, 0) + (1 if first else 2)
    # "It was a field. Grass, some kind of blue-ish shrub": a word the tagger reads as a common
    # noun where NER does not call it a person, and NER's once, opening a sentence
    nouns = {t.text.lower() for t in toks if t.tag in ("NN", "NNS") and not t.ent_type}
    # ('"Behold!"' beside "I'm beholding": an inflected lower-case form counts too)
    return {w for w, n in once.items()
            if (n == 1 and _written_lower(w.lower(), lower) or opening[w] == 1 and w.lower() in nouns)
            and lex.name_gender(w) is None and w.lower() not in kb_aliases}


def _written_lower(word: str, lower: set[str]) -> bool:
    """Whether the story writes ``word`` in lower case, as it is or inflected."""
    return word in lower or any(word + end in lower for end in ("s", "es", "ed", "ing"))


def _take_modifiers(doc: Doc, cand: MentionCand) -> None:
    """"old Tom Jarndyce", "the late John Jacob Astor", "poor Emma": the adjectives (and their
    article) before a name belong to the mention's span, not to the name's key."""
    toks = doc.tokens
    j = cand.t0
    while j - 1 >= 0 and toks[j - 1].pos == "ADJ" and toks[j - 1].text.islower() and toks[j - 1].sent == toks[cand.t0].sent:
        j -= 1
    if j == cand.t0 and not (j - 1 >= 0 and toks[j - 1].text.lower() == "the"):
        return  # "the Mem Sahib", "the Woodhouses": a name after "the" takes it too
    if j - 1 >= 0 and toks[j - 1].text.lower() in ("the", "a", "an"):
        j -= 1
    cand.t0, cand.start = j, toks[j].start
    cand.text = doc.text[cand.start : cand.end]


def _add_untagged_names(doc: Doc, lex: Lexicon, vocab: dict[str, int], lower: set[str]) -> None:
    """Proper nouns NER left untagged ("Tuppence", "Nippers"), used mid-sentence at least
    twice and never tagged as anything else, join the name vocabulary; so does one tagged
    something else less often than not, if it acts as a verb's subject ("two stools down from
    Shane" is FAC to the small model, "Shane shifts on his stool" is not). ``lower``: the
    words the body writes in lower case (``_body_lowercase``)."""
    counts: dict[str, int] = {}
    other: set[str] = set()
    other_n: dict[str, int] = {}  # times NER called the word something other than a person
    toks = doc.tokens
    caps: dict[str, int] = {}  # "Giles": capitalised, lower case after the first letter
    acting: dict[str, int] = {}  # ... as the subject of a verb
    for i, t in enumerate(toks):
        w = t.text
        if len(w) > 2 and w[:1].isupper() and w[1:].islower() and _wordlike(w):
            caps[w] = caps.get(w, 0) + 1
            if t.dep == "nsubj" and t.pos in ("NOUN", "PROPN") and 0 <= t.head < len(toks) and toks[t.head].pos == "VERB":
                acting[w] = acting.get(w, 0) + 1
        if t.ent_type and t.ent_type != "PERSON":
            other.add(w)
            other_n[w] = other_n.get(w, 0) + 1
        elif t.pos == "PROPN" and not t.ent_type and w[:1].isupper() and _wordlike(w) and len(w) > 2 and not _sent_start(doc, i):
            counts[w] = counts.get(w, 0) + 1
    for w in _human_subjects(doc, lex, lower):
        other.discard(w)
        if w.lower() not in lex.honorifics and w not in lex.titles:
            vocab[w] = max(vocab.get(w, 0), 2)  # a name even at a sentence's start, though NER saw it once
    for w, n in counts.items():
        low = w.lower()
        if n >= 2 and (w not in other or (other_n[w] < n and acting.get(w, 0) >= 1)) and low not in lex.not_names and low not in lex.honorifics and w not in lex.titles and not w.isupper():
            vocab.setdefault(w, 1)
    # the small model reads rare given names as common nouns ("Giles shut the book": NNS,
    # "Willow slid off the counter": NN): a capitalised word that is never written in lower
    # case and acts as a subject again and again, or that NER called a person once, is a name
    # wherever it stands, at a sentence's start too
    for w, n in caps.items():
        low = w.lower()
        if n < MIN_ACTING or low in lower or low in lex.not_names or low in lex.honorifics or low in lex.nominals or w in lex.titles:
            continue
        # ("Gurathin looked up ... Gurathin had stayed back ... Gurathin's eyebrows": acting
        # twice is enough for a word NER never called anything)
        if vocab.get(w, 0) == 1 or (w not in vocab and acting.get(w, 0) >= (MIN_ACTING if w in other else MIN_ACTING - 1)):
            vocab[w] = 2
    # a given name said to someone at the end of a line ("Thank you kindly, Will!") is a name,
    # though the word is a common one elsewhere ("will") or NER calls it a place ("Morning, Nina.")
    # ... and so is any word said so twice that the story never writes in lower case ("I can
    # hear you thinking, Castle." / "It's the East Village, Castle.": NER calls it a place)
    called: dict[str, int] = {}
    for i in range(1, len(toks) - 2):
        w = toks[i].text
        if (toks[i - 1].text == "," and toks[i + 1].text in ("!", ".", "?") and toks[i + 2].text in ('"', "\u201d", "\u2019", "'")
                and w[:1].isupper() and w[1:].islower() and w.isalpha()
                and w.lower() not in lex.not_names and w.lower() not in lex.honorifics):
            if lex.name_gender(w) is not None:
                vocab[w] = max(vocab.get(w, 0), 2)
            called[w] = called.get(w, 0) + 1
    for w, n in called.items():
        low = w.lower()
        if n >= 2 and low not in lower and low not in lex.nominals and w not in lex.titles and low not in _ENDEARMENTS:
            vocab[w] = max(vocab.get(w, 0), 2)
    # a name the work declares in its characters ("Characters: Wednesday Addams, Xavier
    # Thorpe") is a name in its text, though a weekday or a word NER does not know (AO3's
    # "Number Five | The Boy" forms are the knowledge base's to read)
    for declared in doc.metadata.characters:
        if "|" in declared:
            continue
        for w in re.sub(r"\([^)]*\)", " ", declared).split():
            if (_wordlike(w) and w[:1].isupper() and len(w) > 1 and w.lower() not in lower and w.lower() not in lex.honorifics
                    and w not in lex.titles):
                for form in {w, w.replace("'", "\u2019"), w.replace("\u2019", "'")}:  # "Lae'zel" is "Lae’zel" in the text
                    vocab[form] = max(vocab.get(form, 0), 2)
    # a name heading a POV section ("SHERLOCK", "Lana's POV") is someone's, wherever it stands
    for n in doc.metadata.notes:
        line = doc.text[n.start : n.end]
        name = n.kind == "pov" and (pov_name(line) or line_name(line))
        for w in (name or "").split():
            if w.isalpha() and w.lower() not in lower and w not in other and w.lower() not in lex.not_names and w not in lex.titles:
                vocab[w] = max(vocab.get(w, 0), 2)


MIN_ACTING = 3  # times an unlabelled proper noun must be a verb's subject to count as a name
# verbs whose subject is a person ("Bartleby said", "Nippers knew")
_HUMAN_VERBS = frozenset("say tell ask reply answer cry exclaim whisper shout murmur think know feel want wish "
                         "smile laugh sigh nod weep frown grin remember decide hope believe speak shrug glance "
                         "blink chuckle giggle mutter mumble scowl wink snort groan sob".split())


def _human_subjects(doc: Doc, lex: Lexicon, lower: set[str]) -> set[str]:
    """Capitalised words the small model tagged ORG or the like that act as people: the
    subject of a speech or thought verb ("Bartleby", "Nippers" in "Bartleby the Scrivener").
    ``lower``: the words the story's body writes in lower case (so common words)."""
    toks = doc.tokens
    out = set()
    acting: dict[str, int] = {}
    for t in toks:
        if (t.pos == "NOUN" and not t.ent_type and t.dep == "nsubj" and 0 <= t.head < len(toks)
                and toks[t.head].lemma.lower() in _HUMAN_VERBS and t.text[:1].isupper() and t.text[1:].islower()
                and _wordlike(t.text) and t.text.lower() not in lower and t.text.lower() not in lex.not_names
                and t.text.lower() not in lex.nominals and t.text.lower() not in lex.honorifics and not _sent_start(doc, t.i)):
            out.add(t.text)  # '"...," Tori said': a name the model read as a common noun ("tori", a gate)
        if (t.pos == "PROPN" and t.dep == "nsubj" and t.ent_type != "PERSON" and 0 <= t.head < len(toks)
                and toks[t.head].pos == "VERB" and t.text[:1].isupper() and not t.text.isupper() and _wordlike(t.text)
                and t.text.lower() not in lex.not_names and t.text.lower() not in lex.nominals):
            acting[t.text] = acting.get(t.text, 0) + 1
        if (t.ent_type and t.ent_type != "PERSON" and t.dep in ("nsubj", "poss") and t.text[:1].isupper()
                and not t.text.isupper() and lex.name_gender(t.text) is not None and t.text.lower() not in lex.not_names):
            out.add(t.text)  # "Agnes was still handsome": a given name the model took for a place
        elif (t.ent_type in ("ORG", "NORP", "PRODUCT", "WORK_OF_ART") and t.dep == "nsubj" and 0 <= t.head < len(toks)
                and toks[t.head].lemma.lower() in _HUMAN_VERBS and t.text[:1].isupper() and not t.text.isupper()
                and t.text.lower() not in lex.not_names and not _sent_start(doc, t.i)):
            out.add(t.text)
    # "Priya walks ... Priya listens ... Priya shrugs": a proper noun the model never called a
    # person, acting as the subject of verbs again and again, is someone
    out.update(w for w, n in acting.items() if n >= MIN_ACTING)
    return out


def _honorific_spans(doc: Doc, lex: Lexicon) -> list[tuple[int, int]]:
    """"Mrs. K", "Dr. Groll": an honorific followed by capitalised words."""
    toks = doc.tokens
    out = []
    n = len(toks)
    for i, t in enumerate(toks):
        if not _cap(t) or t.text.lower().rstrip(".") not in lex.honorifics:
            continue
        j = i + 1
        if j < n and toks[j].text == ".":
            if not _abbreviation_dot(toks, j):
                continue  # "said the Doctor. It hummed": the sentence ended
            j += 1
        k = j
        while k < n and toks[k].text[:1].isupper() and toks[k].text.isalpha():
            k += 1
        if k > j:
            out.append((i, k))
    return out


def _missed_names(doc: Doc, lex: Lexicon, taken: list[bool], vocab: dict[str, int], in_quote) -> list:
    """Recurring names NER skipped, honorific names, and titles standing alone."""
    toks = doc.tokens
    out = []
    for t0, t1 in _honorific_spans(doc, lex):
        if not any(taken[t0:t1]):
            out.append((t0, t1, "missed"))
            for m in range(t0, t1):
                taken[m] = True
    low = {w.lower(): w for w in vocab if w.lower() not in lex.not_names}
    blocked = {"GPE", "LOC", "ORG", "FAC", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LANGUAGE"}
    n = len(toks)
    i = 0
    while i < n:
        if taken[i]:
            i += 1
            continue
        t = toks[i]
        word = t.text
        if word in lex.titles and not (i + 1 < n and _cap(toks[i + 1]) and toks[i + 1].text.isalpha()):
            acts = i + 1 < n and toks[i + 1].pos in ("VERB", "AUX")  # "Chief had called"
            if not _sent_start(doc, i) or in_quote[i] or acts:
                out.append((i, i + 1, "title"))
                taken[i] = True
            i += 1
            continue
        k = i
        if ((word in vocab or (word[:1].isupper() and lex.name_gender(word))) and i + 1 < n and not taken[i + 1]
                and _vocab_word(doc, lex, i + 1, vocab, low, blocked)):
            # a sentence-initial given name before a known surname: "Bea Orwell"; a given
            # name never used alone before one: "My name is Violet Penrose" (Miss Penrose)
            k = i + 1
        while k < n and not taken[k] and _vocab_word(doc, lex, k, vocab, low, blocked):
            k += 1
            if k > i and _hyphen_joins(toks, k) and not taken[k + 1] and _vocab_word(doc, lex, k + 1, vocab, low, blocked):
                k += 1  # "Obi-Wan": the hyphen is part of the name
        if k > i:
            out.append((i, k, "missed"))
            for m in range(i, k):
                taken[m] = True
            i = k
        else:
            i += 1
    return out


_WORDLIKE = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def _wordlike(w: str) -> bool:
    """Letters only, or letters joined by an apostrophe inside the word ("Lae'zel", "O'Brien")."""
    return _WORDLIKE.fullmatch(w) is not None


def _hyphen_joins(toks, k: int) -> bool:
    """Whether token ``k`` is a hyphen written tight between two capitalised words ("Obi-Wan",
    "Jean-Luc"), so that the two are one name."""
    return (0 < k < len(toks) - 1 and toks[k].text in ("-", "\u2010", "\u2011") and toks[k - 1].end == toks[k].start
            and toks[k].end == toks[k + 1].start and toks[k + 1].text[:1].isupper() and toks[k - 1].text[:1].isupper())


def _vocab_word(doc: Doc, lex: Lexicon, i: int, vocab: dict[str, int], low: dict[str, str], blocked: set[str]) -> bool:
    """Is token ``i`` a name seen elsewhere as a PERSON (or its typo/lowercase form)?"""
    t = doc.tokens[i]
    word = t.text
    if not _wordlike(word):
        return False
    if word in vocab:
        # "Harriet's birthday was on Saturday": a possessive opening a sentence is the name too
        owned = i + 1 < len(doc.tokens) and doc.tokens[i + 1].text in ("'s", "\u2019s")
        return vocab[word] >= 2 or not _sent_start(doc, i) or owned
    if t.ent_type in blocked:
        return False
    if word[:1].isupper() and word.endswith("s") and vocab.get(word[:-1], 0) >= 2:
        return True  # "Clarks patience": a possessive without its apostrophe
    if word.islower() and word in low and t.pos in ("PROPN", "NOUN", "") and len(word) > 2:
        # a name typed in lowercase ("clark") when it appears capitalised elsewhere
        return lex.name_gender(word) is not None or vocab[low[word]] >= 3
    return False


def _lowercase_styled(doc: Doc) -> bool:
    """Whether the text is typed all in lowercase, as some fics are by choice: most of its
    sentences start with a lowercase letter."""
    starts = [doc.tokens[s.first_token].text for s in doc.sentences[:400] if s.first_token < len(doc.tokens)]
    starts = [w for w in starts if w[:1].isalpha()]
    return len(starts) >= 10 and sum(w[:1].islower() for w in starts) >= 0.5 * len(starts)


def _kb_alias_spans(doc: Doc, taken: list[bool], aliases: dict[str, list[tuple[str, ...]]], *, lowercase: bool = False,
                    lex: Lexicon | None = None, in_quote: list[bool] | None = None) -> list:
    """Token sequences matching KB aliases of the fandoms in play ("the Blur", "Supes"); in a
    text typed in lowercase, also an alias of one word no name list or lexicon knows as
    anything else ("childe", "venti"); and a canon pet name said to someone ("It was a lie,
    angel.": Aziraphale) in any case."""
    toks = doc.tokens
    out = []
    n = len(toks)
    for i, t in enumerate(toks):
        if taken[i]:
            continue
        options = aliases.get(t.text.lower())
        if not options:
            continue
        for seq in options:  # longest first
            k = i + len(seq)
            if k <= n and all(toks[i + m].text.lower() == seq[m] for m in range(len(seq))):
                # a KB alias must look like a name: some word capitalised
                looks = any(toks[m].text[:1].isupper() for m in range(i, k))
                if not looks and lowercase and lex is not None and len(seq) == 1 and len(seq[0]) >= 4:
                    w = seq[0]
                    looks = w not in lex.not_names and w not in lex.nominals and w not in lex.pronouns and toks[i].pos in ("PROPN", "NOUN", "")
                if not looks and in_quote is not None and in_quote[i] and _is_vocative(doc, i, k, in_quote):
                    looks = True
                if looks and not any(taken[i:k]):
                    out.append((i, k, "kb"))
                    for m in range(i, k):
                        taken[m] = True
                break
    return out


# ---------------------------------------------------------------------- pronouns, nominals


NUMBERED = frozenset({"chapter", "volume", "part", "book", "act", "scene", "canto", "vol."})


def _numbered(doc: Doc, i: int) -> bool:
    """"CHAPTER I", "Volume I", "Part I": a Roman numeral, not the narrator."""
    return i > 0 and doc.tokens[i - 1].lower in NUMBERED and doc.tokens[i - 1].text[:1].isupper()  # (not "the part I liked")


def find_pronouns(doc: Doc, lex: Lexicon, in_quote: list[bool]) -> list[MentionCand]:
    out = []
    for t in doc.tokens:
        low = t.text.lower()
        info = lex.pronouns.get(low)
        if info is None or (low == "us" and t.text == "US"):
            continue
        if low == "i" and (t.text != "I" or _numbered(doc, t.i)):
            continue
        gender, number, person, role = info
        if t.dep:
            r = _role(t)
            role = "poss" if role == "poss" or r == "poss" else (r if r != "other" else role)
        out.append(
            MentionCand(
                start=t.start, end=t.end, t0=t.i, t1=t.i + 1, kind="pronoun", text=t.text, key=low,
                head=t.i, sent=t.sent, para=t.para, in_quote=in_quote[t.i],
                gender=None if gender == "any" else gender, number=number, person=person, role=role,
            )
        )
    return out


_AGENT_SUFFIXES = ("man", "men", "woman", "women", "ist", "ists", "ian", "ians", "eer", "eers")
_NOT_AGENTS = frozenset("german germans roman romans human humans amen omen omens specimen specimens abdomen "
                        "stamen list lists mist mists fist fists wrist wrists twist twists exist gist "
                        "christian christians asian asians italian italians indian indians russian russians "
                        "canadian canadians persian persians veteran career careers peer peers cheer cheers "
                        "deer steer sheer beer beers sneer sneers leer meridian guardian".split())


def _person_noun(lex: Lexicon, word: str) -> tuple | None:
    """A person noun: from the lexicon, or an agent noun by its suffix ("fisherman",
    "genealogist", "musician", "engineer"), singular or plural."""
    low = word.lower()
    info = lex.nominals.get(low)
    if info is not None:
        return info
    if len(low) > 5 and low.endswith(_AGENT_SUFFIXES) and low not in _NOT_AGENTS and low.isalpha():
        plural = low.endswith(("men", "ists", "ians", "eers"))
        gender = "female" if low.endswith(("woman", "women")) else ("male" if low.endswith(("man", "men")) and not low.endswith("woman") else "any")
        return (gender, "pl" if plural else "sg", None)
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if low.endswith(suffix) and low[: -len(suffix)] + repl in lex.nominals:
            g, _n, rel = lex.nominals[low[: -len(suffix)] + repl]
            return (g, "pl", rel)
    return None


def person_noun(word: str) -> bool:
    """Whether ``word`` names a kind of person ("man", "nurse", "fisherman")."""
    from .lexicon import lexicon

    return _person_noun(lexicon(), word) is not None


_ONE_DETS = frozenset({"no", "some", "any", "every"})
_ENDEARMENTS = frozenset({"dear", "dearest"})


def _ends_np(toks: Sequence[Token], i: int) -> bool:
    """The word closes its noun phrase (punctuation or a name follows, not a noun it modifies)."""
    if i + 1 >= len(toks):
        return True
    nxt = toks[i + 1]
    return not nxt.text[:1].isalnum() or (nxt.pos in ("PROPN", "") and nxt.text[:1].isupper())


def find_nominals(doc: Doc, lex: Lexicon, in_quote: list[bool], taken: set[int], subtrees: bool) -> list[MentionCand]:
    """Noun phrases headed by a person noun ("his mother", "the girl", "a man who ...")."""
    toks = doc.tokens
    edges = _subtree_edges(doc) if subtrees else None
    out = []
    for t in toks:
        info = _person_noun(lex, t.text)
        prev = toks[t.i - 1].text.lower() if t.i > 0 else ""
        if info is None and t.text.lower() == "one" and prev in _ONE_DETS:
            info = ("any", "sg", None)  # "no one", "some one"
        elif info is None and t.text.lower() in _ENDEARMENTS and prev == "my" and _ends_np(toks, t.i):
            info = ("any", "sg", None)  # "my dear", an address, not an adjective
        elif info is not None and t.pos and t.pos not in ("NOUN", "PROPN", "PRON"):
            continue
        if info is None or t.i in taken:
            continue
        if t.dep in ("compound", "amod") or (t.i + 1 < len(toks) and toks[t.i + 1].pos in ("NOUN", "PROPN") and toks[t.i + 1].dep == "compound"):
            continue
        gender, number, relation = info
        t0, t1 = _np_span(doc, t.i, edges)
        if t.text.lower() in INDEFINITE_PEOPLE or t.text.lower() in _ENDEARMENTS:
            t1 = t.i + 1  # "no one [in the bungalow]": LitBank's span stops at the head
        det = toks[t0].text.lower()
        possessor = next((k for k in range(t0, t.i) if toks[k].text.lower() in POSS_DETS or toks[k].text.lower() in ("'s", "\u2019s")), -1)
        if possessor >= 0 and toks[possessor].text.lower() in ("'s", "\u2019s"):
            possessor -= 1
        out.append(
            MentionCand(
                start=toks[t0].start, end=toks[t1 - 1].end, t0=t0, t1=t1, kind="nominal",
                text=doc.text[toks[t0].start : toks[t1 - 1].end], key=t.text.lower(), head=t.i,
                sent=t.sent, para=t.para, in_quote=in_quote[t.i],
                gender=None if gender == "any" else gender, number=number,
                role=_role(t) if t.dep else "other",
                # "Mum" said bare and capitalised is used as a name: the same mother each time
                definite=det in ("the", "this", "that") or possessor >= 0 or (t0 == t.i and relation is not None and t.text[:1].isupper()),
                possessor=possessor, relation=relation,
                vocative=t0 == t.i and _is_vocative(doc, t0, t1, in_quote),  # "Good evening, doctor."
                no_referent=_simile(toks, t.i) or t.text.lower() in _NO_ONE or (t.text.lower() == "one" and prev in ("no", "every", "any")),
            )
        )
    return out


_NO_ONE = frozenset({"nobody", "everybody", "everyone", "anybody", "anyone"})
_COMPARED = frozenset({"patience", "air", "look", "manner", "way", "confidence", "weariness", "resignation", "calm"})


def _simile(toks: Sequence[Token], i: int) -> bool:
    """"He didn't look like a man who'd slept", "with the patience of a man who had done
    this for years": an indefinite person noun in a comparison describes someone already
    there; it is a mention (LitBank marks it), but no one later pronouns can refer to."""
    det = next((toks[c].lower for c in range(max(0, i - 3), i) if toks[c].head == i and toks[c].dep == "det"), None)
    h = toks[i].head
    if det not in ("a", "an") or toks[i].dep != "pobj" or not 0 <= h < len(toks):
        return False
    return toks[h].lower in ("like", "as") or (toks[h].lower == "of" and 0 <= toks[h].head < len(toks) and toks[toks[h].head].lower in _COMPARED)


# children that are mentions of their own, not part of the noun phrase's span
_NP_EXCLUDE = frozenset({"appos", "conj", "cc", "punct", "case", "parataxis", "dep",
                         # a nominal that heads a copular clause ("Turkey was a short man")
                         "nsubj", "nsubjpass", "aux", "auxpass", "cop", "advcl", "mark", "ccomp", "expl",
                         # "all the company", "what a fool", "oh, mamma": outside LitBank's spans
                         "predet", "intj"})


def _np_span(doc: Doc, head: int, edges) -> tuple[int, int]:
    toks = doc.tokens
    if edges is not None:
        full, children = edges
        lo = hi = head
        for c in children[head]:
            if toks[c].dep in _NP_EXCLUDE:
                continue
            if toks[c].dep == "relcl" and full[c][0] > head and toks[full[c][0] - 1].text == ",":
                continue  # "a suitor, who periodically appears ...": a clause set off by a comma
            if toks[c].dep == "advmod" and c > head:
                continue  # "a child alone", "a child here"
            lo, hi = min(lo, full[c][0]), max(hi, full[c][1])
        while hi > head and (not toks[hi].text[:1].isalnum() or toks[hi].text.lower() in ("'s", "\u2019s")):
            hi -= 1
        while lo < head and not toks[lo].text[:1].isalnum() and toks[lo].text not in ("'",):
            lo += 1
        return lo, hi + 1
    # no parse: determiner/possessive/adjectives immediately before the head
    j = head
    sent_first = doc.sentences[toks[head].sent].first_token if toks[head].sent >= 0 else 0
    while j - 1 >= sent_first and (toks[j - 1].text.lower() in DETERMINERS | POSS_DETS or toks[j - 1].pos == "ADJ" or toks[j - 1].text.lower() in ("'s", "\u2019s")):
        j -= 1
        if toks[j].text.lower() in ("'s", "\u2019s") and j - 1 >= sent_first:
            j -= 1
    return j, head + 1


def _subtree_edges(doc: Doc) -> tuple[list[tuple[int, int]], list[list[int]]]:
    """(leftmost, rightmost) token of each token's subtree, and each token's children."""
    toks = doc.tokens
    lo = [t.i for t in toks]
    hi = [t.i for t in toks]
    # children are within the sentence; propagate extremes to ancestors, deepest first
    depth = [0] * len(toks)
    for t in toks:
        d, h, seen = 0, t.i, 0
        while toks[h].head != h and toks[h].head >= 0 and seen < 200:
            h = toks[h].head
            d += 1
            seen += 1
        depth[t.i] = d
    children: list[list[int]] = [[] for _ in toks]
    for i in sorted(range(len(toks)), key=lambda k: -depth[k]):
        h = toks[i].head
        if h >= 0 and h != i:
            lo[h] = min(lo[h], lo[i])
            hi[h] = max(hi[h], hi[i])
            children[h].append(i)
    return list(zip(lo, hi)), children
