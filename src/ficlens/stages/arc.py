"""Stage ``arc``: valence and basic emotions over the body, smoothed, with shape and ending.

Logic: ``ficlens.tagging.arc`` (VADER valence per sentence, a shipped emotion lexicon).
"""

from __future__ import annotations

from ..model import Doc
from ..tagging import arc
from ..tagging.sentiment import sentence_valences


class ArcStage:
    name = "arc"
    requires = ("sentences",)
    assigns = ("arc",)

    def __call__(self, doc: Doc) -> Doc:
        doc.arc = arc.build(doc, sentence_valences(doc))
        return doc


def create(**config) -> ArcStage:
    return ArcStage()
