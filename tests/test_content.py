"""The content files are checked once at start-up; a broken entry stops start-up naming file and key."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skill import app as app_module
from skill.app import create_app
from skill.content.loader import CONTENT_DIR, ContentError, flatten, load_library
from skill.content.schema import SPOKEN_WORD_LIMIT
from skill.verification import RequestVerifier


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A copy of the real content a test may break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_content_loads_for_all_five_markets() -> None:
    assert load_library().locales == ("en-AU", "en-CA", "en-GB", "en-IN", "en-US")


def test_an_unknown_market_falls_back_to_us_english() -> None:
    assert load_library().for_locale("fr-FR").locale == "en-US"


def test_a_lazy_library_reads_a_market_on_its_first_request_and_gives_what_an_eager_one_does(
        content_dir: Path) -> None:
    """Lambda's cold start reads only its event's market; a fault elsewhere waits for that market's turn."""
    eager, lazy = load_library(), load_library(lazily=True)
    assert lazy.locales == eager.locales
    for locale in (*eager.locales, "fr-FR"):
        assert lazy.for_locale(locale).data == eager.for_locale(locale).data
        assert lazy.for_locale(locale) is lazy.for_locale(locale)
    edit(content_dir / "en-GB.toml", "[", "[[")  # the first table header, now not valid TOML
    broken = load_library(content_dir, lazily=True)
    assert broken.for_locale("en-US").locale == "en-US"
    with pytest.raises(ContentError, match="en-GB.toml"):
        broken.for_locale("en-GB")


def test_each_market_fills_in_its_own_emergency_number() -> None:
    library = load_library()
    spoken = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "triple zero", "en-IN": "112"}
    written = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "000", "en-IN": "112"}
    for locale, number in spoken.items():
        content = library.for_locale(locale)
        assert f"Call {number} now" in content.text("check.outcomes.emergency.speech")
        assert f"Call {written[locale]} now" in content.text("check.outcomes.emergency.card")


def test_a_situation_entry_missing_one_situation_is_refused(content_dir: Path) -> None:
    edit(content_dir / "en.toml", "[topics.massage.weaning]", "[topics.massage.stopping]")
    with pytest.raises(ContentError, match=r"topics\.massage\.weaning\.speech: missing"):
        load_library(content_dir)


def test_a_care_line_without_a_source_is_refused(content_dir: Path) -> None:
    edit(content_dir / "care_lines.toml", 'source = "healthdirect.gov.au (', 'note = "healthdirect.gov.au (')
    with pytest.raises(ContentError, match=r"care_lines\.toml: \[\[en-AU\]\] #2: source missing"):
        load_library(content_dir)


def test_a_missing_entry_stops_start_up_naming_the_file_and_key(content_dir: Path) -> None:
    edit(content_dir / "en.toml", "[topics.food]", "[topics.food_renamed]")
    with pytest.raises(ContentError, match=r"en\.toml.*topics\.food\.title"):
        load_library(content_dir)


def test_malformed_toml_stops_start_up_naming_the_file(content_dir: Path) -> None:
    (content_dir / "en-GB.toml").write_text("[terms\nemergency_number = ", encoding="utf-8")
    with pytest.raises(ContentError, match=r"en-GB\.toml: not valid TOML"):
        load_library(content_dir)


def test_an_unknown_placeholder_is_refused(content_dir: Path) -> None:
    edit(content_dir / "en.toml", "{clinician_short}", "{surgeon}")
    with pytest.raises(ContentError, match=r"unknown placeholder \{surgeon\}"):
        load_library(content_dir)


