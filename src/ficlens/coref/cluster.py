"""Alias clustering: name mentions into entities, the way BookNLP does and a little more.

1. typo/possessive forms fold into the name they misspell ("Clarks" -> "Clark") when the
   plain form is the more frequent one;
2. every distinct multi-word name makes an entity ("Tom Sawyer"); variants with the same
   surname and an equivalent given name join it ("Thomas Sawyer", "Bill"/"William" from
   the nickname table);
3. single names and honorific names are read in text order and join the entity they can
   name (given name, surname, earlier alias); when several can ("Martha" with both Martha
   Kent and Martha Wayne in the story) the most recently mentioned one wins, so two
   characters sharing a first name stay apart; an honorific whose gender contradicts the
   entity ("Mrs. Sawyer" vs Tom Sawyer) starts a new one;
4. KB linking (``link_kb``) then merges entities that are the same canon character
   ("Superman" and "Clark Kent"), with evidence from the text only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from ..kb import KB, KBCharacter
from .lexicon import Lexicon
from .mentions import MentionCand


@dataclass
class Entity:
    idx: int
    first: str | None = None  # given name (lower)
    last: str | None = None  # surname (lower)
    words: set[str] = field(default_factory=set)  # every name word used (lower)
    fullest: tuple[str, ...] = ()  # longest name seen, as written
    forms: Counter = field(default_factory=Counter)  # surface forms of name mentions
    mentions: list[MentionCand] = field(default_factory=list)
    gender_votes: Counter = field(default_factory=Counter)
    honorific_gender: str | None = None
    kb: KBCharacter | None = None
    narrator: bool = False
    title: bool = False  # only ever named by a title ("Chief")
    group: bool = False  # a plural entity ("they", "the servants"): never a character
    last_tok: int = -1
    merged_into: int = -1
    honorifics: set[str] = field(default_factory=set)  # "general" for General Baird

    @property
    def n_names(self) -> int:
        return sum(1 for m in self.mentions if m.kind == "name")

    def add(self, m: MentionCand) -> None:
        m.entity = self.idx
        self.mentions.append(m)
        self.last_tok = max(self.last_tok, m.head)
        if m.kind == "name":
            self.forms[_surface(m)] += 1
            self.words.update(w.lower() for w in m.words)
            if len(m.words) > len(self.fullest) and not m.title:
                self.fullest = m.words
            if (m.honorific or m.title) and m.gender and not self.honorific_gender:
                self.honorific_gender = m.gender  # "Mrs. Kent", and "Mum" alone
            if m.honorific:
                self.honorifics.add(m.honorific)


# titles used to address anyone at all: two of them need not be one person
ADDRESS_TITLES = frozenset({"sir", "ma'am", "madam", "milady", "milord", "your majesty", "your highness", "boss"})

# honorifics that precede a given name as readily as a surname ("Sir Walter", "Aunt May")
GIVEN_NAME_HONORIFICS = frozenset(
    "sir dame lady lord aunt auntie uncle master prince princess king queen saint st brother sister "
    "father mother cousin grandma grandpa granny".split()
)


def _surface(m: MentionCand) -> str:
    text = m.text
    for suffix in ("'s", "\u2019s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


# ---------------------------------------------------------------------- typos


def fold_typos(names: list[MentionCand]) -> None:
    """Rewrite "Clarks" as "Clark" when "Clark" is the more frequent name word."""
    counts: Counter = Counter(w for m in names for w in m.words)
    for m in names:
        fixed = []
        for w in m.words:
            base = w[:-1]
            if len(w) > 3 and w.endswith("s") and counts.get(base, 0) > counts[w]:
                fixed.append(base)
                m.notes.append(f"typo:{w}->{base}")
            else:
                fixed.append(w)
        m.words = tuple(fixed)
        m.key = " ".join(w.lower() for w in fixed)


def fold_clips(names: list[MentionCand], lex: Lexicon) -> None:
    """Rewrite a clipped name as the one name word it clips ("Espo" -> "Esposito"): a single
    word no name list knows, four letters or more, that begins exactly one longer name word of
    the story, two letters longer at least."""
    words = {w for m in names for w in m.words if w[:1].isupper()}
    clipped: dict[str, str | None] = {}  # word -> the name it clips (decided once per word)
    for m in names:
        if len(m.words) != 1 or m.honorific or m.title:
            continue
        (w,) = m.words
        if w not in clipped:
            longer = set()
            if len(w) >= 4 and lex.name_gender(w) is None and w.lower() not in lex.nominals:
                longer = {x for x in words if len(x) >= len(w) + 2 and x.startswith(w)}
            clipped[w] = next(iter(longer)) if len(longer) == 1 else None
        full = clipped[w]
        if full is not None:
            m.words = (full,)
            m.key = full.lower()
            m.notes.append(f"clip:{w}->{full}")


# ---------------------------------------------------------------------- clustering


def cluster_names(names: list[MentionCand], lex: Lexicon) -> list[Entity]:
    """Group name mentions (in text order) into entities; see the module docstring."""
    fold_typos(names)
    fold_clips(names, lex)
    entities: list[Entity] = []
    by_full: dict[tuple[str, ...], Entity] = {}
    full_counts = Counter(tuple(w.lower() for w in m.words) for m in names if len(m.words) >= 2 and not m.title)
    for full, _n in full_counts.most_common():
        first, last = full[0], full[-1]
        match = next(
            (e for e in entities if e.last == last and e.first and lex.same_given_name(first, e.first)), None
        )
        if match is None:
            match = Entity(idx=len(entities), first=first, last=last)
            entities.append(match)
        by_full[full] = match
    for m in names:
        key = tuple(w.lower() for w in m.words)
        ent = by_full.get(key) if len(key) >= 2 and not m.title else None
        if ent is None:
            ent = _single_name_entity(m, entities, lex)
        ent.add(m)
    return entities


def _single_name_entity(m: MentionCand, entities: list[Entity], lex: Lexicon) -> Entity:
    word = m.words[-1].lower() if m.honorific else m.words[0].lower()
    if m.title:
        word = "title:" + m.key
    cands = []
    for e in entities:
        if e.merged_into >= 0:
            continue
        if m.honorific:
            ok = word == e.last or (word in e.words and e.last is None)
            if len(word.rstrip(".")) == 1 and e.last:
                ok = e.last.startswith(word[0])  # "Mrs. H" = Mrs. Hudson, "Mrs. K" = Mrs. Kent
            if not ok and m.honorific in GIVEN_NAME_HONORIFICS and e.first:
                ok = lex.same_given_name(word, e.first)  # "Sir Walter" = Walter Elliot
            if not ok and word == e.first and e.forms.get(m.words[-1], 0) and lex.name_gender(word) is None:
                # "Officer Harada" after "Harada Yui" and a bare "Harada": a name written
                # surname first, whose first word the story uses alone
                ok = True
            if m.gender and e.honorific_gender and m.gender != e.honorific_gender:
                ok = False
            if m.gender and e.first and lex.name_gender(e.first) not in (None, m.gender):
                ok = False
        elif m.title:
            # "the General" after "General Baird"; "Mum" after "Mum" (but every "Sir" and
            # "Ma'am" may be someone else)
            key = m.key.lower()
            bare = key[4:] if key.startswith("the ") else key  # "the Commander" again is the Commander
            ok = bare in e.honorifics or (e.title and (key in e.words or any(x.title and x.key.lower() in (key, bare, "the " + bare) for x in e.mentions))
                                          and bare not in ADDRESS_TITLES)
        else:
            # a middle name is rarely what a character is called ("Amory" is the son, not
            # Beatrice Amory Blaine)
            middle = {w.lower() for w in e.fullest[1:-1]}
            ok = (word in e.words and word not in middle) or (e.first is not None and lex.same_given_name(word, e.first))
            # "Darcy appeared in the doorway" before the text first says "Fitzwilliam Darcy"
            ok = ok or (not e.mentions and e.first is not None and word == e.last)
        if ok:
            cands.append(e)
    if cands:
        # a name whose gender matches the honorific's ("Mrs. McChesney" = Emma, not her son
        # Jock), then recency decides between two characters who share a name
        def fit(e: Entity) -> bool:
            return bool(m.honorific and m.gender and e.first and lex.name_gender(e.first) == m.gender)

        return max(cands, key=lambda e: (fit(e), e.last_tok if e.last_tok < m.head else -1, e.n_names))
    ent = Entity(idx=len(entities), title=m.title)
    if m.honorific:
        ent.last = word
    elif not m.title:
        ent.first = word
    entities.append(ent)
    return ent


def merge(entities: list[Entity], keep: Entity, gone: Entity) -> None:
    """Move ``gone``'s mentions into ``keep`` (which stays first in text order)."""
    if keep is gone:
        return
    for m in gone.mentions:
        keep.add(m)
    keep.mentions.sort(key=lambda m: m.start)
    keep.gender_votes.update(gone.gender_votes)
    keep.narrator = keep.narrator or gone.narrator
    keep.first = keep.first or gone.first
    keep.last = keep.last or gone.last
    keep.title = keep.title and gone.title
    keep.kb = keep.kb or gone.kb
    keep.honorific_gender = keep.honorific_gender or gone.honorific_gender
    gone.mentions = []
    gone.merged_into = keep.idx


