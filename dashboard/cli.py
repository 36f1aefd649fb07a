"""Command-line entry points. Each command prints what it did, or every problem it found."""

from __future__ import annotations

import argparse
import logging
import sys

from dashboard.snapshot import (
    DEFAULT_SNAPSHOT,
    SAMPLE_SNAPSHOT,
    folder_problems,
    list_snapshots,
    validate_snapshot,
)


def cmd_build(args: argparse.Namespace) -> int:
    from dashboard.pipeline.snapshot_build import build_all
    from dashboard.pipeline.sources import SourceError

    try:
        paths = build_all()
    except SourceError as exc:
        print(f"sources are inconsistent:\n{exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"built {path.name}")
    if not args.no_sample:
        return cmd_sample(argparse.Namespace(scale="district", seed=None))
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    from dashboard.pipeline import sample

    seed = args.seed if args.seed is not None else sample.SEED
    if args.scale == "community":
        from dashboard.pipeline.scale import build_scale_sample

        path = build_scale_sample(seed=seed)
    else:
        path = sample.build_sample(seed=seed)
    print(f"built {path.name} (sample data)")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check one snapshot, or every snapshot and the folder that holds them (snapshots left out
    of the list, a missing default, leftovers of an interrupted write)."""
    ids = [args.snapshot] if args.snapshot else list_snapshots()
    folder = [] if args.snapshot else folder_problems()
    if not ids and not folder:
        print("no snapshots found; run: python -m dashboard build", file=sys.stderr)
        return 1
    failed = 0
    for snapshot_id in ids:
        problems = validate_snapshot(snapshot_id)
        print(f"{snapshot_id}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for problem in problems:
            print(f"  - {problem}")
        failed += bool(problems)
    if folder:
        print(f"snapshots folder: {len(folder)} problem(s)")
        for problem in folder:
            print(f"  - {problem}")
    return 1 if failed or folder else 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser(
        "build", help="build the reported snapshots (and the sample) from data/sources"
    )
    b.add_argument("--no-sample", action="store_true", help="skip the sample snapshot")
    b.set_defaults(func=cmd_build)
    v = sub.add_parser("validate", help="check a snapshot (all when no id) and print every problem")
    v.add_argument("snapshot", nargs="?")
    v.set_defaults(func=cmd_validate)
    s = sub.add_parser(
        "sample", help=f"generate the '{SAMPLE_SNAPSHOT}' snapshot from {DEFAULT_SNAPSHOT}"
    )
    s.add_argument("--scale", choices=["district", "community"], default="district")
    s.add_argument("--seed", type=int, default=None)
    s.set_defaults(func=cmd_sample)
    add_export_command(sub)
    add_import_command(sub)
    return p


def add_export_command(sub) -> None:
    try:
        from dashboard.export_cli import register
    except ImportError:
        return
    register(sub)


def add_import_command(sub) -> None:
    try:
        from dashboard.pipeline.importer_cli import register
    except ImportError:
        return
    register(sub)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    args = parser().parse_args(argv)
    return args.func(args)
