"""The utterance grammar expander: what a template means, and that its sampling is fair and stable."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skill.understanding.grammar import Grammar, GrammarError, stride


def test_alternatives_and_optional_words_expand_to_every_phrase() -> None:
    phrases = Grammar().expand("(how do i|how can i) ease [a|the] lump")
    assert sorted(phrases) == sorted([
        "how do i ease lump", "how do i ease a lump", "how do i ease the lump",
        "how can i ease lump", "how can i ease a lump", "how can i ease the lump",
    ])


def test_groups_nest_and_count_every_path() -> None:
    grammar = Grammar()
    template = "ease [a (hard|sore) lump [in my (breast|boob)]|it]"
    assert grammar.count(template) == 1 + 2 * 3 + 1
    assert set(grammar.expand(template)) == {
        "ease", "ease it", "ease a hard lump", "ease a sore lump", "ease a hard lump in my breast",
        "ease a hard lump in my boob", "ease a sore lump in my breast", "ease a sore lump in my boob",
    }


def test_a_macro_is_shared_vocabulary_and_may_use_other_macros() -> None:
    grammar = Grammar({"breast": "(breast|boob)", "lump": "(lump|knot) in my <breast>"})
    assert set(grammar.expand("a <lump>")) == {
        "a lump in my breast", "a lump in my boob", "a knot in my breast", "a knot in my boob"}


def test_slot_references_are_kept_with_their_case() -> None:
    assert Grammar().expand("(I have|I've got) {symptom}") == ["i have {symptom}", "i've got {symptom}"]


@pytest.mark.parametrize(("macros", "template", "fault"), [
    ({}, "how do i (ease|relieve lump", "missing ')'"),
    ({}, "how do i ease] lump", "unexpected ']'"),
    ({}, "a <lump>", "unknown macro <lump>"),
    ({"lump": "(lump|<knot>)", "knot": "hard <lump>"}, "a <lump>", "refers to itself"),
    ({}, "how do i ease a lump!", "cannot read"),
])
def test_a_broken_template_names_its_fault(macros: dict[str, str], template: str, fault: str) -> None:
    with pytest.raises(GrammarError, match=re.escape(fault)):
        Grammar(macros).expand(template)


def test_a_large_template_is_sampled_evenly_and_the_same_way_every_time() -> None:
    grammar = Grammar({"word": "(one|two|three|four|five|six|seven|eight|nine|ten)"})
    template = "<word> <word> <word> <word>"
    sample = grammar.expand(template, limit=50)
    assert sample == grammar.expand(template, limit=50)
    assert len(set(sample)) == 50
    assert sample[0] == "one one one one"  # the first alternatives come first
    assert len({phrase.split()[0] for phrase in sample}) == 10  # spread over every leading word


def test_round_robin_keeps_every_plain_phrase_and_stops_at_the_target() -> None:
    grammar = Grammar({"word": "(one|two|three|four|five|six|seven|eight|nine|ten)"})
    samples = grammar.expand_all(["take me through the steps", "<word> <word> <word>", "step by step"], 20)
    assert len(samples) == 20
    assert {"take me through the steps", "step by step"} <= set(samples)


def test_held_out_phrases_never_become_samples_and_do_not_shrink_the_target() -> None:
    samples = Grammar().expand_all(["(how do i|how can i) (ease|clear|relieve) (it|the lump)"], 10,
                                   held_out=frozenset({"how do i ease it"}))
    assert "how do i ease it" not in samples
    assert len(samples) == 10


@given(st.integers(min_value=1, max_value=5000))
def test_the_stride_visits_every_expansion_once(size: int) -> None:
    step = stride(size)
    assert len({k * step % size for k in range(size)}) == size
