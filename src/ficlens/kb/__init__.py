"""The fandom knowledge base: fandoms, their characters, and the terms that mark them.

Data lives in ``ficlens/kb/fandoms/*.json``, one file per fandom family (the format is
documented in ``kb/README.md``); users can add their own files in the same format and load
them with ``load_kb(extra_paths=[...])``. Everything here is facts about canon: AO3
canonical names, aliases, secret identities, family and canon relationships, markers.

>>> kb = load_kb()
>>> kb.canonical_character("Kal-El")
'Clark Kent'
>>> "Superman" in kb.synonyms("Clark Kent")
True
>>> kb.canonical_relationship("Lois/Clark")
'Clark Kent/Lois Lane'
>>> "Smallville" in kb.fandoms
True
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .. import resources
from ..errors import FiclensError

_DISAMBIGUATOR = re.compile(r"\s*\([^)]*\)\s*$")
_NOT_GIVEN = frozenset({"the", "mr", "mrs", "ms", "miss", "dr", "sir", "lady", "lord", "captain", "king", "queen", "prince", "princess", "professor", "aunt", "uncle", "general", "agent", "detective"})
GENDERS = ("female", "male", "nonbinary", "unknown")
_GENDER_CODES = {"f": "female", "m": "male", "nb": "nonbinary", "n": "nonbinary", "u": "unknown"}
# relation words in the data files -> the inverse stored on the other character
INVERSE = {
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "spouse": "spouse",
    "romantic": "romantic",
    "friend": "friend",
    "rival": "rival",
    "enemy": "enemy",
    "colleague": "colleague",
    "mentor": "student",
    "student": "mentor",
    "cousin": "cousin",
    "relative": "relative",
    "guardian": "ward",
    "ward": "guardian",
    "partner": "partner",
}
# relation kind -> AO3 relationship convention ("/" romantic, " & " platonic/familial)
ROMANTIC = frozenset({"spouse", "romantic", "partner"})


class KBError(FiclensError):
    """A knowledge-base file is malformed (bad JSON, unknown relation, duplicate id)."""

    exit_code = 2


def slug(name: str) -> str:
    """Stable id for a name: ``slug("Kal-El") == "kal_el"``, ``slug("Zoë Hart") == "zoe_hart"``."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s or "x"


def norm(name: str) -> str:
    """Lookup key for a name: case-folded, accents and punctuation dropped, spaces collapsed."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    s = s.replace("\u2019", "'")
    s = re.sub(r"[^\w' -]+", " ", s)
    return " ".join(s.replace("-", " ").split())


@dataclass(frozen=True)
class Relation:
    kind: str  # a key of INVERSE
    other: str  # character id
    fandoms: tuple[str, ...] = ()  # empty: every canon the pair shares


@dataclass
class KBCharacter:
    id: str
    name: str  # AO3 canonical character name
    fandoms: tuple[str, ...]
    family: str  # the fandom-family file it came from
    gender: str = "unknown"
    aliases: tuple[str, ...] = ()  # other names: "Clark", "Kal-El"
    nicknames: tuple[str, ...] = ()  # what others call them: "Smallville", "Boy Scout"
    identities: tuple[str, ...] = ()  # secret / alter-ego identities: "Superman", "the Blur"
    # names only used in some canons: {"Smallville": ("the Blur",)}
    canon_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    # the given name when it is not the first word ("Uzumaki Naruto" -> "Naruto"); "" for none
    given: str | None = None
    # False for a character who never says a line (Grogu, a horse, Thing): never a speaker
    speaks: bool = True
    # the nouns the narration calls them by in their canon: "the butler" is Sebastian Michaelis
    roles: tuple[str, ...] = ()

    @property
    def plain_name(self) -> str:
        """The canonical name without AO3's "(Fandom)" disambiguator: "Sans" for "Sans (Undertale)"."""
        return _DISAMBIGUATOR.sub("", self.name) or self.name

    @property
    def first_name(self) -> str:
        """The name people use alone: "Clark" for Clark Kent, "" for "The Doctor"."""
        if self.given is not None:
            return self.given
        first = self.name.split()[0]
        return "" if first.lower().rstrip(".") in _NOT_GIVEN else first

    def names(self, fandom: str | None = None) -> tuple[str, ...]:
        """Every name this character goes by (in ``fandom`` only, when given)."""
        out = [self.name, *([self.first_name] if self.first_name else [])]
        out += [*self.aliases, *self.nicknames, *self.identities]
        for f, extra in self.canon_names.items():
            if fandom is None or f == fandom:
                out.extend(extra)
        return tuple(dict.fromkeys(out))

    def relatives(self, kind: str) -> list[str]:
        return [r.other for r in self.relations if r.kind == kind]


@dataclass
class Fandom:
    name: str  # AO3 canonical fandom name
    family: str
    markers: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()  # "SV", "HP", "BNHA"
    parent: str | None = None  # broader AO3 fandom ("Superman - All Media Types")
    # False where the AO3 name could not be checked against the 2021 tag dump (non-Latin names)
    verified: bool = True


