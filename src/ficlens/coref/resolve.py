"""The coreference driver: mentions -> entities for one ``Doc`` (see ``ficlens.coref``)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..kb import KB, KBCharacter
from ..model import Doc
from ..structure import line_name, pov_name, pov_switches
from ..text import merge_spans
from . import mentions as mdet
from .cluster import Entity, cluster_names, join_present_kb, link_kb, live, merge, reassign_shared_names
from .lexicon import Lexicon, lexicon
from .mentions import MentionCand
from .pronouns import NOMINAL_WINDOW_PARAS, Resolver, entity_gender, title_key
from .quotespans import chat_spans, quote_spans, token_flags

_TOKEN_RE = re.compile(r"[\w]+|[^\w\s]")
# fandom evidence: a fandom is in play when declared, or when its score reaches this with at
# least one strong cue (a full canon name or a marker term)
FANDOM_MIN_SCORE = 5
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "FAC", "ORG"})
DISTINCT_NAMES = 3  # canon names only one fandom uses, for that fandom to be in play
# first-person pronouns in the narration needed before the story has a narrator
MIN_NARRATOR_I = 3


@dataclass
class Resolution:
    entities: list[Entity]
    mentions: list[MentionCand]  # every mention found, resolved or not (entity -1)
    in_quote: list[bool]
    fandoms: dict[str, float] = field(default_factory=dict)  # active fandom -> evidence score
    place_words: set[str] = field(default_factory=set)

    def gender(self, e: Entity) -> str | None:
        return entity_gender(e, lexicon())


# ---------------------------------------------------------------------- fandom evidence


@lru_cache(maxsize=4)
def _marker_index(kb: KB) -> dict[str | tuple[str, str], list[tuple[tuple[str, ...], str]]]:
    """A one-token marker's token, or a longer one's first two (lower case) -> [(token tuple,
    fandom)]: keyed by two tokens, a marker opening on "the" is only tried where "the" is
    followed by its next word (hundreds of markers open so)."""
    index: dict[str | tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
    for fandom, terms in kb.markers.items():
        for term in terms:
            toks = tuple(t.lower() for t in _TOKEN_RE.findall(term))
            if toks:
                index.setdefault(toks[0] if len(toks) == 1 else toks[:2], []).append((toks, fandom))
    return index


def fandom_evidence(doc: Doc, kb: KB) -> dict[str, float]:
    """Score each fandom by what the text shows; keep those in play."""
    declared = {kb.fandom_name(f) for f in doc.metadata.fandoms} - {None}
    markers: dict[str, set[str]] = {}
    index = _marker_index(kb)
    toks = doc.tokens
    n = len(toks)
    low = [t.text.lower() for t in toks]
    for i, w in enumerate(low):
        opts = (index.get(w) or []) + (index.get((w, low[i + 1])) or [] if i + 1 < n else [])
        for seq, fandom in opts:
            if i + len(seq) <= n and all(low[i + k] == seq[k] for k in range(2, len(seq))):
                markers.setdefault(fandom, set()).add(" ".join(seq))
    full: dict[str, set[str]] = {}
    single: dict[str, set[str]] = {}
    frequent: dict[str, set[str]] = {}  # fandom -> characters named 3+ times by a single name
    names = Counter(e.text.strip() for e in doc.entities if e.label == "PERSON")
    # a name NER tagged once is as frequent as the text writes it ("Denji" tagged once, written
    # nineteen times: the small model misses most of a rare name's uses)
    words = Counter(t.text for t in toks)
    for name in list(names):
        if " " not in name and words[name] > names[name]:
            names[name] = words[name]
    names.update(c for c in doc.metadata.characters)
    styled = mdet._lowercase_styled(doc)
    if styled:
        names.update(_lowercase_names(doc, kb))
    nominals = lexicon().nominals
    for name, count in names.items():
        if nominals.get(name.lower(), (None,) * 3)[2] is not None:
            continue  # a kin word ("Mom", "Dad") is every family's, though one canon calls its mother so
        multi = len(name.split()) >= 2
        for c in kb.find_characters(name):
            for f in c.fandoms:
                (full if multi else single).setdefault(f, set()).add(c.id)
                if not multi and count >= 3:
                    frequent.setdefault(f, set()).add(c.id)
    distinct = _distinctive_names(doc, kb, styled)
    scores: dict[str, float] = {}
    for f in set(markers) | set(full) | set(single) | declared | set(distinct):
        nf, ns, nm = len(full.get(f, set())), len(single.get(f, set()) - full.get(f, set())), len(markers.get(f, set()))
        nd = len(distinct.get(f, set()))
        score = 3 * nf + ns + 2 * min(nm, 4) + (100 if f in declared else 0) + nd
        # two canon characters who are related in canon, each named often ("Clark" and
        # "Lois"), are evidence too; so are three canon names no other fandom and no
        # name list has ("Kacchan", "Todoroki", "Uraraka"), NER or not
        paired = _related_pair(kb, frequent.get(f, set()))
        if f in declared or (score >= FANDOM_MIN_SCORE and (nf or nm or nd >= DISTINCT_NAMES)) or paired:
            scores[f] = score + (2 if paired else 0)
    if declared:
        # what the work declares beats what we infer (a DCEU marker in a Smallville fic)
        return {f: s for f, s in scores.items() if f in declared}
    for c in doc.metadata.characters:
        for kc in kb.find_characters(c):
            for f in kc.fandoms:
                scores.setdefault(f, 50)
    return scores


def _lowercase_names(doc: Doc, kb: KB) -> Counter:
    """In a story typed all in lower case, which NER reads no names in: the words a canon
    character goes by ("oikawa" -> "Oikawa"), counted, but not a word any lexicon knows as
    something else ("will", "hope")."""
    lex = lexicon()
    words = Counter(t.text for t in doc.tokens if t.text.isalpha() and t.text.islower() and len(t.text) >= 3
                    and t.pos in ("PROPN", "NOUN", "ADJ", "X", ""))
    out: Counter = Counter()
    for w, n in words.items():
        if w in lex.not_names or w in lex.nominals or w in lex.pronouns:
            continue
        if kb.find_characters(w.capitalize()):
            out[w.capitalize()] = n
    return out


def _distinctive_names(doc: Doc, kb: KB, styled: bool = False) -> dict[str, set[str]]:
    """Fandom -> the canon characters named in the text by a capitalised word only that
    fandom uses for a name and that is no given name in our lists nor a common word (a
    word seen lowercase in the text is common), nor tagged a place or a group. ``styled``: the
    story is typed all in lower case ("hinata stops dead in the doorway") and writes its names
    so too: there a lower-case word no name list or lexicon knows may be one."""
    lex = lexicon()
    lower = set() if styled else {t.text for t in doc.tokens if t.text[:1].islower()}
    out: dict[str, set[str]] = {}
    seen: set[str] = set()
    for t in doc.tokens:
        w = t.text
        if w in seen or len(w) < 4 or not (w[:1].isupper() or styled) or not w.isalpha() or t.ent_type in PLACE_LABELS:
            continue  # "England" is a country before it is a Hetalia character
        seen.add(w)
        low = w.lower()
        if low in lower or low in lex.male_names or low in lex.female_names or low in lex.not_names or low in lex.nominals:
            continue
        if styled and (low in lex.pronouns or t.pos not in ("PROPN", "NOUN", "ADJ", "X", "")):
            continue
        found = kb.find_characters(w)
        if not found:
            continue
        common = set.intersection(*(set(c.fandoms) for c in found))
        for f in common:
            out.setdefault(f, set()).add(found[0].id)
    return out


@lru_cache(maxsize=4)
def _kb_places(kb: KB) -> frozenset[str]:
    """Marker terms that are not anybody's name: places, organisations, things."""
    names = {" ".join(_TOKEN_RE.findall(n.lower())) for c in kb.characters.values() for n in c.names()}
    out = set()
    for terms in kb.markers.values():
        for t in terms:
            key = " ".join(_TOKEN_RE.findall(t.lower()))
            if key not in names:
                out.add(key)
                if key.startswith("the ") and " " in key[4:]:
                    # "the Shadow Fold" is "Shadow Fold" too; "the castle" leaves "Castle" a name
                    out.add(key[4:])
    return frozenset(out - names)


