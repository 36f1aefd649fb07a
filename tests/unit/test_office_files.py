"""The files an office receives open as they are: LibreOffice Impress (what many government
desktops run, and the nearest free stand-in for PowerPoint and WPS) converts the PPTX, one page
per slide, and draws the editable charts from the data inside them."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from dashboard import briefing, catalog
from dashboard.snapshot import DEFAULT_SNAPSHOT, load_snapshot

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CHARTS = ["volunteers-reporting", "workforce-pay", "forty-years", "pay-rules-map"]

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_opens_the_deck_with_a_page_per_slide_and_draws_its_charts(tmp_path, lang):
    from pptx import Presentation
    from pypdf import PdfReader

    snapshot = load_snapshot(DEFAULT_SNAPSHOT)
    deck = tmp_path / f"briefing_{lang}.pptx"
    deck.write_bytes(briefing.build(snapshot, catalog.View(lang=lang), CHARTS, "pptx"))
    slides = list(Presentation(str(deck)).slides)
    native = [s for s in slides if any(shape.has_chart for shape in s.shapes)]
    assert len(native) == 2, "the bars and the trend are PowerPoint charts"

    # Its own profile, so a desktop LibreOffice of the same user is never disturbed.
    profile = (tmp_path / "profile").as_uri()
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(deck)],
        capture_output=True, timeout=240, check=False,
    )  # fmt: skip
    converted = tmp_path / f"briefing_{lang}.pdf"
    assert result.returncode == 0 and converted.exists(), result.stderr.decode(errors="replace")
    reader = PdfReader(io.BytesIO(converted.read_bytes()))
    assert len(reader.pages) == len(slides)
    # The bar chart's own data labels, drawn by LibreOffice from the data in the file.
    fig = catalog.chart("volunteers-reporting").build(snapshot, catalog.View(lang=lang)).figure
    text = reader.pages[1].extract_text().replace(" ", "").replace("\n", "")
    for label in fig.data[0].text:
        assert str(label).replace(" ", "") in text, (label, text[:300])
