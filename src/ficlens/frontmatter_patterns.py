"""What one paragraph of front or back matter is: the line-level recognisers.

Each function looks at one cleaned paragraph (decoration and Markdown emphasis removed) and
says what it declares. They know nothing about position; ``frontmatter`` decides which of
them to trust where (a "By" line only at the top, a "Thanks for reading" only at the end).

>>> match_label("Pairing: Clark/Lois")
('relationships', 'Clark/Lois')
>>> match_label("Rated K+")
('rating', 'K+')
>>> match_label("Author's Note")
('author_note', '')
>>> match_label("An old man walked in.") is None
True
>>> byline("By kryptonite_kisses")
['kryptonite_kisses']
>>> byline("By the time Clark got home, it was dark.") is None
True
>>> is_disclaimer("Smallville doesn't belong to me, sadly.")
True
>>> setting_text(clean("(Set after season 3)"))
'Set after season 3'
>>> title_like("The Long Way Home", strict=True), title_like("Clark ran home.", strict=True)
(True, False)
>>> is_dedication("For Mags, who asked for cold cases."), is_dedication("For a moment, Clark froze.")
(True, False)
>>> is_dedication("For Sam."), is_dedication("For Clark, the day began badly.")
(True, False)
>>> series_note("Sequel to 'The Harvest'."), bare_pairings("Clark/Lana, Chloe POV")
(True, (['Clark/Lana'], 'Chloe'))
>>> note_like("Thanks to my beta for putting up with me!")
True
>>> note_like("She hoped the story would end there.")
False
"""

from __future__ import annotations

import re
from functools import lru_cache

from .resources import load_json

QUOTES = "\"“”'‘’«»"

# ----------------------------------------------------------------------------- cleaning

_EDGE = " \t\r*_~=#|•·"
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}


def clean(s: str) -> str:
    """'**Rating:** T' -> 'Rating: T'; '(A/N: thanks!)' -> 'A/N: thanks!'; '~*~ Fin ~*~' -> 'Fin'."""
    s = re.sub(r"^(?:>\s*)+", "", s.strip())  # Markdown blockquote: "> **Author's note:** ..."
    s = s.replace("**", "").replace("__", "").strip(_EDGE)
    for _ in range(2):
        if s[:1] in _PAIRS and s.endswith(_PAIRS[s[:1]]):
            s = s[1:-1].strip(_EDGE)
        s = re.sub(r"^[-–—]+\s*|\s*[-–—]+$", "", s).strip(_EDGE)
    return s


def has_dialogue(s: str) -> bool:
    """Double quotes anywhere, or a single quote opening a word after a space ('Clark, wait.')."""
    return any(q in s for q in "\"“”«»") or bool(re.search(r"(?:^|[\s(—-])['‘][A-Z]", s))


# ----------------------------------------------------------------------------- labels


@lru_cache(maxsize=1)
def _label_re() -> tuple[re.Pattern[str], dict[str, str]]:
    data = load_json("data", "frontmatter", "labels.json")
    field_of = {label.lower(): name for name, labels in data.items() if not name.startswith("_") for label in labels}
    alts = "|".join(re.escape(label) for label in sorted(field_of, key=len, reverse=True))
    # 'Label: value', 'Label - value', 'Label = value', or the label alone on its line
    pattern = re.compile(rf"^(?P<label>{alts})(?:\s*(?::|：|=|\s[-–—]\s)\s*(?P<value>.*)|\s*:?\s*$)", re.IGNORECASE | re.DOTALL)
    return pattern, field_of


@lru_cache(maxsize=1)
def _split_re() -> re.Pattern[str]:
    _, field_of = _label_re()
    # labels long enough not to be ordinary words before a colon ("note:", "set:" are left out)
    safe = sorted((label for label in field_of if len(label) >= 5), key=len, reverse=True)
    # "Additional tags:" or "Additional Tags:", as fans and AO3 write them
    forms = dict.fromkeys(f for label in safe for f in (label[0].upper() + label[1:], " ".join(w[:1].upper() + w[1:] for w in label.split(" "))))
    alts = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"\s*[|•]\s*(?=\S)|(?<=\S)\s+(?=(?:\*\*|__)?(?:{alts})(?:\*\*|__)?\s*:)")


def label_split_points(raw: str):
    """Where a line holding several 'Label: value' fields splits ("Rating: T | Pairing: A/B"):
    one point per label, never inside one ("Archive Warning:" is not split before "Warning")."""
    out = []
    colon = -1
    for m in _split_re().finditer(raw):
        if m.start() < colon:
            continue
        out.append(m)
        bar = any(c in m.group() for c in "|•")
        colon = -1 if bar else raw.find(":", m.end())  # the label's own colon
    return out