def _related_pair(kb: KB, ids: set[str]) -> bool:
    return any(r.other in ids for i in ids for r in kb.characters[i].relations)


def _kb_alias_index(kb: KB, active: set[str]) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for c in kb.characters.values():
        fs = active.intersection(c.fandoms)
        if not fs:
            continue
        for f in fs:
            for name in c.names(f):
                toks = tuple(t.lower() for t in _TOKEN_RE.findall(name))
                if toks and toks not in index.get(toks[0], []):
                    index.setdefault(toks[0], []).append(toks)
    for v in index.values():
        v.sort(key=lambda x: -len(x))
    return index


# ---------------------------------------------------------------------- driver


def resolve(doc: Doc, kb: KB | None = None, *, nominals: bool = True, lex: Lexicon | None = None) -> Resolution:
    """Find and cluster every person mention in ``doc`` (the Doc is not modified)."""
    lex = lex or lexicon()
    spans = quote_spans(doc.text, [(p.start, p.end) for p in doc.paragraphs])
    # italics in HTML input are mostly thoughts: dialogue for our purposes ("I should go")
    spans = merge_spans(spans + [(e.start, e.end) for e in doc.work.emphasis] + chat_spans(doc.text, [(p.start, p.end) for p in doc.paragraphs]))
    in_quote = token_flags(doc.tokens, spans)
    active = fandom_evidence(doc, kb) if kb is not None else {}
    aliases = _kb_alias_index(kb, set(active)) if kb is not None and active else None
    places = _kb_places(kb) if kb is not None else frozenset()
    inside = _story_parts(doc)
    names = [m for m in mdet.find_names(doc, lex, in_quote, aliases, places) if inside(m.start)]
    entities = cluster_names(names, lex)
    if kb is not None:
        link_kb(entities, kb, active)
    reassign_shared_names(entities, lex)
    taken = {k for m in names for k in range(m.t0, m.t1)}
    found: list[MentionCand] = list(names)
    pronouns = [p for p in mdet.find_pronouns(doc, lex, in_quote) if p.t0 not in taken and inside(p.start)]
    found.extend(pronouns)
    noms = mdet.find_nominals(doc, lex, in_quote, taken, subtrees=bool(doc.tokens and doc.tokens[0].dep)) if nominals else []
    noms = [m for m in noms if inside(m.start)]
    found.extend(noms)
    rank = {"name": 0, "pronoun": 1, "nominal": 2}
    found.sort(key=lambda m: (m.start, rank[m.kind], -m.end))
    person = narrating_person(pronouns)
    narrators = _make_narrators(doc, entities, pronouns, kb, active, person)
    if kb is not None:
        join_present_kb(entities, kb, active, first_person=person == 1 and bool(narrators))
    _resolve_in_order(doc, found, entities, lex, kb, narrators, person, active)
    place_words = _drop_place_nicknames(doc, entities, lex)
    return Resolution(entities=entities, mentions=found, in_quote=in_quote, fandoms=active, place_words=place_words)


