"""The fandom knowledge base: loading, lookups, tag synonyms, user-extensible files."""

from __future__ import annotations

import csv
import json

import pytest

from ficlens.kb import KBError, load_kb, norm, slug

from conftest import SHARED

FANDOM_CSV = SHARED / "data" / "ao3-tags-2021" / "ao3_2021_Fandom-canonical.csv"


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def test_superman_family_canons_are_all_present(kb):
    for name in (
        "Superman - All Media Types",
        "Superman (Comics)",
        "Smallville",
        "Lois & Clark: The New Adventures of Superman",
        "Superman Returns (2006)",
        "Man of Steel (2013)",
        "Superman & Lois (TV 2020)",
        "Supergirl (TV 2015)",
    ):
        assert name in kb.fandoms
        assert kb.markers[name], name


def test_covers_at_least_twenty_large_fandom_families_beyond_superman(kb):
    families = kb.families()
    assert len([f for f in families if f != "superman"]) >= 20
    for name in ("Harry Potter - J. K. Rowling", "Marvel Cinematic Universe", "Supernatural", "Sherlock (TV)", "Naruto"):
        assert name in kb.fandoms


def test_fandom_names_are_ao3_canonical_names(kb):
    if not FANDOM_CSV.exists():
        pytest.skip("AO3 tag dump not available")
    with FANDOM_CSV.open(encoding="utf-8") as fh:
        canonical = {row[2] for row in csv.reader(fh) if len(row) > 2}
    unverified = [f.name for f in kb.fandoms.values() if f.verified and f.name not in canonical]
    assert unverified == []


def test_secret_identities_and_nicknames_resolve_to_the_character(kb):
    for alias in ("Kal-El", "Superman", "the Blur", "Boy Scout", "clark kent"):
        assert kb.canonical_character(alias) == "Clark Kent", alias


def test_a_shared_first_name_is_ambiguous_until_a_fandom_decides(kb):
    names = {c.name for c in kb.find_characters("Martha")}
    assert {"Martha Kent", "Martha Wayne"} <= names
    assert kb.canonical_character("Martha") is None
    assert kb.canonical_character("Martha", fandoms=["Smallville"]) == "Martha Kent"
    assert kb.canonical_character("Martha", fandoms=["Batman (Comics)"]) == "Martha Wayne"


def test_a_name_one_canon_uses_does_not_take_it_from_everyone_else(kb):
    # Miles Morales is Spider-Man in the Spider-Verse films only: elsewhere, and in tag
    # search, "Spider-Man" is still Peter Parker; in those films it is ambiguous
    assert kb.canonical_character("Spider-Man") == "Peter Parker"
    assert "Peter Parker" in kb.synonyms("Spider-Man")
    verse = {c.name for c in kb.find_characters("Spider-Man", ["Spider-Man: Into the Spider-Verse (2018)"])}
    assert "Miles Morales" in verse and "Peter Parker" not in verse
    # FMA's "Pride" is a different homunculus in each canon
    assert [c.id for c in kb.find_characters("Pride", ["Fullmetal Alchemist (Anime 2003)"])] == ["king_bradley"]


def test_relations_are_stored_on_both_sides(kb):
    clark = kb.character("clark_kent")
    martha = kb.character("martha_kent")
    assert "martha_kent" in clark.relatives("parent")
    assert "clark_kent" in martha.relatives("child")
    assert [r.kind for r in kb.canon_relation("lois_lane", "clark_kent")] == ["spouse"]


def test_canon_relations_tie_characters_who_share_a_canon(kb):
    # a short id ("crowley") must not tie Good Omens' angel to Supernatural's demon; Batman and
    # Superman share DC canons, so their friendship stands
    crossed = [(c.id, r.other) for c in kb.characters.values() for r in c.relations
               if r.other in kb.characters and not set(kb.characters[r.other].fandoms) & set(c.fandoms)]
    assert crossed == []


def test_character_tag_synonyms_include_every_name(kb):
    syn = kb.synonyms("Superman")
    assert {"Clark Kent", "Kal-El", "Superman", "Clark"} <= syn
    assert kb.synonyms("Nobody In Particular") == {"Nobody In Particular"}


