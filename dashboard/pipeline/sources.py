"""Read the hand-curated YAML under data/sources into plain records, refusing anything ambiguous."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from dashboard import schema

# The source policy: encyclopaedias, their mirrors and forks, and population aggregators are
# pointers to an official figure, never its source. Matched on a source's id, URL, publisher
# and title, so a mirror under a new name is caught by its address or its title. Books read on
# e-book platforms (QQ Books) are neither an official publication nor a news report, and the
# copy carries an upload date, not the book's.
NOT_A_SOURCE = re.compile(
    r"wiki|ipfs|kfd\.|zxc\.|citypopulation|stratoserver|demographia|baike|xzqh\.org"
    r"|qq\.com/read",
    re.IGNORECASE,
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Districts' areas must add up to the city's within this share of the city's area.
AREA_TOLERANCE = 0.01

LIST_KEYS = ("sources", "indicators", "facts", "milestones", "geography", "snapshots", "story")
# Counts written by scripts/division_codes.py: one row per edition, district and kind of unit.
DIVISION_COUNTS = Path("division_codes") / "counts.csv"
DIVISION_COLUMNS = ("edition", "cutoff", "district_code", "district_name", "kind", "count")


class SourceError(Exception):
    """The curated sources are inconsistent; the message lists every problem found."""


@dataclass
class Curated:
    sources: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    facts: list[dict] = field(default_factory=list)
    milestones: list[dict] = field(default_factory=list)
    geography: list[dict] = field(default_factory=list)
    snapshots: list[dict] = field(default_factory=list)
    divisions: list[dict] = field(default_factory=list)
    division_rules: dict[str, str] = field(default_factory=dict)
    story: list[dict] = field(default_factory=list)


def read_division_counts(root: Path, curated: Curated) -> None:
    """The statistical division codes' counts and the rule behind each kind of unit."""
    path = root / DIVISION_COUNTS
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != DIVISION_COLUMNS:
            raise SourceError(f"{DIVISION_COUNTS}: columns must be {', '.join(DIVISION_COLUMNS)}")
        for row in reader:
            curated.divisions.append({**row, "count": int(row["count"])})
    editions = yaml.safe_load((path.parent / "editions.yaml").read_text(encoding="utf-8"))
    curated.division_rules = dict(editions.get("rules") or {})


def read_sources(root: Path) -> Curated:
    if not root.is_dir():
        # Without this, a missing folder reads as "no sources" and builds silently lose data.
        raise SourceError(f"{root}: no curated sources folder")
    curated = Curated()
    for file in sorted(root.rglob("*.yaml")):
        try:
            doc = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise SourceError(f"{file.relative_to(root)}: not valid YAML: {exc}") from exc
        for key in LIST_KEYS:
            for item in doc.get(key) or []:
                getattr(curated, key).append({**item, "_file": str(file.relative_to(root))})
    read_division_counts(root, curated)
    problems = check(curated)
    if problems:
        raise SourceError("\n".join(problems))
    return curated


def _duplicates(items: list[dict], key: str) -> list[str]:
    seen, dups = set(), []
    for item in items:
        value = item.get(key)
        if value in seen:
            dups.append(f"{item['_file']}: duplicate {key} '{value}'")
        seen.add(value)
    return dups


def policy_problems(source: dict) -> list[str]:
    """Why a registry entry may not be cited: not an official or named-media document, or no
    document date."""
    where = f"{source['_file']}: source '{source.get('id')}'"
    problems = []
    for key in ("id", "url", "publisher_zh", "publisher_en", "title"):
        match = NOT_A_SOURCE.search(str(source.get(key) or ""))
        if match:
            problems.append(
                f"{where}: {key} '{source.get(key)}' names an encyclopaedia, mirror or "
                f"aggregator ('{match.group(0)}'); cite the official publication instead"
            )
            break
    if not ISO_DATE.match(str(source.get("published") or "")):
        problems.append(
            f"{where}: published '{source.get('published')}' is not the document's date "
            "(YYYY-MM-DD; an undated page is dated by the day it was read)"
        )
    return problems


