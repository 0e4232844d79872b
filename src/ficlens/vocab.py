"""AO3's fixed vocabularies and the mappings from what fans write to them.

>>> normalise_rating("Fiction K+")
'General Audiences'
>>> normalise_rating("rated t")
'Teen And Up Audiences'
>>> normalise_warning("Warning: character death")
'Major Character Death'
>>> normalise_warning("Underage")
'Underage Sex'
"""

from __future__ import annotations

import re

RATINGS = ("Not Rated", "General Audiences", "Teen And Up Audiences", "Mature", "Explicit")
WARNINGS = (
    "Creator Chose Not To Use Archive Warnings",
    "No Archive Warnings Apply",
    "Graphic Depictions Of Violence",
    "Major Character Death",
    "Rape/Non-Con",
    "Underage Sex",
)
CATEGORIES = ("F/F", "F/M", "Gen", "M/M", "Multi", "Other")

# FFN's scale (K, K+, T, M, MA) and the letters fans use, mapped to AO3's ratings.
_RATING_CODES = {
    "g": "General Audiences",
    "k": "General Audiences",
    "k+": "General Audiences",
    "pg": "Teen And Up Audiences",  # closest AO3 level for PG (fans use PG/PG-13 for teen content)
    "pg13": "Teen And Up Audiences",
    "pg-13": "Teen And Up Audiences",
    "t": "Teen And Up Audiences",
    "teen": "Teen And Up Audiences",
    "m": "Mature",
    "r": "Mature",
    "ma": "Explicit",
    "nc-17": "Explicit",
    "nc17": "Explicit",
    "x": "Explicit",
    "e": "Explicit",
    "xxx": "Explicit",
}


def normalise_rating(value: str | None) -> str | None:
    """Map a declared rating ("T", "Rated: Fiction K+", "NC-17", "Mature") to AO3's name."""
    if not value:
        return None
    v = value.strip().lower()
    v = re.sub(r"^(rated|rating)\s*[:\-]?\s*", "", v)
    v = re.sub(r"^fiction\s+", "", v).strip(" .!:;()[]")
    for name in RATINGS:
        if v == name.lower():
            return name
    if v in ("general", "gen", "general audience", "all ages"):
        return "General Audiences"
    if v in ("teen and up", "teen and up audience", "teens", "teen+", "t+"):
        return "Teen And Up Audiences"
    if v in ("mature", "adult"):
        return "Mature"
    if v in ("explicit",):
        return "Explicit"
    if v in ("not rated", "unrated", "none"):
        return "Not Rated"
    return _RATING_CODES.get(v)


# Phrases fans write, mapped to AO3 archive warnings (checked in order).
_WARNING_PATTERNS = (
    (r"creator chose not|choose not to use|chose not to warn|cntw", "Creator Chose Not To Use Archive Warnings"),
    (r"no archive warnings|no warnings apply|none apply", "No Archive Warnings Apply"),
    (r"major character death|character deaths?|death of a major|mcd\b|(?<!\w)dies\b", "Major Character Death"),
    (r"graphic (depictions of )?violence|gore|graphic", "Graphic Depictions Of Violence"),
    (r"rape|non-?con|dub-?con", "Rape/Non-Con"),
    (r"underage", "Underage Sex"),
)


def normalise_warning(value: str | None) -> str | None:
    """Map a declared warning to an AO3 archive warning, or None if it matches none."""
    if not value:
        return None
    v = re.sub(r"^warnings?\s*[:\-]?\s*", "", value.strip().lower())
    for pattern, name in _WARNING_PATTERNS:
        if re.search(pattern, v):
            return name
    return None


def normalise_category(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip().lower()
    for c in CATEGORIES:
        if v == c.lower():
            return c
    return {"het": "F/M", "slash": "M/M", "femslash": "F/F", "general": "Gen"}.get(v)
