"""What the text around a quotation says about its speaker: tags, beats, vocatives.

``DocIndex`` indexes a document once (paragraph of each mention, narration mentions per
paragraph, mentions inside each quotation) so that everything after is a linear walk.
``find_tag`` reads the narration next to a quotation for a speech verb and its subject
("said Clark", "Clark said", "Clark's voice called", "she mumbled"). ``vocatives`` finds
names used to address someone inside a quotation ("Lois, are you alright?").

Worked example: in ``"Not tonight," he breathed.`` the tag is ``breathed`` with subject
``he`` (a pronoun mention the characters stage resolved), so the quotation is attributed
to that character, ``anaphoric``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..coref.lexicon import INDEFINITE_PEOPLE, lexicon
from ..coref.mentions import person_noun
from ..model import Doc, Mention, Token
from ..tagging.text import FIRST_PERSON
from .detect import Found
from .lexicon import speech_verbs, thing_nouns, thought_verbs, written_nouns, written_verbs

TAG_WINDOW = 9  # tokens of narration read on each side of a quotation for a tag
SUBJECT_REACH = 4  # tokens between a speech verb and its subject in a tag
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves", "ya", "y'all"})
# what a speaker says before their own name ("I'm", "my name is"); OWN_NAME_RE is that alone,
# _SELF_ID_RE also an introduction that may name another ("It's Martha", "this is Jo") and a
# bare "name's" opening the line ("Name's Bond"; "his name's George" is someone else's)
_OWN_NAME = r"i'm|i\u2019m|i am|my name is|my name's|my name\u2019s"
OWN_NAME_RE = re.compile(rf"\b(?:{_OWN_NAME})\s+$", re.IGNORECASE)
_SELF_ID_RE = re.compile(rf"\b(?:it's|it is|it\u2019s|this is|{_OWN_NAME}"
                         r"|(?<![^\W\d_] )name's|(?<![^\W\d_] )name\u2019s)\s+$", re.IGNORECASE)
_SIGN_ON_RE = re.compile(r"[ \t]+(?:here|speaking|out)[ \t]*[.!,\u2014-]|[ \t]+to[ \t]+(?:the[ \t]+)?[A-Z]")
_SENTENCE_OPEN_RE = re.compile(r"(?:^|[.!?][ \t]+|[\"'\u201c\u2018\u2014][ \t]*)$")
SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Japanese honorifics fans keep on names ("Todoroki-kun", "Kakashi-sensei")
HONORIFIC_SUFFIX = re.compile(r"^-(?:kun|chan|san|sama|senpai|sensei|dono|kohai|nii|nee)\b", re.IGNORECASE)
VOICE_NOUNS = frozenset({"voice", "voices", "words", "tone", "reply", "answer", "lips", "mouth", "whisper", "cry", "shout"})
# ... of which only these speak for their owner: "a voice called" with no owner is a speaker
OWNED_VOICE = frozenset({"words", "tone", "reply", "answer", "lips", "mouth"})
# parts of a body that can do what a speech verb says ("his hands pointed", "her eyes pleaded")
# but never speak: the owner does, if anyone
BODY_NOUNS = frozenset({"hand", "hands", "arm", "arms", "eye", "eyes", "head", "face", "finger", "fingers", "shoulder",
                        "shoulders", "nose", "chin", "brow", "brows", "eyebrow", "eyebrows", "gaze", "hip", "hips",
                        "foot", "feet", "leg", "legs", "body", "heart", "gut", "expression", "smile", "grin", "smirk",
                        "frown", "jaw", "throat", "breath", "cheek", "cheeks", "posture"})
# things a voice comes out of: "said the phone" is said by whoever is on the line
DEVICE_NOUNS = frozenset({"phone", "telephone", "cellphone", "speakerphone", "radio", "intercom", "receiver", "line",
                          "comm", "comms", "communicator", "walkie", "walkie-talkie", "headset", "earpiece", "tannoy"})
SOMEONE = (INDEFINITE_PEOPLE - {"nobody"}) | {"another"}  # "said another": a speaker the tag alone names
NOMINAL_POS = ("NOUN", "PROPN", "ADJ")  # "said another private": the small tagger calls some nouns adjectives
INVERTED_DEPS = ("dobj", "attr", "npadvmod", "dep", "appos", "oprd")
NP_DEPS = ("det", "amod", "compound", "poss", "nummod", "nmod", "case")
# speech verbs whose object is the one spoken to ("she told him", "he asked Jo")
LISTENER_VERBS = frozenset(
    "tell ask answer assure warn remind inform beg urge order command greet thank promise advise interrupt address question call".split()
)
REFLEXIVES = frozenset({"himself", "herself", "myself", "themselves", "itself", "yourself", "ourselves", "oneself"})
LEADING_DETS = frozenset({"the", "a", "an", "another", "this", "that", "one"})


@dataclass(slots=True)
class Tag:
    verb: int  # token index of the speech verb
    base: str  # its base form ("mumble")
    subject: Mention | None  # the character mention that speaks, if found
    side: str  # "after" or "before" the quotation, or "above" it (a paragraph ending in a colon)
    kind: str = "speech"  # speech thought written
    listener: Mention | None = None  # who the tag says was spoken to ("said he to Temple")


@dataclass
class DocIndex:
    """Lookups built once per document; every query after is logarithmic or local."""

    doc: Doc
    quotes: list[Found]
    narrator: str | None = None  # the first-person narrator (the first, when POV lines hand it on)
    narrators: list[tuple[int, str | None]] = field(default_factory=list)  # (offset, narrator from there)
    para_starts: list[int] = field(default_factory=list)
    tok_starts: list[int] = field(default_factory=list)
    narration: dict[int, list[Mention]] = field(default_factory=dict)  # para -> mentions
    in_quote: dict[int, list[Mention]] = field(default_factory=dict)  # quote index -> mentions
    children: dict[int, list[int]] = field(default_factory=dict)  # head token -> dependents
    aliases: dict[str, str] = field(default_factory=dict)  # lower-cased name/alias -> character id
    extras: dict[str, tuple[str, str]] = field(default_factory=dict)  # phrase key -> (id, name)
    extra_mentions: list[Mention] = field(default_factory=list)
    genders: dict[str, str | None] = field(default_factory=dict)  # character id -> gender
    extra_genders: dict[str, str | None] = field(default_factory=dict)  # ... of the extras, by their phrase
    quoted_paras: set[int] = field(default_factory=set)  # paragraphs holding a quotation
    tag_spans: set[tuple[int, int]] = field(default_factory=set)  # mentions that were tag subjects
    quote_starts: list[int] = field(default_factory=list)
    calls: dict[int, str] = field(default_factory=dict)  # para -> who is on the phone there (attribute._phone_calls)
    mute: set[str] = field(default_factory=set)  # characters never candidates: machines, KB "speaks": false
    told: dict[int, str] = field(default_factory=dict)  # quote index -> whom its tag says it was said to

    @classmethod
    def build(cls, doc: Doc, quotes: list[Found], narrator: str | None | list[tuple[int, str | None]]) -> DocIndex:
        """``narrator``: the first-person narrator, or ``(offset, narrator)`` pairs for a story
        whose POV lines hand the "I" from one character to another."""
        narrators = narrator if isinstance(narrator, list) else [(0, narrator)] if narrator else []
        first = next((who for _, who in narrators if who), None)
        ix = cls(doc, quotes, first, narrators)
        ix.aliases = {a.lower(): c.id for c in doc.characters for a in (c.name, *c.aliases)}
        # a linked character's canon names the story has not used yet ('"Anthony," said Lady
        # Bridgerton': Violet's), where no other character of the story goes by them
        canon: dict[str, set[str]] = {}
        for c in doc.characters:
            entry = _kb_entry(c)
            for a in entry.names() if entry is not None else ():
                if " " in a:
                    canon.setdefault(a.lower(), set()).add(c.id)
        for a, ids in canon.items():
            if len(ids) == 1 and a not in ix.aliases:
                ix.aliases[a] = ids.pop()
        ix.genders = {c.id: c.gender for c in doc.characters}
        ix.quoted_paras = {p for q in quotes if q.kind != "other" for p in range(q.para, q.last_para + 1)}
        ix.para_starts = [p.start for p in doc.paragraphs]
        ix.tok_starts = [t.start for t in doc.tokens]
        qstarts = ix.quote_starts = [q.start for q in quotes]
        for m in sorted(doc.mentions, key=lambda m: m.start):
            qi = bisect.bisect_right(qstarts, m.start) - 1
            if qi >= 0 and m.start < quotes[qi].end and quotes[qi].kind != "other":
                ix.in_quote.setdefault(qi, []).append(m)
            else:
                ix.narration.setdefault(ix.para_of(m.start), []).append(m)
        for t in doc.tokens:
            if t.head >= 0 and t.head != t.i:
                ix.children.setdefault(t.head, []).append(t.i)
        return ix

    def narrator_at(self, offset: int) -> str | None:
        """Who "I" is in the narration at ``offset`` (None in a third-person story or section)."""
        k = bisect.bisect_right([at for at, _ in self.narrators], offset) - 1
        return self.narrators[max(0, k)][1] if self.narrators else None

    def speaker_phrase(self, head: int) -> Mention | None:
        """A speaker the characters stage did not list ("said the nurse", "asked Curtis"):
        an alias of a known character when it is one, else an extra character, the same
        one each time the phrase recurs in this document."""
        toks = self.doc.tokens
        if toks[head].lower in lexicon().pronouns:
            # "said I": the narrator; "cried she": a pronoun is no one's name
            me = self.narrator_at(toks[head].start) if toks[head].text in ("I", "i") else None
            if me:
                return Mention(toks[head].start, toks[head].end, me, "pronoun", "I", False)
            return None
        if toks[head].lower == "voice":
            for c in self.children.get(head, ()):
                if toks[c].dep == "poss" and not self.quoted(toks[c].start):
                    # '"Good evening." Her voice is thin and calm': whoever "her" is speaks
                    owner = self.mention_at_token(c, self.narration.get(toks[c].para, []))
                    if owner is not None or toks[c].lower in lexicon().pronouns:
                        return owner  # (a "her" nobody was found for is still no one new)
        lo = head
        for c in self.children.get(head, ()):
            if c < head and toks[c].dep in NP_DEPS and not self.quoted(toks[c].start):
                # (a parse joining the quotation to the tag must not make its words the name:
                # '"theres wine" childe said')
                lo = min(lo, c, *(g for g in self.children.get(c, ()) if g < c and not self.quoted(toks[g].start)))
        start, end = toks[lo].start, toks[head].end
        phrase = self.doc.text[start:end]
        words = phrase.lower().split()
        while len(words) > 1 and words[0] in LEADING_DETS:
            words = words[1:]
        key = " ".join(words)
        cid = self.aliases.get(key) or self.aliases.get(phrase.lower())
        if not cid and len(words[-1]) == 2 and words[-1].endswith(".") and self.aliases.get(key[:-1]):
            # '"Ryuzaki," says L.': the sentence's full stop went into the one-letter name
            key, phrase, end = key[:-1], phrase[:-1], end - 1
            cid = self.aliases[key]
        kind = "name" if toks[head].pos == "PROPN" else "nominal"
        if not cid:
            cid = self.extras.get(key, (None,))[0]
            if cid is None:
                base = re.sub(r"[^a-z0-9]+", "_", key).strip("_") or "speaker"
                cid, n = base, 2
                while cid in self.aliases.values() or any(cid == v[0] for v in self.extras.values()):
                    cid, n = f"{base}_{n}", n + 1
                self.extras[key] = (cid, phrase if kind == "name" else key)
                self.extra_genders[cid] = _phrase_gender(words, toks[head].lower)
        m = Mention(start, end, cid, kind, phrase, False)
        self.extra_mentions.append(m)
        return m

    def quoted(self, offset: int) -> bool:
        """Whether ``offset`` lies inside a quotation (any kind)."""
        k = bisect.bisect_right(self.quote_starts, offset) - 1
        return k >= 0 and offset < self.quotes[k].end

    def para_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, offset) - 1)

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect.bisect_left(self.tok_starts, offset)

    def mention_at_token(self, ti: int, mentions: list[Mention]) -> Mention | None:
        # the longest mention holding the token: "his lady" rather than "his"
        t = self.doc.tokens[ti]
        best = None
        for m in mentions:
            if m.start <= t.start < m.end and (best is None or m.end - m.start > best.end - best.start):
                best = m
        return best


def _window(ix: DocIndex, qi: int, side: str) -> list[int]:
    """Token indices of narration beside quotation ``qi`` in its paragraph, nearest first;
    ``side="above"``: the end of the paragraph before, when it closes with a colon and the
    quotation opens its own ("Then Nasty Roche had said:")."""
    doc, q = ix.doc, ix.quotes[qi]
    toks = doc.tokens
    out: list[int] = []
    if side == "after":
        para = doc.paragraphs[q.last_para]
        limit = ix.quotes[qi + 1].start if qi + 1 < len(ix.quotes) else para.end
        i = ix.token_at(q.end)
        while i < len(toks) and len(out) < TAG_WINDOW and toks[i].start < min(limit, para.end):
            out.append(i)
            if toks[i].text in (".", "!", "?") and len(out) > 1:
                break
            i += 1
        return _without_marks(toks, out)
    if side == "above":
        if q.para == 0 or doc.text[doc.paragraphs[q.para].start : q.start].strip():
            return []
        para = doc.paragraphs[q.para - 1]
        end = para.start + len(doc.text[para.start : para.end].rstrip())
        if not doc.text[para.start : end].endswith(":") or (qi > 0 and ix.quotes[qi - 1].end >= end):
            return []
    else:
        para, end = doc.paragraphs[q.para], q.start
    limit = max(ix.quotes[qi - 1].end if qi > 0 else para.start, para.start)
    i = ix.token_at(end) - 1
    while i >= 0 and len(out) < TAG_WINDOW and toks[i].start >= limit:
        if toks[i].text in (".", "!", "?") and out:
            break
        out.append(i)
        i -= 1
    return _without_marks(toks, out)


def _without_marks(toks: list[Token], out: list[int]) -> list[int]:
    return [i for i in out if toks[i].text not in ('"', "\u201c", "\u201d", "'", "\u2018", "\u2019")]


def _kb_entry(c):
    """The KB character a story character is linked to, if any."""
    if not getattr(c, "kb", None):
        return None
    from ..kb import load_kb

    return load_kb().character(c.kb)


def _subject(ix: DocIndex, verb: int, window: list[int], mentions: list[Mention]) -> Mention | None:
    toks = ix.doc.tokens
    head = toks[verb].head
    if ix.children and toks[verb].dep == "acl" and head == verb - 1 and toks[head].pos in NOMINAL_POS and not ix.quoted(toks[head].start):
        # '"Ten minutes!" a voice called from the hall': the parser hung the verb on the noun
        return ix.mention_at_token(head, mentions) or ix.speaker_phrase(head)
    if ix.children and 0 <= head < len(toks) and _relative_that(ix, verb):
        # "a sheet of paper taped to Jon's door that said": what the relative clause hangs
        # from said it, a person only if that is someone ("a man that said")
        m = ix.mention_at_token(head, mentions)
        if m is None and toks[head].pos in NOMINAL_POS and person_noun(toks[head].text):
            m = ix.speaker_phrase(head)
        return m
    if ix.children:
        # with a parse: the verb's nominal subject ("Clark said", "said the nurse")
        heads = [verb]
        h = verb
        for _ in range(3):
            # "Clark turned to Lois and said": the subject of "turned"; "Lois shrugged and
            # turned away, saying": the subject of the verb the participle hangs from
            own = any(toks[c].dep in SUBJECT_DEPS for c in ix.children.get(h, ()))
            if toks[h].dep not in ("conj", "advcl") or toks[h].head < 0 or (toks[h].dep == "advcl" and toks[h].tag != "VBG" and own):
                break  # "Bolin leaned toward Asami and stage-whispered" (advcl, no subject): Bolin's
            h = toks[h].head
            heads.append(h)
        for c in (c for h in heads for c in ix.children.get(h, ())):
            if ix.quoted(toks[c].start):
                continue  # a parse joining quotation and tag can make words said the subject
            if toks[c].dep not in SUBJECT_DEPS and not _inverted_subject(ix, verb, c):
                continue
            if toks[c].pos == "ADJ" and any(toks[g].pos in ("NOUN", "PROPN") for g in ix.children.get(c, ()) if g < c):
                # "said the man a little impatiently": the parser made "little" the subject
                m = _noun_after_verb(ix, verb, mentions)
                if m is not None:
                    return m
            if toks[c].pos == "PROPN" and toks[c].text[:1].islower():
                # "said Ron slowly": the parser took the adverb for a name, "Ron" its modifier
                kids = [g for g in ix.children.get(c, ()) if g < c and toks[g].dep == "compound"]
                if kids:
                    c = kids[-1]
            m = ix.mention_at_token(c, mentions)
            owner = [g for g in ix.children.get(c, ()) if toks[g].dep == "poss"]
            if m is None and (toks[c].lower in BODY_NOUNS or (
                    owner and toks[c].pos == "NOUN" and toks[c].lower not in VOICE_NOUNS and not person_noun(toks[c].text))):
                # "with his hands on his hips, pointed": a gesture, its owner's; so is "her
                # soul returned to her body": what someone has is no one new
                if not owner:
                    continue
                m = ix.mention_at_token(owner[0], mentions)
                if m is not None:
                    return m
                continue
            if m is None and toks[c].lower in VOICE_NOUNS:
                # "Clark's voice called", "cried the voice of John Reed": the owner speaks
                for g in ix.children.get(c, ()):
                    if toks[g].dep == "poss":
                        m = ix.mention_at_token(g, mentions)
                        if m is None and toks[g].pos == "PROPN":
                            m = ix.speaker_phrase(g)  # "Effie's voice carried": Effie, though unlisted
                    elif toks[g].dep == "prep" and toks[g].lower == "of":
                        for o in ix.children.get(g, ()):
                            if toks[o].dep == "pobj":
                                m = ix.mention_at_token(o, mentions) or m
            if toks[c].lower in written_nouns():
                return None  # "the sign said": written, nobody speaks
            if (toks[c].lower in DEVICE_NOUNS or toks[c].lower in thing_nouns()) \
                    and not any(toks[g].dep == "poss" for g in ix.children.get(c, ())):
                # "said the phone": whoever is on the line, as if untagged; "said the car",
                # "roared the desk": whoever is under or behind it
                return None
            if m is None and (toks[c].pos in NOMINAL_POS or toks[c].lower in SOMEONE) and toks[c].lower not in OWNED_VOICE:
                m = ix.speaker_phrase(c)  # "said the nurse", "cried a voice", "said another"
            if m is not None:
                return m
        m = _noun_after_verb(ix, verb, mentions)
        if m is not None:
            return m
    # without one: the nearest mention within reach, preferring "X said" over "said X"
    best, best_d = None, SUBJECT_REACH + 1
    for ti in window:
        d = abs(ti - verb)
        if d == 0 or d > SUBJECT_REACH:
            continue
        m = ix.mention_at_token(ti, mentions)
        if m is None:
            continue
        d2 = d + (0.5 if ti > verb else 0)
        if d2 < best_d:
            best, best_d = m, d2
    return best


def _noun_after_verb(ix: DocIndex, verb: int, mentions: list[Mention], skip: int = 0) -> Mention | None:
    """"...," said the indignant cook, who ...: when the parse attached the noun phrase
    elsewhere, the noun phrase right after a speech verb that follows a quotation (and
    after its particle, ``skip`` tokens: "put in Jo")."""
    toks = ix.doc.tokens
    if not _follows_quote(ix, verb):
        return None
    last = -1
    for c in range(verb + 1 + skip, min(len(toks), verb + 6 + skip)):
        t = toks[c]
        if t.pos in ("NOUN", "PROPN") or t.lower in SOMEONE:
            last = c
        elif last >= 0 or t.pos not in ("DET", "ADJ", "NUM"):
            break
    if last < 0 or toks[last].lower in OWNED_VOICE or toks[last].lower in written_nouns():
        return None
    return ix.mention_at_token(last, mentions) or ix.speaker_phrase(last)


def _follows_quote(ix: DocIndex, verb: int) -> bool:
    """The speech verb comes right after a quotation (", said ..." / "!" cried ...)."""
    toks = ix.doc.tokens
    j = verb - 1
    while j >= 0 and toks[j].text in (",", "!", "?", "--", "\u2014", "-"):
        j -= 1
    return j >= 0 and ix.quoted(toks[j].start)


def _inverted_subject(ix: DocIndex, verb: int, c: int) -> bool:
    """"...," replied the leader / said I: the small parser often calls a subject that
    follows its speech verb an object. Taken as the subject when it comes right after the
    verb, the verb right after a quotation."""
    toks = ix.doc.tokens
    return 0 < c - verb <= 3 and toks[c].dep in INVERTED_DEPS and _follows_quote(ix, verb)


def _leads_into_quote(ix: DocIndex, ti: int, start: int) -> bool:
    """Only punctuation between token ``ti`` and the quotation at ``start``: "turned to his
    son, saying, '...'" / "rose to her feet, exclaiming: '...'"."""
    toks = ix.doc.tokens
    j = ti + 1
    while j < len(toks) and toks[j].start < start and toks[j].text in (",", ":", "\u2014", "--", "-"):
        j += 1
    return j >= len(toks) or toks[j].start >= start or ix.quoted(toks[j].start)


