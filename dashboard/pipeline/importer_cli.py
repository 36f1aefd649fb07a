"""`python -m dashboard import FILE --snapshot NEW_ID`: a district table into a new snapshot, and
`python -m dashboard import-template DIR`: the template and filled examples.

Messages are printed in Chinese and English (`--lang` picks one). The exit status is 0 when the
snapshot was written (or, with --dry-run, would be), 1 when anything was refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.i18n import LANGS, t
from dashboard.pipeline import importer
from dashboard.snapshot import DEFAULT_SNAPSHOT, SnapshotError, load_snapshot


def say(key: str, lang: str, **values: object) -> str:
    if lang == "both":
        return " / ".join(t(key, code, **values) for code in LANGS)
    return t(key, lang, **values)


def cmd_import(args: argparse.Namespace) -> int:
    lang = args.lang
    path = Path(args.file)
    try:
        data = importer.read_limited(path)
        outcome = importer.import_file(
            data,
            path.name,
            args.snapshot,
            base_id=args.base,
            as_of=args.as_of,
            source=args.source,
            skip_invalid=args.skip_invalid,
            dry_run=args.dry_run,
        )
    except importer.ImportFailed as exc:
        print(say("import.cli.refused", lang, count=len(exc.problems)), file=sys.stderr)
        for line in importer.iter_problem_lines(exc.problems, lang):
            print(f"  - {line}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(say("import.cli.dry_run", lang, rows=outcome.rows))
    else:
        print(say("import.cli.done", lang, snapshot=outcome.snapshot_id, rows=outcome.rows,
                  file=importer.safe_name(path.name), base=outcome.base_id))  # fmt: skip
    if outcome.skipped:
        print(say("import.cli.skipped", lang, count=outcome.skipped_rows))
        for line in importer.iter_problem_lines(outcome.skipped, lang):
            print(f"  - {line}")
    if len(outcome.replaced):
        print(say("import.cli.replaced", lang, count=len(outcome.replaced)))
        for r in outcome.replaced.itertuples():
            print(
                f"  - {r.indicator_id} {r.geo_code} {r.period or '-'}: {r.value:g} ({r.source_id})"
            )
    if outcome.warnings:
        print(say("import.cli.warnings", lang))
        for line in importer.iter_problem_lines(outcome.warnings, lang):
            print(f"  - {line}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    try:
        base = load_snapshot(args.base)
    except SnapshotError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    for path in importer.write_templates(Path(args.out), base):
        print(say("import.cli.templates", "both", file=path.name))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import",
        help="import a district table (.xlsx or .csv) into a new snapshot",
        description="Read a district table laid out like the template in data/templates/, "
        "check every row, and write the base snapshot plus the imported rows as a new snapshot. "
        "Nothing is written when any row is invalid, unless --skip-invalid.",
    )
    p.add_argument("file", help="the district table: .xlsx or .csv (UTF-8, GBK or GB18030)")
    p.add_argument(
        "--snapshot", required=True, help="id of the new snapshot, e.g. 2019-06-30-chaoyang"
    )
    p.add_argument(
        "--from",
        dest="base",
        default=DEFAULT_SNAPSHOT,
        help=f"the base snapshot whose tables are kept (default {DEFAULT_SNAPSHOT})",
    )
    p.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        help="the date the figures are as of, YYYY-MM-DD (default today)",
    )
    p.add_argument(
        "--source",
        default=None,
        help="who sent the table, e.g. '朝阳区民政局 2018年报表' (default the file name)",
    )
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows and list the invalid ones instead of refusing",
    )
    p.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    p.add_argument(
        "--lang", choices=[*LANGS, "both"], default="both", help="language of the messages"
    )
    p.set_defaults(func=cmd_import)

    tpl = subparsers.add_parser(
        "import-template", help="write the district table template and examples"
    )
    tpl.add_argument("out", help="folder to write into, e.g. data/templates")
    tpl.add_argument(
        "--from",
        dest="base",
        default=DEFAULT_SNAPSHOT,
        help="snapshot whose districts and indicators the notes sheet lists",
    )
    tpl.set_defaults(func=cmd_template)
