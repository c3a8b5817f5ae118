"""The skill's own danger reader: her words in a slot, read for danger, as on any device.

Each case is words Alexa could hand the skill in a slot (resolved or not) and the route they carry.
The contexts that make an alarming word ordinary are tested side by side with the same words in
danger, so that an excuse never swallows the real thing.
"""
from __future__ import annotations

import ast
import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from skill.understanding.danger import EMERGENCY_ROUTES, danger_words, read_words, spoken_form

SKILL = Path(__file__).resolve().parents[1] / "skill"


@pytest.mark.parametrize("words, route", [
    # Danger said in words nobody listed (the findings, as a device hands them over).
    ("fainted in the shower just now", "emergency"),
    ("gone really pale and clammy", "emergency"),
    ("haven't peed since this morning and it's bedtime now", "emergency"),
    ("my heart rate's through the roof and i feel like death", "emergency"),
    ("doesn't want to live anymore", "crisis"),
    ("is threatening to hurt herself", "crisis"),
    ("i'm done i can't face another day of this", "crisis"),
    ("i just wanna top myself", "crisis"),
    ("sometimes i want to hurt the baby just so she'll stop screaming", "crisis"),
    ("i think the mastitis has turned septic", "emergency"),
    ("a voice telling me the baby isn't really mine and i should get rid of her", "crisis"),
    # Slot words from the held-out set's dev half: a possessive ("heart's") read as the noun, a gerund,
    # a colour said of "she" (the mother, when it is not her baby), pus in her own words.
    ("my cousin sister says she is feeling like hanging herself", "crisis"),
    ("she become grey and cold and", "emergency"),
    ("my heart's thumping and racing even lying down", "emergency"),
    ("yellowy muck's coming out where it's cracked", "today"),
    ("lump's got heaps bigger since brekky", "today"),
    # After the birth: a headache painkillers do not ease (NHS pre-eclampsia); strange beliefs of being
    # watched or chosen (NHS postpartum psychosis: delusions).
    ("my head's been pounding since lunch and the headache won't ease even with ibuprofen", "mother_urgent"),
    ("i'm sure the police are listening to us through the walls", "psychosis"),
    ("i was sent by god for a mission and my son is part of the plan", "psychosis"),
    ("chosen for something and the baby's part of it", "psychosis"),
    # A whole supply of a medicine: asked about, the crisis answer; taken, her emergency.
    ("can i take the whole packet of paracetamol", "crisis"),
    ("the whole packet of paracetamol i took", "mother_emergency"),
    # Her baby's soft spot in her own words (NHS Healthier Together: a bulging fontanelle is a red sign).
    ("the soft part on baby's head is swelling up", "baby_emergency"),
    # Two sepsis signs together, or one with a same-day sign, are the emergency.
    ("drowsy and confused and my temperature is high", "emergency"),
    ("very unwell and my skin is really pale", "emergency"),
    # Same-day, examination and a plain lump.
    ("a really bad fever", "today"),
    ("been three days and it's still there", "today"),
    ("lump is paining since four days", "today"),
    ("had this lump for three days", "today"),
    # Days said of feeding, not of the lump (clinical review, 2026-12-06).
    ("weaning for a few days and my breast is full", "relief"),  # a full breast is lump care, never "today" for the days
    ("i have been pumping for three days", None),
    # A lump she says is easing after days is not sent to a doctor today for the days alone; a fever still is.
    ("the lump has been there three days but it's getting smaller", "relief"),
    ("had this lump for a few days and it's softer now", "relief"),
    ("lump for three days with a fever but getting better", "today"),
    ("a hard painful swelling full of pus", "today"),
    ("stopped pumping four months ago and there's still a lump", "appointment"),
    # Numbers as Alexa may write them are read as said (QA audit 4: "38 degrees" and "lump for 2 weeks"
    # were read as nothing and as a plain lump); a bare number that could be her age is no fever.
    ("my temperature is 38.5", "today"),
    ("38 degrees", "today"),
    ("it reads 101.2 f", "today"),
    ("had this lump for 3 days", "today"),
    ("lump for 2 weeks", "appointment"),
    # A low temperature is a sign of infection as a high one is (NHS sepsis: "a high or low temperature";
    # clinical review 2026-12-07); the weather is not.
    ("my temperature's 35.2", "today"),
    ("my temperature dropped to 35", "today"),
    ("i think i have a low temperature", "today"),
    ("it's 35 degrees outside and my breast is full", "relief"),
    ("i am 38 years old and have a lump", "relief"),
    ("i am 2 weeks postpartum and have a lump", "relief"),  # her weeks since the birth, not the lump's
    ("my baby is six weeks old and i have a lump", "relief"),
    ("3 weeks after giving birth i found a lump that has been there 2 weeks", "appointment"),
    # "Breast is hard" is a lump's everyday form (QA audit 3: F1.8 got the screening question).
    ("stopping feeding baby and breast is hard what to do", "relief"),
    ("my breasts feel so full", "relief"),
    # A new lump long after stopping is examined (QA audit 3: F1.6 got strokes and a cold pack).
    ("lump months after weaning is that normal", "appointment"),
    ("found a lump weeks after i stopped", "appointment"),
    ("a hard lump", "relief"),
    # Sexual violence is her safety (privacy audit 2026-12-07: "I was raped and now my breast hurts" got
    # the lump answer; "I was sexually assaulted" the lump reassurance).
    ("was raped and now my breast hurts", "abuse"),
    ("i was sexually assaulted", "abuse"),
    ("someone raped me last night", "abuse"),
    ("he made me have sex when i said no", "abuse"),
    # "Forced" is sexual violence only with what he forced (QA audit 2026-12-07: "my husband forced me to
    # rest" was read as abuse, said aloud to a couple; "he forced himself on me" was missed).
    ("he forced himself on me", "abuse"),
    ("my partner forced himself on me last night", "abuse"),
    ("i was groped", "abuse"),
    ("my husband forced me to rest", None),
    ("my husband forces me to eat properly", None),
    ("she forced me to sleep", None),
])
def test_her_words_carry_their_route(words: str, route: str) -> None:
    assert read_words(words).route == route, read_words(words)


