"""She is understood the first time in phrasings nobody tuned to (tests/nlu/unseen/, issue 18).

Each phrasing is said to the real skill in its context (after the question it answers) and counts
when the skill says back what it says to the expected intent there. The grammar is tuned on the dev
half only; these tests score the test half and print only figures, never its failures.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from skill.console import SkillReplies
from skill.understanding.report import LOCALES, score_split, unseen_report
from skill.understanding.unseen import CONTEXTS, UnseenScore, read_unseen

FLOOR = 0.90
REQUIRED_ROWS = {"en-US": 600, "en-GB": 200, "en-CA": 200, "en-AU": 200, "en-IN": 200}


@pytest.fixture(scope="module")
def test_half(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, UnseenScore]]:
    """Every locale's test half scored once for the module (the matcher comes from its cache)."""
    store_dir = tmp_path_factory.mktemp("unseen-store")
    yield {locale: score_split(locale, "test", SkillReplies(locale, str(store_dir))) for locale in LOCALES}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_set_covers_every_context_and_both_halves(locale: str) -> None:
    rows = read_unseen(locale)
    assert len(rows) >= REQUIRED_ROWS[locale]
    assert {row.context for row in rows} == set(CONTEXTS)
    for half in ("dev", "test"):
        assert {row.context for row in rows if row.split == half} - {"none"}, f"{locale} {half}: no turn in context"


@pytest.mark.parametrize("locale", LOCALES)
def test_one_shots_on_the_test_half_get_the_right_answer_nine_times_in_ten(
        test_half: dict[str, UnseenScore], locale: str) -> None:
    right, total = test_half[locale].accuracy(lambda row: row.one_shot)
    assert total and right / total >= FLOOR, f"{locale} one-shot {right}/{total}: see nlu-report --split test"


@pytest.mark.parametrize("locale", LOCALES)
def test_answers_in_context_on_the_test_half_are_right_nine_times_in_ten(
        test_half: dict[str, UnseenScore], locale: str) -> None:
    right, total = test_half[locale].accuracy(lambda row: not row.one_shot)
    assert total and right / total >= FLOOR, f"{locale} in context {right}/{total}: see nlu-report --split test"


def test_the_test_half_report_gives_figures_per_intent_and_never_its_phrasings(
        test_half: dict[str, UnseenScore]) -> None:
    score = test_half["en-GB"]
    printed = unseen_report(score, "test")
    assert "one-shot" in printed and "in context" in printed and "SeeDoctorIntent" in printed
    assert not any(f'"{row.utterance}"' in printed for row, _, _ in score.results)
    assert "most confused" not in printed
