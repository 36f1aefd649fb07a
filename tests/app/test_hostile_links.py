"""Hostile links: whatever a query string holds, the app runs, says which parameter it ignored,
and shows the default view for it. Nothing from a link becomes a path, HTML or an exception."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import schema, snapshot
from dashboard.i18n import t
from dashboard.snapshot import DEFAULT_SNAPSHOT
from tests.unit.test_hardening import html_is_only_the_page_meta

REPO = Path(__file__).resolve().parents[2]
BASE = DEFAULT_SNAPSHOT
DEFAULTS = {
    "lang": "zh",
    "district": schema.CITY_CODE,
    "snapshot": BASE,
    "present": False,
    "scene": 1,
}


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    shutil.copytree(REPO / "data" / "snapshots" / BASE, root / "snapshots" / BASE)
    shutil.copytree(REPO / "data" / "geo", root / "geo")
    monkeypatch.setattr(snapshot, "DATA_DIR", root)
    return root


def run_app(query: dict) -> AppTest:
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


HOSTILE = [
    ("path traversal", "snapshot", "../../etc/passwd"),
    ("absolute path", "snapshot", "/etc/passwd"),
    ("encoded traversal", "snapshot", "%2e%2e%2f%2e%2e%2fetc"),
    ("hidden temporary folder", "snapshot", ".tmp-2019-01-09-abc"),
    ("script as district", "district", "<script>alert(1)</script>"),
    ("city code with a suffix", "district", "110105 OR 1=1"),
    ("very long language", "lang", "x" * 1000),
    ("very long district", "district", "1" * 100_000),
    ("NUL", "snapshot", f"{BASE}\x00"),
    ("line break", "district", "110105\r\n"),
    ("escape sequence", "lang", "en\x1b[31m"),
    ("delete character", "district", "110105\x7f"),
    ("huge scene number", "scene", "9" * 40),
    ("negative scene", "scene", "-1"),
    ("present as a word", "present", "yes"),
    ("javascript theme", "theme", "javascript:alert(1)"),
    ("formula", "district", '=HYPERLINK("http://x")'),
    ("unicode look-alike", "lang", "zh\u200b"),
]


@pytest.mark.parametrize(("case", "name", "value"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_parameter_is_ignored_with_a_notice(data, case, name, value):
    at = run_app({name: value})
    assert not at.exception
    assert t("notice.bad_param", "zh", name=name) in notices(at)
    for key, default in DEFAULTS.items():
        assert at.session_state[key] == default, key
    assert at.session_state["_session"].snapshot.id == BASE
    assert html_is_only_the_page_meta(at), "no other HTML outside presentation mode"
    rendered = [str(m.value) for m in at.markdown] + [str(e.value) for e in at.get("caption")]
    assert not any("<script" in text for text in rendered)


def test_repeated_keys_are_ignored(data):
    at = run_app({"district": ["110105", "110108"], "lang": ["en", "zh"]})
    assert not at.exception
    assert t("notice.bad_param", "zh", name="district") in notices(at)
    assert t("notice.bad_param", "zh", name="lang") in notices(at)
    assert (at.session_state["district"], at.session_state["lang"]) == (schema.CITY_CODE, "zh")


def test_good_parameters_survive_beside_bad_ones(data):
    at = run_app(
        {"lang": "en", "district": "<script>alert(1)</script>", "snapshot": "../../etc/passwd"}
    )
    assert not at.exception
    assert at.session_state["lang"] == "en"
    assert t("notice.bad_param", "en", name="district") in notices(at)
    assert t("notice.bad_param", "en", name="snapshot") in notices(at)
    assert at.session_state["district"] == schema.CITY_CODE


def test_valid_link_opens_its_view_without_notices(data):
    at = run_app({"lang": "en", "district": "110105"})
    assert not at.exception
    assert (at.session_state["lang"], at.session_state["district"]) == ("en", "110105")
    assert not [n for n in notices(at) if "link parameter" in n]


def test_unknown_parameters_are_dropped_silently(data):
    at = run_app({"utm_source": "<script>", "__proto__": "x", "": "y"})
    assert not at.exception
    assert not [n for n in notices(at) if "链接参数" in n]
    for key, default in DEFAULTS.items():
        assert at.session_state[key] == default, key


def test_link_to_a_snapshot_that_exists_on_disk_but_is_not_listed(data):
    # A folder without a manifest is not a snapshot, whatever a link says.
    (data / "snapshots" / "stray").mkdir()
    at = run_app({"snapshot": "stray"})
    assert not at.exception
    assert t("notice.bad_param", "zh", name="snapshot") in notices(at)
    assert at.session_state["_session"].snapshot.id == BASE


# --- hostile text in an imported table: shown as the characters it is made of ---------------------

LINK = "[官方通知](http://evil.example/phish)"
IMAGE = "![](http://127.0.0.1:9/beacon.png)"
TAG = "<img src=http://127.0.0.1:9/tag.png><a href=http://evil.example>x</a>"
MARKERS = ("evil.example", "127.0.0.1")
PAGES = ("overview", "forty_years", "ten_firsts", "trends", "workforce", "volunteers", "deliberation",
         "grid_services", "data_sources", "compare")  # fmt: skip


def _hostile_import(data_dir: Path) -> None:
    """A link, an image and a tag in every text field an import takes: the source (which refuses
    tags, so it carries the link and the image), the note, and the file's name."""
    from dashboard.pipeline.importer import ImportFailed, import_file

    header = "区 district,指标 indicator,时间 period,数值 value,单位 unit,限定 qualifier,说明 note"
    row = f'朝阳区,resident_population,2025,3600000,人,,"{LINK} {IMAGE} {TAG}"'
    content = f"{header}\r\n{row}\r\n".encode()
    name = f"{LINK} {IMAGE} {TAG}.csv"
    with pytest.raises(ImportFailed, match="without control characters or < >"):
        import_file(content, name, "evil", data_dir=data_dir, source=f"{LINK} {TAG}")
    import_file(content, name, "evil", data_dir=data_dir, source=f"{LINK} {IMAGE} **粗体** :red[x]")


