"""A thin stand-in for the characters stage, used only when a document has no characters.

The real ``characters`` stage resolves names, nominals and pronouns far better; this exists
so the quotes stage still says something when that stage is absent or failed. It clusters
PERSON entities by shared name words ("Tom", "Tom Sawyer", "Mr. Sawyer" -> one), resolves
he/she/him/her/his outside quotations to the latest compatible name, and makes "I" outside
quotations a narrator.

>>> name_key("Mr. Tom Sawyer")
('tom', 'sawyer')
"""

from __future__ import annotations

import re

from ..model import Character, Doc, Mention

TITLES = {
    "mr": "male", "mr.": "male", "sir": "male", "lord": "male", "master": "male", "uncle": "male", "king": "male",
    "mrs": "female", "mrs.": "female", "miss": "female", "ms": "female", "ms.": "female", "lady": "female",
    "aunt": "female", "madam": "female", "queen": "female", "dr": None, "dr.": None, "captain": None,
}
PRONOUNS = {"he": "male", "him": "male", "his": "male", "himself": "male",
            "she": "female", "her": "female", "hers": "female", "herself": "female"}
NARRATOR_FORMS = {"i", "me", "my", "mine", "myself"}


def name_key(name: str) -> tuple[str, ...]:
    words = [w.lower().strip(".,'\u2019") for w in name.split()]
    return tuple(w for w in words if w and w not in TITLES and w != "'s")


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "character"
    sid, n = base, 2
    while sid in taken:
        sid, n = f"{base}_{n}", n + 1
    taken.add(sid)
    return sid


def thin_characters(doc: Doc, quote_spans: list[tuple[int, int]]) -> tuple[list[Character], list[Mention]]:
    """Characters and mentions from entities and pronouns (see the module docstring)."""
    import bisect

    qstarts = [s for s, _ in quote_spans]

    def in_quote(off: int) -> bool:
        k = bisect.bisect_right(qstarts, off) - 1
        return k >= 0 and off < quote_spans[k][1]

    clusters: list[dict] = []  # {"key": set(words), "names": Counter, "gender": str|None}
    by_word: dict[str, list[int]] = {}
    last_seen: dict[int, int] = {}
    events: list[tuple[int, str, object]] = []
    for ent in doc.entities:
        if ent.label != "PERSON":
            continue
        key = name_key(ent.text)
        if not key:
            continue
        # "Tom" joins "Tom Sawyer"; "Martha Kent" does not join "Clark Kent": every word
        # of the new name must be a word of the cluster's; ties go to the latest mentioned
        fits = set(by_word.get(key[0], ()))
        for w in key[1:]:
            fits &= set(by_word.get(w, ()))
        title_g = TITLES.get(ent.text.split()[0].lower())
        fits = {k for k in fits if title_g is None or clusters[k]["gender"] in (None, title_g)}  # Mr. vs Mrs. Bennet
        ci = max(fits, key=lambda k: last_seen[k]) if fits else None
        if ci is None:
            ci = len(clusters)
            clusters.append({"names": {}, "gender": None})
        last_seen[ci] = ent.start
        c = clusters[ci]
        for w in key:
            by_word.setdefault(w, [])
            if ci not in by_word[w]:
                by_word[w].append(ci)
        c["names"][ent.text] = c["names"].get(ent.text, 0) + 1
        if title_g:
            c["gender"] = title_g
        events.append((ent.start, "name", (ent, ci)))
    for t in doc.tokens:
        w = t.text.lower()
        if (w in PRONOUNS or w in NARRATOR_FORMS) and not in_quote(t.start):
            events.append((t.start, "pron", t))
    events.sort(key=lambda e: e[0])
    return _resolve(doc, clusters, events, in_quote)


def _resolve(doc, clusters, events, in_quote):
    taken: set[str] = set()
    ids = [_slug(max(c["names"], key=lambda n: (len(n.split()), c["names"][n])), taken) for c in clusters]
    chars = [Character(ids[i], max(c["names"], key=lambda n: (len(n.split()), c["names"][n]))) for i, c in enumerate(clusters)]
    narrator: Character | None = None
    mentions: list[Mention] = []
    recent: list[int] = []  # cluster indices, latest last
    for off, what, obj in events:
        if what == "name":
            ent, ci = obj
            mentions.append(Mention(ent.start, ent.end, ids[ci], "name", ent.text, in_quote(ent.start)))
            recent.append(ci)
            continue
        t = obj
        w = t.text.lower()
        if w in NARRATOR_FORMS:
            if narrator is None:
                narrator = Character(_slug("narrator", taken), "Narrator")
            mentions.append(Mention(t.start, t.end, narrator.id, "pronoun", t.text, False))
            continue
        g = PRONOUNS[w]
        for ci in reversed(recent[-6:]):
            if clusters[ci]["gender"] in (None, g):
                clusters[ci]["gender"] = g
                mentions.append(Mention(t.start, t.end, ids[ci], "pronoun", t.text, False))
                break
    if narrator is not None and sum(1 for m in mentions if m.character == narrator.id) >= 3:
        chars.append(narrator)
    else:
        mentions = [m for m in mentions if narrator is None or m.character != narrator.id]
    for c, cl in zip(chars, clusters):
        c.aliases = dict(cl["names"])
        c.gender = cl["gender"] or "unknown"
    counts: dict[str, int] = {}
    for m in mentions:
        counts[m.character] = counts.get(m.character, 0) + 1
    for c in chars:
        c.mentions = counts.get(c.id, 0)
    return [c for c in chars if c.mentions], mentions
