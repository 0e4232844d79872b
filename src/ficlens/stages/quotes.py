"""The ``quotes`` stage: every quotation, its speaker, addressee, kind and confidence.

Two halves, as ARCHITECTURE.md asks of quotes and coreference:

1. predict: find quotations (``quotes.detect``), rank candidate speakers for each one with
   the shipped model (``quotes.attribute``), pick addressees;
2. set: write ``doc.quotes``; then feed coreference back: I/me/my inside a quotation become
   mentions of its speaker and you/your of its addressee, a first-person narrator known only
   by the name others call them in dialogue takes that name, and each character's
   ``quotes`` and ``mentions`` counts are brought up to date.

It stands on the ``characters`` stage's characters and mentions; when a document has none
(that stage absent or failed) a thin stand-in (``quotes.fallback``) provides them.
"""

from __future__ import annotations

from ..coref.lexicon import lexicon
from ..model import Character, Doc, Mention, Quote
from ..quotes.attribute import Choice, QuoteAttributor, addressees, arrives_next
from ..quotes.candidates import FIRST_PERSON, SECOND_PERSON, self_identified, vocatives
from ..quotes.detect import Found, find_quotations
from ..quotes.fallback import thin_characters
from ..quotes.ranker import Ranker
from ..tagging.pov import is_anonymous, narrator_from_dialogue
from ..tagging.text import dialogue, pov_line_narrators, talked_about

GENERIC_NARRATOR_NAMES = frozenset({"narrator", "i", "me", "the narrator"})


class QuotesStage:
    name = "quotes"
    # characters and mentions are read when an earlier stage made them (``ORDER`` puts
    # ``characters`` first) but not required: without them the thin stand-in is used, so
    # ``--stages quotes`` alone, or a failed characters stage, still yields quotations
    requires = ("tokens", "sentences", "paragraphs")
    reads = ("characters", "mentions")
    assigns = ("quotes",)

    def __init__(self, ranker: Ranker | None = None):
        self.attributor = QuoteAttributor(ranker)

    def __call__(self, doc: Doc) -> Doc:
        found = find_quotations(doc.text, [(p.start, p.end) for p in doc.paragraphs], doc.work.emphasis)
        if not doc.characters:
            doc.characters, doc.mentions = thin_characters(doc, [(f.start, f.end) for f in found if f.kind != "other"])
        narrators = find_narrators(doc, found)
        narrator = narrators[0][1] if len(narrators) == 1 else None
        choices, ix = self.attributor.attribute(doc, found, narrators)
        add_tag_speakers(doc, ix)
        merged = name_described_speakers(doc, found, choices, ix)
        merged = described_speakers_name_themselves(doc, choices, ix) or merged
        if narrator:
            merged = narrator_called(doc, found, choices, narrator) or merged
            # (then walk again: a "she" the characters stage gave the one who turns out to be
            # the narrator is someone else's, and the narrator's lines are read as "I"'s)
            merged = name_narrator_from_dialogue(doc, found, choices, narrator) or merged
        merged = name_voices(doc, found, choices, ix) or merged
        if merged:
            choices, ix = self.attributor.attribute(doc, found, narrators)  # with the merged cast
            add_tag_speakers(doc, ix)
            name_voices(doc, found, choices, ix)  # a voice that speaks again: this line only
        addr = addressees(choices, found, ix)
        doc.quotes = [
            Quote(f.start, f.end, c.speaker, a, c.kind, c.attribution, round(c.confidence, 4), f.para)
            for f, c, a in zip(found, choices, addr)
        ]
        if narrator:
            narrator_named_by_others(doc, narrator)
        kin_by_title(doc)
        add_dialogue_mentions(doc)
        recount(doc)
        return doc


def create(**config) -> QuotesStage:
    return QuotesStage(**config)


