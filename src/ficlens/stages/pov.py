"""Stage ``pov``: grammatical person, tense, focal characters and first-person narrator.

Needs only the NLP layer; it reads ``characters``/``mentions`` (focal characters, the
narrator) and ``quotes`` (to leave dialogue out) when earlier stages filled them, and
falls back to a quotation-mark scan otherwise. Logic: ``ficlens.tagging.pov``.
"""

from __future__ import annotations

from ..model import Doc
from ..tagging import pov


class PovStage:
    name = "pov"
    requires = ("tokens", "sentences", "paragraphs")
    # read when present, never required: the stage degrades to person + tense without them
    optional = ("characters", "mentions", "quotes")
    assigns = ("pov",)

    def __call__(self, doc: Doc) -> Doc:
        pov.analyse(doc)
        return doc


def create(**config) -> PovStage:
    return PovStage()
