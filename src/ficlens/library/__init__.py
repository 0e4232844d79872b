"""The ficlens library: analysed works stored, searched, faceted, compared and exported.

>>> from ficlens.library import open_library          # doctest: +SKIP
>>> lib = open_library("library.db")                   # doctest: +SKIP
>>> lib.add_paths(["fics/"]).summary()                 # doctest: +SKIP
'12 added'
>>> res = lib.search('lana fandom:Smallville pov:first sort:words')  # doctest: +SKIP
>>> [(h.id, h.title) for h in res.hits], res.facets["fandom"][0]     # doctest: +SKIP

The query language (shared by ``ficlens search`` and the web app) is documented in
``ficlens.library.query``; storage design and invariants in ``ficlens.library.store``.
"""

from __future__ import annotations

from .facets import FacetValue
from .query import Filter, Query, Term, format_query, parse_query
from .store import (
    AddReport,
    AddResult,
    DuplicateGroup,
    Hit,
    Library,
    SearchResult,
    default_library_path,
    open_library,
)

__all__ = [
    "AddReport",
    "AddResult",
    "DuplicateGroup",
    "FacetValue",
    "Filter",
    "Hit",
    "Library",
    "Query",
    "SearchResult",
    "Term",
    "default_library_path",
    "format_query",
    "open_library",
    "parse_query",
]
