"""Views of a ``Doc`` the narrative stages share: dialogue spans, narration tokens, sections.

Dialogue comes from ``doc.quotes`` when the quotes stage ran; without it (``--stages``
subsets, benchmarks on bare text) a per-paragraph scan for paired quotation marks stands
in, so POV and tense never count words inside dialogue either way.

>>> from ficlens.model import Doc, Work, Source, Span
>>> t = 'He said, "I am here." I left.'
>>> d = Doc(work=Work(text=t, source=Source(None, "txt", "0" * 64), body=Span(0, len(t))))
>>> [t[s:e] for s, e in fallback_quote_spans(d)]
['"I am here."']
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from ..coref.quotespans import chat_spans
from ..model import Doc, Paragraph, Sentence, Token
from ..structure import pov_switches
from ..text import merge_spans

_QUOTE_RE = re.compile(
    r'"[^"\n]*"'  # straight double quotes, paired within a paragraph
    r"|\u201c[^\u201d\n]*(?:\u201d|$)"  # curly doubles; an unclosed one runs to the paragraph end
    r"|(?<![\w])'[^'\n]{2,}?'(?![\w])"  # straight singles: an apostrophe ("don't") never closes one
    r"|\u2018[^\u2018\n]*?\u2019(?![A-Za-z])",  # curly singles: "n\u2019t" inside is an apostrophe
    re.MULTILINE,
)
# a paragraph that is only a scene-break ornament: "* * *", "~~~", "---", "oOo", "xXx"
_BREAK_RE = re.compile(r"^\s*(?:[\W_]{3,}|[oOxX0~*\s]{3,}|#+)\s*$")
# "Lois POV", "Clark's POV:", "~ Lana's point of view ~"
POV_HEAD_RE = re.compile(
    r"^\W*(?P<name>[A-Z][\w.'\- ]{0,40}?)(?:'s|\u2019s)?\s*(?:POV|P\.O\.V\.|point of view)\W*$", re.IGNORECASE
)


class Spans:
    """A sorted list of disjoint half-open spans with fast membership tests."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self.spans = sorted((s, e) for s, e in spans if e > s)
        self._starts = [s for s, _ in self.spans]

    def __contains__(self, offset: int) -> bool:
        i = bisect_right(self._starts, offset) - 1
        return i >= 0 and offset < self.spans[i][1]

    def __len__(self) -> int:
        return len(self.spans)

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans that overlap ``[start, end)``, in order."""
        out = []
        i = max(0, bisect_right(self._starts, start) - 1)
        while i < len(self.spans) and self.spans[i][0] < end:
            if self.spans[i][1] > start:
                out.append(self.spans[i])
            i += 1
        return out

    def covered(self, start: int, end: int) -> int:
        """How many characters of ``[start, end)`` the spans cover."""
        n = 0
        i = max(0, bisect_right(self._starts, start) - 1)
        while i < len(self.spans) and self.spans[i][0] < end:
            s, e = self.spans[i]
            n += max(0, min(e, end) - max(s, start))
            i += 1
        return n


def fallback_quote_spans(doc: Doc) -> list[tuple[int, int]]:
    """Paired quotation marks per paragraph (used only when the quotes stage did not run)."""
    text = doc.text
    b = doc.body
    return [(b.start + m.start(), b.start + m.end()) for m in _QUOTE_RE.finditer(text[b.start : b.end])]


_DASH_LINE_RE = re.compile(r"^[ \t]*[\u2014\u2015\u2013][^\n]*", re.MULTILINE)


def dash_dialogue_spans(doc: Doc) -> list[tuple[int, int]]:
    """Lines that open with a dash: em-dash dialogue ("— Come up, Kinch!"), as in Joyce."""
    b = doc.body
    return [(b.start + m.start(), b.start + m.end()) for m in _DASH_LINE_RE.finditer(doc.text[b.start : b.end])]


def dialogue(doc: Doc) -> Spans:
    """Spans of speech and thought: quotes stage output, quotation-mark pairs, dash dialogue."""
    # the quotes stage is the authority on what is speech; the mark scan only adds what it
    # missed (single-quote or dash dialogue in a style it does not read), never removes
    spans = [(q.start, q.end) for q in doc.quotes if q.kind != "other"]
    spans += fallback_quote_spans(doc) + dash_dialogue_spans(doc) + chat_spans(doc.text, [(p.start, p.end) for p in doc.paragraphs])
    return Spans(merge_spans(spans))


def narration_tokens(doc: Doc, quotes: Spans | None = None) -> list[Token]:
    """Body tokens outside dialogue."""
    quotes = quotes if quotes is not None else dialogue(doc)
    return [t for t in doc.tokens if t.start not in quotes]


def sentence_at(doc: Doc, offset: int) -> Sentence | None:
    starts = [s.start for s in doc.sentences]
    i = bisect_right(starts, offset) - 1
    if i >= 0 and offset < doc.sentences[i].end:
        return doc.sentences[i]
    return None


def paragraph_index(doc: Doc) -> ParagraphIndex:
    return ParagraphIndex(doc.paragraphs)


class ParagraphIndex:
    """Offset -> paragraph number."""

    def __init__(self, paragraphs: Sequence[Paragraph]):
        self._starts = [p.start for p in paragraphs]
        self._ends = [p.end for p in paragraphs]

    def __call__(self, offset: int) -> int:
        i = bisect_right(self._starts, offset) - 1
        return i if i >= 0 and offset <= self._ends[i] else -1


def is_break(text: str) -> bool:
    """A scene-break ornament line."""
    return bool(_BREAK_RE.match(text)) and not any(c.isalpha() and c not in "oOxX" for c in text)


def pov_heading(text: str) -> str | None:
    """The name in a POV heading paragraph ("Lana's POV" -> "Lana"), else None."""
    if len(text) > 60:
        return None
    m = POV_HEAD_RE.match(text.strip())
    return m.group("name").strip() if m else None


_NAME_LINE_RE = re.compile(r"^[\W_]*([A-Za-z][A-Za-z.'\u2019-]*(?: [A-Za-z][A-Za-z.'\u2019-]*){0,2})[\s~*=#_\-\])]*$")


def character_names(doc: Doc) -> set[str]:
    """Lowercased names, aliases and their first words, for spotting name-only headings."""
    out: set[str] = set()
    for c in doc.characters:
        for form in (c.name, *c.aliases):
            out.add(form.lower())
            out.add(form.split()[0].lower() if form.split() else "")
    out.discard("")
    return out


def name_heading(text: str, names: set[str]) -> str | None:
    """A paragraph that is only a character's name ("LOIS", "~ Clark ~") heads a POV section.

    >>> name_heading("~ LOIS ~", {"lois"}), name_heading("Lois.", {"lois"}), name_heading("Rain", {"lois"})
    ('LOIS', None, None)
    """
    t = text.strip()
    if len(t) > 30 or t[-1:] in ".!?,\"\u201d":
        return None
    m = _NAME_LINE_RE.match(t)
    if not m:
        return None
    name = m.group(1).strip(" .'\u2019")
    return name if name.lower() in names else None


def heading(text: str, names: set[str]) -> str | None:
    """The character named by a POV heading ("Lana's POV") or a name-only line, else None."""
    return pov_heading(text) or name_heading(text, names)


def sections(doc: Doc) -> list[tuple[int, int]]:
    """Paragraph-index ranges ``[first, last)`` of the scenes of the body.

    Scene starts come from ``doc.work.scenes`` (the reader's scene breaks), from ornament
    lines, from POV headings ("Clark's POV") and from lines that are only a character's name
    ("LOIS"), whichever the text has.
    """
    paras = doc.paragraphs
    if not paras:
        return []
    cuts = {0}
    scene_starts = sorted(s.start for s in doc.work.scenes)
    idx = ParagraphIndex(paras)
    names = character_names(doc)
    for s in scene_starts:
        i = idx(s)
        if i < 0:  # a scene may start between paragraphs
            i = next((k for k, p in enumerate(paras) if p.start >= s), -1)
        if i > 0:
            cuts.add(i)
    for i, p in enumerate(paras):
        t = doc.text[p.start : p.end]
        if is_break(t):
            cuts.add(i + 1 if i + 1 < len(paras) else i)
        elif i > 0 and heading(t, names):
            cuts.add(i)
    c = sorted(x for x in cuts if x < len(paras))
    return [(a, b) for a, b in zip(c, c[1:] + [len(paras)]) if b > a]


def window(tokens: Sequence[Token], i: int, before: int, after: int) -> Sequence[Token]:
    return tokens[max(0, i - before) : i + after + 1]


FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})  # a narrator's own words
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself"})  # ... in a story told in the second person


def pov_line_narrators(doc: Doc) -> list[tuple[int, str | None]]:
    """``(offset, character)`` from where each POV line hands the first person on ("Annabeth
    POV" ... "Percy POV"): whoever the narration's "I" is in that section (the characters stage
    resolved it), None for a section told in the third person. [] for a story with fewer than
    two such names, or with no "I" under them."""
    switches = pov_switches(doc.text, doc.metadata.notes, character_names(doc))
    if len({name.lower() for _, name in switches}) < 2:
        return []
    at = [s for s, _ in switches]
    votes: list[dict[str, int]] = [{} for _ in switches]
    for m in doc.mentions:
        if not m.in_quote and m.kind == "pronoun" and (m.text or doc.text[m.start : m.end]).lower() in FIRST_PERSON:
            v = votes[max(0, bisect_right(at, m.start) - 1)]
            v[m.character] = v.get(m.character, 0) + 1
    out = [(0 if k == 0 else s, max(v, key=v.__getitem__) if v else None) for k, (s, v) in enumerate(zip(at, votes))]
    return out if any(who for _, who in out) else []


def _said_past(doc: Doc) -> set[tuple[int, str]]:
    """(paragraph, speaker) of lines said past their addressee: '"Ruth was his wife," he said.
    "He asks for her most nights."', attributed as said to the man it calls "he", was said to
    someone else on the scene (and so were that speaker's other lines in the paragraph)."""
    from ..coref.lexicon import lexicon

    pronouns = lexicon().pronouns  # "he" -> ("male", "sg", 3, "subj")
    third = sorted((m.start, m.character) for m in doc.mentions if m.in_quote and m.kind == "pronoun"
                   and pronouns.get(doc.text[m.start : m.end].lower(), (None, "pl", 0))[1:3] == ("sg", 3))
    starts = [at for at, _ in third]
    out = set()
    for q in doc.quotes:
        if q.addressee is None or q.speaker is None:
            continue
        k = bisect_left(starts, q.start)
        while k < len(third) and third[k][0] < q.end:
            if third[k][1] == q.addressee:
                out.add((q.para, q.speaker))
                break
            k += 1
    return out


def talked_about(doc: Doc, to: str | None = None) -> set[str]:
    """Characters the dialogue makes the subject of a sentence ("Bea was his wife"): someone
    the speakers talk about, so not the narrator they are talking to. ``to``: only in lines
    said to that character (the attributed quotes' addressees)."""
    from ..coref.lexicon import lexicon

    kin = lexicon().nominals
    starts = [t.start for t in doc.tokens]
    out = set()
    heard = None
    if to is not None:
        past = _said_past(doc)
        heard = Spans((q.start, q.end) for q in doc.quotes if q.addressee == to or (q.para, q.speaker) in past)
    for m in doc.mentions:
        if heard is not None and m.start not in heard:
            continue
        said = doc.text[m.start : m.end]
        if said.lower().startswith("the "):
            continue  # "where the Sun Summoner is standing", said to her: a title for the one listening
        if m.in_quote and m.kind in ("name", "alias") and kin.get(said.lower(), (None,) * 3)[2] is None:
            # (a child tells Papa what "Papa fixes": a kin word in the third person is said to
            # them as often as about them)
            k = bisect_left(starts, m.start)
            toks = doc.tokens[k : bisect_left(starts, m.end, lo=k)]
            after = doc.tokens[k + len(toks)].text if k + len(toks) < len(doc.tokens) else ""
            if any(t.dep in ("nsubj", "nsubjpass") for t in toks) and after not in (",", ".", "!", "?"):
                out.add(m.character)
    return out
