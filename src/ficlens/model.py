"""The plain data objects a work flows through.

``Work`` is what a reader produces from a file: the text exactly as the contract defines it
plus what the work declares about itself. ``Doc`` wraps a ``Work`` with everything the
pipeline learns: the NLP layer (paragraphs, sentences, tokens, entities) and the analysis
(characters, mentions, quotes, POV, relationships, tags, arc, summary).

Invariants every stage may rely on and must keep:

- every ``start``/``end`` pair is a half-open code-point span into ``Doc.text`` (== ``Work.text``);
- ``Token.i`` is the token's index in ``Doc.tokens``; ``Token.head`` is an index into the same list;
- ids in ``Mention.character``, ``Quote.speaker``/``addressee``, ``Relationship.a``/``b`` and
  ``Focal.character`` all name a ``Character.id`` in ``Doc.characters``.

These are dataclasses with no behaviour beyond small derived views, so tests can build
annotated documents by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Span:
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(slots=True)
class Note:
    """A piece of front/back matter: disclaimer, author's note, summary, warning, ..."""

    kind: str  # contract enum: disclaimer author_note summary warning rating setting pov dedication other
    start: int
    end: int


@dataclass(slots=True)
class Chapter:
    start: int
    end: int
    title: str | None = None
    summary: str | None = None
    notes: list[str] = field(default_factory=list)
    end_notes: list[str] = field(default_factory=list)
    # AO3's count of this chapter made from the markup (text node by text node, as AO3
    # does) when the reader had markup; None: count the text span
    words: int | None = None


@dataclass
class Metadata:
    """What the work declares about itself (front matter, AO3/FFN blocks).

    The first block of fields is the contract's; the rest are optional additions
    (backward compatible within ``ficlens.analysis/1``).
    """

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    summary: str | None = None
    notes: list[Note] = field(default_factory=list)
    rating: str | None = None
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeform: list[str] = field(default_factory=list)
    language: str | None = None
    url: str | None = None
    # additions
    work_id: str | None = None  # AO3 work id / FFN story id
    site: str | None = None  # "ao3", "ffn", or None
    series: list[dict[str, Any]] = field(default_factory=list)  # [{"title":..., "part": 2}]
    published: str | None = None  # ISO date
    updated: str | None = None  # ISO date
    words: int | None = None  # declared word count
    chapters: str | None = None  # declared "3/?" or "8/8"
    complete: bool | None = None
    genres: list[str] = field(default_factory=list)  # FFN genres
    pov_note: str | None = None  # "Lana" from "Lana POV:"
    setting: str | None = None  # "Set after season 3"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Source:
    path: str | None
    format: str  # txt ao3-html ao3-epub ffn-html html epub markdown
    sha256: str
    encoding: str | None = None


@dataclass
class Work:
    """One story as read from a file, before any NLP."""

    text: str
    source: Source
    body: Span
    metadata: Metadata = field(default_factory=Metadata)
    chapters: list[Chapter] = field(default_factory=list)
    scenes: list[Span] = field(default_factory=list)
    # spans of text shown in italics/emphasis in HTML input (thoughts are often italic)
    emphasis: list[Span] = field(default_factory=list)


# ----------------------------------------------------------------------------- NLP layer


@dataclass(slots=True)
class Token:
    i: int
    start: int
    end: int
    text: str
    lemma: str = ""
    pos: str = ""
    tag: str = ""
    dep: str = ""
    head: int = -1
    ent_iob: str = "O"  # "B", "I" or "O"
    ent_type: str = ""
    sent: int = -1  # index into Doc.sentences
    para: int = -1  # index into Doc.paragraphs
    ws: bool = False  # followed by whitespace

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    first_token: int  # index into Doc.tokens
    last_token: int  # exclusive
    para: int = -1


@dataclass(slots=True)
class Paragraph:
    start: int
    end: int
    first_token: int = 0
    last_token: int = 0  # exclusive
    chapter: int = 0
    scene: int = 0


@dataclass(slots=True)
class Entity:
    start: int
    end: int
    label: str
    text: str
    first_token: int = -1
    last_token: int = -1  # exclusive


# ----------------------------------------------------------------------------- analysis


@dataclass
class Character:
    id: str
    name: str
    aliases: dict[str, int] = field(default_factory=dict)  # surface form -> count
    gender: str | None = None  # female male nonbinary unknown
    mentions: int = 0
    present: bool | None = None
    quotes: int = 0
    kb: str | None = None
    # additions
    dialogue_words: int = 0
    fandom: str | None = None


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    character: str
    kind: str  # name alias nominal pronoun
    text: str = ""
    in_quote: bool = False


@dataclass
class Quote:
    start: int
    end: int
    speaker: str | None = None
    addressee: str | None = None
    kind: str = "speech"  # speech thought written other
    attribution: str = "unknown"  # explicit anaphoric implicit unknown
    confidence: float = 0.0
    # additions (not in the contract's required set)
    para: int = -1


@dataclass(slots=True)
class Focal:
    character: str
    start: int
    end: int
    confidence: float = 0.0


@dataclass
class POV:
    person: str | None = None  # first second third mixed
    tense: str | None = None  # past present mixed
    focal: list[Focal] = field(default_factory=list)
    # additions
    person_confidence: float | None = None
    tense_confidence: float | None = None
    narrator: str | None = None  # character id of a first-person narrator


@dataclass
class Relationship:
    a: str
    b: str
    type: str = "unknown"  # romantic familial platonic adversarial professional unknown
    tag: str | None = None
    weight: float = 0.0
    confidence: float = 0.0


@dataclass
class ScoredTag:
    value: str
    confidence: float
    # passages that triggered the inference, so a reader can check it
    evidence: list[Span] = field(default_factory=list)


@dataclass
class Tags:
    fandoms: list[ScoredTag] = field(default_factory=list)
    rating: ScoredTag | None = None
    warnings: list[ScoredTag] = field(default_factory=list)
    categories: list[ScoredTag] = field(default_factory=list)
    relationships: list[ScoredTag] = field(default_factory=list)
    characters: list[ScoredTag] = field(default_factory=list)
    freeform: list[ScoredTag] = field(default_factory=list)


@dataclass
class ArcPoint:
    position: float
    valence: float
    emotions: dict[str, float] = field(default_factory=dict)


@dataclass
class Arc:
    points: list[ArcPoint] = field(default_factory=list)
    shape: str | None = None
    ending: str | None = None


@dataclass
class Stats:
    words: int = 0
    dialogue_words: int = 0
    sentences: int = 0
    chapters: int = 0
    paragraphs: int = 0


@dataclass
class Doc:
    """The one object pipeline stages share. Offsets are into ``text`` everywhere."""

    work: Work
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    characters: list[Character] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    pov: POV = field(default_factory=POV)
    relationships: list[Relationship] = field(default_factory=list)
    tags: Tags = field(default_factory=Tags)
    arc: Arc | None = None
    summary: str | None = None
    stats: Stats = field(default_factory=Stats)
    timings: dict[str, float] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)  # [{"stage":..., "error":...}]
    # the NLP profile the layer above was built with ("full", "ner", "fast"), for stages
    # that can do better with a parse but must also work without one
    nlp_profile: str | None = None

    @property
    def text(self) -> str:
        return self.work.text

    @property
    def body(self) -> Span:
        return self.work.body

    @property
    def metadata(self) -> Metadata:
        return self.work.metadata

    def character(self, cid: str) -> Character | None:
        for c in self.characters:
            if c.id == cid:
                return c
        return None
