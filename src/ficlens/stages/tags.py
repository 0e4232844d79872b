"""Stage ``tags``: fandoms, rating, archive warnings, categories and freeform tags.

What the text shows, each with a confidence and the passages that triggered it; never
touches ``metadata`` (what the work declares). Relationship and character tags come from the
``relations`` stage. Logic: ``ficlens.tagging.{fandom, content, deaths, categories, freeform}``.
"""

from __future__ import annotations

from ..model import Doc
from ..tagging import categories, content, deaths, fandom, freeform
from ..tagging.kbview import get_kb
from ..tagging.sentiment import sentence_valences


class TagsStage:
    name = "tags"
    requires = ("tokens", "sentences", "paragraphs")
    # read when earlier stages filled them: linked characters, who dies, romances, POV
    optional = ("characters", "mentions", "quotes", "relationships", "pov")
    assigns = ("tags.fandoms", "tags.rating", "tags.warnings", "tags.categories", "tags.freeform")

    def __init__(self, kb_paths: tuple[str, ...] = ()):
        self.kb_paths = tuple(kb_paths)

    def __call__(self, doc: Doc) -> Doc:
        kb = get_kb(self.kb_paths)
        events = deaths.find(doc)
        evidence = content.gather(doc)
        tags = doc.tags
        tags.fandoms = fandom.infer(doc, kb)
        tags.rating = content.infer_rating(doc, evidence, events)
        tags.warnings = content.infer_warnings(doc, evidence, events, deaths.importance(doc))
        tags.categories = categories.infer(doc, kb)
        feats = freeform.features(doc, sentence_valences(doc), events, kb)
        tags.freeform = freeform.infer(doc, feats)
        return doc


def create(**config) -> TagsStage:
    return TagsStage(**config)
