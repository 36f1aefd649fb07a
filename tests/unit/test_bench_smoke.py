"""`benchmarks/run.py --quick` runs end to end and prints every row of its table.

It starts two servers and a headless Chromium, so it is marked e2e: it runs in `make test` and is
left out of `make test-quick`. It takes about 3 to 5 minutes on two idle cores. No figure is checked
against a target here (the benchmark reports misses; a test would only be flaky).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM

REPO = Path(__file__).resolve().parents[2]
RUN = REPO / "benchmarks" / "run.py"
# Well over the quick run on two cores busy with other work (about 9 minutes at load 10).
TIMEOUT_SECONDS = 900


def bench_module():
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    module = importlib.util.module_from_spec(spec)
    # Registered first: its dataclasses look their module up while the file executes.
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.e2e
def test_quick_benchmark_prints_every_row(tmp_path: Path) -> None:
    """Every row label of the quick table is printed, no part fails, and the JSON is written."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    labels = bench_module().expected_labels(quick=True)
    done = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--results", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    lines = done.stdout.splitlines()
    missing = [label for label in labels if not any(line.startswith(label) for line in lines)]
    assert not missing, f"rows not printed: {missing}\n{done.stderr[-2000:]}"
    assert done.returncode == 0, f"a part failed:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
    written = json.loads((tmp_path / "latest-quick.json").read_text(encoding="utf-8"))
    assert [row["label"] for row in written["rows"]] == labels
    skipped = [row["label"] for row in written["rows"] if not row["values"]]
    assert all(label.startswith("7 ") for label in skipped), f"rows without figures: {skipped}"