@dataclass(eq=False)  # hashed by identity: per-KB indexes are cached on it
class KB:
    fandoms: dict[str, Fandom] = field(default_factory=dict)
    characters: dict[str, KBCharacter] = field(default_factory=dict)
    markers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # norm(name) -> character ids that go by it
    _by_name: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _fandom_by_norm: dict[str, str] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ lookups
    def find_characters(self, name: str, fandoms: Iterable[str] | None = None) -> list[KBCharacter]:
        """Characters that go by ``name`` (any alias), optionally only in ``fandoms``.

        ``find_characters("Martha")`` is ambiguous (Martha Kent, Martha Wayne, Martha Jones):
        callers decide with evidence from the text.
        """
        key = norm(name)
        out = [self.characters[i] for i in self._by_name.get(key, [])]
        # a name only some canons use ("Spider-Man" for Miles Morales in the Spider-Verse
        # films) counts in those canons, and elsewhere only when no one goes by it always
        general = [c for c in out if any(norm(n) == key for n in c.names(fandom=""))]
        if fandoms is not None:
            wanted = {self.fandom_name(f) or f for f in fandoms}
            return [c for c in out if wanted.intersection(c.fandoms) and (
                c in general or any(norm(n) == key for f in wanted for n in c.canon_names.get(f, ())))]
        return general or out

    def character(self, cid: str) -> KBCharacter | None:
        return self.characters.get(cid)

    def canonical_character(self, name: str, fandoms: Iterable[str] | None = None) -> str | None:
        """The AO3 canonical name for ``name`` when exactly one character goes by it."""
        found = self.find_characters(name, fandoms)
        return found[0].name if len(found) == 1 else None

    def fandom_name(self, name: str) -> str | None:
        """Canonical AO3 fandom name for a name or abbreviation ("SV" -> "Smallville")."""
        return self._fandom_by_norm.get(norm(name))

    def characters_in(self, fandom: str) -> list[KBCharacter]:
        f = self.fandom_name(fandom) or fandom
        return [c for c in self.characters.values() if f in c.fandoms]

    def families(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for f in self.fandoms.values():
            out.setdefault(f.family, []).append(f.name)
        return out

    # ------------------------------------------------------------------ tag synonyms
    def synonyms(self, tag: str) -> set[str]:
        """Every way to write a character or relationship tag, including the tag itself.

        Character tag -> all the character's names; relationship tag ("Clark/Lois",
        "Clark Kent & Martha Kent") -> the canonical form plus every combination of the
        sides' names in both orders, with the same separator. Unknown tags -> ``{tag}``.
        """
        tag = tag.strip()
        sep = _relationship_sep(tag)
        if sep is None:
            chars = self.find_characters(tag)
            out = {tag}
            for c in chars if len(chars) == 1 else []:
                out.update(c.names())
            return out
        chars = self.resolve_sides(tag.split(sep.strip()))
        out = {tag}
        if chars is None:
            return out
        out.add(_join([c.name for c in chars], sep))
        if len(chars) == 2:
            a, b = chars
            for na in a.names():
                for nb in b.names():
                    out.add(f"{na}{sep}{nb}")
                    out.add(f"{nb}{sep}{na}")
        return out

    def canonical_relationship(self, tag: str) -> str | None:
        """``"Lois/Clark"`` -> ``"Clark Kent/Lois Lane"`` (sides sorted as AO3 sorts them)."""
        sep = _relationship_sep(tag)
        if sep is None:
            return None
        chars = self.resolve_sides(tag.split(sep.strip()))
        return None if chars is None else _join(sorted(c.name for c in chars), sep)

    def resolve_sides(self, names: Iterable[str]) -> list[KBCharacter] | None:
        """The characters named by the sides of a pairing, each side read in the light of
        the others: "Harry/Draco" is Harry Potter (not Harry Watson) because only he shares
        a canon with a Draco. ``None`` when any side stays ambiguous or unknown."""
        cands = [self.find_characters(n.strip()) for n in names]
        if not cands or not all(cands):
            return None
        out = []
        for i, options in enumerate(cands):
            if len(options) > 1:
                others = {f for j, o in enumerate(cands) if j != i for c in o for f in c.fandoms}
                options = [c for c in options if others.intersection(c.fandoms)]
            if len(options) != 1:
                return None
            out.append(options[0])
        return out

    def relationship_tag(self, a: str, b: str, kind: str) -> str:
        """AO3-style tag for two character ids: ``A/B`` romantic, ``A & B`` otherwise."""
        names = sorted(self.characters[x].name if x in self.characters else x for x in (a, b))
        return _join(names, "/" if kind in ROMANTIC else " & ")

    def canon_relation(self, a: str, b: str) -> list[Relation]:
        ca = self.characters.get(a)
        return [r for r in ca.relations if r.other == b] if ca else []

    def fandoms_of(self, names: Iterable[str]) -> dict[str, int]:
        """How many of ``names`` (character names/aliases) each fandom accounts for."""
        counts: dict[str, int] = {}
        for n in names:
            for f in {f for c in self.find_characters(n) for f in c.fandoms}:
                counts[f] = counts.get(f, 0) + 1
        return counts

    def __iter__(self) -> Iterator[KBCharacter]:
        return iter(self.characters.values())


def _relationship_sep(tag: str) -> str | None:
    if "/" in tag:
        return "/"
    if " & " in tag:
        return " & "
    return None


def _join(names: list[str], sep: str) -> str:
    return sep.join(names)


# ---------------------------------------------------------------------- loading


def _tuple(v) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,)
    return tuple(str(x) for x in v)