def _story_parts(doc: Doc):
    """Whether an offset is in the story: its body or a POV note ("Lana POV:"), not an
    author's note, disclaimer or summary ("i have ideas for a tori chapter", "it all belongs
    to alice oseman": nobody in the story)."""
    body = doc.body
    pov = [(n.start, n.end) for n in doc.metadata.notes if n.kind == "pov"]
    return lambda offset: body.start <= offset < body.end or any(s <= offset < e for s, e in pov)


def _asked(doc: Doc, m: MentionCand) -> bool:
    """Whether mention ``m`` stands in a sentence that ends with a question mark."""
    if not 0 <= m.sent < len(doc.sentences):
        return False
    end = doc.tokens[doc.sentences[m.sent].last_token - 1] if doc.sentences[m.sent].last_token > 0 else None
    return end is not None and "?" in end.text


def _is_narration_i(m: MentionCand, person: int = 1) -> bool:
    """A narrator's own pronoun: "I" in the narration, or "you" in a story told in the second
    person (``person`` 2)."""
    return m.kind == "pronoun" and m.person == person and not m.in_quote and m.number == "sg"


def narrating_person(pronouns: list[MentionCand]) -> int:
    """2 for a story told in the second person ("You pull your cloak tighter"): its narration
    says "you" far more than "I"; else 1."""
    i = sum(1 for p in pronouns if _is_narration_i(p, 1))
    you = sum(1 for p in pronouns if _is_narration_i(p, 2))
    return 2 if you >= 2 * MIN_NARRATOR_I and you > 2 * i else 1


