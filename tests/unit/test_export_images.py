"""Real renders through the shared Chromium (kaleido): image sizes, Chinese glyphs rather than
boxes, SVGs without outside references, and a PDF pack with every font embedded."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image, ImageDraw, ImageFont

from dashboard import briefing, catalog, export, render
from dashboard.charts.base import FONT_FAMILY
from dashboard.i18n import t
from dashboard.snapshot import DEFAULT_SNAPSHOT, load_snapshot

pytestmark = pytest.mark.skipif(render.chromium_path() is None, reason="Debian chromium is needed")

TITLE = "社区治理数据看板"


@pytest.fixture(scope="module")
def snapshot():
    return load_snapshot(DEFAULT_SNAPSHOT)


@pytest.mark.parametrize(("aspect", "size"), [("16:9", (1920, 1080)), ("4:3", (1920, 1440))])
@pytest.mark.parametrize("chart_id", ["workforce-age", "workforce-pay", "ten-firsts"])
def test_png_exports_decode_at_the_promised_size(snapshot, chart_id, aspect, size):
    data = export.render_spec(snapshot, catalog.View(lang="zh"), chart_id, "png", aspect=aspect)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == size
    # A solid background: the corners are opaque white, not transparent.
    rgba = image.convert("RGBA")
    assert rgba.getpixel((2, 2)) == (255, 255, 255, 255)
    assert rgba.getpixel((size[0] - 3, size[1] - 3)) == (255, 255, 255, 255)


def test_svg_export_references_nothing_outside_and_names_the_cjk_font(snapshot):
    svg = export.render_spec(snapshot, catalog.View(lang="zh"), "workforce-age", "svg").decode()
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", svg))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert "@import" not in svg and not re.search(r'href="(?!#|data:)', svg)
    assert "Noto Sans CJK SC" in svg and "Microsoft YaHei" in svg
    assert "社区工作者" in svg


# --- Chinese glyphs, not boxes ------------------------------------------------------------------


def _noto_cjk_path() -> str:
    found = (
        shutil.which("fc-match")
        and subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True
        ).stdout
    )
    if not found or "NotoSansCJK" not in found or not Path(found).is_file():
        pytest.fail("Noto Sans CJK SC is not installed (Debian package fonts-noto-cjk)")
    return found


def _title_png(text: str) -> Image.Image:
    fig = go.Figure()
    fig.update_layout(
        title={"text": text, "x": 0.02, "xanchor": "left", "y": 0.95, "yanchor": "top",
               "font": {"size": 80, "family": FONT_FAMILY, "color": "#000000"}},
        paper_bgcolor="#FFFFFF", plot_bgcolor="#FFFFFF", margin={"t": 200},
        xaxis={"visible": False}, yaxis={"visible": False},
    )  # fmt: skip
    image = Image.open(io.BytesIO(render.render(fig, "png", 1200, 400))).convert("L")
    return image.crop((0, 0, 1200, 200))


def _ink(image: Image.Image) -> np.ndarray:
    """The dark pixels, cropped to their bounding box and scaled to a common size."""
    mask = np.asarray(image) < 128
    ys, xs = np.nonzero(mask)
    assert len(xs), "the title drew nothing"
    mask = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    scaled = Image.fromarray(mask.astype(np.uint8) * 255).resize((480, 60), Image.BILINEAR)
    return np.asarray(scaled) > 64


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_chinese_title_renders_as_glyphs_not_boxes():
    """The title drawn by Chromium matches the same text drawn by PIL from the Noto CJK file, and
    differs from a control of private-use characters (which no font has, so they draw as boxes)."""
    font = ImageFont.truetype(_noto_cjk_path(), 80, index=2)  # face 2 of the collection: SC
    assert font.getname()[0] == "Noto Sans CJK SC"
    reference = Image.new("L", (1200, 200), 255)
    ImageDraw.Draw(reference).text((20, 40), TITLE, font=font, fill=0)
    rendered = _ink(_title_png(TITLE))
    boxes = _ink(_title_png("".join(chr(0xE000 + i) for i in range(len(TITLE)))))
    expected = _ink(reference)
    assert _overlap(rendered, expected) > 0.7, "the rendered title does not look like Noto CJK"
    assert _overlap(boxes, expected) < 0.4, "the control should be boxes, unlike the glyphs"
    assert _overlap(rendered, boxes) < 0.4, "the title looks like boxes (tofu)"


# --- PDF pack -----------------------------------------------------------------------------------


def _fonts(reader) -> list[tuple[str, object]]:
    found = []
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            found.append((page.page_number, ref.get_object()))
    return found


def _embedded(font) -> bool:
    """Glyph outlines travel with the file: Type3 glyph procedures, or a font program stream."""
    if font["/Subtype"] == "/Type3":
        return len(font["/CharProcs"]) > 0
    for candidate in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
        descriptor = candidate.get("/FontDescriptor")
        if descriptor is not None and any(
            k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
        ):
            return True
    return False


def test_pdf_pack_has_a_page_per_chart_and_every_font_embedded(snapshot):
    from pypdf import PdfReader

    charts = ["workforce-age", "forty-years"]
    data = briefing.build(snapshot, catalog.View(lang="zh"), charts, "pdf")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 + 1 + len(charts) + 1  # cover, contents, charts, sources
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width / height == pytest.approx(16 / 9, rel=0.01)
    fonts = _fonts(reader)
    assert fonts, "text is drawn with fonts, not as images"
    missing = [(n, f.get("/BaseFont")) for n, f in fonts if not _embedded(f)]
    assert missing == []
    # The text layer reads back as the characters drawn (look-alike radicals mapped back).
    chart_text = reader.pages[2].extract_text()
    assert "社区工作者年轻化" in chart_text
    assert "工作者" in reader.pages[3].extract_text() or "社区" in reader.pages[3].extract_text()
    assert "社区工作者年轻化" in reader.pages[1].extract_text(), "the contents name every page"
    assert t("pack.page_number", "zh", page=3, total=5) in chart_text
    assert t("pack.sources", "zh") in reader.pages[-1].extract_text()
    assert re.search(r"[\u2e80-\u2fdf]", "".join(p.extract_text() for p in reader.pages)) is None


def test_pptx_pack_holds_the_full_size_renders(snapshot):
    from pptx import Presentation

    data = briefing.build(snapshot, catalog.View(lang="en"), ["forty-years"], "pptx")
    slide = list(Presentation(io.BytesIO(data)).slides)[1]
    picture = next(s for s in slide.shapes if s.shape_type == 13)
    assert Image.open(io.BytesIO(picture.image.blob)).size == briefing.PICTURE_SIZE


# --- one warm browser, many callers -------------------------------------------------------------


def _marked(n: int) -> go.Figure:
    return go.Figure(go.Bar(x=["a", "b"], y=[n, n + 1]), layout={"title": {"text": f"chart-{n}"}})


def test_images_rendered_back_to_back_each_show_their_own_figure():
    """A tab is reloaded after the image is handed back; the next render on it must not see the
    previous figure: every image carries its own title and no other."""
    for n in range(6):
        svg = render.render(_marked(n), "svg", 640, 360).decode()
        titles = set(re.findall(r"chart-\d+", svg))
        assert titles == {f"chart-{n}"}, (n, titles)


def test_concurrent_callers_never_receive_each_others_image():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=6) as pool:
        svgs = list(
            pool.map(lambda n: render.render(_marked(n), "svg", 640, 360).decode(), range(12))
        )
    for n, svg in enumerate(svgs):
        assert set(re.findall(r"chart-\d+", svg)) == {f"chart-{n}"}, n
