"""Screenshots of every view at desktop, projector and phone sizes, for looking at what users see.

    python scripts/screenshots.py [--url URL] [--pages overview,trends] [--query lang=en]
Writes PNGs to artifacts/screenshots/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
PAGES = (
    "overview",
    "forty_years",
    "ten_firsts",
    "trends",
    "workforce",
    "volunteers",
    "deliberation",
    "grid_services",
    "communities",
    "data_sources",
    "compare",
)
VIEWPORTS = {"desktop": (1920, 1080), "projector": (1280, 720), "phone": (390, 844)}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--sizes", default=",".join(VIEWPORTS))
    parser.add_argument("--query", default="")
    parser.add_argument("--full", action="store_true", help="whole page, not just the first screen")
    args = parser.parse_args()
    out = REPO / "artifacts" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size in args.sizes.split(","):
            width, height = VIEWPORTS[size]
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for name in args.pages.split(","):
                query = f"?{args.query}" if args.query else ""
                page.goto(f"{args.url}/{name}{query}")
                page.wait_for_selector("h1", timeout=60_000)
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                    timeout=60_000,
                )
                page.wait_for_timeout(1500)
                tag = args.query.replace("=", "-").replace("&", "_")
                file = out / f"{name}_{size}{'_' + tag if tag else ''}.png"
                page.screenshot(path=str(file), full_page=args.full)
                print(file.relative_to(REPO))
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