# "Rated T", "Rated: Fiction K+", "Rated M for language" - but not "Rated the worst reporter in town, ..."
_RATED = re.compile(
    r"^(?i:rated)\s*:?\s*(?P<value>(?i:fiction\s+)?(?:K\+?|T\+?|M|MA|G|PG-?13|PG|R|NC-?17|X|E|FR\w*|"
    r"(?i:teen|mature|explicit|general|adult|not\s+rated|unrated))(?![\w-]).*)$",
    re.DOTALL,
)
_AN_BARE = re.compile(r"^(?:a/n|a\.n\.)\s+(?P<value>\S.*)$", re.IGNORECASE | re.DOTALL)


def match_label(s: str) -> tuple[str, str] | None:
    """(field, value) for 'Label: value' lines ('Pairing: Clark/Lois', 'Rated T', 'A/N blah')."""
    pattern, field_of = _label_re()
    m = pattern.match(s)
    if m:
        value = (m.group("value") or "").strip()
        return field_of[m.group("label").lower()], value
    m = _RATED.match(s)
    if m and len(m.group("value").split()) <= 12:
        return "rating", m.group("value").strip()
    m = _AN_BARE.match(s)
    if m:
        return "author_note", m.group("value").strip()
    return None


# ----------------------------------------------------------------------------- title and byline

_SMALL = {"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "with", "by", "from",
          "as", "into", "nor", "so", "yet", "is", "vs", "vs.", "de", "la", "le", "von", "van", "&", "-", "—"}
# first words that make "By ..." a sentence, not a byline ("By the time ...", "By now ...")
_BY_NOT_NAMES = {"the", "a", "an", "this", "that", "these", "those", "then", "now", "noon", "morning", "night",
                 "evening", "dawn", "midnight", "sunset", "sunrise", "his", "her", "their", "my", "our", "its",
                 "your", "himself", "herself", "itself", "all", "some", "any", "each", "every", "far", "way",
                 "day", "lunch", "dinner", "breakfast", "tomorrow", "tonight", "monday", "tuesday", "wednesday",
                 "thursday", "friday", "saturday", "sunday", "accident", "chance", "design", "default", "hand",
                 "heart", "myself", "yourself", "one", "two", "three", "ten", "then,", "comparison"}
_BY_RE = re.compile(r"^(?:written\s+)?by\s*:?\s+(?P<names>\S.*)$", re.IGNORECASE)
_TITLE_BY_RE = re.compile(r"^(?P<title>\S.*?)\s+[-–—,]?\s*by\s+(?P<names>\S+(?:\s+\S+){0,2})$", re.IGNORECASE)


def author_names(s: str) -> list[str] | None:
    s = s.strip().rstrip(":")
    words = s.split()
    if not words or len(words) > 6 or words[0].lower().strip(",.") in _BY_NOT_NAMES:
        return None
    if s.endswith((",", ";", "?", "!")) or (s.endswith(".") and not re.search(r"\b[A-Z]\.$", s)):
        return None
    if has_dialogue(s) or re.search(r",\s+[a-z]", s):
        return None
    names = [n.strip(" .,") for n in re.split(r"\s*(?:,|&|\band\b|\+)\s*", s) if n.strip(" .,")]
    return names or None


def byline(s: str) -> list[str] | None:
    """'By X', 'by: X', 'Written by X and Y' -> author names; None for a sentence."""
    m = _BY_RE.match(s)
    return author_names(m.group("names")) if m else None


def unquote_title(s: str) -> str:
    """'"Home Again"' -> 'Home Again': a title in quotes (and nothing else quoted)."""
    pairs = {'"': '"', "“": "”", "'": "'", "‘": "’"}
    if len(s) > 2 and s[0] in pairs and s.endswith(pairs[s[0]]) and not any(q in s[1:-1] for q in "\"“”"):
        return s[1:-1].strip()
    return s


def title_and_byline(s: str) -> tuple[str, list[str]] | None:
    """'Sunrise Over Metropolis by kryptonite_kisses' -> ('Sunrise Over Metropolis', [...])."""
    m = _TITLE_BY_RE.match(s)
    if not m:
        return None
    title = unquote_title(m.group("title").strip(" -–—,"))
    if not title_like(title, strict=True):
        return None
    names = author_names(m.group("names"))
    return (title, names) if names else None