def check(c: Curated) -> list[str]:
    problems = _duplicates(c.sources, "id") + _duplicates(c.indicators, "id")
    for source in c.sources:
        problems += policy_problems(source)
    problems += _duplicates(c.milestones, "rank") + _duplicates(c.geography, "geo_code")
    source_by_id = {s["id"]: s for s in c.sources}
    indicator_ids = {i["id"] for i in c.indicators}
    for ind in c.indicators:
        where = f"{ind['_file']}: indicator '{ind.get('id')}'"
        if ind.get("topic") not in schema.TOPICS:
            problems.append(f"{where}: unknown topic '{ind.get('topic')}'")
        if ind.get("unit") not in schema.UNITS:
            problems.append(f"{where}: unknown unit '{ind.get('unit')}'")
        for lang in ("zh", "en"):
            if not ind.get(f"name_{lang}"):
                problems.append(f"{where}: no name_{lang}")
        deriv = ind.get("derivation")
        if deriv:
            for part in ("numerator", "denominator"):
                if deriv.get(part) and deriv[part] not in indicator_ids:
                    problems.append(f"{where}: derivation uses unknown '{deriv[part]}'")
    for fact in c.facts:
        where = (
            f"{fact['_file']}: fact {fact.get('indicator')}/{fact.get('geo')}/{fact.get('period')}"
        )
        src = source_by_id.get(fact.get("source"))
        if fact.get("indicator") not in indicator_ids:
            problems.append(f"{where}: unknown indicator")
        if str(fact.get("geo")) not in schema.GEO_CODES:
            problems.append(f"{where}: unknown geo code")
        if src is None:
            problems.append(f"{where}: unknown source '{fact.get('source')}'")
        elif src.get("reliability") not in ("A", "B"):
            problems.append(f"{where}: source '{src['id']}' is grade {src.get('reliability')}")
        if fact.get("status", "reported") not in ("reported", "estimated"):
            problems.append(f"{where}: status must be reported or estimated in sources")
        if (fact.get("qualifier") or "") not in schema.QUALIFIERS:
            problems.append(f"{where}: unknown qualifier '{fact.get('qualifier')}'")
        if (
            fact.get("status", "reported") == "reported"
            and not str(fact.get("quote") or "").strip()
        ):
            problems.append(f"{where}: reported value without its verbatim quote")
        if "published" in fact:
            problems.append(
                f"{where}: a fact may not carry its own 'published' date; a figure is as old as "
                "the document that publishes it, so cite that document"
            )
        if len(str(fact.get("quote") or "")) > schema.MAX_QUOTE_CHARS:
            problems.append(f"{where}: quote longer than {schema.MAX_QUOTE_CHARS} characters")
        if not isinstance(fact.get("value"), int | float) or isinstance(fact.get("value"), bool):
            problems.append(f"{where}: value '{fact.get('value')}' is not a number")
    problems += division_problems(c, source_by_id, indicator_ids)
    for m in c.milestones:
        if m.get("category") not in schema.MILESTONE_CATEGORIES:
            problems.append(f"{m['_file']}: milestone {m.get('rank')}: unknown category")
        if m.get("source") not in source_by_id:
            problems.append(f"{m['_file']}: milestone {m.get('rank')}: unknown source")
    problems += _duplicates(c.story, "key")
    for s in c.story:
        where = f"{s['_file']}: story '{s.get('key')}'"
        if s.get("kind") not in schema.STORY_KINDS:
            problems.append(f"{where}: unknown kind '{s.get('kind')}'")
        if s.get("year_basis") not in schema.YEAR_BASES:
            problems.append(f"{where}: unknown year_basis '{s.get('year_basis')}'")
        if s.get("source") not in source_by_id:
            problems.append(f"{where}: unknown source")
        for indicator in s.get("indicators") or []:
            if indicator not in indicator_ids:
                problems.append(f"{where}: unknown indicator '{indicator}'")
        if s.get("year_basis") == "event" and not s.get("year_note_en"):
            problems.append(f"{where}: a year taken from a named event needs a year_note")
    return problems


def published_date(fact: dict, sources: dict[str, dict]) -> str:
    """When the figure became public: the date of the document that publishes it."""
    return str(sources[fact["source"]]["published"])


def division_indicator(kind: str) -> str:
    return f"division_{kind}"


def division_problems(c: Curated, source_by_id: dict, indicator_ids: set[str]) -> list[str]:
    problems = []
    for row in c.divisions:
        where = f"{DIVISION_COUNTS}: {row['edition']}/{row['district_code']}/{row['kind']}"
        if f"nbs-division-codes-{row['edition']}" not in source_by_id:
            problems.append(f"{where}: no source 'nbs-division-codes-{row['edition']}'")
        if row["district_code"] not in schema.DISTRICT_CODES:
            problems.append(f"{where}: unknown district code")
        if row["kind"] not in c.division_rules:
            problems.append(f"{where}: kind has no written rule in editions.yaml")
        elif division_indicator(row["kind"]) not in indicator_ids:
            problems.append(f"{where}: no indicator '{division_indicator(row['kind'])}'")
    return problems