def _voice_verb(ix: DocIndex, ti: int) -> bool:
    """Any verb whose subject is someone's voice tags speech: "Mycroft's voice crackled from
    the speaker", "her voice came out small"."""
    toks = ix.doc.tokens
    if toks[ti].pos not in ("VERB", "AUX"):
        return False
    for c in ix.children.get(ti, ()):
        if toks[c].dep in ("nsubj", "nsubjpass") and toks[c].lower in ("voice", "whisper"):
            return any(toks[g].dep == "poss" or (toks[g].dep == "prep" and toks[g].lower == "of") for g in ix.children.get(c, ()))
    return False


def _not_a_tag_verb(ix: DocIndex, ti: int) -> bool:
    """A speech word that does not tag anything: a noun ("examined the writing"), a bare
    gerund ("I could not help laughing"; "was saying", with its auxiliary, still tags), a
    clause that only times the sentence ("before Holt finished"), a relative clause about a
    thing ("a look that promises revenge")."""
    t = ix.doc.tokens[ti]
    if t.pos == "NOUN":
        toks = ix.doc.tokens
        # '"...," Yor offers': a present-tense tag the parser read as a plural noun after a name
        return not (ti >= 2 and t.text.endswith("s") and toks[ti - 1].text[:1].isupper()
                    and toks[ti - 2].text in ('"', "\u201d", "'", "\u2019"))
    if t.dep == "advcl" and any(ix.doc.tokens[c].dep == "mark" and ix.doc.tokens[c].lower in ADVERBIAL_MARKS for c in ix.children.get(ti, ())):
        # "Amy had her pad out before Holt even finished": when, not who speaks; "told him
        # as if he couldn't read", "held like she was thinking": how, not who speaks
        return True
    if _compares(ix, ti):
        return True  # "with as much dignity as a person could manage": no one speaks
    if _relative_that(ix, ti):
        return True  # "shooting Zeb a look that promises revenge": the look promises, nobody speaks
    if _reports(ix, ti):
        return True
    return t.tag == "VBG" and not any(ix.doc.tokens[c].dep in ("aux", "auxpass") for c in ix.children.get(ti, ()))


