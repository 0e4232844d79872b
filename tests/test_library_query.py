"""The query language (pure parsing) and the SQL it becomes, on SQLite and PostgreSQL."""

from __future__ import annotations

import doctest

import pytest

from ficlens.errors import UsageError
from ficlens.library import query as query_mod
from ficlens.library import search as search_mod
from ficlens.library import synonyms as synonyms_mod
from ficlens.library.extract import normalise_tag
from ficlens.library.query import Filter, Term, format_query, parse_query
from ficlens.library.search import POSTGRES, SQLITE, count_sql, search_sql, where_sql


@pytest.mark.parametrize("module", [query_mod, search_mod, synonyms_mod])
def test_worked_examples_in_library_docstrings_hold(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "text, terms, filters",
    [
        # free words, phrases, exclusions and prefixes
        (
            'lana "the barn" -kryptonite kry*',
            [Term("lana"), Term("the barn", phrase=True), Term("kryptonite", negated=True), Term("kry", prefix=True)],
            [],
        ),
        # a quoted value keeps its spaces and parentheses
        ('fandom:"Smallville (TV)"', [], [Filter("fandom", "Smallville (TV)")]),
        # ship: and tag: are aliases; - excludes
        (
            "ship:Clark/Lana -tag:Angst",
            [],
            [Filter("relationship", "Clark/Lana"), Filter("freeform", "Angst", negated=True)],
        ),
        # declared./inferred. restrict the source
        (
            "declared.fandom:Sherlock inferred.character:John",
            [],
            [Filter("fandom", "Sherlock", source="declared"), Filter("character", "John", source="inferred")],
        ),
        # fans' rating and warning shorthands become AO3's names
        (
            "rating:T -warning:mcd",
            [],
            [Filter("rating", "Teen And Up Audiences"), Filter("warning", "Major Character Death", negated=True)],
        ),
        # numbers: comparisons, ranges, k suffix, percent
        (
            "words:>1000 words:1k-5000 dialogue:>40%",
            [],
            [Filter("words", 1000, ">"), Filter("words", 1000, "between", high=5000), Filter("dialogue", 40, ">")],
        ),
        # enums accept the words fans use
        (
            "complete:wip crossover:only pov:First",
            [],
            [Filter("complete", "no"), Filter("crossover", "only"), Filter("pov", "first")],
        ),
    ],
)
def test_parse_query_reads_each_kind_of_part(text, terms, filters):
    q = parse_query(text)
    assert q.terms == terms
    assert q.filters == filters


def test_sort_is_part_of_the_language():
    q = parse_query("lana sort:words:asc")
    assert (q.sort, q.order) == ("words", "asc")


@pytest.mark.parametrize(
    "bad, message",
    [
        ("colour:blue", "unknown field 'colour'"),
        ("pov:fourth", "pov is one of first, second, third, mixed"),
        ("words:lots", "expected a number"),
        ("fandom:", "has no value"),
        ("maybe.fandom:x", "unknown prefix"),
        ("declared.pov:first", "tag fields only"),
        ("sort:kudos", "unknown sort"),
    ],
)
def test_bad_query_parts_are_usage_errors_with_a_reason(bad, message):
    with pytest.raises(UsageError, match=message):
        parse_query(bad)


def test_format_query_round_trips():
    text = 'lana "the barn" -kry* fandom:"Smallville (TV)" -declared.warning:"Major Character Death" words:1000-5000 sort:title'
    q = parse_query(text)
    assert parse_query(format_query(q)) == q


def test_relationship_tags_compare_regardless_of_name_order():
    assert normalise_tag("relationship", "Lana Lang/Clark Kent") == normalise_tag(
        "relationship", "clark kent / lana lang"
    )
    assert normalise_tag("relationship", "A & B") != normalise_tag("relationship", "A/B")


def test_where_sql_ands_includes_and_ors_excludes():
    q = parse_query('fandom:"Smallville (TV)" character:Lana -warning:mcd -rating:explicit words:>1000')
    conds, params = where_sql(q, SQLITE)
    assert conds == [
        "w.id IN (SELECT work_id FROM work_tags WHERE type = ? AND value_norm IN (?))",
        "EXISTS (SELECT 1 FROM work_tags p WHERE p.work_id = w.id AND type = ? AND value_norm IN (?))",
        "w.words > ?",
        "w.id NOT IN (SELECT work_id FROM work_tags WHERE (type = ? AND value_norm IN (?)) "
        "OR (type = ? AND value_norm IN (?)))",
    ]
    assert params == ["fandom", "smallville (tv)", "character", "lana", 1000,
                      "warning", "major character death", "rating", "explicit"]  # fmt: skip


def test_sqlite_and_postgres_differ_only_in_placeholders_and_full_text():
    q = parse_query("fandom:Sherlock -tag:Angst pov:first words:100-200 complete:yes")
    lite, lite_params = where_sql(q, SQLITE)
    pg, pg_params = where_sql(q, POSTGRES)
    assert [c.replace("?", "%s") for c in lite] == pg
    assert lite_params == pg_params
    fq = parse_query("barn -river")
    lite_sql, _ = search_sql(fq, SQLITE)
    pg_sql, pg_params = search_sql(fq, POSTGRES)
    assert "works_fts MATCH ?" in lite_sql and "bm25(works_fts" in lite_sql
    assert "x.tsv @@ (plainto_tsquery('english', %s))" in pg_sql and "ts_rank_cd" in pg_sql
    assert pg_params[:2] == ["barn", "barn"] and "river" in pg_params


def test_full_text_words_are_quoted_so_user_text_is_never_fts_syntax():
    _, params = count_sql(parse_query('NEAR(a b) "x" OR'), SQLITE)
    assert params == ['"NEAR(a" "b)" "x" "OR"']


def test_tag_values_expand_through_synonyms_before_the_sql():
    expand = synonyms_mod.make_expander(lambda v: ["Clark Kent", "Kal-El"] if v.lower() == "superman" else [])
    conds, params = where_sql(parse_query("character:Superman"), SQLITE, expand)
    assert conds == ["w.id IN (SELECT work_id FROM work_tags WHERE type = ? AND value_norm IN (?, ?, ?))"]
    assert params == ["character", "clark kent", "kal-el", "superman"]


def test_sorts_follow_ao3_defaults():
    assert "ORDER BY w.title_sort ASC" in search_sql(parse_query("sort:title"), SQLITE)[0]
    assert "ORDER BY w.words DESC" in search_sql(parse_query("sort:words"), SQLITE)[0]
    assert "ORDER BY score DESC" in search_sql(parse_query("lana"), SQLITE)[0]
    # no words to rank by: newest update first, as AO3 lists works
    assert "ORDER BY coalesce(w.updated, w.added) DESC" in search_sql(parse_query(""), SQLITE)[0]


def test_the_rarest_include_tag_drives_the_query():
    from ficlens.library.search import most_selective_first

    q = parse_query('fandom:"Smallville (TV)" -tag:Angst character:Lana pov:first')
    freq = {"fandom": 5000, "character": 40}
    planned = most_selective_first(q, lambda f: freq[f.field])
    assert [f.field for f in planned.filters] == ["character", "fandom", "freeform", "pov"]
    conds, _ = where_sql(planned, SQLITE)
    assert conds[0].startswith("w.id IN (SELECT work_id FROM work_tags") and conds[1].startswith("EXISTS")