def _make_narrators(doc: Doc, entities: list[Entity], pronouns: list[MentionCand], kb: KB | None, active, person: int = 1) -> list[tuple[int, Entity]]:
    """``(offset, narrator)`` from where each first-person narrator takes over, in order.

    One narrator for most stories; a story whose POV lines hand the "I" from one character
    to another ("Annabeth POV" ... "Percy POV") gets one per name, each named by its line
    (and the same person again when their name comes back), for every section that says "I".
    """
    switches = pov_switches(doc.text, doc.metadata.notes, _people(entities))
    mine = [p for p in pronouns if _is_narration_i(p, person)]
    if len({name.lower() for _, name in switches}) < 2 or not mine:
        one = _make_narrator(doc, entities, pronouns, kb, active, person)
        return [(0, one)] if one is not None else []
    starts = [at for at, _ in switches]
    says_i = {max(0, bisect_right(starts, p.start) - 1) for p in mine}
    by_name: dict[str, Entity] = {}
    out: list[tuple[int, Entity]] = []
    for k, (at, name) in enumerate(switches):
        if k not in says_i:
            continue  # a third-person section under its POV line: nobody says "I" there
        if name.lower() not in by_name:
            by_name[name.lower()] = _new_narrator(doc, entities, kb, active, mine, note=name)
        out.append((0 if not out else at, by_name[name.lower()]))
    return out


def _people(entities: list[Entity]) -> set[str]:
    """Lower-cased words of the names the story's characters go by."""
    return {w for e in live(entities) if not e.narrator and any(m.kind == "name" for m in e.mentions) for w in e.words}


def _declared(doc: Doc, entities: list[Entity]) -> str:
    """The work's POV note, unless it is only a name line ("LONDON") that names nobody."""
    note = doc.metadata.pov_note or ""
    for n in doc.metadata.notes:
        line = doc.text[n.start : n.end]
        if n.kind == "pov" and not pov_name(line) and line_name(line) == note:
            return note if note.split()[0].lower() in _people(entities) else ""
    return note


def _make_narrator(doc: Doc, entities: list[Entity], pronouns: list[MentionCand], kb: KB | None, active, person: int = 1) -> Entity | None:
    """The first-person narrator (before pronouns are resolved, so "he" never lands on it)."""
    mine = [p for p in pronouns if _is_narration_i(p, person)]
    if not mine or (len(mine) < MIN_NARRATOR_I and not doc.metadata.pov_note):
        return None  # a stray "I" in a letter or an unquoted thought is not a narrator
    return _new_narrator(doc, entities, kb, active, mine, named=person == 1)


def _new_narrator(doc: Doc, entities: list[Entity], kb: KB | None, active, mine: list[MentionCand], note: str | None = None,
                  named: bool = True) -> Entity:
    """A narrator entity, named (``_name_narrator``) and merged into the character it is."""
    narrator = Entity(idx=len(entities), narrator=True)
    entities.append(narrator)
    narrator.mentions.append(mine[0])  # provisional: makes it live; the real adds come in order
    if named:  # a second-person "you" is the reader's stand-in: whatever others call them is a role
        _name_narrator(doc, entities, narrator, kb, active, mine, note=note)
    narrator.mentions = [m for m in narrator.mentions if m is not mine[0]]
    mine[0].entity = -1
    while narrator.merged_into >= 0:
        narrator = entities[narrator.merged_into]
    return narrator