def _reports(ix: DocIndex, ti: int) -> bool:
    """Speech the narration reports in its own words: "she broke off to observe that Aunt March
    had then said what she thought of it" says what was said but tags no quotation: a speech
    verb whose object is a clause of the narration's ("said what she thought", "said that it
    was late") or that is itself a "that" clause."""
    toks = ix.doc.tokens
    kids = ix.children.get(ti, ())
    for c in kids:
        if ix.quoted(toks[c].start):
            continue  # the quotation itself, hung on its tag
        if toks[c].dep == "dobj" and toks[c].tag in ("WP", "WDT"):
            return True
        if toks[c].dep == "ccomp" and any(toks[k].dep == "mark" and toks[k].lower == "that" for k in ix.children.get(c, ())):
            return True
    return toks[ti].dep == "ccomp" and any(toks[c].dep == "mark" and toks[c].lower == "that" for c in kids)


TIME_MARKS = frozenset({"before", "after", "until", "till", "since", "once"})
MANNER_MARKS = frozenset({"like", "if", "though"})  # "like ...", "as if ...", "as though ..."
ADVERBIAL_MARKS = TIME_MARKS | MANNER_MARKS


def _writes_something_else(ix: DocIndex, ti: int, q: Found) -> bool:
    """'"... Nobody invites vasculitis to prom." House wrote it on the board anyway': a
    writing verb in a sentence of its own after a finished line, with an object of its own,
    is something done while talking, not the line written down ('"Keep out," he wrote')."""
    toks = ix.doc.tokens
    end = ix.doc.text[q.start : q.end].rstrip("\"'\u201d\u2019 ")
    if not end.endswith((".", "!", "?", "\u2026")):
        return False
    return any(toks[c].dep in ("dobj", "obj") for c in ix.children.get(ti, ()))