def add_tag_speakers(doc: Doc, ix) -> None:
    """Characters for speakers named only in tags ("said the nurse"), with those mentions."""
    have = {c.id for c in doc.characters}
    for cid, name in ix.extras.values():
        if cid not in have:
            gender = ix.extra_genders.get(cid) or "unknown"
            doc.characters.append(Character(cid, name, {name: 1}, gender=gender, present=True))
            have.add(cid)
    seen = {(m.start, m.end) for m in doc.mentions}
    for m in ix.extra_mentions:
        if (m.start, m.end) not in seen:
            doc.mentions.append(m)
            seen.add((m.start, m.end))
    doc.mentions.sort(key=lambda m: (m.start, m.end))


def find_narrator(doc: Doc, found: list[Found]) -> str | None:
    """The first-person narrator: the POV stage's answer, else the character most often "I"
    in the narration (at least three times); in a story told in the second person, the
    character the narration's "you" is (at least ``SECOND_PERSON_MIN`` times, and never "I")."""
    if doc.pov.narrator:
        return doc.pov.narrator
    import bisect

    starts = [f.start for f in found]
    counts: dict[str, int] = {}
    yours: dict[str, int] = {}
    for m in doc.mentions:
        word = doc.text[m.start : m.end].lower()
        if word not in FIRST_PERSON and word not in SECOND_PERSON:
            continue
        k = bisect.bisect_right(starts, m.start) - 1
        if k >= 0 and m.start < found[k].end:
            continue
        tally = counts if word in FIRST_PERSON else yours
        tally[m.character] = tally.get(m.character, 0) + 1
    if counts:
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] >= 3 else None
    if yours:
        best = max(yours, key=yours.__getitem__)
        # (a narrator telling the reader "you may imagine" says it a few times a chapter)
        return best if yours[best] >= max(SECOND_PERSON_MIN, len(doc.tokens) * SECOND_PERSON_RATE) else None
    return None


# narration "you"s that make a second-person story's protagonist its narrator: LitBank's
# third-person novels address the reader 5 to 13 times in 2,000 words, stories told in the
# second person say "you" 45 to 60 times in 1,400
SECOND_PERSON_MIN = 10
SECOND_PERSON_RATE = 1 / 50


def find_narrators(doc: Doc, found: list[Found]) -> list[tuple[int, str | None]]:
    """``(offset, narrator)`` from where each first-person narrator takes over: one for most
    stories (``find_narrator``); where POV lines hand the story from one "I" to another
    ("Annabeth POV" ... "Percy POV"), each section's own (``pov_line_narrators``)."""
    handed = pov_line_narrators(doc)
    if handed:
        return handed
    one = find_narrator(doc, found)
    return [(0, one)] if one else []


def name_narrator_from_dialogue(doc: Doc, found: list[Found], choices: list[Choice], narrator: str) -> bool:
    """"Thanks, Lana," said to an unnamed narrator: the narrator is Lana. True when named.

    Only when the narrator has no name yet (no name/alias mentions) and the vocative's
    character never appears in the narration (so it is not someone else on the page).
    """
    nar = doc.character(narrator)
    if nar is None or _named(doc, narrator):
        return False
    votes = _calling_narrator(doc, found, choices, narrator)
    if not votes:
        return False
    named = max(votes, key=votes.__getitem__)
    other = doc.character(named)
    if other is None:
        return False
    _narrator_is(doc, narrator, named)
    return True


def _narrator_is(doc: Doc, narrator: str, named: str) -> None:
    """The unnamed narrator was character ``named`` all along: it takes that name (and the
    gender, KB link and fandom it lacks) and absorbs the character."""
    nar, other = doc.character(narrator), doc.character(named)
    nar.name = other.name
    nar.gender = nar.gender if nar.gender not in (None, "unknown") else other.gender
    nar.kb, nar.fandom = nar.kb or other.kb, nar.fandom or other.fandom
    absorb(doc, narrator, named)


NAMED_BY_OTHERS = 0.6  # confidence of the POV reading of who an unnamed narrator is, to merge


