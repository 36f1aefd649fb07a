"""Command line: python -m dashboard build | validate | sample | export | import."""

from __future__ import annotations

import sys

from dashboard import cli

if __name__ == "__main__":
    sys.exit(cli.main())