def _compares(ix: DocIndex, ti: int) -> bool:
    """The verb of a comparison: "louder than she had ever shouted", "as much ... as anyone
    could manage" (an "as" that marks it after an "as" modifying a word before)."""
    toks = ix.doc.tokens
    marks = [toks[c].lower for c in ix.children.get(ti, ()) if toks[c].dep == "mark"]
    if "than" in marks:
        return True
    if "as" not in marks:
        return False
    j = ti - 1
    while j >= 0 and toks[j].text not in (".", "!", "?", "\u201c", '"') and not ix.quoted(toks[j].start):
        if toks[j].lower == "as" and toks[j].dep == "advmod":
            return True
        j -= 1
    return False


def _thing_that_says(ix: DocIndex, verb: int) -> bool:
    """"a piece of cardboard underneath that says "NO REFUNDS"": a relative clause on a thing
    (no person noun, no one's mention) says what is written on it."""
    toks = ix.doc.tokens
    h = toks[verb].head
    return 0 <= h < len(toks) and toks[h].pos == "NOUN" and not person_noun(toks[h].text) and _relative_that(ix, verb)


def _under_relative(ix: DocIndex, verb: int) -> bool:
    """Whether ``verb`` hangs inside a relative clause headed by another verb ("in the tone
    that had once made a centurion apologize"): it describes a noun."""
    toks = ix.doc.tokens
    h, seen = toks[verb].head, 0
    while 0 <= h < len(toks) and toks[h].head != h and seen < 12:
        if toks[h].dep == "relcl":
            return True
        h, seen = toks[h].head, seen + 1
    return False