def test_an_override_that_breaks_a_rule_is_blamed_on_the_override(content_dir: Path) -> None:
    long_text = " ".join(["word"] * (SPOKEN_WORD_LIMIT + 1))
    with (content_dir / "en-AU.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'\n[topics.why]\nspeech = "{long_text}"\n')
    with pytest.raises(ContentError, match=r"en-AU\.toml \(en-AU\): topics\.why\.speech: 51 words"):
        load_library(content_dir)


def test_markup_characters_in_speech_are_refused(content_dir: Path) -> None:
    edit(content_dir / "en.toml", 'title = "Eating, drinking and rest"\nspeech = "', 'title = "Eating, drinking and rest"\nspeech = "Food & ')
    with pytest.raises(ContentError, match=r"topics\.food\.speech: spoken text may not contain"):
        load_library(content_dir)


def test_steps_out_of_order_are_refused(content_dir: Path) -> None:
    edit(content_dir / "en.toml", 'key = "comfort"', 'key = "kneading"')
    with pytest.raises(ContentError, match=r"steps: must be 4 entries"):
        load_library(content_dir)


def test_a_broken_content_file_stops_the_app_from_starting(content_dir: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (content_dir / "en.toml").unlink()
    monkeypatch.setattr(app_module, "load_library", lambda: load_library(content_dir))
    with pytest.raises(ContentError, match=r"en\.toml: file is missing"):
        create_app({"SKILL_STORE": f"sqlite:///{tmp_path}/s.db", "VERIFIER": RequestVerifier(check_signature=False)})


def test_markets_do_not_leak_into_each_other() -> None:
    library = load_library()
    assert "999" not in library.for_locale("en-US").text("topics.doctor.speech")
    assert "911" not in library.for_locale("en-GB").text("topics.doctor.speech")


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_no_spoken_text_names_a_dose_or_tells_her_to_empty_or_knead(locale: str) -> None:
    content = load_library().for_locale(locale)
    spoken = [content.text(f"topics.{name}.speech") for name in ("relieve", "food", "massage", "hygiene", "weaning")]
    spoken += [step["speech"] for step in content.steps]
    for text in spoken:
        lowered = text.lower()
        assert " mg" not in lowered and "milligram" not in lowered
        for risky in ("knead", "empty", "deep"):
            if risky in lowered:
                assert any(guard in lowered for guard in ("never", "not", "don't")), f"{locale}: {text}"


@pytest.mark.parametrize("before, after, message", [
    ("[routes.selfcare]\nclinical_source", "[routes.selfcare]\nnote",
     r"triage\.toml: every question and route needs a clinical_source"),
    ('FEVER = "today"', 'FEVER = "tomorrow"', r"triage\.toml: unknown route 'tomorrow'"),
    ('name = "emergency"', 'name = "sepsis"', r"triage\.toml: questions must be emergency, today, examine"),
])
def test_a_triage_rule_a_clinician_breaks_is_refused_with_its_reason(content_dir: Path, before: str, after: str,
                                                                     message: str) -> None:
    from skill.handlers.triage import triage_rules
    edit(content_dir / "triage.toml", before, after)
    with pytest.raises(ContentError, match=message):
        triage_rules(content_dir / "triage.toml")


def test_malformed_triage_rules_stop_the_app_from_starting(content_dir: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from skill import handlers
    from skill.handlers.triage import triage_rules
    (content_dir / "triage.toml").write_text("[[questions]\n", encoding="utf-8")
    monkeypatch.setattr(handlers, "triage_rules", lambda: triage_rules(content_dir / "triage.toml"))
    with pytest.raises(ContentError, match=r"triage\.toml: not valid TOML"):
        create_app({"SKILL_STORE": f"sqlite:///{tmp_path}/s.db", "VERIFIER": RequestVerifier(check_signature=False)})


# --- the advice itself: situations, and the details issue 11 found wrong ----------------------------

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
# What each situation's words must say, and must not (lower case).
SITUATION_MUST = {
    "feeding": (("keep feeding",), ("express only", "don't add feeds")),
    "pumping": (("usual pumping schedule",), ("keep feeding", "don't add feeds")),
    "weaning": (("only a little",), ("keep feeding", "usual pumping")),
}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("entry", ["topics.relieve", "topics.massage", "topics.keepfeeding", "topics.pumping"])
def test_the_three_situations_differ_the_right_way(locale: str, entry: str) -> None:
    words = load_library().for_locale(locale).get(entry)
    for situation, (must, must_not) in SITUATION_MUST.items():
        speech = words[situation]["speech"].lower()
        assert all(phrase in speech for phrase in must), f"{locale} {entry}.{situation}: {speech}"
        assert not any(phrase in speech for phrase in must_not), f"{locale} {entry}.{situation}: {speech}"


def test_the_feeding_mother_hears_both_sides_sore_side_safe_milk_and_no_extra_pumping() -> None:
    speech = load_library().for_locale("en-US").get("topics.relieve.feeding.speech").lower()
    for phrase in ("both sides", "sore side first", "safe for your baby", "no extra pumping"):
        assert phrase in speech


@pytest.mark.parametrize("entry", ["topics.relieve", "topics.keepfeeding", "steps.milk"])
def test_the_weaning_mother_adds_no_feed_and_if_she_still_feeds_holds_off_dropping_the_next(entry: str) -> None:
    """A mother who has already stopped has no next feed to keep (audit, 2026-12-06)."""
    speech = load_library().for_locale("en-US").get(f"{entry}.weaning.speech").lower()
    assert "don't add feeds" in speech and "if you still feed" in speech and "hold off dropping the next one" in speech


def test_the_milk_step_replaces_the_hygiene_step_and_hygiene_avoids_soap_on_nipples() -> None:
    content = load_library().for_locale("en-US")
    assert [step["key"] for step in content.steps] == ["comfort", "rest", "milk", "checkup"]
    hygiene = content.get("topics.hygiene")
    assert "skip soap on your nipples" in hygiene["speech"] and "mild soap" not in hygiene["card"]
    assert hygiene["speech"].startswith("Wear a bra that isn't tight")  # a bra question heard soap first (QA audit 3)


@pytest.mark.parametrize("locale", LOCALES)
def test_none_of_the_wrong_details_remain(locale: str) -> None:
    content = load_library().for_locale(locale)
    spoken = " ".join(str(value) for value in flatten(content.data).values()).lower()
    assert "mild soap" not in spoken
    assert "a duct gets blocked" not in spoken and "narrow" in content.get("topics.why.speech")
    assert "which needs a" not in spoken and "early mastitis often settles" in content.get("topics.risks.speech").lower()
    assert "a day or two" not in spoken
    assert "to empty the breast" not in content.get("topics.massage.speech")


@pytest.mark.parametrize("locale", LOCALES)
def test_a_weaning_mother_is_never_told_to_wait_weeks_after_weaning_to_have_a_lump_examined(locale: str) -> None:
    """"4 to 6 weeks after weaning" started the clock only when weaning ended, so a mother weaning over
    months could wait with a lasting lump (clinical review, 2026-12-06: La Leche League, NHS breast lumps)."""
    content = load_library().for_locale(locale)
    written = " ".join(str(value) for value in flatten(content.data).values()).lower()
    assert "4 to 6 weeks" not in written and "four to six weeks" not in written
    assert "whether you're still weaning or have stopped" in content.get("topics.weaning.card")
    assert "even while weaning" in content.get("check.questions.examine.weaning.speech")


def test_the_one_week_rule_is_credited_to_its_sources() -> None:
    from skill.handlers.triage import TRIAGE_FILE
    from skill.content.loader import read_toml
    examine = next(q for q in read_toml(TRIAGE_FILE)["questions"] if q["name"] == "examine")
    assert "NHS breast lumps" in examine["clinical_source"] and "La Leche League" in examine["clinical_source"]
    assert "4 to 6 weeks" not in examine["threshold"]


def answers_with_a_card(node: object, path: str = "") -> list[tuple[str, dict]]:
    """Every entry that is spoken and has a card: (its key, the entry), anywhere in a market's content."""
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("speech"), str) and isinstance(node.get("card"), str) and node["card"]:
            found.append((path, node))
        for key, value in node.items():
            found += answers_with_a_card(value, f"{path}.{key}".strip("."))
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_number_an_answer_gives_her_to_call_is_on_its_card_too(locale: str) -> None:
    """She hears a number once; the card and the Echo Show are where she finds it again. "When to get
    help" said NHS 111, 811 or healthdirect aloud but not on its card, and en-IN's after-birth answer
    said 108 (screen and card audit 2026-12-07)."""
    content = load_library().for_locale(locale)
    missing = [f"{key}: {line['spoken']}" for key, entry in answers_with_a_card(content.data)
               for line in content.care_lines if line["spoken"] in entry["speech"]
               and line["spoken"] not in entry["card"] and line["number"] not in entry["card"]]
    assert not missing, missing