def _add_file(kb: KB, data: dict, origin: str) -> None:
    family = data.get("family") or origin
    file_fandoms: list[str] = []
    for f in data.get("fandoms", []):
        fd = Fandom(
            name=f["name"],
            family=family,
            markers=_tuple(f.get("markers")),
            abbreviations=_tuple(f.get("abbreviations")),
            parent=f.get("parent"),
            verified=bool(f.get("verified", True)),
        )
        kb.fandoms[fd.name] = fd
        kb.markers[fd.name] = fd.markers
        file_fandoms.append(fd.name)
        for key in (fd.name, *fd.abbreviations):
            kb._fandom_by_norm.setdefault(norm(key), fd.name)
    for raw in data.get("characters", []):
        c = _character(raw, family, file_fandoms, origin)
        if c.id in kb.characters:
            raise KBError(f"{origin}: duplicate character id {c.id!r}")
        kb.characters[c.id] = c


def _character(raw: dict, family: str, file_fandoms: list[str], origin: str) -> KBCharacter:
    try:
        name = raw["name"]
    except (KeyError, TypeError):
        raise KBError(f"{origin}: character without a name: {raw!r}") from None
    gender = _GENDER_CODES.get(raw.get("gender", "u"), raw.get("gender", "unknown"))
    if gender not in GENDERS:
        raise KBError(f"{origin}: {name}: unknown gender {gender!r}")
    fandoms = _tuple(raw.get("fandoms")) or tuple(file_fandoms)
    rels = []
    for kind, others in (raw.get("relations") or {}).items():
        if kind not in INVERSE:
            raise KBError(f"{origin}: {name}: unknown relation {kind!r}")
        rels.extend(Relation(kind, o) for o in _tuple(others))
    speaks = raw.get("speaks", True)
    if not isinstance(speaks, bool):
        raise KBError(f"{origin}: {name}: speaks must be true or false, not {speaks!r}")
    roles = _tuple(raw.get("roles"))
    bad = [r for r in roles if not (r.isalpha() and r.islower())]
    if bad:
        raise KBError(f"{origin}: {name}: a role is one lower-case noun (\"butler\"), not {bad[0]!r}")
    return KBCharacter(
        id=raw.get("id") or slug(name),
        name=name,
        fandoms=fandoms,
        family=family,
        gender=gender,
        aliases=_tuple(raw.get("aliases")),
        nicknames=_tuple(raw.get("nicknames")),
        identities=_tuple(raw.get("identities")),
        canon_names={k: _tuple(v) for k, v in (raw.get("canon_names") or {}).items()},
        relations=rels,
        given=raw.get("given"),
        speaks=speaks,
        roles=roles,
    )


def _finish(kb: KB) -> KB:
    # relations are declared once; store the inverse on the other side
    for c in list(kb.characters.values()):
        for r in list(c.relations):
            other = kb.characters.get(r.other)
            if other is None:
                raise KBError(f"{c.family}: {c.name}: relation to unknown id {r.other!r}")
            inv = Relation(INVERSE[r.kind], c.id, r.fandoms)
            if not any(x.kind == inv.kind and x.other == c.id for x in other.relations):
                other.relations.append(inv)
    for c in kb.characters.values():
        for n in c.names():
            ids = kb._by_name.setdefault(norm(n), [])
            if c.id not in ids:
                ids.append(c.id)
    return kb


def _load_builtin_files() -> Iterator[tuple[str, dict]]:
    for fname in resources.listdir("kb", "fandoms"):
        if fname.endswith(".json"):
            yield fname[:-5], resources.load_json("kb", "fandoms", fname)


@lru_cache(maxsize=8)
def _load(extra: tuple[str, ...]) -> KB:
    kb = KB()
    for origin, data in _load_builtin_files():
        _add_file(kb, data, origin)
    for p in extra:
        path = Path(p)
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        for fp in files:
            try:
                data = json.loads(fp.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise KBError(f"cannot read knowledge-base file {fp}: {exc}") from None
            _add_file(kb, data, fp.stem)
    return _finish(kb)


def load_kb(extra_paths: Iterable[str | Path] = ()) -> KB:
    """The built-in knowledge base plus any user files (cached; treat it as read-only)."""
    return _load(tuple(str(p) for p in extra_paths))
