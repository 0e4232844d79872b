"""A LitBank reader for the benches (``../shared/data/litbank``), importable by any of them.

LitBank gives 100 novel excerpts (~2,000 words each) already tokenised, one sentence per
line. We join the tokens with single spaces, so every gold token has an exact character
span in our text and any predicted span maps back to gold tokens without guessing:

- ``coref/tsv/NAME.txt`` + ``NAME.ann``: sentences, and brat-style lines
  ``MENTION  T12  s1 t1  s2 t2  text  TYPE  PROP|NOM|PRON`` (token offsets within sentences,
  end inclusive) and ``COREF  T12  Entity_Name-7``;
- ``entities/tsv/NAME.tsv``: one token per line, blank line between sentences, then up to
  four columns of nested BIO tags (outermost layers further right), e.g. ``Sir  B-PER  B-PER``.

>>> text, spans = build_text([["Tom", "ran", "."], ["He", "fell", "."]])
>>> text
'Tom ran . He fell .'
>>> spans[3]
(10, 12)
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FiclensError
from ..model import Source, Span, Work

DEFAULT_ROOT = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "litbank"


class LitBankMissing(FiclensError):
    exit_code = 2


@dataclass
class GoldMention:
    start: int  # global token index
    end: int  # exclusive
    type: str  # PER FAC GPE LOC VEH ORG
    kind: str  # PROP NOM PRON
    entity: str  # coreference entity id ("" when none)
    text: str = ""


@dataclass
class LitDoc:
    name: str
    sentences: list[list[str]]
    text: str = ""
    token_spans: list[tuple[int, int]] = field(default_factory=list)  # char span of each token
    mentions: list[GoldMention] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)  # global index of each first token
    token_starts: list[int] = field(default_factory=list)  # char start of each token

    @property
    def n_tokens(self) -> int:
        return len(self.token_spans)

    def work(self) -> Work:
        """The excerpt as a ficlens ``Work`` (plain text, no metadata)."""
        return Work(
            text=self.text,
            source=Source(path=f"litbank/{self.name}", format="txt", sha256="0" * 64),
            body=Span(0, len(self.text)),
        )

    def token_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Gold token span ``[t0, t1)`` exactly covering chars ``[start, end)``, else None."""
        starts = self.token_starts
        i = bisect_right(starts, start) - 1
        if i < 0 or self.token_spans[i][0] != start:
            return None
        j = bisect_right(starts, max(start, end - 1)) - 1
        if j < i or self.token_spans[j][1] != end:
            return None
        return i, j + 1


def build_text(sentences: list[list[str]]) -> tuple[str, list[tuple[int, int]]]:
    """Tokens joined by single spaces (sentences too); the char span of each token."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for sent in sentences:
        for tok in sent:
            if parts:
                parts.append(" ")
                pos += 1
            parts.append(tok)
            spans.append((pos, pos + len(tok)))
            pos += len(tok)
    return "".join(parts), spans


def _finish(doc: LitDoc) -> LitDoc:
    doc.text, doc.token_spans = build_text(doc.sentences)
    doc.token_starts = [s for s, _ in doc.token_spans]
    starts, n = [], 0
    for s in doc.sentences:
        starts.append(n)
        n += len(s)
    doc.sentence_starts = starts
    return doc


def _require(path: Path) -> Path:
    if not path.is_dir():
        raise LitBankMissing(f"LitBank not found at {path} (pass --root)")
    return path


def coref_names(root: Path = DEFAULT_ROOT) -> list[str]:
    return sorted(p.stem for p in _require(root / "coref" / "tsv").glob("*.ann"))


def entity_names(root: Path = DEFAULT_ROOT) -> list[str]:
    return sorted(p.stem for p in _require(root / "entities" / "tsv").glob("*.tsv"))


def load_coref(name: str, root: Path = DEFAULT_ROOT) -> LitDoc:
    """Sentences and coreference-annotated mentions (all types) of one excerpt."""
    base = _require(root / "coref" / "tsv")
    lines = (base / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    sentences = [ln.split(" ") for ln in lines if ln.strip()]
    doc = _finish(LitDoc(name=name, sentences=sentences))
    raw: dict[str, GoldMention] = {}
    for line in (base / f"{name}.ann").read_text(encoding="utf-8").splitlines():
        f = line.split("\t")
        if f[0] == "MENTION" and len(f) >= 9:
            s1, t1, s2, t2 = (int(x) for x in f[2:6])
            start = doc.sentence_starts[s1] + t1
            end = doc.sentence_starts[s2] + t2 + 1
            raw[f[1]] = GoldMention(start, end, f[7], f[8], "", f[6])
        elif f[0] == "COREF" and len(f) >= 3 and f[1] in raw:
            raw[f[1]].entity = f[2]
    for mid, m in raw.items():
        if not m.entity:
            m.entity = f"singleton-{mid}"  # annotated mention without a chain: its own entity
    doc.mentions = sorted(raw.values(), key=lambda m: (m.start, -m.end))
    return doc


def load_entities(name: str, root: Path = DEFAULT_ROOT) -> LitDoc:
    """Sentences and nested entity spans (every layer) of one excerpt."""
    path = _require(root / "entities" / "tsv") / f"{name}.tsv"
    sentences: list[list[str]] = []
    layers: list[list[list[str]]] = []  # per sentence, per token, tags
    cur, cur_tags = [], []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            if cur:
                sentences.append(cur)
                layers.append(cur_tags)
            cur, cur_tags = [], []
            continue
        f = line.split("\t")
        cur.append(f[0])
        cur_tags.append([x.strip() for x in f[1:]])
    if cur:
        sentences.append(cur)
        layers.append(cur_tags)
    doc = _finish(LitDoc(name=name, sentences=sentences))
    for si, tags in enumerate(layers):
        base = doc.sentence_starts[si]
        depth = max((len(t) for t in tags), default=0)
        for layer in range(depth):
            col = [t[layer] if layer < len(t) else "O" for t in tags]
            doc.mentions.extend(_bio_spans(col, base))
    doc.mentions.sort(key=lambda m: (m.start, -m.end))
    return doc


def _bio_spans(col: list[str], base: int) -> list[GoldMention]:
    out = []
    start, label = None, None
    for i, tag in enumerate([*col, "O"]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == label):
            out.append(GoldMention(base + start, base + i, label, "", ""))
            start, label = None, None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, tag[2:]
    return out


def annotate(lit: LitDoc, profile: str = "full"):
    """Run the NLP layer over an excerpt; returns the ``Doc``."""
    from ..model import Doc
    from ..nlp import annotate as nlp_annotate

    return nlp_annotate(Doc(work=lit.work()), profile)


def key_of(lit: LitDoc, start: int, end: int) -> tuple:
    """A predicted char span as a gold token span, or a key that matches no gold mention."""
    span = lit.token_span(start, end)
    return span if span is not None else ("unaligned", start, end)
