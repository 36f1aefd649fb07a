"""`python -m dashboard export`: a briefing pack from the command line.

    python -m dashboard export --snapshot 2019-01-09 --lang zh --format pptx --out briefing.pptx
    python -m dashboard export --snapshot sample --lang en --district 110105 --format zip \\
        --out chaoyang.zip --charts overview-headlines,forty-years
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from dashboard import briefing, catalog, schema
from dashboard.i18n import LANGS
from dashboard.render import RenderError
from dashboard.snapshot import DEFAULT_SNAPSHOT, SnapshotError, list_snapshots, load_snapshot

DISTRICTS = (schema.CITY_CODE, *schema.DISTRICT_CODES)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="write a briefing pack (pptx, pdf, html or zip) of a snapshot's charts",
        description="Write a briefing pack: the chosen charts of one snapshot, language and "
        "district with their figures, quotes and sources.",
    )
    p.add_argument(
        "--snapshot", default=DEFAULT_SNAPSHOT, help="snapshot id (default: %(default)s)"
    )
    p.add_argument("--lang", choices=LANGS, default="zh", help="language (default: %(default)s)")
    p.add_argument(
        "--district",
        default=schema.CITY_CODE,
        help=f"district code, or {schema.CITY_CODE} for all Beijing (default)",
    )
    p.add_argument(
        "--format",
        choices=briefing.FORMATS,
        default=None,
        help="pack format (default: from the --out suffix)",
    )
    p.add_argument("--out", type=Path, help="file to write (needed unless --charts list)")
    p.add_argument(
        "--charts",
        default=None,
        help="comma-separated chart ids (default: the briefing selection); "
        "'list' prints the ids and exits",
    )
    p.set_defaults(func=cmd_export)


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def list_charts(snapshot_id: str) -> int:
    """The ids of the briefing's charts for a snapshot, one a line."""
    try:
        snapshot = load_snapshot(snapshot_id)
    except SnapshotError as exc:
        return _fail(f"{exc}\navailable snapshots: {', '.join(list_snapshots()) or 'none'}")
    for chart_id in catalog.briefing_charts(snapshot):
        print(chart_id)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.charts == "list":
        return list_charts(args.snapshot)
    if args.out is None:
        return _fail("say where to write the pack: --out FILE (or --charts list to see the ids)")
    fmt = args.format or args.out.suffix.lower().lstrip(".")
    if fmt not in briefing.FORMATS:
        return _fail(f"unknown format '{fmt}': use --format {' | '.join(briefing.FORMATS)}")
    if args.district not in DISTRICTS:
        return _fail(f"unknown district '{args.district}': use one of {', '.join(DISTRICTS)}")
    try:
        snapshot = load_snapshot(args.snapshot)
    except SnapshotError as exc:
        return _fail(f"{exc}\navailable snapshots: {', '.join(list_snapshots()) or 'none'}")
    default = catalog.briefing_charts(snapshot)
    chart_ids = [c.strip() for c in args.charts.split(",") if c.strip()] if args.charts else default
    if not chart_ids:
        return _fail("no charts chosen")
    unknown = briefing.validate_charts(chart_ids)
    if unknown:
        return _fail(
            f"unknown chart(s): {', '.join(unknown)}\n"
            f"known: {', '.join(default)} (and trend-<indicator>, "
            "district-map-<indicator>, district-bar-<indicator>)"
        )
    view = catalog.View(lang=args.lang, district=args.district)
    started = time.perf_counter()
    try:
        data = briefing.build(snapshot, view, chart_ids, fmt)
    except (RenderError, OSError, ValueError, KeyError) as exc:
        # The renderer says in an operator's words what is missing (e.g. no Chromium).
        return _fail(f"the pack could not be built: {exc}", 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    seconds = time.perf_counter() - started
    print(
        f"wrote {args.out} ({fmt}, {len(chart_ids)} charts, {len(data) / 1024:.0f} KB, "
        f"{seconds:.1f} s)"
    )
    return 0