def live(entities: Iterable[Entity]) -> list[Entity]:
    return [e for e in entities if e.merged_into < 0 and e.mentions]


# ---------------------------------------------------------------------- KB linking


def _entity_name_strings(e: Entity) -> list[str]:
    # longest first, then the most used: a stable sort of the counted forms, so two forms of
    # one length ("Mrs. Bennet" 5 times, "Miss Bennet" once) never come in hash order
    forms = [f for f, _ in e.forms.most_common()]
    return sorted(forms, key=lambda s: -len(s.split()))


def link_kb(entities: list[Entity], kb: KB, active: dict[str, float]) -> None:
    """Link entities to KB characters with evidence and merge secret identities.

    A multi-word name that is a KB name is evidence on its own ("Clark Kent"); a single
    name, nickname or title links only within the fandoms the text is judged to be in
    (``active``: fandom -> evidence score), and only when one character there goes by
    it, or one has clearly more evidence behind its fandoms than the others.
    """
    for e in live(entities):
        e.kb = _kb_match(e, kb, active)
    by_kb: dict[str, Entity] = {}
    for e in sorted(live(entities), key=lambda x: x.mentions[0].start):
        if e.kb is None:
            continue
        first = by_kb.get(e.kb.id)
        if first is None:
            by_kb[e.kb.id] = e
        else:
            merge(entities, first, e)