def _ends_before(ix: DocIndex, ti: int, start: int) -> bool:
    """Whether a sentence ends between token ``ti`` and offset ``start`` (so the words at
    ``ti`` do not run into the quotation there, as "to hear the Rabbit say, '...'" does)."""
    toks = ix.doc.tokens
    j = ti + 1
    while j < len(toks) and toks[j].start < start:
        if toks[j].text in (".", "!", "?") and not ix.quoted(toks[j].start):
            return True
        j += 1
    return False


def _relative_that(ix: DocIndex, verb: int) -> bool:
    """Whether ``verb`` heads a relative clause whose subject is "that" or "which" ("a look
    that promises revenge", "a sign that said")."""
    toks = ix.doc.tokens
    return toks[verb].dep == "relcl" and any(
        toks[c].dep in SUBJECT_DEPS and toks[c].lower in ("that", "which") for c in ix.children.get(verb, ()))


def _it_names_writing(ix: DocIndex, verb: int, para: int) -> bool:
    """"It said" where the paragraph is about a sign, a note, a screen."""
    toks = ix.doc.tokens
    if verb == 0 or toks[verb - 1].lower not in ("it", "which"):
        return False
    p = ix.doc.paragraphs[para]
    return any(t.lower in written_nouns() for t in toks[p.first_token : p.last_token])