PLAIN_ELEMENTS = ("text", "json", "arrow_data_frame")


def _rendered_texts(at: AppTest) -> list[str]:
    """Every string a Markdown-rendering field of the page holds (bodies of markdown, captions and
    notices; labels and help tooltips of metrics, widgets, popovers and expanders). st.text, st.json and
    tables are plain by construction and left out."""
    found: list[str] = []

    def strings(message) -> None:
        for descriptor, value in message.ListFields():
            if descriptor.message_type is not None:
                for item in value if isinstance(value, Sequence) else [value]:
                    strings(item)
            elif descriptor.name in ("body", "help", "label") and isinstance(value, str):
                found.append(value)

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", "") not in PLAIN_ELEMENTS:
            strings(proto)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def _is_plain(text: str) -> bool:
    """No Markdown link or image, no unescaped tag, and nothing GitHub-style autolinking turns into
    a link (it works on the text after escapes are read, so "http\\://" still links)."""
    return not (
        re.search(r"(?<!\\)\]\(", text)
        or "![" in text
        or re.search(r"(?<!\\)<[A-Za-z/]", text)
        or re.search(r"://|www\.|[\w.-]\\?@\w", text, re.IGNORECASE)
    )


@pytest.mark.parametrize("page", PAGES)
def test_imported_links_images_and_tags_are_plain_text_everywhere(data, page):
    """Found: an import's --source '[官方通知](http://evil.example/phish) ![](...beacon.png)' became
    a clickable link and an outside image request in the drilled view's population tooltip."""
    _hostile_import(data)
    at = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=60)
    at.query_params["snapshot"] = "evil"
    at.query_params["district"] = "110105"
    at.run()
    assert not at.exception
    assert at.session_state["_session"].snapshot.id == "evil"
    hostile = [s for s in _rendered_texts(at) if any(m in s for m in MARKERS)]
    assert [s for s in hostile if not _is_plain(s)] == []
    if page == "overview":  # the drilled population tooltip names the imported source
        assert any("官方通知" in s and "evil.example" in s for s in hostile)