def _kb_match(e: Entity, kb: KB, active: dict[str, float]) -> KBCharacter | None:
    for s in _entity_name_strings(e):
        words = s.split()
        # "the Sheriff" is a title with its article, not a full name: no evidence on its own
        multi = len(words[1:] if words and words[0].lower() in ("the", "a", "an") else words) >= 2
        found = kb.find_characters(s, active) if active else []
        if not found and multi:
            found = kb.find_characters(s)
        if len(found) == 1:
            return found[0]
        if len(found) > 1 and active:
            # prefer the character whose canonical name is exactly this form
            exact = [c for c in found if c.name.lower() == s.lower()]
            if len(exact) == 1:
                return exact[0]
            weight = sorted(((max(active.get(f, 0) for f in c.fandoms), c.id, c) for c in found), reverse=True)
            if weight[0][0] >= 2 * weight[1][0]:
                return weight[0][2]
    return _kb_by_surname(e, kb, active)


SURNAME_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss"})


def _kb_by_surname(e: Entity, kb: KB, active: dict[str, float]) -> KBCharacter | None:
    """"Mrs. Morales" in a Spider-Verse story: the one character of the canons in play with
    that surname whose gender the honorific gives (Rio Morales, not her son Miles)."""
    if not active or not e.last or not (e.honorifics & SURNAME_HONORIFICS) or e.honorific_gender not in ("male", "female"):
        return None
    if e.words - {e.last}:
        return None  # a given name too ("Mrs. Maria Morales"): the names above decide
    found = [c for c in kb.characters.values()
             if c.gender == e.honorific_gender and active.keys() & set(c.fandoms)
             and c.plain_name.lower().split()[-1:] == [e.last]]
    return found[0] if len(found) == 1 else None