@pytest.mark.parametrize("ordinary, danger", [
    ("my friend fainted at the wedding", "my wife fainted"),                       # someone else / household
    ("my friend had sepsis last year", "i think i have sepsis"),                   # the past tied to a time
    ("could a blocked duct turn into sepsis", "it has turned into sepsis"),        # a question about later
    ("i'm not confused just tired", "i'm really confused"),                        # a denial
    ("this lump is killing me", "i want to kill myself"),                          # an idiom
    ("i'm dying for a coffee", "i feel like i'm dying"),
    ("my heart sank when i found it", "my heart is racing and won't slow down"),
    ("my husband almost fainted during the delivery", "my husband says i fainted"),
    ("my hair has gone grey since the birth", "i have gone grey and cold"),
])
def test_an_everyday_use_is_ordinary_and_the_same_words_in_danger_are_not(ordinary: str, danger: str) -> None:
    assert read_words(ordinary).route in (None, "screen", "relief"), read_words(ordinary)
    assert read_words(danger).route in ("crisis", "emergency"), read_words(danger)


@pytest.mark.parametrize("ordinary, danger", [
    ("people keep staring at me feeding in the cafe", "people are watching me through the camera"),
    ("the nurses were watching the baby overnight", "the neighbours are spying on us"),
    ("i was picked for something at work", "i've been chosen for something and the baby's part of it"),
])
def test_being_watched_or_picked_is_ordinary_and_being_spied_on_or_chosen_is_psychosis(ordinary: str, danger: str) -> None:
    assert read_words(ordinary).route is None, read_words(ordinary)
    assert read_words(danger).route == "psychosis", read_words(danger)


@pytest.mark.parametrize("words, route", [("i took an overdose last night", "mother_emergency"),
                                          ("i cut myself last year and again today", "crisis"),
                                          ("i shook the baby last night", "baby_emergency"),
                                          ("i smothered my baby last week", "baby_emergency")])
def test_what_she_did_to_herself_is_never_excused_as_the_past(words: str, route: str) -> None:
    """An overdose taken is the emergency number, unconditionally, before the crisis line."""
    assert read_words(words).route == route