def test_relationship_tags_map_to_the_canonical_form_and_back(kb):
    assert kb.canonical_relationship("Lois/Clark") == "Clark Kent/Lois Lane"
    assert kb.canonical_relationship("Superman/Lois Lane") == "Clark Kent/Lois Lane"
    syn = kb.synonyms("Clark Kent/Lois Lane")
    assert {"Clark/Lois", "Lois/Clark", "Superman/Lois Lane"} <= syn
    # platonic keeps its separator
    assert kb.canonical_relationship("Clark & Chloe") == "Chloe Sullivan & Clark Kent"


def test_pairing_sides_disambiguate_each_other(kb):
    # "Harry" alone is ambiguous (Harry Potter, Harry Watson); Draco picks the canon
    assert kb.canonical_relationship("Harry/Draco") == "Draco Malfoy/Harry Potter"
    assert kb.canonical_relationship("Crowley/Aziraphale") == "Aziraphale (Good Omens)/Crowley (Good Omens)"
    assert kb.canonical_relationship("Crowley/Dean") == "Crowley (Supernatural)/Dean Winchester"


def test_abbreviations_name_fandoms(kb):
    assert kb.fandom_name("SV") == "Smallville"
    assert kb.fandom_name("bnha") == "僕のヒーローアカデミア | Boku no Hero Academia | My Hero Academia"
    assert kb.fandom_name("Never Heard Of It") is None


def test_user_files_extend_the_builtin_kb(tmp_path):
    (tmp_path / "mine.json").write_text(
        json.dumps(
            {
                "family": "mine",
                "fandoms": [{"name": "My Original Verse", "markers": ["the Glass Tower"]}],
                "characters": [
                    {"name": "Wren Aldous", "gender": "f", "aliases": ["Wrennie"], "relations": {"friend": ["clark_kent"]}}
                ],
            }
        ),
        encoding="utf-8",
    )
    kb = load_kb([tmp_path])
    assert kb.canonical_character("Wrennie") == "Wren Aldous"
    assert kb.character("wren_aldous").gender == "female"
    assert "wren_aldous" in kb.character("clark_kent").relatives("friend")
    assert kb.markers["My Original Verse"] == ("the Glass Tower",)


@pytest.mark.parametrize(
    "payload, message",
    [
        ("{not json", "cannot read"),
        (json.dumps({"characters": [{"name": "A B", "relations": {"frenemy": ["x"]}}]}), "unknown relation"),
        (json.dumps({"characters": [{"name": "A B", "relations": {"friend": ["nobody_here"]}}]}), "unknown id"),
        (json.dumps({"characters": [{"name": "A B", "gender": "robot"}]}), "unknown gender"),
        (json.dumps({"characters": [{"name": "A B", "speaks": "no"}]}), "speaks must be true or false"),
        (json.dumps({"characters": [{"name": "A B", "roles": ["the butler"]}]}), "one lower-case noun"),
    ],
)
def test_malformed_user_files_raise_a_clear_kb_error(tmp_path, payload, message):
    f = tmp_path / "bad.json"
    f.write_text(payload, encoding="utf-8")
    with pytest.raises(KBError, match=message):
        load_kb([f])


def test_slug_and_norm_are_stable():
    assert slug("Kal-El") == "kal_el"
    assert slug("Padmé Amidala") == "padme_amidala"
    assert norm("  CLARK   Kent ") == norm("clark kent")
    assert norm("Kal-El") == norm("kal el")


def test_a_character_who_never_says_a_line_is_marked_so():
    kb = load_kb()
    assert not kb.character("grogu").speaks and not kb.character("roach").speaks
    assert kb.character("din_djarin").speaks


def test_a_role_says_who_the_narration_means_by_the_noun():
    kb = load_kb()
    assert "butler" in kb.character("sebastian_michaelis").roles
    assert kb.character("ciel_phantomhive").roles and "butler" not in kb.character("ciel_phantomhive").roles