def narrator_named_by_others(doc: Doc, narrator: str) -> bool:
    """A narrator still unnamed after the quotes are attributed ("Bella says you're going to
    Port Angeles", said to Edward, made Bella someone talked about, so the votes above passed
    her over) is the character the POV reading of the dialogue finds: called by name by the
    others, never named by the narration, nor talked about to the narrator's face. Merges that
    character into the narrator; True when merged."""
    if not is_anonymous(doc, narrator):
        return False
    named, conf = narrator_from_dialogue(doc, dialogue(doc), exclude=narrator)
    other = doc.character(named) if named else None
    if other is None or conf < NAMED_BY_OTHERS or any(q.speaker == named for q in doc.quotes) \
            or _someone_elses_name(doc, named, narrator) or _a_title(doc, named):
        return False
    _narrator_is(doc, narrator, named)
    return True


def narrator_called(doc: Doc, found: list[Found], choices: list[Choice], narrator: str) -> bool:
    """'"You're early, Mr. Dorsey."' ... '"I was home, Cal. May I call you Cal?"': a name the
    narrator's company calls them by, that is nobody else's (only ever said as a vocative,
    never in the narration, never speaking), is one more name of the narrator's. Merges;
    True when any merged."""
    nar = doc.character(narrator)
    if nar is None or not _named(doc, narrator):
        return False  # an unnamed narrator is named from dialogue later (name_narrator_from_dialogue)
    speakers = {c.speaker for c in choices if c.speaker}
    merged = False
    for v in sorted(_calling_narrator(doc, found, choices, narrator)):
        other = doc.character(v)
        if other is not None and v not in speakers and not other.kb and not _clash(nar, other):
            absorb(doc, narrator, v)
            merged = True
    return merged


def _calling_narrator(doc: Doc, found: list[Found], choices: list[Choice], narrator: str) -> dict[str, int]:
    """Votes for the names others call out in the conversations the narrator speaks in, of
    characters the narration never names (a pronoun there may be misresolved: "His shoulders
    climb" after "Get OUT, Deku." is not the narrator's) and the dialogue never talks about
    ("Bea was his wife": someone else, though a sleeper calls the nurse so)."""
    in_narration = _on_the_page(doc, sorted((f.start, f.end) for f in found if f.kind != "other"))
    about = talked_about(doc)
    spoke = {c.conv for c in choices if c.speaker == narrator}
    votes: dict[str, int] = {}
    for c in choices:
        if c.speaker and c.speaker != narrator and c.conv in spoke:
            for v in c.vocatives:
                if v != c.speaker and v not in in_narration and v not in about:
                    votes[v] = votes.get(v, 0) + 1
    return {v: n for v, n in votes.items() if not _someone_elses_name(doc, v, narrator) and not _a_title(doc, v)}


def _a_title(doc: Doc, cid: str) -> bool:
    """Whether character ``cid`` is named by a title or role alone ("Captain", "Doctor"):
    what the others call the narrator then is their rank, not who they are (a kin word,
    "Papa", still says who the narrator is to the one calling)."""
    c = doc.character(cid)
    low = c.name.lower().rstrip(".") if c else ""
    lex = lexicon()
    if lex.nominals.get(low, (None, None, None))[2] in KIN_RELATIONS:
        return False
    return low in lex.honorifics or low in lex.nominals


KIN_RELATIONS = frozenset({"parent", "child", "sibling", "spouse", "relative", "cousin"})


def _someone_elses_name(doc: Doc, cid: str, narrator: str) -> bool:
    """Whether character ``cid`` goes by a name of another KB character in the story:
    '"..., James."' is Bucky Barnes (James Buchanan Barnes), not the narrator."""
    from ..kb import load_kb

    c = doc.character(cid)
    if c is None or c.kb:
        return False
    kb = load_kb()
    for other in doc.characters:
        k = kb.character(other.kb) if other.kb and other.id not in (narrator, cid) else None
        if k is not None and c.name.lower() in {w.lower() for n in k.names() for w in (n, *n.split())}:
            return True
    return False