@pytest.mark.parametrize("words", ["i smothered my baby", "i put a pillow over her face", "i suffocated him",
                                   "i slapped my baby", "he shook her"])
def test_harm_done_to_her_baby_is_her_babys_emergency(words: str) -> None:
    assert read_words(words).route == "baby_emergency", read_words(words)


@pytest.mark.parametrize("ordinary, danger", [
    ("i had sepsis last year but i'm fine now", "i had sepsis last year and i think i have it again"),
    ("i fainted a few years ago", "i fainted a few years ago and it's happening again"),
    ("i nearly dropped the baby", "i dropped the baby"),
])
def test_a_past_that_is_back_and_a_harm_that_happened_are_not_excused(ordinary: str, danger: str) -> None:
    assert read_words(ordinary).route is None, read_words(ordinary)
    assert read_words(danger).route in ("emergency", "baby_emergency"), read_words(danger)


# A clinical review of the widened lists (2026-12-06) found excuses that silenced real danger: a
# question or an "if" tacked on, "weeks ago" (every postnatal sentence), a pet, "her breast", a colour
# beside a noun, being watched "while feeding". Each is held here.
@pytest.mark.parametrize("words", [
    "i can not tell if she has stopped breathing",
    "my baby has a rash that does not fade what does a meningitis rash look like",
    "i had my baby two weeks ago i am soaking a pad every hour",
    "she is floppy after my last feed",
    "the dog knocked him off the sofa he is floppy",
    "he was feeding on her breast he is not breathing",
    "he went blue bottle still in his mouth",
    "the neighbours are watching me feed through the cameras",
    # The second pass: a seizure, a relative who could not wake her, a baby blue during feeds, "signs of".
    "her eyes rolled back and she went all stiff", "my mum could not wake me", "he goes blue around the lips when he feeds",
    "my lips are pale blue", "i think i have signs of sepsis", "i'm thinking of taking them all at once",
])
def test_an_excuse_never_silences_a_real_danger(words: str) -> None:
    assert read_words(words).route in EMERGENCY_ROUTES, read_words(words)


@pytest.mark.parametrize("words", [
    "my breast pads are soaked in minutes", "my nipples are bleeding really badly", "the latch is hurting me",
    "she is giving me signs she is hungry", "my baby goes stiff when she poos", "i am low on milk",
    "i had sepsis after my first baby and i am scared of getting it again",
    "he's hurting me every time he latches", "the baby won't let me sleep", "my baby took a whole bottle of expressed milk",
    "what are the secret signs my baby is hungry", "his arms and legs twitch in his sleep",
])
def test_ordinary_breastfeeding_talk_raises_no_alarm(words: str) -> None:
    assert read_words(words).route not in EMERGENCY_ROUTES, read_words(words)


@pytest.mark.parametrize("words", ["no i want to die", "i'm not okay i want to kill myself"])
def test_a_denial_before_a_new_subject_denies_nothing(words: str) -> None:
    assert read_words(words).route == "crisis"


def test_anyones_crisis_gets_the_crisis_line() -> None:
    assert read_words("my mum wants to kill herself").route == "crisis"


def test_a_partner_reporting_what_she_sees_is_not_someone_else() -> None:
    assert read_words("my mom says my lips look blue").route == "emergency"


@pytest.mark.parametrize("words", ["confused", "i can't stop shaking", "i feel awful"])
def test_an_alarming_word_with_an_everyday_use_alone_gets_the_screening_question(words: str) -> None:
    assert read_words(words).route in ("screen", "emergency")


def test_nothing_said_reads_as_nothing() -> None:
    assert read_words("").route is None and read_words(None).route is None


def test_danger_at_the_end_of_the_longest_slot_a_request_carries_is_still_read() -> None:
    """A request body may be 128 KB; words that long are read whole (bench_understanding shows the cost)."""
    ordinary = "my lump is sore and a bit hard and " * 3700
    assert read_words(ordinary + "i want to end my life") == read_words("i want to end my life")
    assert read_words(ordinary + "she is not breathing") == read_words("she is not breathing")


def test_contractions_read_the_same_as_written_out() -> None:
    assert spoken_form("I'm, can't won't she's") == "i am can not will not she is"