def title_like(s: str, *, strict: bool) -> bool:
    """Could this line be a title? Strict: short, Title Case, no sentence ending."""
    if not s or len(s) > 100 or s[0] in QUOTES or has_dialogue(s):
        return False
    words = s.split()
    if len(words) > (8 if strict else 15):
        return False
    if s.endswith((".", ",", ";", ":")) and not s.endswith("..."):
        return False
    if not strict:
        return True
    if s.endswith(("!", "?", "...", "…")) and len(words) > 4:
        return False
    content = [w for w in words if w.lower() not in _SMALL]
    if not content:
        return False
    capped = sum(1 for w in content if not w[0].isalpha() or w[0].isupper())
    return capped == len(content) and (content[0] == words[0] or words[0][0].isupper())


# ----------------------------------------------------------------------------- unlabelled notes

_DISCLAIMER_RES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        (
            r"\b(?:i|we)\s+(?:do\s*n[o']?t|don['’]?t|dont|do\s+not|will\s+never|never\s+will)\s+own\s+"
            r"(?:any(?:thing|one|\s+of)|the\s+(?:characters|show|rights|series|books?)|(?-i:[A-Z]))"
        ),
        (
            r"\b(?:doesn['’]?t|does\s+not|don['’]?t|do\s+not|dont|doesnt|aren['’]?t|are\s+not|isn['’]?t|is\s+not)"
            r"\s+(?:belong\s+to\s+me|mine)\b"
        ),
        r"^(?:sadly,?\s+|unfortunately,?\s+|alas,?\s+)?not\s+mine\b",
        r"\ball\s+(?:the\s+)?(?:characters|rights)\s+(?:belong|are\s+(?:the\s+)?property|are\s+owned|are\s+copyright)",
        # "... belongs to the CW", "... are the property of their owners" (an owner, not a place or a person)
        (
            r"\b(?:belongs?\s+to|property\s+of|owned\s+by)\b[^.!?\n]{0,60}?\b(?:(?-i:CW|WB|DC|HBO|BBC|CBS|ABC|NBC)|"
            r"warner|marvel|fox|disney|netflix|paramount|lucasfilm|sony|rowling|tolkien|kripke|tollin|gough|millar|"
            r"(?:their|its)\s+(?:respective\s+)?(?:owners|creators)|(?:people|folks)\s+who|someone\s+else|other\s+people)"
        ),
        r"\bno\s+(?:copyright\s+)?infringement\b",
        r"\bno\s+(?:money|profit)\s+(?:is\s+|was\s+|will\s+be\s+|being\s+)?(?:made|earned)\b",
        r"\bnot\s+making\s+(?:any\s+)?(?:money|profit)\b",
        r"\bi\s+(?:just\s+|only\s+)?(?:play|borrow)\s+(?:with\s+)?(?:them|the\s+characters)\b",
        r"^(?:the\s+)?(?:standard|usual|same|all)\s+disclaimers?\s+(?:apply|applies|as\s+(?:before|always))\b",
        r"^disclaimers?\s+(?:in|on|at)\s+(?:part|chapter|the\s+first)\b",
    )
]


# "I don't own them." is a disclaimer; "I don't own it, but the flat feels like mine" is narration
_OWN_PRONOUN = re.compile(r"^(?:\w+,?\s+)?i\s+(?:do\s*n[o']?t|don['’]?t|dont)\s+own\s+(?:it|them|this|these)\s*[.!(:]*$", re.IGNORECASE)


def is_disclaimer(s: str) -> bool:
    """'I don't own Smallville', 'X doesn't belong to me', 'All characters belong to ...'."""
    if len(s.split()) > 80 or s[:1] in QUOTES:
        return False
    return any(r.search(s) for r in _DISCLAIMER_RES) or bool(_OWN_PRONOUN.match(s))


_SETTING_RE = re.compile(
    r"^(?:this\s+(?:story|fic|one)\s+(?:is\s+)?)?(?:set|takes\s+place|taking\s+place|occurs|happens|"
    r"post|pre|mid|during|after|au\s+after|au\s+set|canon\s+divergent?)\b[\s:-]*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_SETTING_HINT = re.compile(
    r"\b(?:seasons?|s\d+|eps?\.|episodes?|series|finale|movie|film|book\s+\d|canon|(?-i:AU)|timeline|show|"
    r"events\s+of|(?:the\s+)?end\s+of\s+(?:season|the\s+series))\b|\b\d+x\d+\b|(?:after|before|during|between)\s+['\"‘“]",
    re.IGNORECASE,
)


def setting_text(s: str) -> str | None:
    """'Set after season 3' / 'Takes place during "Rush"' / 'Post-Finale' -> the setting, else None."""
    if len(s.split()) > 30 or s[:1] in "\"“'‘":
        return None
    m = _SETTING_RE.match(s)
    if not m or not _SETTING_HINT.search(s):
        return None
    return s.rstrip(" .")