def join_present_kb(entities: list[Entity], kb: KB, active: dict[str, float], *, first_person: bool = False) -> None:
    """A name several canon characters go by, or a bare surname with or without a title, is
    the one of them the story names: "Sam" in an MCU story where Sam Wilson is called "Wilson";
    "Leeds." said to someone where Ned Leeds is on the page. In a first-person story a character
    named only in dialogue may be the narrator, whom the quotes stage names later from what the
    others call them: that one takes no more names here ("Mister Baggins" talked about would
    make Bilbo someone else)."""
    if not active:
        return
    by_kb = {e.kb.id: e for e in live(entities) if e.kb is not None}
    surname = {k: x.kb.name.split()[-1].lower() for k, x in by_kb.items()}
    for e in live(entities):
        if e.kb is not None or e.narrator:
            continue
        here = {c.id for s in _entity_name_strings(e) for c in kb.find_characters(s, active)} & set(by_kb)
        if not here and e.last and not e.first:
            here = {k for k in by_kb if surname[k] == e.last}
        elif not here and len(e.words) == 1:
            # a lone word that is a present character's canon surname ("Leeds.", "Wilson")
            (w,) = e.words
            here = {k for k, x in by_kb.items() if surname[k] == w and x.first != w}
        if e.honorific_gender:
            # "Mrs. Wheeler" is not Mike Wheeler
            here = {k for k in here if by_kb[k].kb.gender in ("unknown", e.honorific_gender)}
        if len(here) != 1:
            continue
        target = by_kb[here.pop()]
        while target.merged_into >= 0:
            target = entities[target.merged_into]
        if target is e or (first_person and all(m.in_quote for m in target.mentions if m.kind == "name")):
            continue
        merge(entities, target, e)


# ---------------------------------------------------------------------- shared first names

_CLOSE = frozenset({"spouse", "romantic", "parent", "child", "sibling", "partner"})


def reassign_shared_names(entities: list[Entity], lex: Lexicon) -> None:
    """A bare given name that two characters share ("Martha") goes to the one whose scene it
    is: the character, or their family (KB relation or shared surname), mentioned last."""
    ents = live(entities)
    by_first: dict[str, list[Entity]] = {}
    for e in ents:
        if e.first:
            by_first.setdefault(e.first, []).append(e)
    shared = {k: v for k, v in by_first.items() if len(v) > 1}
    if not shared:
        return
    starts = {e.idx: sorted(m.start for m in e.mentions if m.kind == "name") for e in ents}
    moves = []
    for first, group in shared.items():
        for e in group:
            for m in e.mentions:
                if m.kind != "name" or m.honorific or len(m.words) != 1 or m.words[0].lower() != first:
                    continue
                best = max(group, key=lambda c: _scene_position(c, ents, starts, m.start))
                if best is not e and _scene_position(best, ents, starts, m.start) > _scene_position(e, ents, starts, m.start):
                    moves.append((m, e, best))
    for m, src, dst in moves:
        src.mentions.remove(m)
        src.forms[_surface(m)] -= 1
        if src.forms[_surface(m)] <= 0:
            del src.forms[_surface(m)]
        dst.add(m)
        dst.mentions.sort(key=lambda x: x.start)


def _scene_position(c: Entity, ents: list[Entity], starts: dict[int, list[int]], pos: int) -> int:
    from bisect import bisect_left

    family = [c]
    for o in ents:
        if o is c:
            continue
        if c.last and o.last == c.last:
            family.append(o)
        elif c.kb is not None and o.kb is not None and any(
            r.other == o.kb.id and r.kind in _CLOSE for r in c.kb.relations
        ):
            family.append(o)
    best = -1
    for f in family:
        s = starts.get(f.idx, [])
        k = bisect_left(s, pos)
        if k > 0:
            best = max(best, s[k - 1])
    return best
