"""Hand-built annotated documents for tests and examples, without the spaCy model.

``make_doc`` runs only ingest and the rule-based ``fast`` NLP profile (tokenizer and
sentencizer), then ``add_character`` and ``add_quote`` lay characters, mentions and quotes
on it exactly as written, so a test of POV, relationships or tags checks that logic alone,
not the characters or quotes stages.

>>> d = make_doc('Lois kissed Clark. "I love you," she said.')
>>> _ = add_character(d, "lois_lane", "Lois Lane", "female", ["Lois"], ["she"])
>>> [(m.text, m.kind) for m in d.mentions]
[('Lois', 'name'), ('she', 'pronoun')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..ingest import read_bytes
from ..model import Character, Doc, Mention, Quote
from .text import fallback_quote_spans


def make_doc(text: str, name: str = "story.txt", profile: str = "fast") -> Doc:
    """Ingest ``text`` and run only the NLP layer (``fast``: no model)."""
    from ..pipeline import Pipeline  # test utility: the one place tagging looks up a layer

    return Pipeline([], nlp_profile=profile).run(read_bytes(text.encode("utf-8"), path=name))


def add_character(
    doc: Doc,
    cid: str,
    name: str,
    gender: str | None = None,
    forms: Iterable[str] = (),
    pronouns: Iterable[str] = (),
    *,
    kb: str | None = None,
    present: bool | None = True,
) -> Character:
    """Add a character and a mention for every whole-word use of its names and pronouns.

    Pronouns are matched case-insensitively and all given to this character, so give each
    character pronouns no other character in the test uses.
    """
    quotes = fallback_quote_spans(doc) if not doc.quotes else [(q.start, q.end) for q in doc.quotes]
    b = doc.body
    forms = [f for f in dict.fromkeys([name, *forms]) if f]
    mentions = []
    aliases: dict[str, int] = {}
    for f in sorted(forms, key=len, reverse=True):
        for m in re.finditer(r"(?<!\w)" + re.escape(f) + r"(?!\w)", doc.text[b.start : b.end]):
            s, e = b.start + m.start(), b.start + m.end()
            if any(x.start < e and s < x.end for x in doc.mentions + mentions):
                continue
            kind = "name" if f == name or f in name.split() else "alias"
            mentions.append(Mention(s, e, cid, kind, f, any(qs <= s < qe for qs, qe in quotes)))
            aliases[f] = aliases.get(f, 0) + 1
    for p in pronouns:
        for m in re.finditer(r"(?<!\w)" + re.escape(p) + r"(?!\w)", doc.text[b.start : b.end], re.IGNORECASE):
            s, e = b.start + m.start(), b.start + m.end()
            if any(x.start < e and s < x.end for x in doc.mentions + mentions):
                continue
            mentions.append(Mention(s, e, cid, "pronoun", m.group(), any(qs <= s < qe for qs, qe in quotes)))
    c = Character(cid, name, aliases, gender, len(mentions), present, 0, kb)
    doc.characters.append(c)
    doc.mentions = sorted(doc.mentions + mentions, key=lambda m: m.start)
    return c


def add_quote(doc: Doc, snippet: str, speaker: str | None, addressee: str | None = None, occurrence: int = 0) -> Quote:
    """Mark the quotation that contains ``snippet`` (its nth occurrence) as spoken by ``speaker``."""
    spans = [(s, e) for s, e in fallback_quote_spans(doc) if snippet in doc.text[s:e]]
    s, e = spans[occurrence]
    q = Quote(s, e, speaker, addressee, "speech", "explicit", 0.9)
    doc.quotes = sorted(doc.quotes + [q], key=lambda x: x.start)
    c = doc.character(speaker) if speaker else None
    if c is not None:
        c.quotes += 1
    return q