def _resolve_in_order(doc: Doc, found: list[MentionCand], entities: list[Entity], lex: Lexicon, kb: KB | None, narrators: list[tuple[int, Entity]], person: int = 1,
                      active: dict[str, float] | None = None) -> None:
    res = Resolver(entities, lex, doc.tokens)
    _kb_roles(res, entities)
    roles = _copula_roles(doc, lex)
    takeover = [at for at, _ in narrators]

    def new_entity(m: MentionCand, owner: Entity | None) -> Entity:
        target = None
        if owner is not None:
            target = _kb_relative(owner, m, entities, kb) or _family_relative(owner, m, entities, lex)
        if target is None:
            target = Entity(idx=len(entities))
            entities.append(target)
            if owner is not None and kb is not None and active:
                target.kb = _kb_absent_relative(owner, m, entities, kb, active)
        target.add(m)
        if m.gender:
            target.gender_votes[m.gender] += 1
        return target

    several = len({id(e) for _, e in narrators}) > 1
    for m in found:
        if several:
            res.telling = narrators[max(0, bisect_right(takeover, m.start) - 1)][1]
        if m.kind == "name":
            host = res.appositive_host(m)
            if host is not None and m.entity >= 0 and not host.narrator and not any(x.kind == "name" for x in host.mentions):
                # "the scrivener, Bartleby": the nominal's entity was Bartleby all along
                merge(entities, res._live(m.entity), host)
            _title_names_the_figure(res, entities, m)
            res.observe(m)
            if m.head in roles and m.entity >= 0:
                res.titled[roles[m.head]] = res._live(m.entity).idx
        elif m.kind == "pronoun":
            if narrators and _is_narration_i(m, person):
                narrator = narrators[max(0, bisect_right(takeover, m.start) - 1)][1]
                narrator.add(m)
                res._touch(narrator, m)  # so "my mother" finds its owner, the same mother each time
            elif m.person == 3 and (m.number == "sg" or m.key == "themself"):
                e = res.pronoun(m)
                if e is not None and m.head in roles and not m.in_quote:
                    res.titled[roles[m.head]] = e.idx
            elif m.person == 3 and not m.in_quote:
                res.plural(m, new_entity)
            elif m.person == 1 and m.number == "pl" and not m.in_quote:
                res.we(m, new_entity)
        elif m.kind == "nominal" and m.number == "sg":
            if not m.in_quote and not m.definite and _asked(doc, m):
                continue  # "what do you get a girl who has everything?": nobody in particular
            if m.no_referent:
                new_entity(m, None)  # a mention of its own that nothing after refers to
                continue
            res.nominal(m, new_entity)
        elif m.kind == "nominal" and not m.in_quote:
            res.plural(m, new_entity)


def _copula_roles(doc: Doc, lex: Lexicon) -> dict[int, str]:
    """Subject token -> the role noun the narration says they are: "She had been captain of the
    Lantern for eleven years", "Dorry was the engineer" (so "the captain" later is her)."""
    toks = doc.tokens
    subj: dict[int, int] = {}
    for t in toks:
        if t.dep in ("nsubj", "nsubjpass") and 0 <= t.head < len(toks):
            subj.setdefault(t.head, t.i)
    out: dict[int, str] = {}
    for t in toks:
        if t.dep != "attr" or not (0 <= t.head < len(toks)) or toks[t.head].lemma not in ("be", "become"):
            continue
        info = lex.nominals.get(t.lower)
        if info is None or info[1] != "sg" or info[2] is not None or t.head not in subj:
            continue  # ("Bea was his wife": kin says whose, not who the story calls "the wife")
        if any(toks[k].dep == "det" and toks[k].lower in ("a", "an") and toks[k].head == t.i for k in range(max(0, t.i - 3), t.i)):
            continue  # "he was a doctor": one of many, not the one "the doctor" means
        out[subj[t.head]] = t.lower
    return out


def _kb_roles(res: Resolver, entities: list[Entity]) -> None:
    """"the butler" in a story that names Sebastian Michaelis is him: a role the KB gives one
    character of the story alone stands for them, as "the captain" does after "Captain
    Smollett" (and a titled name in the story takes the role over)."""
    holders: dict[str, set[int]] = {}
    for e in live(entities):
        if e.kb is not None and not e.group:
            for role in e.kb.roles:
                holders.setdefault(role, set()).add(e.idx)
    for role, idxs in holders.items():
        if len(idxs) == 1:
            res.titled[role] = idxs.pop()


# honorifics that say something else once possessed: "his lady" is his wife, "his master" the
# man he serves, where "Lady Lucas" and "Master Philip" are titles
SPOUSE_OR_SERVED = frozenset({"lady", "lord", "master", "mistress"})


