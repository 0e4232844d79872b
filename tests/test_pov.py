"""POV: person, tense, focal characters and the first-person narrator.

Unit tests run on hand-built documents (``ficlens.tagging.handbuilt``: the rule-based
tokenizer, characters and quotes laid on by hand); a few integration tests run the real
pipeline on the fixture stories in ``tests/fixtures/narrative``.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest
from conftest import validate_analysis

from ficlens import contract
from ficlens.model import Token
from ficlens.stages import pov as pov_stage
from ficlens.tagging import pov
from ficlens.tagging.handbuilt import add_character, add_quote, make_doc

NARRATIVE = Path(__file__).resolve().parent / "fixtures" / "narrative"


def run_pov(doc):
    return pov_stage.create()(doc)


@pytest.mark.parametrize("name", ["ficlens.tagging.pov", "ficlens.tagging.text", "ficlens.tagging.lexicon",
                                  "ficlens.tagging.handbuilt"])
def test_docstring_examples_hold(name):
    assert doctest.testmod(importlib.import_module(name)).failed == 0


FIRST = "I woke early. My sister was asleep, so I made tea and I sat by the window. " * 4
THIRD = "She woke early. Her sister was asleep, so she made tea and he sat by the window. " * 4
SECOND = "You wake early. Your sister is asleep, so you make tea and you sit by the window. " * 4


@pytest.mark.parametrize(
    "text,person",
    [
        (FIRST, "first"),
        (THIRD, "third"),
        (SECOND, "second"),
        # "I" inside dialogue is the speaker's, not the narrator's: still third person
        ('"I am tired," she said. "I want to go home." He nodded and took her hand. ' * 4, "third"),
    ],
)
def test_person_comes_from_narration_pronouns(text, person):
    doc = run_pov(make_doc(text))
    assert doc.pov.person == person
    assert 0.5 < doc.pov.person_confidence <= 1.0


def test_a_story_that_switches_person_by_scene_is_mixed():
    doc = run_pov(make_doc(FIRST * 3 + "\n\n* * *\n\n" + THIRD * 3))
    assert doc.pov.person == "mixed"


def test_too_little_narration_gives_no_person():
    doc = run_pov(make_doc('"Hello," said Bo.'))
    assert doc.pov.person is None and doc.pov.person_confidence is None


@pytest.mark.parametrize(
    "text,tense",
    [
        ("She walked to the door. She opened it and looked out. The rain was heavy. " * 4, "past"),
        ("She walks to the door. She opens it and looks out. The rain is heavy. " * 4, "present"),
        # dialogue in the present tense does not make past narration present
        ('"I am here, I know, it is late," she said. She turned and walked away. He watched. ' * 4, "past"),
    ],
)
def test_tense_without_pos_tags_uses_the_verb_lexicon(text, tense):
    doc = run_pov(make_doc(text))
    assert all(not t.tag for t in doc.tokens)
    assert doc.pov.tense == tense


def _tok(i, text, tag=""):
    return Token(i=i, start=i * 10, end=i * 10 + len(text), text=text, tag=tag, sent=0)


def test_tense_with_pos_tags_counts_finite_verbs():
    past = [_tok(i, w, "VBD") for i, w in enumerate(["went", "saw", "ran", "was", "had", "said"])]
    present = [_tok(10 + i, "is", "VBZ") for i in range(2)]
    assert pov.tense_counts(past + present, tagged=True) == (6, 2)
    assert pov.classify_tense(60, 2)[0] == "past"
    assert pov.classify_tense(10, 50)[0] == "present"
    assert pov.classify_tense(30, 25)[0] == "mixed"


ALTERNATING = (
    "Lois POV\n\n"
    + "Lois wondered where Clark was. She paced and she thought about the story. Lois felt tired. " * 3
    + "\n\nClark POV\n\n"
    + "Clark knew he was late. He flew faster and he wondered what to say to Lois. Clark felt guilty. " * 3
)


def test_alternating_pov_gives_one_focal_span_per_scene():
    doc = make_doc(ALTERNATING)
    add_character(doc, "lois", "Lois Lane", "female", ["Lois"], ["she", "her"])
    add_character(doc, "clark", "Clark Kent", "male", ["Clark"], ["he", "him", "his"])
    run_pov(doc)
    assert doc.pov.person == "third"
    assert [f.character for f in doc.pov.focal] == ["lois", "clark"]
    lois, clark = doc.pov.focal
    # the reader may take the opening "Lois POV" line as front matter (a POV note)
    assert doc.text[lois.start : lois.end].lstrip().startswith(("Lois POV", "Lois wondered"))
    # the mid-story "Clark POV" line is a pov note, not prose: the span may start at it or after it
    assert doc.text[clark.start : clark.end].startswith(("Clark POV", "Clark knew"))
    assert "Lois wondered" not in doc.text[clark.start : clark.end]
    assert lois.end <= clark.start


def test_focal_character_without_headings_is_the_one_the_narration_follows():
    text = ("Mara wondered whether Tom would come. She watched the road and she felt the cold. "
            "Tom arrived late. Mara knew he was sorry. ") * 3
    doc = make_doc(text)
    add_character(doc, "mara", "Mara", "female", [], ["she", "her"])
    add_character(doc, "tom", "Tom", "male", [], ["he", "him"])
    run_pov(doc)
    assert [f.character for f in doc.pov.focal] == ["mara"]
    assert 0.5 < doc.pov.focal[0].confidence < 1.0


def test_declared_pov_note_names_the_focal_character():
    doc = make_doc("The rain fell on the farm. The barn door banged. Someone was out in the storm. " * 3)
    add_character(doc, "lana", "Lana Lang", "female", ["Lana"])
    doc.work.metadata.pov_note = "Lana"
    run_pov(doc)
    assert [f.character for f in doc.pov.focal] == ["lana"]


NAMED_IN_DIALOGUE = (
    "I got off the bus at the end of the road. My aunt was waiting at the gate.\n\n"
    '"Wren," she said. "You took your time."\n\n'
    '"The bus was late," I said. I did not tell her the rest.\n\n'
    "A boy came by with the post in the morning.\n\n"
    '"You must be Wren," he said. "I\'m Tomas."\n\n'
    "I shook his hand. I decided I liked him.\n"
)


def test_first_person_narrator_named_only_in_dialogue_is_found():
    doc = make_doc(NAMED_IN_DIALOGUE)
    add_character(doc, "wren", "Wren")
    add_character(doc, "aunt", "Aunt", "female", ["My aunt"], ["she"])
    add_character(doc, "tomas", "Tomas", "male", [], ["he"])
    add_quote(doc, "You took your time", "aunt", "wren")
    add_quote(doc, "You must be Wren", "tomas", "wren")
    run_pov(doc)
    assert doc.pov.person == "first"
    assert doc.pov.narrator == "wren"
    assert [f.character for f in doc.pov.focal] == ["wren"]


def test_narrator_resolved_by_the_characters_stage_wins():
    doc = make_doc("I walked home. I was tired and my feet hurt. I sat down. " * 3)
    add_character(doc, "sam", "Sam", None, [], ["I", "my"])
    run_pov(doc)
    assert doc.pov.narrator == "sam"


def test_an_anonymous_narrator_placeholder_gives_way_to_a_named_character():
    doc = make_doc(NAMED_IN_DIALOGUE)
    add_character(doc, "narrator", "Narrator", None, [], ["I", "my", "me"])
    add_character(doc, "wren", "Wren")
    add_character(doc, "tomas", "Tomas", "male", [], ["he"])
    add_quote(doc, "You must be Wren", "tomas", "wren")
    run_pov(doc)
    assert doc.pov.narrator == "wren"


def test_pov_output_validates_against_the_contract():
    doc = make_doc(ALTERNATING)
    add_character(doc, "lois", "Lois Lane", "female", ["Lois"], ["she"])
    add_character(doc, "clark", "Clark Kent", "male", ["Clark"], ["he"])
    run_pov(doc)
    validate_analysis(contract.to_json(doc))


def test_pov_stage_declares_what_it_reads_and_writes():
    st = pov_stage.create()
    assert st.name == "pov" and st.assigns == ("pov",)
    assert set(st.requires) <= {"tokens", "sentences", "paragraphs"}


# ----------------------------------------------------------------------------- real pipeline


@pytest.mark.model
def test_present_tense_fixture_reads_as_present_with_the_tagger(analyse):
    _doc, obj = analyse((NARRATIVE / "present_tense.txt").read_text(), name="present_tense.txt")
    assert obj["pov"]["person"] == "third"
    assert obj["pov"]["tense"] == "present"


@pytest.mark.model
def test_first_person_fixture_names_its_narrator(analyse):
    doc, obj = analyse((NARRATIVE / "first_person_named_in_dialogue.txt").read_text(), name="fp.txt")
    assert obj["pov"]["person"] == "first"
    narrator = doc.character(doc.pov.narrator) if doc.pov.narrator else None
    assert narrator is not None and "Wren" in {narrator.name, *narrator.aliases}


def test_pronouns_left_unresolved_still_count_for_the_focal_character():
    # the characters stage resolved only names here: Tom is named more, but "she" follows Mara
    text = ("Mara came home late. Tom was asleep. Tom snored. Tom turned over. She dropped her bag "
            "and she sat down. She listened to the rain and she wondered about the letter. ") * 3
    doc = make_doc(text)
    add_character(doc, "tom", "Tom", "male", [], [])
    add_character(doc, "mara", "Mara", "female", [], [])
    run_pov(doc)
    assert [f.character for f in doc.pov.focal] == ["mara"]


@pytest.mark.model
def test_present_tense_without_pos_tags_falls_back_to_the_verb_lexicon(analyse):
    doc, obj = analyse((NARRATIVE / "present_tense.txt").read_text(), name="present_tense.txt", profile="ner")
    assert all(not t.tag for t in doc.tokens)
    assert obj["pov"]["tense"] == "present"


def test_alternating_pov_fixture_story_hands_the_focus_from_lois_to_clark():
    doc = make_doc((NARRATIVE / "alternating_pov.txt").read_text())
    add_character(doc, "lois", "Lois Lane", "female", ["Lois"], ["she", "her"])
    add_character(doc, "clark", "Clark Kent", "male", ["Clark"], ["he", "him", "his"])
    add_character(doc, "jimmy", "Jimmy Olsen", "male", ["Jimmy"])
    run_pov(doc)
    assert (doc.pov.person, doc.pov.tense) == ("third", "past")
    assert [f.character for f in doc.pov.focal] == ["lois", "clark"]
    clark = doc.pov.focal[1]
    # the mid-story "Clark POV" line is a pov note, not prose: the span may start at it or after it
    assert doc.text[clark.start : clark.end].startswith(("Clark POV", "Clark Kent landed"))
    assert clark.end == doc.body.end or doc.text[clark.end : doc.body.end].strip() == ""


def test_lines_that_are_only_a_name_head_alternating_pov_sections():
    text = (
        "LOIS\n\n"
        + "Lois wondered where Clark was. She paced and she thought about the story. Lois felt tired.\n\n" * 3
        + "CLARK\n\n"
        + "Clark knew he was late. He flew faster and he wondered what to say. Clark felt guilty.\n\n" * 3
    )
    doc = make_doc(text)
    add_character(doc, "lois", "Lois Lane", "female", ["Lois", "LOIS"], ["she"])
    add_character(doc, "clark", "Clark Kent", "male", ["Clark", "CLARK"], ["he"])
    run_pov(doc)
    assert [f.character for f in doc.pov.focal] == ["lois", "clark"]
    # the section starts at its heading, or right under it where ingest read the heading as
    # the scene break it also is
    assert doc.text[: doc.pov.focal[1].start].rstrip().endswith("Lois felt tired.\n\nCLARK") or doc.text[doc.pov.focal[1].start :].startswith("CLARK")


def test_pov_lines_hand_the_first_person_from_one_narrator_to_the_next(analyse):
    # "Mara POV" ... "Tom POV" ... "Mara POV": each section's "I" is its own narrator, in the
    # narration, in the speech tags and in the focal spans
    doc, obj = analyse((NARRATIVE / "two_narrators.txt").read_text(), name="two_narrators.txt")
    ids = {c.name.split()[0].lower(): c.id for c in doc.characters}
    mara, tom = ids["mara"], ids["tom"]
    tom_at = doc.text.index("Tom POV")
    back_at = doc.text.index("Mara POV", tom_at)
    for m in doc.mentions:
        if not m.in_quote and doc.text[m.start : m.end] in ("I", "my"):
            assert m.character == (tom if tom_at < m.start < back_at else mara), doc.text[m.start - 20 : m.end]
    said = {doc.text[q.start : q.end]: q.speaker for q in doc.quotes}
    assert said['"You\'re late,"'] == mara
    assert said['"I brought you something,"'] == tom
    assert said['"Is it a bribe?"'] == mara
    assert said['"Only if you\'re on time,"'] == mara
    assert [f.character for f in doc.pov.focal] == [mara, tom, mara]
    assert obj["pov"]["focal"][1]["character"] == tom


def test_name_only_headings_hand_the_first_person_on_and_the_other_narrator_is_he(analyse):
    # "~ NELL ~" ... "~ OSKAR ~" ... "~ NELL ~": lines that are only a name head each
    # first-person section; in Oskar's section Nell is "she" and in Nell's Oskar is "he"
    doc, obj = analyse((NARRATIVE / "name_headings.txt").read_text(), name="name_headings.txt")
    ids = {c.name.split()[0].lower(): c.id for c in doc.characters}
    nell, oskar = ids["nell"], ids["oskar"]
    assert [f.character for f in doc.pov.focal] == [nell, oskar, nell]
    said = {doc.text[q.start : q.end]: q.speaker for q in doc.quotes}
    assert said['"You\'re early,"'] == nell
    assert said['"Let me try,"'] == oskar  # "I say" in Oskar's section
    assert said['"You\'ll break it."'] == nell
    assert said['"Beginner\'s luck,"'] == nell  # "she says" in Oskar's section: Nell, the other narrator
    assert said['"Wake up,"'] == nell
    he = [m for m in doc.mentions if doc.text[m.start : m.end] == "He" and not m.in_quote]
    assert he and all(m.character == oskar for m in he)
    validate_analysis(obj)


def test_place_headings_do_not_name_a_first_person_narrator(analyse):
    story = ("Postcards\n\nLONDON\n\nI got off the train at six. Mum had told me to take a taxi.\n\n"
             '"Single to Camden, please," I said to the driver.\n\nPARIS\n\n'
             "Three days later I sat outside a cafe, writing to Mum. I told her London had been grey.\n\n"
             '"You are waiting for someone?" the waiter asked.\n\n"No," I said. "Just writing."\n')
    doc, _ = analyse(story, name="postcards.txt")
    assert not any(c.name.lower() in ("london", "paris") for c in doc.characters)
    narrators = {m.character for m in doc.mentions if doc.text[m.start : m.end] == "I" and not m.in_quote}
    assert len(narrators) == 1


def test_a_story_told_in_the_second_person_has_you_as_its_narrator(analyse):
    # "you say", "you tell Maren": the reader's stand-in speaks and is spoken to; others'
    # names for them ("Captain") are a role, not who they are
    doc, obj = analyse((NARRATIVE / "second_person_camp.txt").read_text(), name="second_person_camp.txt")
    assert doc.pov.person == "second"
    you = doc.pov.narrator
    assert you is not None and doc.character(you).name not in ("Maren", "Tobiah", "Captain")
    said = {doc.text[q.start : q.end]: q.speaker for q in doc.quotes}
    assert said['"They\'re settled,"'] == you
    assert said['"The cold is a state of mind,"'] == you
    assert said['"We cross at first light,"'] == you
    assert said['"None of us like the cold,"'] != you
    narration_you = [m.character for m in doc.mentions if not m.in_quote and doc.text[m.start : m.end] in ("you", "You", "your")]
    assert narration_you and set(narration_you) == {you}
    validate_analysis(obj)


def test_someone_the_narration_describes_is_not_the_narrator_however_often_addressed(analyse):
    story = (
        "I am wiping down the counter when the bell goes. A boy comes in with a jam jar full of coins.\n\n"
        '"Can I help you?" I ask.\n\n"I need a cake," the boy says. "A birthday one."\n\n'
        '"For who?"\n\n"My nan. She likes lemon."\n\n"Lemon I can do," I tell him.\n\n'
        "The boy counts his coins onto the counter, one at a time, lips moving.\n\n"
        '"Is that enough?" he asks.\n\n"That is exactly enough," I say.'
    )
    doc, _ = analyse(story, name="boy.txt")
    boy = next(c.id for c in doc.characters if c.name == "the boy")
    assert doc.pov.narrator != boy
