"""Stage ``relations``: weighted, typed character pairs and AO3 relationship/character tags.

Reads ``quotes`` (speaker/addressee) when the quotes stage ran. Logic:
``ficlens.tagging.relations``.
"""

from __future__ import annotations

from ..model import Doc
from ..tagging import relations


class RelationsStage:
    name = "relations"
    requires = ("paragraphs", "sentences")
    # the pairs come from these; without a characters stage the result is simply empty
    optional = ("characters", "mentions", "quotes")
    assigns = ("relationships", "tags.relationships", "tags.characters")

    def __call__(self, doc: Doc) -> Doc:
        relations.analyse(doc)
        return doc


def create(**config) -> RelationsStage:
    return RelationsStage()
