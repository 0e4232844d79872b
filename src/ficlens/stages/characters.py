"""The characters stage: every character once, with aliases, gender, presence and mentions.

Runs ``ficlens.coref.resolve`` over the NLP layer and writes ``doc.characters`` and
``doc.mentions``. A character is an entity named at least once in the text (or linked to the
fandom KB, or the first-person narrator); entities seen only as nominals ("a waiter") are
not listed. First/second-person pronouns inside quotes are not resolved here: the quotes
stage attributes speakers, then adds those mentions (and may rename the ``narrator``).

Example (the shape, not a test): "Lois grinned. 'Thanks, Smallville.' Clark laughed." in a
Smallville fic gives ``clark_kent`` with aliases {"Clark": 1, "Smallville": 1} and
``lois_lane``; the vocative names Clark because the KB says Lois calls him that there.
"""

from __future__ import annotations

import re
from collections import Counter

from ..kb import KB, load_kb, slug
from ..model import Character, Doc, Mention
from ..coref import resolve
from ..coref.cluster import ADDRESS_TITLES, Entity, live
from ..coref.lexicon import INDEFINITE_PEOPLE
from ..coref.resolve import Resolution



class CharacterFinder:
    name = "characters"
    requires = ("tokens", "sentences", "entities", "paragraphs")
    assigns = ("characters", "mentions")

    def __init__(self, kb: KB | None = None, *, use_kb: bool = True, nominals: bool = True) -> None:
        self.kb = kb if kb is not None else (load_kb() if use_kb else None)
        self.nominals = nominals

    def __call__(self, doc: Doc) -> Doc:
        res = resolve(doc, self.kb, nominals=self.nominals)
        doc.characters, doc.mentions = characters_from(res, doc)
        return doc


def create(**config) -> CharacterFinder:
    kb_paths = config.pop("kb_paths", None)
    kb = load_kb(kb_paths) if kb_paths else None
    return CharacterFinder(kb, **config)


# ---------------------------------------------------------------------- entity -> Character


# "somebody had propped a broom": no one in particular (a tag can still make one a speaker)
INDEFINITE = INDEFINITE_PEOPLE | {"other", "another"}
MIN_NOMINAL_MENTIONS = 2  # mentions an unnamed character needs ("the parson" ... "he" ... "he")


def _keep(e: Entity) -> bool:
    if e.group:
        return False
    if e.kb is None and not e.narrator and _addressed_only(e):
        return False
    if e.narrator or e.kb is not None or any(m.kind == "name" for m in e.mentions):
        return True
    # an unnamed character who recurs and acts ("the parson rode nearer", "he said"): the
    # quotes stage needs them as speakers; one passing "a waiter" is not listed
    return (
        len(e.mentions) >= MIN_NOMINAL_MENTIONS
        and any(m.kind == "nominal" and not m.in_quote and m.key not in INDEFINITE for m in e.mentions)
    )


def _addressed_only(e: Entity) -> bool:
    """"Sir?", "Sir, I'm getting something.": a way of addressing whoever is spoken to, never
    in the narration, is nobody's name (the line is said to someone the scene has)."""
    names = [m for m in e.mentions if m.kind == "name"]
    return bool(names) and all(m.title and m.in_quote and m.key in ADDRESS_TITLES for m in names)


_HYPHEN_GAP = re.compile(r" ?([-\u2010\u2011]) ?")


def display_name(e: Entity, doc: Doc | None = None) -> str:
    """KB canonical name (without AO3's "(Fandom)" disambiguator), else the fullest name used."""
    if e.kb is not None:
        return e.kb.plain_name
    if e.fullest:
        return _HYPHEN_GAP.sub(r"\1", " ".join(e.fullest))  # "Pin-Lee", not "Pin - Lee"
    if e.forms:
        return max(e.forms, key=lambda f: (len(f.split()), e.forms[f]))
    if e.narrator:
        return "Narrator"
    noms = Counter(_nominal_name(_head_phrase(m, doc)) for m in e.mentions if m.kind == "nominal" and not m.in_quote)
    return noms.most_common(1)[0][0] if noms else "Unknown"


_LEAD = re.compile(r"^(?:the|a|an|this|that|one|his|her|their|my|our|your)\s+", re.IGNORECASE)


def _head_phrase(m, doc: Doc | None) -> str:
    """A nominal up to its head noun: "the single man" of "the single man in possession of
    a good fortune"."""
    if doc is None or not (m.t0 <= m.head < m.t1):
        return m.text
    return doc.text[doc.tokens[m.t0].start : doc.tokens[m.head].end]


def _nominal_name(text: str) -> str:
    """"the old parson" -> "the old parson"; "a girl" -> "the girl" (as a reader names them)."""
    bare = _LEAD.sub("", text.strip())
    if text.lower().startswith(("his ", "her ", "their ", "my ", "our ", "your ")):
        return text.strip()
    return f"the {bare}"


def characters_from(res: Resolution, doc: Doc, ids: dict[str, int] | None = None) -> tuple[list[Character], list[Mention]]:
    """Characters and mentions for the kept entities; ``ids`` (when given) receives
    character id -> entity index, so a bench can follow later stages' mentions back."""
    chars: list[Character] = []
    mentions: list[Mention] = []
    used: Counter = Counter()
    entities = sorted((e for e in live(res.entities) if _keep(e)), key=lambda e: e.mentions[0].start)
    for e in entities:
        name = display_name(e, doc)
        base = "narrator" if e.narrator and not e.forms and not e.fullest and e.kb is None else slug(name)
        used[base] += 1
        cid = base if used[base] == 1 else f"{base}_{used[base]}"
        if ids is not None:
            ids[cid] = e.idx
        name_words = {w.lower() for w in name.split()} | {w.lower() for w in e.fullest}
        for m in e.mentions:
            kind = m.kind
            if kind == "name" and not {w.lower() for w in m.words} <= name_words:
                kind = "alias"
            mentions.append(Mention(m.start, m.end, cid, kind, m.text, m.in_quote))
        fandom = None
        if e.kb is not None:
            in_play = [f for f in e.kb.fandoms if f in res.fandoms]
            fandom = max(in_play, key=lambda f: res.fandoms[f]) if in_play else None
        chars.append(
            Character(
                id=cid,
                name=name,
                aliases=dict(e.forms.most_common()),
                gender=res.gender(e) or "unknown",
                mentions=len(e.mentions),
                present=_present(e),
                kb=e.kb.id if e.kb is not None else None,
                fandom=fandom,
            )
        )
    mentions.sort(key=lambda m: (m.start, m.end))
    return chars, mentions


def _present(e: Entity) -> bool:
    """Acts on the page: a subject outside dialogue, or the narrator. The quotes stage may
    also set it when the character speaks."""
    if e.narrator:
        return True
    return any(m.role == "subj" and not m.in_quote for m in e.mentions)