def _sender(ix: DocIndex, window: list[int], mentions: list[Mention]) -> Mention | None:
    """"a text from Clark:" -> Clark wrote it."""
    toks = ix.doc.tokens
    for ti in window:
        if toks[ti].lower == "from" and ti + 1 < len(toks):
            m = ix.mention_at_token(ti + 1, mentions)
            if m is not None:
                return m
    return None


def _listener(ix: DocIndex, verb: int, subject: Mention | None, mentions: list[Mention]) -> Mention | None:
    """Who a speech tag says the words went to: "said he to Temple", "she told him" --
    someone other than the speaker. Not "to himself", and not an inverted subject the
    parser took for an object ("asked Holmes")."""
    toks = ix.doc.tokens
    near = list(ix.children.get(verb, ()))
    # "said Lana to Clark": the parser may hang the "to" on the inverted subject
    near += [g for c in near if toks[c].dep in SUBJECT_DEPS and c > verb for g in ix.children.get(c, ())]
    for c in near:
        if ix.quoted(toks[c].start):
            continue
        obj = None
        if toks[c].dep == "prep" and toks[c].lower == "to":
            obj = next((o for o in ix.children.get(c, ()) if toks[o].dep == "pobj"), None)
        elif toks[c].dep in ("dobj", "dative") and c > verb and subject is not None and subject.end <= toks[verb].start:
            obj = c if toks[verb].lemma in LISTENER_VERBS else None
        if obj is None or toks[obj].lower in REFLEXIVES:
            continue
        m = ix.mention_at_token(obj, mentions)
        if m is not None and (subject is None or (m.start, m.end) != (subject.start, subject.end)):
            return m
    return None


