"""The NLP layer's choice of story paragraphs (no model needed)."""

from __future__ import annotations

import random

from ficlens.model import Doc, Note, Source, Span, Work
from ficlens.nlp import story_paragraph_spans
from ficlens.text import paragraph_spans


def _doc(text: str, notes: list[tuple[int, int]]) -> Doc:
    work = Work(text=text, source=Source(path=None, format="html", sha256="0" * 64), body=Span(0, len(text)))
    work.metadata.notes = [Note("author_note", s, e) for s, e in notes]
    return Doc(work=work)


def test_paragraphs_inside_a_note_are_not_story():
    text = "She ran.\nA/N: sorry for the wait!\nHe followed.\n"
    note = (text.index("A/N"), text.index("wait!") + len("wait!"))
    spans = story_paragraph_spans(_doc(text, [note]))
    assert [text[s:e] for s, e in spans] == ["She ran.", "He followed."]


def test_note_exclusion_matches_checking_every_note():
    # the bisect over notes must agree with the plain "inside any note" test, nested and
    # overlapping notes included
    rng = random.Random(7)
    text = "".join(f"Line {i} of the story.\n" for i in range(60))
    lines = paragraph_spans(text, wrapped=False)
    for _ in range(50):
        notes = []
        for _ in range(rng.randint(0, 6)):
            a, b = sorted(rng.sample(range(len(lines)), 2))
            notes.append((lines[a][0] + rng.randint(0, 2), lines[b][1] - rng.randint(0, 2)))
        expected = [(s, e) for s, e in lines if not any(ns <= s and e <= ne for ns, ne in notes)]
        assert story_paragraph_spans(_doc(text, notes)) == expected