_SERIES_RE = re.compile(
    r"^(?:a\s+)?(?:sequel|prequel|companion(?:\s+piece)?|follow-?up|missing\s+scene|coda)\s+(?:to|for|of)\b"
    r"|^part\s+(?:\w+\s+)?of\s+(?:the\s+|my\s+)?\S.*\bseries\b|^(?:book|part)\s+\w+\s+(?:of|in)\s+the\b",
    re.IGNORECASE,
)


def series_note(s: str) -> bool:
    """'Sequel to "The Harvest".' / 'Part of the Red Sky series.' (short lines only)."""
    return len(s.split()) <= 20 and s[:1] not in QUOTES and bool(_SERIES_RE.match(s))


_PAIR = r"[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*)?(?:\s*/\s*[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*)?)+"


def bare_pairings(s: str) -> tuple[list[str], str | None] | None:
    """'Clark/Lana, Chloe POV' -> (['Clark/Lana'], 'Chloe'): an unlabelled pairing line."""
    from .structure import pov_name

    if len(s) > 120 or has_dialogue(s):
        return None
    pairs, pov = [], None
    for seg in (x.strip(" .") for x in re.split(r"\s*[,;]\s*", s)):
        if re.fullmatch(_PAIR, seg):
            pairs.append(seg)
        elif pov is None and pov_name(seg):
            pov = pov_name(seg)
        else:
            return None
    return (pairs, pov) if pairs else None


_DEDICATION_RE = re.compile(
    r"^(?i:dedicated\s+to\b|this\s+(?:one\s+|story\s+|fic\s+)?is\s+(?:for|dedicated\s+to)\b)"
    r"|^(?i:for)\s+(?:@?[A-Z][\w.@'’-]*|@\w+|(?i:my)\s+\w+)(?:\s+[A-Z][\w'’-]*)?\s*"
    # what follows the name: nothing, or the words a dedication goes on with ("For Sam, who
    # wanted more Chloe"); "For Clark, the day began badly" is narration
    r"(?:[.!]*$|[.!:—–-]\s|\s*<3|,?\s+(?i:who|because|since|for|and|on|my|our|with|without|happy|thank|"
    r"thanks|as|in|whose|love|xo)\b)"
)
_NOT_DEDICATEES = {"a", "an", "the", "once", "now", "then", "years", "hours", "days", "weeks", "months",
                   "minutes", "seconds", "some", "all", "one", "two", "three", "him", "her", "them", "what"}


def is_dedication(s: str) -> bool:
    """'For Sam, who wanted more Chloe.' / 'Dedicated to my sister' (short lines only)."""
    if len(s.split()) > 40 or has_dialogue(s):
        return False
    m = _DEDICATION_RE.match(s)
    if not m:
        return False
    second = s.split()[1].strip(",.!").lower() if len(s.split()) > 1 else ""
    return not (s.lower().startswith("for ") and second in _NOT_DEDICATEES)


_FOOTER_RE = re.compile(
    # "Review please!", "R&R!", "Read and review :)" - not "Review the evidence, she told herself"
    r"^(?:please\s+)?(?:review|r\s*(?:&|and|/)\s*r|read\s+(?:and|&)\s+review)"
    r"(?:\s*(?:please|pls|plz|if\b|and\s+(?:let|tell)|so\b|[!.,:;)~<]|$))"
    r"|^thanks?\s+(?:you\s+)?(?:so\s+much\s+|all\s+|everyone\s+)?for\s+(?:reading|the\s+reviews|all\s+the)"
    r"|^please\s+(?:leave|let\s+me\s+know|comment|r\s*&\s*r|review|tell\s+me)\b"
    r"|^reviews?\s+(?:are|is|=|make)\b|^let\s+me\s+know\s+what\s+you\s+(?:think|thought)\b"
    r"|^(?:kudos|comments?)\s+(?:and|&|are|make)\b|^(?:next|coming\s+up)\s+(?:chapter|time|up)\b"
    r"|^hope\s+you\s+(?:all\s+)?(?:enjoyed|liked)\b|^to\s+be\s+continued\b|^tbc\b|^end\s+notes?\b",
    re.IGNORECASE,
)
_END_RE = re.compile(r"^(?:the\s+end|fin|finis|end|the\s+end\?|end\s+of\s+(?:chapter|part|story)\b.*)[.!]?$", re.IGNORECASE)