def test_every_list_names_its_clinical_source(tmp_path: Path) -> None:
    broken = tmp_path / "danger_words.toml"
    text = (SKILL / "understanding" / "danger_words.toml").read_text()
    broken.write_text(text.replace('[crisis]\nclinical_source = "', '[crisis]\nunsourced = "', 1))
    with pytest.raises(ValueError, match="danger_words.toml: every list needs a clinical_source"):
        danger_words(broken)


def test_the_reader_is_pure_python_so_every_host_runs_it() -> None:
    """Web service and Lambda alike: no scikit-learn, no model file, only the standard library and the grammar."""
    tree = ast.parse((SKILL / "understanding" / "danger.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "bisect", "re", "tomllib", "dataclasses", "functools", "pathlib", "skill"}, imported
    assert (SKILL / "understanding" / "danger_words.toml").stat().st_size < 100_000


def test_the_console_makes_no_safety_decision_of_its_own() -> None:
    """The console's stand-in for Alexa never imports the reader: every safety decision is the skill's."""
    for module in ("console.py", "understanding/matcher.py"):
        assert "danger" not in {node.module.rsplit(".", 1)[-1] for node in ast.walk(ast.parse((SKILL / module).read_text()))
                                if isinstance(node, ast.ImportFrom) and node.module}, module


# --- Slot words written apart: four writers who saw neither the lists nor the tests (tests/safety/reader/) ---
READER_SET = Path(__file__).resolve().parent / "safety" / "reader"
URGENT_OR_SUPPORT = ("baby_fever", "baby_urgent", "mother_urgent", "support", "today")
# What the reader reaches now on each half (a fall is a regression). The test half was scored before
# it was merged and is never read for misses (tests/safety/reader/README.md).
READER_FLOORS = {
    "dev": {"danger": 0.97, "urgent": 0.97, "ordinary": 0.87},
    "test": {"danger": 0.90, "urgent": 0.76, "ordinary": 0.73},
}


def reader_rows(half: str) -> list[dict[str, str]]:
    with (READER_SET / f"{half}.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def reader_played(half: str) -> Iterator[tuple[dict[str, str], str | None, str, bool]]:
    """Each row, the route the reader hears, its group and whether that is what the writer meant:
    danger rows must lead with the number (any emergency route), urgent and support rows reach their
    own route, and ordinary rows raise no alarm and no urgent route."""
    for row in reader_rows(half):
        meant, heard = row["route"], read_words(row["words"]).route
        if meant in EMERGENCY_ROUTES:
            yield row, heard, "danger", heard in EMERGENCY_ROUTES
        elif meant == "none":
            yield row, heard, "ordinary", heard not in EMERGENCY_ROUTES and heard not in URGENT_OR_SUPPORT
        else:
            yield row, heard, "urgent", heard == meant


def reader_scores(half: str) -> dict[str, tuple[int, int]]:
    """Per group, how many rows the reader routes as the writer meant, of how many."""
    scores: dict[str, list[int]] = {"danger": [0, 0], "urgent": [0, 0], "ordinary": [0, 0]}
    for _, _, group, right in reader_played(half):
        scores[group][0] += right
        scores[group][1] += 1
    return {group: (right, total) for group, (right, total) in scores.items()}


@pytest.mark.parametrize("half", READER_FLOORS)
def test_the_reader_set_is_whole_and_labelled(half: str) -> None:
    rows = reader_rows(half)
    assert len(rows) == {"dev": 600, "test": 179}[half]
    if half == "test":  # a phrasing both writers chose was read with the dev half, so it left the test half
        assert not {row["words"] for row in rows} & {row["words"] for row in reader_rows("dev")}
    assert {row["route"] for row in rows} <= {*EMERGENCY_ROUTES, *URGENT_OR_SUPPORT, "none"}
    assert all(re.fullmatch(r"[a-z' ]+", row["words"]) for row in rows), "spoken words: lower case, apostrophes only"


@pytest.mark.parametrize("half", READER_FLOORS)
def test_slot_words_written_apart_reach_their_route_no_less_than_they_did(half: str) -> None:
    for group, (right, total) in reader_scores(half).items():
        assert right / total >= READER_FLOORS[half][group], f"{half} {group}: {right}/{total}"
