"""Tags: fandoms, rating, archive warnings, categories, freeform tags, the trigger model."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest
from conftest import validate_analysis

from ficlens import contract
from ficlens.model import Relationship
from ficlens.stages import tags as tags_stage
from ficlens.tagging import categories, deaths, triggers
from ficlens.tagging.handbuilt import add_character, make_doc

NARRATIVE = Path(__file__).resolve().parent / "fixtures" / "narrative"


def run(doc):
    return tags_stage.create()(doc)


def values(tags):
    return [t.value for t in tags]


@pytest.mark.parametrize("name", ["ficlens.tagging.categories", "ficlens.tagging.triggers", "ficlens.tagging.fandom"])
def test_docstring_examples_hold(name):
    assert doctest.testmod(importlib.import_module(name)).failed == 0


# ----------------------------------------------------------------------------- fandom


def test_a_story_with_no_fandom_markers_is_original_work():
    doc = make_doc((NARRATIVE / "no_fandom.txt").read_text())
    add_character(doc, "margaret", "Margaret", "female", [], ["she"])
    add_character(doc, "oliver", "Oliver", "male", [], ["he"])
    run(doc)
    assert values(doc.tags.fandoms) == ["Original Work"]
    assert 0.4 < doc.tags.fandoms[0].confidence < 0.9


def test_an_unnamed_character_described_as_a_canon_title_links_to_no_canon():
    # "the boy" is a description, though The Umbrella Academy's Number Five is "The Boy"
    doc = make_doc((NARRATIVE / "no_fandom.txt").read_text())
    add_character(doc, "margaret", "Margaret", "female", [], ["she"])
    add_character(doc, "the_boy", "the boy", "male", ["the boy"], ["he"])
    run(doc)
    assert values(doc.tags.fandoms) == ["Original Work"]


def test_crossover_reports_both_fandom_families_with_evidence():
    doc = make_doc((NARRATIVE / "crossover.txt").read_text())
    add_character(doc, "bruce", "Bruce Wayne", "male", ["Bruce"], kb="bruce_wayne")
    add_character(doc, "clark", "Clark Kent", "male", ["Clark"], kb="clark_kent")
    add_character(doc, "alfred", "Alfred Pennyworth", "male", ["Alfred"], kb="alfred_pennyworth")
    run(doc)
    found = values(doc.tags.fandoms)
    assert any(f.startswith("Superman") for f in found)
    assert any(f.startswith("Batman") for f in found)
    for t in doc.tags.fandoms:
        assert t.evidence, t.value
        assert all(doc.body.start <= s.start < s.end <= doc.body.end for s in t.evidence)


def test_markers_tell_apart_canons_that_share_characters():
    base = "Clark Kent walked with Lois Lane. Clark smiled at Lois. "
    smallville = make_doc(base * 2 + "They met at the Talon after class at Smallville High, far from LuthorCorp.")
    returns = make_doc(base * 2 + "Jason White waved. Richard White was waiting. Five years, Lois thought. Why the World Doesn't Need Superman.")
    for doc in (smallville, returns):
        add_character(doc, "clark", "Clark Kent", "male", ["Clark"], kb="clark_kent")
        add_character(doc, "lois", "Lois Lane", "female", ["Lois"], kb="lois_lane")
        run(doc)
    assert smallville.tags.fandoms[0].value == "Smallville"
    assert returns.tags.fandoms[0].value == "Superman Returns (2006)"


def test_shared_characters_without_canon_markers_go_to_the_umbrella_fandom():
    doc = make_doc("Clark Kent walked with Lois Lane to the Daily Planet. Clark smiled at Lois. " * 2)
    add_character(doc, "clark", "Clark Kent", "male", ["Clark"], kb="clark_kent")
    add_character(doc, "lois", "Lois Lane", "female", ["Lois"], kb="lois_lane")
    run(doc)
    assert doc.tags.fandoms[0].value == "Superman - All Media Types"


def test_one_stray_canon_term_does_not_move_a_story_to_a_child_canon():
    # "Hogwarts Express" is listed for Cursed Child, but every Harry Potter story can say it
    doc = make_doc("Harry Potter waved to Ron Weasley from the Hogwarts Express. Harry laughed at Ron. " * 2)
    add_character(doc, "harry", "Harry Potter", "male", ["Harry"], kb="harry_potter")
    add_character(doc, "ron", "Ron Weasley", "male", ["Ron"], kb="ron_weasley")
    run(doc)
    assert values(doc.tags.fandoms) == ["Harry Potter - J. K. Rowling"]


# ----------------------------------------------------------------------------- rating


@pytest.mark.parametrize(
    "text,rating",
    [
        ("They planted tulips in the garden and had tea afterwards. " * 5, "General Audiences"),
        ("This is shit, she said. What the fuck is going on? He shrugged at her. " * 1 + "They left. " * 10,
         "Teen And Up Audiences"),
        ("The blade went in and his entrails spilled onto the floor in a pool of blood. " + "He ran. " * 20, "Mature"),
    ],
)
def test_rating_follows_the_strongest_content(text, rating):
    doc = run(make_doc(text))
    assert doc.tags.rating.value == rating
    if rating != "General Audiences":
        assert doc.tags.rating.evidence


def test_a_capitalised_name_is_not_a_swear_word():
    doc = run(make_doc("Later that day Dick Grayson waved at the crowd and they waved back. " * 5))
    assert doc.tags.rating.value == "General Audiences"


# ----------------------------------------------------------------------------- warnings


def test_no_archive_warnings_apply_only_when_nothing_points_to_one():
    doc = run(make_doc("They planted tulips in the garden and had tea afterwards. " * 5))
    assert values(doc.tags.warnings) == ["No Archive Warnings Apply"]
    assert doc.tags.warnings[0].confidence > 0.7


OFFPAGE = (NARRATIVE / "offpage_death.txt").read_text()


def offpage_doc():
    doc = make_doc(OFFPAGE)
    add_character(doc, "daniel", "Daniel", "male", [], ["he", "his", "him"])
    add_character(doc, "hannah", "Hannah", "female", [], ["she", "her"])
    add_character(doc, "father", "Father", "male", ["their father", "their father's"], [])
    # in Hannah's line "He died doing the stupidest thing", "He" is the father
    he = doc.text.index("He died")
    for m in doc.mentions:
        if m.start == he:
            m.character = "father"
    return doc


def test_an_off_page_death_is_found_with_its_victim_and_passage():
    doc = offpage_doc()
    events = deaths.find(doc)
    father = [e for e in events if e.character == "father"]
    assert father, events
    assert not any(e.on_page for e in father)
    told = [doc.text[e.start : e.end] for e in father]
    assert any("He died" in t for t in told) and any("buried their father" in t for t in told)
    # Daniel goes to the funeral and stands at the grave: he does not die
    assert not [e for e in events if e.character == "daniel"]


def test_death_of_a_central_character_raises_major_character_death_with_evidence():
    doc = offpage_doc()
    doc.characters[2].mentions = 12  # the father is the story's centre, though never on the page
    run(doc)
    mcd = [t for t in doc.tags.warnings if t.value == "Major Character Death"]
    assert mcd and mcd[0].confidence >= 0.5
    assert mcd[0].evidence
    assert "No Archive Warnings Apply" not in values(doc.tags.warnings)
    assert "Character Death" in values(doc.tags.freeform)
    assert "Grief/Mourning" in values(doc.tags.freeform)


@pytest.mark.parametrize(
    "sentence,dies",
    [
        ("Tom died in the night.", True),
        ("Tom was killed by the storm.", True),
        # hedged and idiomatic uses are not deaths
        ("Tom was almost dead tired after the run.", False),
        ("Tom was scared to death of the dog.", False),
    ],
)
def test_death_cues_need_a_victim_and_no_hedge(sentence, dies):
    doc = make_doc(sentence + " The house was quiet.")
    add_character(doc, "tom", "Tom", "male")
    events = [e for e in deaths.find(doc) if e.p >= 0.5]
    assert bool(events) is dies


def test_graphic_violence_warning_names_its_passages():
    text = ("He stabbed the guard and blood sprayed across the wall. The man was disembowelled, "
            "entrails on the stones, a pool of blood spreading. Bones snapped as he was beaten. ") * 3
    doc = run(make_doc(text))
    gdov = [t for t in doc.tags.warnings if t.value == "Graphic Depictions Of Violence"]
    assert gdov and gdov[0].evidence
    assert doc.tags.rating.value in ("Mature", "Explicit")


def test_non_consent_cues_raise_the_rape_warning():
    text = ("She said no. He held her down against her will and forced himself on her. "
            "It was rape, and she knew it. Her naked thighs were bruised. ") * 2
    doc = run(make_doc(text))
    assert "Rape/Non-Con" in values(doc.tags.warnings)


def test_an_age_under_eighteen_near_sexual_content_raises_the_underage_warning():
    # clinical words on purpose: the test needs tier-2 sexual content, not prose
    text = ("She was a fifteen-year-old girl. They had sex in the car. "
            "There was an orgasm and an erection and a condom. ") * 2
    doc = run(make_doc(text))
    underage = [t for t in doc.tags.warnings if t.value == "Underage Sex"]
    assert underage and any("fifteen-year-old" in doc.text[e.start : e.end] for e in underage[0].evidence)


def test_an_age_without_sexual_content_is_no_warning():
    doc = run(make_doc("She was a fifteen-year-old girl who loved maps and trains. " * 4))
    assert "Underage Sex" not in values(doc.tags.warnings)


def test_explicit_terms_make_the_rating_explicit():
    text = "His penis, her vagina; he ejaculated. They had sex again, an orgasm each. " * 2 + "They slept. " * 20
    doc = run(make_doc(text))
    assert doc.tags.rating.value == "Explicit"
    assert doc.tags.rating.evidence


# ----------------------------------------------------------------------------- categories


@pytest.mark.parametrize(
    "genders,expected",
    [
        (("male", "female"), ["F/M"]),
        (("male", "male"), ["M/M"]),
        (("female", "female"), ["F/F"]),
        (("nonbinary", "female"), ["Other"]),
    ],
)
def test_category_follows_the_genders_of_the_romantic_pair(genders, expected):
    doc = make_doc("A and B. " * 3)
    add_character(doc, "a", "Ann Ash", genders[0])
    add_character(doc, "b", "Bo Birch", genders[1])
    doc.relationships = [Relationship("a", "b", "romantic", "Ann Ash/Bo Birch", 1.0, 0.9)]
    assert values(categories.infer(doc)) == expected


def test_no_romance_is_gen_and_two_kinds_of_romance_add_multi():
    doc = make_doc("Some text here. " * 3)
    for cid, g in (("a", "male"), ("b", "female"), ("c", "male")):
        add_character(doc, cid, cid.upper(), g)
    doc.relationships = [Relationship("a", "b", "familial", "A & B", 1.0, 0.9)]
    assert values(categories.infer(doc)) == ["Gen"]
    doc.relationships = [Relationship("a", "b", "romantic", "A/B", 1.0, 0.9), Relationship("a", "c", "romantic", "A/C", 0.8, 0.9)]
    assert set(values(categories.infer(doc))) == {"F/M", "M/M", "Multi"}


# ----------------------------------------------------------------------------- freeform


def test_freeform_tags_come_with_confidences_and_drop_weak_ones():
    doc = make_doc("I love you, she said, and kissed him for the first time. He laughed and kissed her back. " * 3)
    add_character(doc, "her", "Ann Ash", "female", [], ["she", "her"])
    add_character(doc, "him", "Bo Birch", "male", [], ["he", "him"])
    doc.relationships = [Relationship("her", "him", "romantic", "Ann Ash/Bo Birch", 1.0, 0.9)]
    run(doc)
    found = {t.value: t.confidence for t in doc.tags.freeform}
    assert "First Kiss" in found and "Romance" in found
    assert "Character Death" not in found
    assert all(0.35 <= c <= 1 for c in found.values())


def test_drabble_is_judged_by_length():
    doc = run(make_doc(" ".join(["word"] * 99) + " end."))
    assert "Drabble" in values(doc.tags.freeform)
    doc = run(make_doc("A long story. " * 400))
    assert "Drabble" not in values(doc.tags.freeform)


def test_secret_identity_needs_a_civilian_name_and_a_hero_name_for_one_character():
    doc = make_doc("Clark Kent adjusted his glasses. Superman flew over the city. Clark hid the suit. Superman landed. " * 2)
    add_character(doc, "clark", "Clark Kent", "male", ["Clark", "Superman"], kb="clark_kent")
    run(doc)
    assert "Secret Identity" in values(doc.tags.freeform)


# ----------------------------------------------------------------------------- trigger model


def test_trigger_model_ships_only_single_words_and_weights():
    model = triggers.load_model()
    assert model is not None
    assert all(" " not in w and w == w.lower() for w in model.vocab)
    assert {"violence", "death"} <= set(model.categories)
    assert model.meta["min_df"] >= 5 and model.meta["min_works"] >= 3


def test_trigger_model_scores_a_violent_passage_above_a_gentle_one():
    model = triggers.load_model()
    violent = "he punched him again and again, blood on his knuckles, the knife, the screaming, the wound"
    gentle = "they baked a cake together in the sunny kitchen and laughed about the flour on her nose"
    assert model.scores(violent)["violence"] > model.scores(gentle)["violence"]


def test_tags_output_validates_and_never_touches_metadata():
    doc = offpage_doc()
    doc.work.metadata.rating = "Teen And Up Audiences"
    doc.work.metadata.fandoms = ["Original Work"]
    run(doc)
    assert doc.metadata.rating == "Teen And Up Audiences" and doc.metadata.fandoms == ["Original Work"]
    validate_analysis(contract.to_json(doc))


def test_tags_stage_declares_its_outputs():
    st = tags_stage.create()
    assert st.name == "tags"
    assert {"tags.fandoms", "tags.rating", "tags.warnings", "tags.categories", "tags.freeform"} == set(st.assigns)


# ----------------------------------------------------------------------------- bench tags


def test_bench_docstring_examples_hold():
    from ficlens.bench import tags as bench

    assert doctest.testmod(bench).failed == 0


def test_reliability_bins_and_ece_measure_the_gap_between_confidence_and_accuracy():
    from ficlens.bench.tags import reliability

    perfect = [(0.95, True)] * 19 + [(0.95, False)]
    bins, ece, n = reliability(perfect)
    assert n == 20 and len(bins) == 1 and bins[0].accuracy == 0.95 and ece < 1e-9
    overconfident = [(0.95, True), (0.95, False)]
    assert reliability(overconfident)[1] > 0.4


def test_fixture_scoring_compares_each_field_with_the_gold():
    from ficlens.bench.tags import _score_story

    doc = make_doc("She walks home. She opens the door and she sits down. It is late. " * 3)
    tags_stage.create()(doc)
    from ficlens.stages import pov as pov_stage

    pov_stage.create()(doc)
    rows = {r["field"]: r for r in _score_story("s.txt", doc, {"person": "third", "tense": "past", "rating": "General Audiences"})}
    assert rows["person"]["correct"] and not rows["tense"]["correct"] and rows["rating"]["correct"]
    assert rows["person"]["confidence"] == doc.pov.person_confidence


def test_bench_tags_rejects_an_unknown_part_in_one_line():
    from typer.testing import CliRunner

    from ficlens.cli import get_app

    res = CliRunner().invoke(get_app(), ["bench", "tags", "--only", "nonsense"])
    assert res.exit_code != 0
    assert "Traceback" not in (res.output or "")


def test_litbank_gold_labels_every_excerpt_with_a_person():
    from ficlens.bench.tags import litbank_gold

    gold = litbank_gold()
    assert len(gold) == 100 and set(gold.values()) <= {"first", "second", "third"}


# ----------------------------------------------------------------------------- real pipeline


@pytest.mark.model
def test_crossover_fixture_through_the_real_pipeline(analyse):
    _doc, obj = analyse((NARRATIVE / "crossover.txt").read_text(), name="crossover.txt")
    names = [f["value"] for f in obj["tags"]["fandoms"]]
    assert any(n.startswith("Superman") for n in names) and any(n.startswith("Batman") for n in names)


@pytest.mark.model
def test_story_without_markers_through_the_real_pipeline_is_original_work(analyse):
    _doc, obj = analyse((NARRATIVE / "no_fandom.txt").read_text(), name="no_fandom.txt")
    assert [f["value"] for f in obj["tags"]["fandoms"]] == ["Original Work"]
    assert obj["tags"]["rating"]["value"] == "General Audiences"
    assert [w["value"] for w in obj["tags"]["warnings"]] == ["No Archive Warnings Apply"]


@pytest.mark.model
def test_battle_fixture_raises_violence_and_death_warnings_with_evidence(analyse):
    _doc, obj = analyse((NARRATIVE / "battle.txt").read_text(), name="battle.txt")
    warnings = {w["value"]: w for w in obj["tags"]["warnings"]}
    assert {"Graphic Depictions Of Violence", "Major Character Death"} <= set(warnings)
    assert all(w.get("evidence") for w in warnings.values())
    assert obj["tags"]["rating"]["value"] in ("Mature", "Explicit")


def test_litbank_gold_labels_tense_for_all_but_the_unlabelled():
    from ficlens.bench.tags import litbank_gold

    tense = litbank_gold("tense")
    assert len(tense) == 99 and set(tense.values()) <= {"past", "present", "mixed"}
    assert tense["1023_bleak_house"] == "present"


def test_a_romance_the_story_barely_touches_does_not_set_the_category():
    # the patient's talk of his absent wife beside the friendship the story is about
    doc = make_doc("Some text here. " * 3)
    for cid, g in (("nurse", "female"), ("patient", "male"), ("wife", "female")):
        add_character(doc, cid, cid.title(), g)
    doc.relationships = [
        Relationship("nurse", "patient", "platonic", "Nurse & Patient", 1.0, 0.6),
        Relationship("patient", "wife", "romantic", "Patient/Wife", 0.2, 0.6),
    ]
    assert values(categories.infer(doc)) == ["Gen"]
    doc.relationships[1] = Relationship("patient", "wife", "romantic", "Patient/Wife", 0.5, 0.6)
    assert values(categories.infer(doc)) == ["F/M"]


def test_the_marker_index_finds_each_use_where_the_old_whole_text_scan_did():
    # tried only where a text word is the marker's first word, a marker must still match as a
    # whole word, case-sensitively for words and in any case and spacing for phrases
    from ficlens.tagging.fandom import MarkerIndex

    text = 'At the Talon. THE  TALON again; xTalon is not it, nor Talons. "S.H.I.E.L.D." called.'
    idx = MarkerIndex({"Talon", "the Talon", "S.H.I.E.L.D."})
    hits = idx.find(text, 0, len(text))
    assert [text[a:b] for a, b in hits["the Talon"]] == ["the Talon", "THE  TALON"]
    assert [text[a:b] for a, b in hits["Talon"]] == ["Talon"]
    assert [text[a:b] for a, b in hits["S.H.I.E.L.D."]] == ["S.H.I.E.L.D."]
    # and only inside the span asked for
    assert "Talon" not in idx.find(text, 20, len(text))
