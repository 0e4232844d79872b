"""Front and back matter of bare text: where the story starts and ends, and what it declares.

(Minimal version: the body is the text without edge whitespace. The full parser finds
titles, bylines, summaries, disclaimers, author's notes, ratings, warnings, pairings, POV and
setting notes and separators, at both ends.)
"""

from __future__ import annotations

from .model import Span, Work
from .structure import find_chapters, find_scenes


def apply_front_matter(work: Work) -> Work:
    """Fill ``body``, ``metadata`` notes/fields, ``chapters`` and ``scenes`` of a text work."""
    text = work.text
    s, e = 0, len(text)
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    work.body = Span(s, e)
    work.chapters = find_chapters(text, work.body)
    work.scenes = find_scenes(text, work.body, work.chapters)
    return work
