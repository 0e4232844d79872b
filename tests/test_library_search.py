"""Search and facets over a small library of works written for these tests (exact results).

The six fixture works (ids 1-6 in order, see tests/fixtures/library/works.json):
1 Harvest Moon (Smallville, Clark/Lana, G, third past, focal Lana, happy, complete, 110 words)
2 The Barn Door (Smallville, Lex & Clark, T, MCD, first present, focal Lex, sad, WIP, 117 words)
3 Kryptonite Blues (nothing declared; inferred Smallville, Chloe, Clark, G; second present, 108 words)
4 Tea at Baker Street (Sherlock, John/Sherlock, Mature, third past, 57% dialogue, complete, 105 words)
5 Crossing Over (Smallville + Sherlock crossover, Explicit, focal Chloe, complete, 76 words)
6 Daily Planet (Smallville, Kal-El/Lois Lane, T, focal Lois, happy, WIP, 85 words)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import validate_analysis

from ficlens.errors import UsageError
from ficlens.library import FacetValue, open_library
from ficlens.library.synthetic import make_analysis

WORKS = Path(__file__).parent / "fixtures" / "library" / "works.json"
# a stand-in knowledge base: each group names one entity
GROUPS = [["Clark Kent", "Superman", "Kal-El", "Clark"], ["Smallville (TV)", "Smallville"]]


def fake_synonyms(tag: str) -> list[str]:
    for group in GROUPS:
        if tag.casefold() in {g.casefold() for g in group}:
            return group
    return []


def _fill(lib):
    specs = json.loads(WORKS.read_text(encoding="utf-8"))["works"]
    ids = [lib.add_analysis(validate_analysis(make_analysis(**s))).id for s in specs]
    assert ids == [1, 2, 3, 4, 5, 6]


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    with open_library(tmp_path_factory.mktemp("lib") / "library.db", synonyms=lambda tag: []) as lib:
        _fill(lib)
        yield lib


@pytest.fixture(scope="module")
def kb_lib(tmp_path_factory):
    with open_library(tmp_path_factory.mktemp("kblib") / "library.db", synonyms=fake_synonyms) as lib:
        _fill(lib)
        yield lib


def ids(lib, query: str, **kw) -> set[int]:
    res = lib.search(query, per_page=100, with_facets=False, **kw)
    assert res.total == len(res.hits)
    return {h.id for h in res.hits}


SEARCH_CASES = [
    ('fandom:"Smallville (TV)"', {1, 2, 3, 5, 6}),  # 3 only infers it
    ('declared.fandom:"Smallville (TV)"', {1, 2, 5, 6}),
    ('inferred.fandom:"Smallville (TV)"', {1, 3}),
    ('character:"Clark Kent" character:"Lana Lang"', {1}),  # includes AND
    ('-character:"Clark Kent" -rating:Explicit', {4, 6}),  # excludes OR
    ("rating:T", {2, 6}),
    ("rating:general", {1, 3}),  # 3's rating is inferred
    ("declared.rating:general", {1}),
    ("warning:mcd", {2}),
    ("-warning:mcd", {1, 3, 4, 5, 6}),
    ('category:"F/M"', {1, 6}),
    ("freeform:fluff", {1, 4}),
    ('tag:"Secret Identity"', {3, 6}),
    ('ship:"Lana Lang/Clark Kent"', {1}),  # name order does not matter
    ('ship:"Clark Kent & Lex Luthor"', {2}),
    ("author:quietfox", {1}),
    ("pov:first", {2}),
    ("pov:third", {1, 4, 5, 6}),
    ("-pov:third", {2, 3}),
    ("tense:present", {2, 3}),
    ('focal:"Chloe Sullivan"', {3, 5}),
    ("dialogue:>40", {4}),
    ("dialogue:20-40", {2, 5, 6}),
    ("words:>100", {1, 2, 3, 4}),
    ("words:<90", {5, 6}),
    ("words:100-110", {1, 3, 4}),
    ("ending:happy", {1, 4, 6}),
    ("complete:yes", {1, 4, 5}),
    ("complete:no", {2, 6}),
    ("crossover:only", {5}),
    ("crossover:no", {1, 2, 3, 4, 6}),
    ("crossover:yes", {1, 2, 3, 4, 5, 6}),
    ("site:ao3", {1, 2, 4, 6}),
    ("lantern", {1}),  # porter stemming: lanterns
    ('"harvest moon"', {1}),
    ("river", {1, 2}),
    ("river -bridge", {1}),
    ("-kryptonite", {1, 2, 4, 5, 6}),
    ("kry*", {3}),
    ('clark fandom:"Smallville (TV)" -pov:first', {1, 3}),
    ("", {1, 2, 3, 4, 5, 6}),
]


@pytest.mark.parametrize("query, expected", SEARCH_CASES)
def test_search_finds_exactly_the_matching_works(lib, query, expected):
    assert ids(lib, query) == expected


def test_title_matches_rank_above_text_matches(lib):
    res = lib.search("barn", with_facets=False)
    assert [h.id for h in res.hits] == [2, 1]
    assert res.hits[0].score > res.hits[1].score > 0


def test_hits_carry_snippets_with_marked_matches_and_safe_html(lib):
    (hit,) = lib.search("pumpkin", with_facets=False).hits
    assert hit.id == 1 and hit.title == "Harvest Moon" and hit.source_path == "fics/harvest_moon.txt"
    assert "orange as a pumpkin" in hit.snippet and "<mark>" not in hit.snippet
    assert "<mark>pumpkin</mark>" in hit.snippet_html
    assert hit.fandoms == ["Smallville (TV)"] and hit.authors == ["quietfox"] and hit.words == 110
    assert {"value": "Romance", "source": "inferred"} in hit.tags["freeform"]


SORT_CASES = [
    ("title", None, [2, 5, 6, 1, 3, 4]),  # "The Barn Door" files under B, as on AO3
    ("title", "desc", [4, 3, 1, 6, 5, 2]),
    ("author", None, [3, 5, 4, 2, 1, 6]),
    ("words", None, [2, 1, 3, 4, 6, 5]),
    ("words", "asc", [5, 6, 4, 3, 1, 2]),
    ("dialogue", None, [4, 5, 2, 6, 1, 3]),
    ("published", None, [6, 5, 2, 1, 4, 3]),  # no date last
]


@pytest.mark.parametrize("sort, order, expected", SORT_CASES)
def test_sorts_order_works_as_ao3_does(lib, sort, order, expected):
    res = lib.search("", sort=sort, order=order, with_facets=False)
    assert [h.id for h in res.hits] == expected


def test_pages_split_the_results(lib):
    res = lib.search("sort:title", page=2, per_page=2, with_facets=False)
    assert [h.id for h in res.hits] == [6, 1]
    assert (res.total, res.pages) == (6, 3)


def test_facets_count_declared_and_inferred_values_separately(lib):
    f = lib.search('fandom:"Smallville (TV)"').facets
    assert f["fandom"] == [
        FacetValue("Smallville (TV)", 4, "declared", "fandom"),
        FacetValue("Smallville (TV)", 2, "inferred", "fandom"),
        FacetValue("Sherlock (TV)", 1, "declared", "fandom"),
    ]
    assert f["pov"] == [
        FacetValue("third", 3, "inferred", "pov"),
        FacetValue("first", 1, "inferred", "pov"),
        FacetValue("second", 1, "inferred", "pov"),
    ]
    assert f["complete"] == [FacetValue("no", 2, "declared", "complete"), FacetValue("yes", 2, "declared", "complete")]
    assert f["crossover"] == [
        FacetValue("no", 4, "declared", "crossover"),
        FacetValue("only", 1, "declared", "crossover"),
    ]
    assert f["rating"][:2] == [
        FacetValue("Teen And Up Audiences", 2, "declared", "rating"),
        FacetValue("Explicit", 1, "declared", "rating"),
    ]
    assert FacetValue("General Audiences", 1, "inferred", "rating") in f["rating"]
    assert f["focal"][0] == FacetValue("Chloe Sullivan", 2, "inferred", "focal")


def test_facet_values_give_back_the_query_that_selects_them(lib):
    f = lib.facets("")
    sherlock = next(v for v in f["fandom"] if v.value == "Sherlock (TV)")
    assert sherlock.filter_text == 'declared.fandom:"Sherlock (TV)"'
    assert ids(lib, sherlock.filter_text) == {4, 5}
    first = next(v for v in f["pov"] if v.value == "first")
    assert ids(lib, first.filter_text) == {2}


def test_facets_of_the_whole_library_cover_every_work(lib):
    f = lib.facets("")
    assert sum(v.count for v in f["pov"]) == 6
    assert sum(v.count for v in f["tense"]) == 6


SYNONYM_CASES = [
    ("character:Superman", {1, 2, 3, 6}),  # declared Clark Kent (1, 2), inferred (3), Kal-El (6)
    ('character:"Clark Kent"', {1, 2, 3, 6}),
    ('ship:"Clark Kent/Lois Lane"', {6}),  # 6 declares Kal-El/Lois Lane
    ('ship:"Lana Lang/Superman"', {1}),
    ("fandom:Smallville", {1, 2, 3, 5, 6}),
    ("-character:Superman", {4, 5}),
]


@pytest.mark.parametrize("query, expected", SYNONYM_CASES)
def test_tag_synonyms_expand_includes_and_excludes(kb_lib, query, expected):
    assert ids(kb_lib, query) == expected


def test_without_synonyms_a_tag_matches_only_itself(lib):
    assert ids(lib, "character:Superman") == set()
    assert ids(lib, 'character:"Clark Kent"') == {1, 2, 3}


def test_the_knowledge_base_expands_superman_to_clark_kent(tmp_path):
    from ficlens.library.synonyms import kb_synonyms

    syn = kb_synonyms()
    if syn is None or "Clark Kent" not in set(syn("Superman")):
        pytest.skip("the fandom knowledge base (ficlens.kb) does not know Superman yet")
    with open_library(tmp_path / "kb.db") as kb_lib:
        _fill(kb_lib)
        assert ids(kb_lib, "character:Superman") >= {1, 2, 3}


def test_a_bad_sort_is_a_usage_error(lib):
    with pytest.raises(UsageError, match="unknown sort"):
        lib.search("", sort="kudos")


def test_facets_of_a_broad_query_can_be_limited_to_its_best_matches(lib):
    # scope 1: only the best-ranked "barn" match (The Barn Door, by its title) is counted
    f = lib.facets("barn", scope_limit=1)
    assert f["pov"] == [FacetValue("first", 1, "inferred", "pov")]
    assert [v.value for v in f["fandom"]] == ["Smallville (TV)"]
    assert lib.search("barn").facets_exact


@pytest.mark.parametrize(
    "query", ['fandom:"Smallville (TV)"', "barn", "-pov:third tense:present", "words:>100 -tag:fluff"]
)
def test_search_facets_equal_the_facets_counted_on_their_own(lib, query):
    # search() counts facets from one pass over the matches; facets() counts with SQL alone
    res = lib.search(query)
    assert res.facets == lib.facets(query)
    assert res.total == len(lib.search(query, per_page=100, with_facets=False).hits)