def _title_names_the_figure(res: Resolver, entities: list[Entity], m: MentionCand) -> None:
    """"The parson" rode up; later the narration calls him "Parson Tringham": the unnamed
    figure was the titled name all along (only when the figure has no name of its own)."""
    if not m.honorific or m.entity < 0:
        return
    prev = res.nominal_recent.get(title_key(m.honorific))
    if not prev or m.para - prev[1] > NOMINAL_WINDOW_PARAS:
        return
    figure, named = res._live(prev[0]), res._live(m.entity)
    if figure is named or figure.narrator or any(x.kind == "name" for x in figure.mentions):
        return
    if not any(x.kind == "nominal" and (x.possessor < 0 or x.key not in SPOUSE_OR_SERVED) for x in figure.mentions):
        return  # "said his lady" is somebody's wife, not the "Lady Lucas" of a later page
    first, second = sorted((figure, named), key=lambda e: e.mentions[0].start)
    merge(entities, first, second)


def _kb_relative(owner: Entity, m: MentionCand, entities: list[Entity], kb: KB | None = None) -> Entity | None:
    """"his mother" -> the owner's KB parent of that gender, as an entity of the story."""
    kb_ids = _kb_kin(owner, m, kb)
    present = [e for e in live(entities) if e.kb is not None and e.kb.id in kb_ids]
    if m.gender:
        present = [e for e in present if e.kb.gender in (m.gender, "unknown")]
    if len(present) == 1:
        return present[0]
    return None


# kin nouns the KB's relations reach through a parent: an uncle is a parent's brother
_PARENTS_SIBLINGS = frozenset({"uncle", "aunt", "auntie"})


def _kb_kin(owner: Entity, m: MentionCand, kb: KB | None) -> list[str]:
    """The KB ids a kin noun possessed by ``owner`` can mean ("her father": her KB parents)."""
    if owner.kb is None or not m.relation:
        return []
    ids = [r.other for r in owner.kb.relations if r.kind == m.relation]
    if kb is not None and m.key in _PARENTS_SIBLINGS:
        for p in (r.other for r in owner.kb.relations if r.kind == "parent"):
            pc = kb.character(p)
            ids += [r.other for r in pc.relations if r.kind == "sibling"] if pc else []
    return list(dict.fromkeys(ids))


def _kb_absent_relative(owner: Entity, m: MentionCand, entities: list[Entity], kb: KB, active: dict[str, float]) -> KBCharacter | None:
    """"Her father" in a House of the Dragon story where the king is never named: the one KB
    relative of that kind and gender in the canons in play that no one in the story is yet."""
    taken = {e.kb.id for e in live(entities) if e.kb is not None}
    found = []
    for cid in _kb_kin(owner, m, kb):
        c = kb.character(cid)
        if c is None or cid in taken or not (active.keys() & set(c.fandoms)):
            continue
        if m.gender and c.gender not in (m.gender, "unknown"):
            continue
        found.append(c)
    return found[0] if len(found) == 1 else None


# first-person phrases that put the narrator's own name right after them; the pronoun is
# the first word ("my name is", "I'm") or the second ("call me", "called myself")
_FAMILY = frozenset({"spouse", "parent", "child", "sibling", "relative", "cousin"})


def _family_relative(owner: Entity, m: MentionCand, entities: list[Entity], lex: Lexicon) -> Entity | None:
    """"his wife" -> the one other named character sharing the owner's surname whose gender
    fits ("Mr. Bennet" -> "Mrs. Bennet"); None when there is not exactly one."""
    if m.relation not in _FAMILY or not owner.last:
        return None
    found = [
        e for e in live(entities)
        if e is not owner and e.last == owner.last and not e.narrator and e.n_names
        and (m.gender is None or entity_gender(e, lex) in (None, m.gender))
    ]
    return found[0] if len(found) == 1 else None


_SELF_NAMING = (("my", "name", "is"), ("my", "name", "was"), ("i", "'m"), ("i", "am"), ("call", "me"),
                ("called", "me"), ("called", "myself"), ("calls", "me"), ("named", "me"))