def find_tag(ix: DocIndex, qi: int) -> Tag | None:
    """The speech tag beside quotation ``qi``: after it first ("..." she said), then before."""
    speech, thought = speech_verbs(), thought_verbs()
    wverbs, wnouns = written_verbs(), written_nouns()
    doc = ix.doc
    q = ix.quotes[qi]
    for side in ("after", "before", "above"):
        window = _window(ix, qi, side)
        if not window:
            continue
        para = q.last_para if side == "after" else q.para if side == "before" else q.para - 1
        lo, hi = doc.tokens[min(window)].start, doc.tokens[max(window)].end
        mentions = [m for m in ix.narration.get(para, ()) if lo <= m.start < hi]
        for ti in window:
            w = doc.tokens[ti].text.lower()
            phrasal = ti + 1 < len(doc.tokens) and f"{w}_{doc.tokens[ti + 1].lower}" in speech
            if phrasal:
                w = f"{w}_{doc.tokens[ti + 1].lower}"  # "she went on", "put in Jo"
            if w not in speech and w not in thought and w not in wverbs and not _voice_verb(ix, ti):
                continue
            if _not_a_tag_verb(ix, ti) and not (side != "after" and _leads_into_quote(ix, ti, q.start)):
                continue
            if side == "after" and w in wverbs and w not in speech and _writes_something_else(ix, ti, q):
                continue
            if _under_relative(ix, ti) and (side == "after" or _ends_before(ix, ti, q.start)):
                continue  # "in the tone that had once made a Roman centurion apologize." "..."
            subj = _subject(ix, ti, window, mentions)
            if subj is None and phrasal:
                subj = _noun_after_verb(ix, ti, mentions, skip=1)  # the parser made "Jo" the particle's object
            words = {doc.tokens[j].text.lower() for j in window}
            if w in thought:
                kind = "thought"
            elif w in wverbs or (subj is None and (words & wnouns or _it_names_writing(ix, ti, para) or _thing_that_says(ix, ti))):
                kind = "written"  # "she texted", "the sign said", "It said" after a sign
            else:
                kind = "speech"
            if kind == "written" and subj is None:
                subj = _sender(ix, window, mentions)
            return Tag(ti, speech.get(w) or thought.get(w, w), subj, side, kind, _listener(ix, ti, subj, mentions))
        # a colon after a written thing: 'The sign said: "..."' is caught above; 'A note: "..."'
        if side != "after" and {doc.tokens[j].text.lower() for j in window} & wnouns and doc.tokens[window[0]].text == ":":
            return Tag(window[0], ":", _sender(ix, window, mentions), side, "written")
    return None


def vocatives(ix: DocIndex, qi: int) -> list[Mention]:
    """Name mentions inside quotation ``qi`` used to address someone ("Lois, ..." / "..., Lana."),
    and a name drawn out as it is shouted ('"ISAGIIIII."', '"Deaaan!"')."""
    text = ix.doc.text
    q = ix.quotes[qi]
    out = []
    for m in [*ix.in_quote.get(qi, ()), *_drawn_out_names(ix, qi)]:
        if m.kind not in ("name", "alias", "nominal"):
            continue
        # "my dear Watson" may come as the mention "dear Watson": what opens it is before the name
        lead = re.match(r"(?:[a-z]+\s+)*(?=[A-Z])|", text[m.start : m.end]).end()
        before = text[q.start : m.start + lead].rstrip()
        after = HONORIFIC_SUFFIX.sub("", text[m.end : q.end]).lstrip()  # "Todoroki-kun!"
        opened = len(before) <= 1 or before[-1] in ",.!?\u2026\u2014" or before.lower().endswith(("hey", "oh", "hi", "thanks", "yes", "no", "dear", "my dear"))
        closed = (after[:1] in (",", "!", "?", ".", "\u2026", "\u2014") or len(after) <= 1)
        if opened and closed and not _in_a_list(text, q.start, q.end, m) and not _names_an_answer(ix, qi, m):
            out.append(m)
    return out


_WH_QUESTION = re.compile(r"\b(?:who|whom|whose|what|which)\b[^.!]*\?", re.IGNORECASE)


