"""Shared fixtures: the repository's paths, a throwaway data folder, the transcript."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The shared folder sits beside the checkout in the project's workspace; tests that need the
# transcript skip with a reason when it is absent.
TRANSCRIPT = REPO.parent / "shared" / "seeds" / "000_abb3d9db9a756752.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--load-seconds", type=float, default=20.0, help="duration of the load run")


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped snapshots and boundaries that a test may damage freely."""
    target = tmp_path / "data"
    shutil.copytree(REPO / "data" / "snapshots", target / "snapshots",
                    ignore=shutil.ignore_patterns(".tmp-*", ".old-*", "scale-*"))  # fmt: skip
    shutil.copytree(REPO / "data" / "geo", target / "geo")
    import dashboard.snapshot as snapshot

    monkeypatch.setattr(snapshot, "DATA_DIR", target)
    return target


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run (browser, load and benchmark-smoke tests):
    Playwright's sync API allows one running instance per thread."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def transcript() -> str:
    if not TRANSCRIPT.is_file():
        pytest.skip("the press-conference transcript (shared/seeds) is not beside this checkout")
    return TRANSCRIPT.read_text(encoding="utf-8")
