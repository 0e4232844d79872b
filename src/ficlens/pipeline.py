"""Builds the ordered analysis stages and runs them over one ``Doc``.

A stage is any object with ``name``, ``requires``, ``assigns`` and ``__call__(doc) -> doc``
(see ``ficlens.stages``). ``Pipeline`` checks when it is *built* that every stage's
``requires`` is provided by ingest, the NLP layer or an earlier stage, so a mis-ordered
pipeline fails at construction, not half-way through a corpus. At run time a stage that
raises is recorded in ``doc.errors`` (one line, with the stage name) and the remaining
stages still run: one bad work or one bad stage never kills a batch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol, Sequence

from . import nlp as nlp_layer
from .errors import FiclensError
from .model import Doc, Work
from .text import ao3_word_count

# what exists on a Doc before any stage runs
INGEST_PROVIDES = frozenset({"text", "body", "metadata", "chapters", "scenes", "emphasis"})
NLP_PROVIDES = frozenset({"paragraphs", "sentences", "tokens", "entities", "stats"})


class Stage(Protocol):
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, doc: Doc) -> Doc: ...


class PipelineError(FiclensError):
    exit_code = 2


ErrorHandler = Callable[[str, Doc, BaseException], None]


def record_error(stage: str, doc: Doc, exc: BaseException) -> None:
    """Default error handler: note the failure on the document and go on."""
    msg = " ".join(str(exc).split()) or type(exc).__name__
    doc.errors.append({"stage": stage, "error": f"{type(exc).__name__}: {msg}"})


def raise_error(stage: str, doc: Doc, exc: BaseException) -> None:
    raise exc


@dataclass
class Pipeline:
    stages: Sequence[Stage] = field(default_factory=list)
    nlp_profile: str = nlp_layer.DEFAULT_PROFILE
    on_error: ErrorHandler = record_error

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Every ``requires`` is assigned earlier; no ``optional`` input is assigned only later.

        A stage's ``optional`` inputs (used when present, degraded without) may be absent from
        the pipeline, but a stage placed before the one that fills them would silently run on
        nothing: that is a mis-ordered pipeline too.
        """
        have = set(INGEST_PROVIDES | NLP_PROVIDES)
        for i, st in enumerate(self.stages):
            missing = [r for r in st.requires if r not in have]
            if missing:
                raise PipelineError(
                    f"stage {st.name!r} requires {', '.join(missing)}, which no earlier stage assigns"
                )
            later = {a for s in self.stages[i + 1 :] for a in s.assigns}
            late = [o for o in getattr(st, "optional", ()) if o in later and o not in have]
            if late:
                raise PipelineError(f"stage {st.name!r} runs before the stage that assigns {', '.join(late)}")
            have.update(st.assigns)

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def run(self, work: Work) -> Doc:
        doc = Doc(work=work)
        t0 = time.perf_counter()
        nlp_layer.annotate(doc, self.nlp_profile)
        doc.timings["nlp"] = time.perf_counter() - t0
        compute_stats(doc)
        for st in self.stages:
            t = time.perf_counter()
            try:
                doc = st(doc)
            except Exception as exc:  # noqa: BLE001 - the handler decides
                self.on_error(st.name, doc, exc)
            doc.timings[st.name] = time.perf_counter() - t
        compute_dialogue_stats(doc)
        return doc


def compute_stats(doc: Doc) -> None:
    """AO3-compatible word count of the story text, sentences, chapters, paragraphs."""
    text = doc.text
    chapters = doc.work.chapters
    if chapters:
        words = sum(c.words if c.words is not None else ao3_word_count(text[c.start : c.end]) for c in chapters)
    else:
        words = ao3_word_count(text[doc.body.start : doc.body.end])
    doc.stats.words = words
    doc.stats.sentences = len(doc.sentences)
    doc.stats.chapters = max(1, len(chapters)) if doc.body.end > doc.body.start else 0
    doc.stats.paragraphs = len(doc.paragraphs)


def compute_dialogue_stats(doc: Doc) -> None:
    """Words inside quotations (speech and thought), overall and per speaker."""
    total = 0
    per: dict[str, int] = {}
    for q in doc.quotes:
        if q.kind == "other":
            continue
        n = ao3_word_count(doc.text[q.start : q.end])
        total += n
        if q.speaker:
            per[q.speaker] = per.get(q.speaker, 0) + n
    doc.stats.dialogue_words = total
    for c in doc.characters:
        c.dialogue_words = per.get(c.id, 0)


def default_pipeline(*, profile: str | None = None, stages: Sequence[str] | None = None, **kw) -> Pipeline:
    from .stages import build_stages

    return Pipeline(build_stages(stages), nlp_profile=profile or nlp_layer.DEFAULT_PROFILE, **kw)


def analyze(source: str | Path | Work, *, pipeline: Pipeline | None = None, **read_options) -> Doc:
    """Read (if given a path) and analyse one work."""
    from .ingest import read

    work = source if isinstance(source, Work) else read(source, **read_options)
    return (pipeline or default_pipeline()).run(work)