def _on_the_page(doc: Doc, spans: list[tuple[int, int]]) -> set[str]:
    """Characters the narration shows as someone beside the narrator: named there twice, or
    named and then a "he" or "she" there. One mention alone is not enough: a first-person
    narrator may name their own public face ("the sort of thing Dr. Loid Forger says")."""
    names: dict[str, int] = {}
    third = set()
    for m in doc.mentions:
        if m.in_quote or _inside(spans, m.start):
            continue
        if m.kind in ("name", "alias"):
            names[m.character] = names.get(m.character, 0) + 1
        elif m.kind == "pronoun" and m.text.lower() not in FIRST_PERSON and m.text.lower() not in SECOND_PERSON:
            third.add(m.character)
    return {c for c, n in names.items() if n >= 2 or c in third}


def name_described_speakers(doc: Doc, found: list[Found], choices: list[Choice], ix) -> bool:
    """'"Are you at work?" my sister said.' then '"It's two in the morning, Meera."': a speaker
    the tag names only by a description ("my sister", "the waiter") is the one the next
    paragraph's reply calls by name, when that name is not on the page yet (nobody named
    Meera was there to be spoken to). Merges the two characters; True when any merged."""
    first_seen: dict[str, int] = {}
    for m in doc.mentions:
        if not m.in_quote:
            first_seen.setdefault(m.character, m.start)
    merged = False
    for i, c in enumerate(choices[:-1]):
        desc = doc.character(c.speaker) if c.speaker and c.attribution == "explicit" else None
        if desc is None or desc.kb or not desc.name[:1].islower() or desc.name.lower() in GENERIC_NARRATOR_NAMES:
            continue
        if _named(doc, desc.id):
            continue
        # called by name, not asked about: "Dorian Gray? Is that his name?"
        called = {m.character for m in vocatives(ix, i + 1) if m.character != desc.id
                  and doc.text[m.end : m.end + 1] != "?"}
        if len(called) != 1 or found[i + 1].para != found[i].para + 1:
            continue
        (who,) = called
        named = doc.character(who)
        if named is None or first_seen.get(who, len(doc.text)) < found[i + 1].start or _clash(desc, named):
            continue
        absorb(doc, who, desc.id)
        merged = True
    return merged


def described_speakers_name_themselves(doc: Doc, choices: list[Choice], ix) -> bool:
    """'"I never told you my name. It's Noriko."' said by "the woman": a speaker known only by
    a description who gives a name as their own is that person (a name no one else answers
    to: its character says no line of its own). Merges; True when any merged."""
    merged = False
    for i, c in enumerate(choices):
        desc = doc.character(c.speaker) if c.speaker else None
        if desc is None or desc.kb or not desc.name[:1].islower() or desc.name.lower() in GENERIC_NARRATOR_NAMES:
            continue
        if _named(doc, desc.id):
            continue
        sid = self_identified(ix, i)
        named = doc.character(sid) if sid and sid != desc.id else None
        if named is None or any(x.speaker == sid for x in choices):
            continue
        # (the name's own gender, where a list knows it, outweighs the "he"s a misread gave
        # its character: "It's Noriko. Ishida Noriko." is a woman's name in either order)
        by_name = {lexicon().name_gender(w) for w in named.name.split()} - {None}
        if (len(by_name) == 1 and desc.gender in by_name) or not _clash(desc, named):
            absorb(doc, sid, desc.id)
            merged = True
    return merged


def _named(doc: Doc, cid: str) -> bool:
    """Whether the text calls character ``cid`` by a name or alias anywhere."""
    return any(m.character == cid and m.kind in ("name", "alias") for m in doc.mentions)


def _clash(a: Character, b: Character) -> bool:
    return a.gender in ("male", "female") and b.gender in ("male", "female") and a.gender != b.gender


