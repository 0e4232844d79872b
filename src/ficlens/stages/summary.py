"""Stage ``summary``: a three-sentence extractive summary, only when the work declares none.

Never touches ``metadata.summary``; the generated one goes to ``doc.summary``. Logic:
``ficlens.tagging.summary``.
"""

from __future__ import annotations

from ..model import Doc
from ..tagging import summary


class SummaryStage:
    name = "summary"
    requires = ("sentences", "metadata")
    optional = ("mentions", "characters", "quotes")
    assigns = ("summary",)

    def __init__(self, sentences: int = summary.N):
        self.sentences = sentences

    def __call__(self, doc: Doc) -> Doc:
        declared = (doc.metadata.summary or "").strip()
        doc.summary = None if declared else summary.summarise(doc, self.sentences)
        return doc


def create(**config) -> SummaryStage:
    return SummaryStage(**config)
