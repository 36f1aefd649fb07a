"""The curated sources under data/sources: readable, graded, quoted verbatim, as published."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import schema
from dashboard.pipeline.sources import Curated, read_sources

PRESS = "bj-press-2019-01-09"


@pytest.fixture(scope="module")
def curated(repo: Path) -> Curated:
    return read_sources(repo / "data" / "sources")


def _press_facts(curated: Curated, indicator: str) -> list[dict]:
    return [
        f
        for f in curated.facts
        if f["source"] == PRESS and f["indicator"] == indicator and str(f["geo"]) == "110000"
    ]


def test_sources_read_without_error(curated: Curated) -> None:
    assert curated.sources, "no source registry entries"
    assert curated.indicators, "no indicators"
    assert curated.facts, "no facts"
    assert curated.milestones, "no milestones"


def test_every_fact_cites_a_grade_a_or_b_source(curated: Curated) -> None:
    by_id = {s["id"]: s for s in curated.sources}
    bad = [
        (f["_file"], f["indicator"], f["source"], by_id.get(f["source"], {}).get("reliability"))
        for f in curated.facts
        if by_id.get(f["source"], {}).get("reliability") not in ("A", "B")
    ]
    assert not bad, f"facts citing a source that is not grade A or B: {bad}"


def test_press_conference_quotes_are_verbatim_and_short(curated: Curated, transcript: str) -> None:
    reported = [
        f
        for f in curated.facts
        if f["source"] == PRESS and (f.get("status") or "reported") == "reported"
    ]
    assert len(reported) > 30, "fewer press-conference facts than expected"
    not_verbatim = [(f["indicator"], f["quote"]) for f in reported if f["quote"] not in transcript]
    too_long = [
        (f["indicator"], len(f["quote"]))
        for f in reported
        if len(f["quote"]) > schema.MAX_QUOTE_CHARS
    ]
    empty = [f["indicator"] for f in reported if not str(f.get("quote") or "").strip()]
    assert not empty, f"reported facts without a quote: {empty}"
    assert not not_verbatim, f"quotes not found verbatim in the transcript: {not_verbatim}"
    assert not too_long, f"quotes longer than {schema.MAX_QUOTE_CHARS} characters: {too_long}"


def test_milestone_quotes_are_verbatim(curated: Curated, transcript: str) -> None:
    not_verbatim = [
        (m["rank"], m["quote"]) for m in curated.milestones if m["quote"] not in transcript
    ]
    assert not not_verbatim, f"milestone quotes not in the transcript: {not_verbatim}"
    too_long = [m["rank"] for m in curated.milestones if len(m["quote"]) > schema.MAX_QUOTE_CHARS]
    assert not too_long, f"milestone quotes too long: {too_long}"


def test_exactly_ten_milestones_ranked_one_to_ten(curated: Curated) -> None:
    assert sorted(m["rank"] for m in curated.milestones) == list(range(1, 11))


def test_every_used_indicator_is_named_in_both_languages(curated: Curated) -> None:
    by_id = {i["id"]: i for i in curated.indicators}
    used = {f["indicator"] for f in curated.facts}
    assert used <= set(by_id), f"facts use undeclared indicators: {sorted(used - set(by_id))}"
    unnamed = [
        (i, lang)
        for i in sorted(used)
        for lang in ("zh", "en")
        if not str(by_id[i].get(f"name_{lang}") or "").strip()
    ]
    assert not unnamed, f"indicators without a name: {unnamed}"


def test_qualifiers_use_only_the_allowed_codes(curated: Curated) -> None:
    found = {f.get("qualifier") or "" for f in curated.facts}
    assert found <= set(schema.QUALIFIERS), f"unknown qualifiers: {found - set(schema.QUALIFIERS)}"
    # The codes in use are the ones the press conference actually hedges with.
    assert {"over", "nearly", "about"} <= found


@pytest.mark.parametrize(
    ("indicator", "value", "qualifier"),
    [
        ("community_workers", 35000, ""),
        ("volunteers_registered", 4267000, "over"),
        ("deliberation_halls_urban", 3177, ""),
        ("deliberation_coverage_rural", 70, "over"),
        ("grid_cells", 41800, ""),
        ("grid_workers", 82500, ""),
        ("fifteen_minute_circles", 1580, ""),
        ("legal_person_committees", 7014, ""),
        ("community_worker_avg_age", 39.3, ""),
        ("certified_social_workers", 27000, "nearly"),
        ("community_worker_monthly_pay_increase", 3000, "about"),
        ("districts_pay_rules_issued", 14, ""),
    ],
)
def test_known_values_are_present_as_published(
    curated: Curated, indicator: str, value: float, qualifier: str
) -> None:
    facts = _press_facts(curated, indicator)
    assert len(facts) == 1, f"{indicator}: expected one city fact from {PRESS}, found {len(facts)}"
    fact = facts[0]
    assert fact["value"] == value
    assert (fact.get("qualifier") or "") == qualifier
    assert (fact.get("status") or "reported") == "reported"


def test_the_two_pending_districts_are_named(curated: Curated) -> None:
    pending = {
        str(f["geo"]): f["value"]
        for f in curated.facts
        if f["indicator"] == "pay_rules_issued" and f["source"] == PRESS
    }
    assert pending == {"110111": 0, "110117": 0}


def test_every_reported_fact_has_a_quote_and_no_date_of_its_own(curated: Curated) -> None:
    reported = [f for f in curated.facts if (f.get("status") or "reported") == "reported"]
    unquoted = [(f["_file"], f["indicator"], f["geo"]) for f in reported if not f.get("quote")]
    dated = [(f["_file"], f["indicator"], f["geo"]) for f in curated.facts if "published" in f]
    assert not unquoted, f"reported facts without a quote: {unquoted}"
    assert not dated, f"facts dated apart from their document: {dated}"


def test_sources_behind_shown_figures_have_notes_in_both_languages(curated: Curated) -> None:
    """The press conference and every division-code edition say in words where they come from."""
    by_id = {s["id"]: s for s in curated.sources}
    ids = [PRESS, *(i for i in by_id if i.startswith("nbs-division-codes-"))]
    assert len(ids) == 9
    missing = [i for i in ids if not (by_id[i].get("note_zh") and by_id[i].get("note_en"))]
    assert not missing, f"sources without a note in both languages: {missing}"