def kb_for_name(kb: KB | None, name: str, active: dict[str, float]) -> KBCharacter | None:
    if kb is None or not active:
        return None
    found = kb.find_characters(name, active)
    return found[0] if len(found) == 1 else None


def _name_narrator(doc: Doc, entities: list[Entity], narrator: Entity, kb: KB | None, active: dict[str, float], mine: list[MentionCand], note: str | None = None) -> None:
    """Give the first-person narrator a name: POV note (``note``: the section's POV line),
    else self-naming ("My name is Lana"), else the name others call them in dialogue."""
    target = None
    note = (note or _declared(doc, entities)).strip()
    if note:
        words = {w.lower() for w in note.split()}
        target = next((e for e in live(entities) if not e.narrator and e.words & words), None)
        if target is None:
            narrator.fullest = tuple(note.split())
            narrator.first = note.split()[0].lower()
            narrator.kb = kb_for_name(kb, note, active)
            return
    else:
        target = _self_named(doc, entities, mine) or _addressed_name(doc, entities, mine)
    if target is not None:
        merge(entities, target, narrator)
        target.narrator = True


def _self_named(doc: Doc, entities: list[Entity], mine: list[MentionCand]) -> Entity | None:
    toks = doc.tokens
    by_tok = {m.t0: e for e in live(entities) for m in e.mentions if m.kind == "name" and not m.in_quote}
    for m in mine:
        i = m.t0
        for pat in _SELF_NAMING:
            start = i if pat[0] in ("i", "my") else i - 1
            k = start + len(pat)
            if start >= 0 and k < len(toks) and all(toks[start + j].text.lower() == pat[j] for j in range(len(pat))):
                if k in by_tok:
                    return by_tok[k]
    return None


def _addressed_name(doc: Doc, entities: list[Entity], mine: list[MentionCand]) -> Entity | None:
    """A name heard only in dialogue, as the whole of the narrator's own reply ('"Wren," I
    said') or addressed in a paragraph where the narrator does not speak ('"Wren," she
    said'), is the narrator's. Names used in the narration itself belong to others."""
    toks = doc.tokens
    narr_paras = {m.para for m in mine}
    best, best_score = None, 0
    for e in live(entities):
        if e.narrator:
            continue
        names = [m for m in e.mentions if m.kind == "name"]
        if not names or any(not m.in_quote for m in names):
            continue
        if any(m.role == "subj" and not m.vocative for m in names):
            continue  # "Bea was his wife": talked about in the third person, so not the one listening
        score = 0
        for m in names:
            alone = m.t0 > 0 and toks[m.t0 - 1].text in mdet.OPENERS and m.t1 + 2 < len(toks) and toks[m.t1].text == "," and toks[m.t1 + 1].text in ('"', "”") and toks[m.t1 + 2].text == "I"
            if alone:
                score += 2
            elif m.vocative and m.para not in narr_paras:
                score += 1
        if score > best_score:
            best, best_score = e, score
    return best if best_score >= 2 else None


def _drop_place_nicknames(doc: Doc, entities: list[Entity], lex: Lexicon) -> set[str]:
    """A name used only in address and elsewhere as a place ("Thanks Smallville" + "in
    Smallville") is not a new person: without a KB link we cannot say whose nickname it is."""
    toks = doc.tokens
    place_words = {
        toks[i + 1].text.lower()
        for i in range(len(toks) - 1)
        if toks[i].text.lower() in mdet.PLACE_PREPS and toks[i + 1].text[:1].isupper()
    }
    # (NER's place label on the very word said in address is no evidence: "It's the East
    # Village, Castle." calls a man)
    called = {(m.start, m.end) for e in live(entities) for m in e.mentions if m.kind == "name" and m.vocative}
    place_words |= {e.text.lower() for e in doc.entities if e.label in ("GPE", "LOC", "FAC") and (e.start, e.end) not in called}
    for e in live(entities):
        if e.kb is not None or e.narrator:
            continue
        names = [m for m in e.mentions if m.kind == "name"]
        if names and all(m.vocative for m in names) and all(m.key in place_words for m in names):
            for m in e.mentions:
                m.entity = -1
            e.mentions = []
    return place_words


def kb_character(e: Entity) -> KBCharacter | None:
    return e.kb
