"""More like this, and near-duplicate groups (the same fic from two archives, two versions)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from conftest import validate_analysis

from ficlens.library import open_library
from ficlens.library.dedup import find_groups
from ficlens.library.signatures import compute, jaccard, words_of
from ficlens.library.synthetic import make_analysis

WORKS = Path(__file__).parent / "fixtures" / "library" / "works.json"


def specs() -> list[dict]:
    return json.loads(WORKS.read_text(encoding="utf-8"))["works"]


def as_ffn_save(spec: dict) -> dict:
    """The same story as FanFiction.Net would give it: curly quotes, a disclaimer, an author's note."""
    s = copy.deepcopy(spec)
    body = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", s["text"]).replace("'", "\u2019")
    s["text"] = "Disclaimer: I own nothing.\n\n" + body + "\nA/N: Thanks for reading! Reviews make my day.\n"
    s.update(path="ffn/harvest.html", site="ffn", work_id="555", title=spec["title"] + " (ffn)")
    return s


def with_new_chapter(spec: dict) -> dict:
    s = copy.deepcopy(spec)
    s["text"] += (
        "\nChapter 2\n\nThe next morning John found the salt cellar hidden behind the skull on the mantelpiece, "
        "and a note in Sherlock's looping hand that said only: control group. He laughed until Mrs. Hudson "
        "knocked on the floor with her broom.\n"
    )
    s.update(path="fics/tea_baker_street_v2.txt", site=None, work_id=None)
    return s


@pytest.fixture
def lib(tmp_path):
    with open_library(tmp_path / "library.db", synonyms=lambda t: []) as lib:
        for s in specs():
            lib.add_analysis(validate_analysis(make_analysis(**s)))
        yield lib


def test_signatures_ignore_case_punctuation_and_quote_style():
    a = compute('"It\'s crooked," Clark said.')
    b = compute("\u201cIT\u2019S CROOKED,\u201d clark said!")
    assert a == b
    assert words_of("Don\u2019t go") == ["don't", "go"]


def test_the_same_story_saved_from_two_archives_is_one_duplicate_group(lib):
    ffn = lib.add_analysis(validate_analysis(make_analysis(**as_ffn_save(specs()[0]))))
    groups = lib.duplicates()
    assert [[h.id for h in g.works] for g in groups] == [[1, ffn.id]]
    assert groups[0].similarity > 0.7
    assert [h.title for h in groups[0].works] == ["Harvest Moon", "Harvest Moon (ffn)"]


def test_two_versions_of_a_work_are_grouped_and_unrelated_works_are_not(lib):
    v2 = lib.add_analysis(validate_analysis(make_analysis(**with_new_chapter(specs()[3]))))
    ffn = lib.add_analysis(validate_analysis(make_analysis(**as_ffn_save(specs()[0]))))
    groups = lib.duplicates()
    assert sorted([h.id for h in g.works] for g in groups) == [[1, ffn.id], [4, v2.id]]
    # a stricter threshold keeps the identical text and drops the longer version
    assert [[h.id for h in g.works] for g in lib.duplicates(threshold=0.8)] == [[1, ffn.id]]


def test_a_library_of_distinct_works_has_no_duplicates(lib):
    assert lib.duplicates() == []


def test_find_groups_joins_chains_into_one_group():
    base = " ".join(f"word{i}" for i in range(400))
    a, b = compute(base), compute(base + " " + " ".join(f"more{i}" for i in range(60)))
    c = compute(base + " " + " ".join(f"more{i}" for i in range(120)))
    assert jaccard(a.shingles, c.shingles) < jaccard(a.shingles, b.shingles)
    groups = find_groups({1: a.shingles, 2: b.shingles, 3: c.shingles, 4: compute("something else entirely").shingles})
    assert [g[0] for g in groups] == [[1, 2, 3]]


def test_works_with_no_text_are_never_duplicates():
    empty = compute("")
    assert find_groups({1: empty.shingles, 2: empty.shingles}) == []


def test_similar_prefers_works_sharing_fandom_characters_and_ship(lib):
    hits = lib.similar(1, n=5)
    got = [h.id for h in hits]
    # Harvest Moon: Smallville, Clark/Lana. The other Clark stories come first; Sherlock's tea last or absent.
    assert set(got[:2]) == {2, 3}
    assert 4 not in got[:3]
    assert hits[0].score >= hits[1].score > 0
    assert "fandom: Smallville (TV)" in hits[0].reasons and "character: Clark Kent" in hits[0].reasons


def test_similar_finds_a_later_version_first(lib):
    v2 = lib.add_analysis(validate_analysis(make_analysis(**with_new_chapter(specs()[3]))))
    assert lib.similar(4, n=3)[0].id == v2.id


def test_similar_on_a_missing_work_is_an_error(lib):
    from ficlens.errors import WorkNotFound

    with pytest.raises(WorkNotFound):
        lib.similar(999)