def name_voices(doc: Doc, found: list[Found], choices: list[Choice], ix) -> bool:
    """'"He's lying," a voice said from the dark.' then '"Todoroki! Why are you sitting in the
    dark?"': the voice was the one the answer calls by name. A speaker the tag named only as
    a voice takes the name the next turn addresses (one name, not its speaker): a voice that
    speaks once is merged into them (True: the cast changed), one that speaks again gives
    them this line only."""
    from ..quotes.candidates import VOICE_NOUNS

    merged = False
    for i, c in enumerate(choices[:-1]):
        voice = doc.character(c.speaker) if c.speaker else None
        if voice is None or voice.kb or voice.name.lower().split()[-1] not in VOICE_NOUNS:
            continue
        nxt = choices[i + 1]
        called = {v for v in nxt.vocatives if v != nxt.speaker}
        if found[i + 1].para > found[i].last_para + 1 and (comer := arrives_next(ix, i, first_new=True)):
            # narration between ('"I'm not grumpy," says a grumpy voice from the porch.' then
            # 'Amity's on the top step'): whoever it brings on, not whom the next line calls
            called = {comer}
        elif len(called) != 1 or found[i + 1].para <= found[i].para:
            # else whoever the next paragraph brings on: opening on them, or first named there
            # of those not on the page ("Isagi hadn't even noticed him. Nagi was stretched out")
            comer = arrives_next(ix, i, opening=True) or arrives_next(ix, i, first_new=True)
            called = {comer} if comer else set()
        if len(called) != 1:
            continue
        (who,) = called
        if sum(x.speaker == voice.id for x in choices) == 1:
            absorb(doc, who, voice.id)  # the voice speaks once: it was them all along
            merged = True
        c.speaker = who
    return merged


def kin_by_title(doc: Doc, kb=None) -> None:
    """"Hiya, Mum." said by Rose: "Mum" is Rose's mother. When the story's KB characters say
    who that is (Rose Tyler's parent Jackie Tyler) and she is in the story, the character
    the characters stage made of the bare title is her."""
    from ..kb import load_kb

    nouns = lexicon().nominals  # "mum" -> (female, sg, parent)
    titled = {c.id: GRANDPARENT_TITLES.get(c.name.lower()) or nouns[c.name.lower()][0] for c in doc.characters
              if c.kb is None and (nouns.get(c.name.lower(), (None, None, None))[2] == "parent"
                                   or c.name.lower() in GRANDPARENT_TITLES)}
    if not titled:
        return
    kb = kb or load_kb()
    by_kb = {c.kb: c.id for c in doc.characters if c.kb}
    said = [q for q in doc.quotes if q.speaker]
    spans = [(q.start, q.end) for q in said]
    for tid, gender in titled.items():
        callers: dict[str, int] = {}
        for m in doc.mentions:
            k = _holding(spans, m.start) if m.character == tid else -1
            if k >= 0:
                callers[said[k].speaker] = callers.get(said[k].speaker, 0) + 1
        for q in doc.quotes:
            if q.addressee == tid and q.speaker:
                callers[q.speaker] = callers.get(q.speaker, 0) + 1
        if not callers:
            continue
        child = doc.character(max(callers, key=callers.__getitem__))
        if child is None:
            continue
        kc = kb.character(child.kb) if child.kb else None
        up = [r.other for r in kc.relations if r.kind == "parent"] if kc else []
        if doc.character(tid).name.lower() in GRANDPARENT_TITLES:
            # "Granny" said by Mary Crawley: her father's mother, Violet
            up = [r.other for p in up if kb.character(p) for r in kb.character(p).relations if r.kind == "parent"]
        parents = [by_kb[p] for p in dict.fromkeys(up)
                   if p in by_kb and (kb.character(p).gender or "unknown") in (gender, "unknown")]
        if not parents and doc.character(tid).name.lower() not in GRANDPARENT_TITLES:
            # no canon to ask: "Okay, Mom!" said by Mike Wheeler is the story's Mrs. Wheeler
            parents = _titled_by_surname(doc, child, gender, tid)
        if len(parents) == 1:
            absorb(doc, parents[0], tid)