def footer_cue(s: str) -> str | None:
    """'author_note' for 'Please review!'/'Thanks for reading', 'other' for 'The End'/'TBC', else None."""
    if s[:1] in QUOTES or len(s.split()) > 80:
        return None
    if _END_RE.match(s):
        return "other"
    if _FOOTER_RE.match(s):
        return "other" if re.match(r"^(?:to\s+be\s+continued|tbc)\b", s, re.IGNORECASE) else "author_note"
    return None


@lru_cache(maxsize=1)
def _cues() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    d = load_json("data", "frontmatter", "cues.json")
    return frozenset(d["strong"]), frozenset(d["weak"]), frozenset(d["person"]), frozenset(d["author"])


def note_like(s: str, *, strong_only: bool = False) -> bool:
    """Does this unlabelled paragraph read as the author talking to readers?

    One strong cue ("beta", "fic", "review", ":)") is enough; otherwise two weak cues in a
    short paragraph that addresses the reader ("you", "guys", or an exclamation).
    ``strong_only`` refuses the weak route where prose would be the costlier loss.
    """
    if has_dialogue(s) or len(s.split()) > 120:
        return False
    strong, weak, person, author = _cues()
    words = [w.strip(".,!?;:()[]\"'“”‘’").lower() for w in s.split()]
    tokens = set(words) | {w for w in s.lower().split()}
    addressed = bool(set(words) & person) or s.rstrip().endswith(("!", ":)", "<3"))
    if tokens & strong:
        # strong_only guards a story's first line: the author must be talking ("my", "you", "!")
        return not strong_only or addressed or bool(set(words) & author)
    # the weak route is for short asides only: a long paragraph of first-person narration
    # ("... asked me to write down the whole story ...") meets two weak cues by chance
    if strong_only or len(words) > 40:
        return False
    n_weak = sum(1 for w in words if w in weak)
    return n_weak >= 2 and addressed


def short_aside(s: str) -> bool:
    """'Enjoy!', ':)', 'On with the story...' - the interjections that close an author's note."""
    return len(s.split()) <= 6 and not has_dialogue(s) and (
        s.endswith(("!", ":)", ":D", "<3", "...")) or bool(re.match(r"^(?:on with|and now|enjoy)", s, re.IGNORECASE))
    )


# ----------------------------------------------------------------------------- FFN info line

_FFN_INFO = re.compile(r"^Rated:\s*(?:Fiction\s+)?(?P<rating>K\+?|T|M|MA)\s+-\s+(?P<rest>.+)$", re.DOTALL)
_FFN_FIELD = re.compile(r"^(?P<key>[A-Za-z][A-Za-z ]{0,15}):\s*(?P<value>.+)$")


@lru_cache(maxsize=1)
def _ffn_vocab() -> tuple[frozenset[str], frozenset[str]]:
    d = load_json("data", "frontmatter", "ffn.json")
    return frozenset(g.lower() for g in d["genres"]), frozenset(d["languages"])


def ffn_info(s: str) -> dict | None:
    """The info line of a FanFiction.Net story copied as text, as a dict of its parts.

    >>> d = ffn_info("Rated: Fiction T - English - Romance/Hurt/Comfort - [Clark K., Lois L.] Chloe S. - "
    ...              "Words: 2,345 - Published: 5/1/2010 - Status: Complete - id: 601")
    >>> d["rating"], d["language"], d["genres"], d["characters"], d["relationships"], d["words"], d["id"]
    ('Fiction T', 'English', ['Romance', 'Hurt/Comfort'], ['Clark K.', 'Lois L.', 'Chloe S.'], ['Clark K./Lois L.'], '2,345', '601')
    """
    m = _FFN_INFO.match(s.strip())
    if not m:
        return None
    genres, languages = _ffn_vocab()
    out: dict = {"rating": f"Fiction {m.group('rating')}", "genres": [], "characters": [], "relationships": []}
    for part in re.split(r"\s+-\s+", m.group("rest")):
        part = part.strip()
        kv = _FFN_FIELD.match(part)
        if kv:
            out[kv.group("key").strip().lower()] = kv.group("value").strip()
        elif part in languages and "language" not in out:
            out["language"] = part
        elif all(g.lower() in genres for g in _ffn_genres(part)):
            out["genres"] = _ffn_genres(part)
        else:
            for pair in re.findall(r"\[([^\]]+)\]", part):
                out["relationships"].append("/".join(n.strip() for n in pair.split(",") if n.strip()))
            out["characters"] += [c.strip() for c in re.split(r"[,\[\]]", part) if c.strip()]
    return out


def _ffn_genres(part: str) -> list[str]:
    part = re.sub(r"hurt\s*/\s*comfort", "Hurt\x00Comfort", part, flags=re.IGNORECASE)
    return [g.replace("\x00", "/") for g in part.split("/") if g]