def _names_an_answer(ix: DocIndex, qi: int, m: Mention) -> bool:
    """'"What is his name?"' / '"Bingley."': a quotation that is only a name and a full stop,
    after a line in an earlier paragraph that asks who or what, answers it; it calls nobody."""
    text = ix.doc.text
    q = ix.quotes[qi]
    if qi == 0 or text[q.start : q.end].strip(" \"'\u201c\u201d\u2018\u2019") != text[m.start : m.end] + ".":
        return False
    prev = ix.quotes[qi - 1]
    return prev.last_para < q.para and bool(_WH_QUESTION.search(text[prev.start : prev.end]))


_DRAWN_OUT = re.compile(r"\b[^\W\d_]*([^\W\d_])\1{2,}[^\W\d_]*\b")


def _drawn_out_names(ix: DocIndex, qi: int) -> list[Mention]:
    """Words of quotation ``qi`` with a letter held three times or more that, held once or
    twice, are a character's name or alias ("ISAGIIIII" is Isagi, "Deaaan" Dean)."""
    text = ix.doc.text
    q = ix.quotes[qi]
    out = []
    for w in _DRAWN_OUT.finditer(text, q.start, q.end):
        for n in (1, 2):
            cid = ix.aliases.get(re.sub(r"([^\W\d_])\1{2,}", r"\1" * n, w.group()).lower())
            if cid:
                out.append(Mention(w.start(), w.end(), cid, "name", w.group(), True))
                break
    return out


_FRAGMENT = re.compile(r"[^.!?\u2026]+[.!?\u2026]*")
_ONE_WORD = re.compile(r"^[\"'\u201c\u2018\s]*[A-Z][\w'\u2019-]*[.!?\u2026,]*[\"'\u201d\u2019\s]*$")


def _in_a_list(text: str, start: int, end: int, m: Mention) -> bool:
    """'"... all did their best work in silence. Einstein. Gandhi. Mimes."': a name standing
    as a one-word sentence among at least two more is an item of a list, not someone called
    ("Dwight. Buddy. What's with the whistle?" still calls Dwight)."""
    frags = [(f.start() + start, f.end() + start, f.group()) for f in _FRAGMENT.finditer(text[start:end])]
    k = next((i for i, (s, e, _) in enumerate(frags) if s <= m.start < e), None)
    if k is None or not _ONE_WORD.match(frags[k][2]):
        return False
    lo = hi = k
    while lo > 0 and _ONE_WORD.match(frags[lo - 1][2]):
        lo -= 1
    while hi + 1 < len(frags) and _ONE_WORD.match(frags[hi + 1][2]):
        hi += 1
    return hi - lo >= 2


def self_identified(ix: DocIndex, qi: int) -> str | None:
    """The character a speaker names as themself: "Lois? It's Martha." -> Martha."""
    text = ix.doc.text
    q = ix.quotes[qi]
    for m in ix.in_quote.get(qi, ()):
        if m.kind not in ("name", "alias"):
            continue
        if _SELF_ID_RE.search(text[max(q.start, m.start - 14) : m.start]):
            return m.character
        # on a radio or an intercom: "Scott here.", "Kirk to Engineering.", "... Scott out."
        if _SIGN_ON_RE.match(text, m.end) and _SENTENCE_OPEN_RE.search(text[max(q.start, m.start - 4) : m.start]):
            return m.character
        # '"Tell us your name!"' / '"Pip, sir."': a name opening the answer to a question
        # about one is the speaker's own
        if len(text[q.start : m.start].strip()) <= 1 and qi > 0 and ix.quotes[qi - 1].last_para < q.para:
            asked = ix.quotes[qi - 1].last_para
            if any(_ASKS_NAME_RE.search(text[p.start : p.end]) for p in ix.quotes[max(0, qi - 4) : qi] if p.last_para == asked):
                return m.character
    return None


_ASKS_NAME_RE = re.compile(r"\b(?:your|thy|ur)\s+name\b[^.]*[?!]|\bwho\s+(?:are|r)\s+(?:you|u)\b[^.]*\?", re.IGNORECASE)


def first_person_in(tokens: list[Token], ix: DocIndex, qi: int) -> list[Token]:
    q = ix.quotes[qi]
    i = ix.token_at(q.start)
    out = []
    while i < len(tokens) and tokens[i].start < q.end:
        if tokens[i].text.lower() in FIRST_PERSON:
            out.append(tokens[i])
        i += 1
    return out


def _phrase_gender(words: list[str], head: str) -> str | None:
    """"the old woman" -> female, "his lordship" -> male, "Mrs. Hale" -> female, from the
    coreference lexicon's nouns, honorifics and given names; None when it does not say."""
    lex = lexicon()
    noun = lex.nominals.get(head)
    if noun and noun[0] in ("male", "female"):
        return noun[0]
    first = words[0].rstrip(".") if words else ""
    hon = lex.honorifics.get(first)
    if hon:
        return hon
    return lex.name_gender(first) if first else None