PARENT_HONORIFICS = {"female": ("mrs", "ms"), "male": ("mr",)}
# what grandchildren call a grandparent, as the characters stage names one it cannot place
GRANDPARENT_TITLES = {**dict.fromkeys(("granny", "grandma", "grandmother", "gran", "nana", "abuela", "nonna"), "female"),
                      **dict.fromkeys(("grandpa", "grandfather", "grandad", "granddad", "gramps", "abuelo", "nonno"), "male")}


def _titled_by_surname(doc: Doc, child: Character, gender: str, skip: str) -> list[str]:
    """The characters called Mrs. (or Mr.) and the child's surname."""
    words = child.name.split()
    if len(words) < 2:
        return []
    surname, hons = words[-1].lower(), PARENT_HONORIFICS.get(gender, ())
    out = []
    for c in doc.characters:
        if c.id in (skip, child.id):
            continue
        for form in (c.name, *c.aliases):
            w = form.lower().replace(".", "").split()
            if len(w) == 2 and w[0] in hons and w[1] == surname:
                out.append(c.id)
                break
    return out


def absorb(doc: Doc, keep: str, gone: str) -> None:
    """Character ``gone`` was ``keep`` all along: its mentions, lines and names move over."""
    k, g = doc.character(keep), doc.character(gone)
    if k is None or g is None or keep == gone:
        return
    for name, n in g.aliases.items():
        k.aliases[name] = k.aliases.get(name, 0) + n
    for m in doc.mentions:
        if m.character == gone:
            m.character = keep
    for q in doc.quotes:
        q.speaker = keep if q.speaker == gone else q.speaker
        q.addressee = keep if q.addressee == gone else q.addressee
        if q.speaker == q.addressee:
            q.addressee = None
    doc.characters = [c for c in doc.characters if c.id != gone]


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    return _holding(spans, offset) >= 0


def _holding(spans: list[tuple[int, int]], offset: int) -> int:
    """Index of the span (sorted, not overlapping) that holds ``offset``, else -1."""
    import bisect

    k = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return k if k >= 0 and offset < spans[k][1] else -1


def add_dialogue_mentions(doc: Doc) -> None:
    """I/me/my in a quotation -> its speaker; you/your -> its addressee (replacing any
    earlier guess at those tokens)."""
    import bisect

    by_span = {(m.start, m.end): m for m in doc.mentions}
    starts = [t.start for t in doc.tokens]
    for q in doc.quotes:
        if q.kind == "other" or q.speaker is None:
            continue
        i = bisect.bisect_left(starts, q.start)
        while i < len(doc.tokens) and doc.tokens[i].start < q.end:
            t = doc.tokens[i]
            i += 1
            w = t.text.lower()
            who = q.speaker if w in FIRST_PERSON else q.addressee if w in SECOND_PERSON else None
            if who is None:
                continue
            m = by_span.get((t.start, t.end))
            if m is None:
                m = Mention(t.start, t.end, who, "pronoun", t.text, True)
                by_span[(t.start, t.end)] = m
            m.character, m.in_quote = who, True
    doc.mentions = sorted(by_span.values(), key=lambda m: (m.start, m.end))


def recount(doc: Doc) -> None:
    """Character mention and quotation counts from what the document now holds."""
    mentions: dict[str, int] = {}
    for m in doc.mentions:
        mentions[m.character] = mentions.get(m.character, 0) + 1
    quotes: dict[str, int] = {}
    for q in doc.quotes:
        if q.speaker and q.kind != "other":
            quotes[q.speaker] = quotes.get(q.speaker, 0) + 1
    ids = {c.id for c in doc.characters}
    doc.mentions = [m for m in doc.mentions if m.character in ids]
    for c in doc.characters:
        c.mentions = mentions.get(c.id, 0)
        c.quotes = quotes.get(c.id, 0)


__all__ = ["Character", "QuotesStage", "create", "find_narrator", "find_narrators"]
