"""What a link may ask for: page state from query parameters, checked against allow-lists.

Nothing read here ever becomes a file path or HTML: each value is matched against a closed set
(district codes, languages, listed snapshot ids) and anything else is dropped with a notice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dashboard import schema
from dashboard.i18n import DEFAULT_LANG, LANGS

# Longer than any legitimate value; longer ones are refused before any other check.
MAX_PARAM_LENGTH = 64
KNOWN_PARAMS = ("district", "lang", "snapshot", "present", "scene", "theme")


@dataclass
class LinkState:
    district: str = schema.CITY_CODE
    lang: str = DEFAULT_LANG
    snapshot: str | None = None
    present: bool = False
    scene: int = 1
    theme: str = "dark"
    rejected: list[str] = field(default_factory=list)


def _single(values: Sequence[str] | str) -> str | None:
    """One clean value, or None for repeated keys, overlong values or control characters."""
    if isinstance(values, str):
        values = [values]
    if len(values) != 1:
        return None
    value = values[0]
    if len(value) > MAX_PARAM_LENGTH or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    return value


def parse_link(params: Mapping[str, Sequence[str] | str], snapshot_ids: Sequence[str]) -> LinkState:
    """Read query parameters (each key mapped to all its values) into a LinkState."""
    state = LinkState()
    checks = {
        "district": lambda v: v in (schema.CITY_CODE, *schema.DISTRICT_CODES),
        "lang": lambda v: v in LANGS,
        "snapshot": lambda v: v in snapshot_ids,
        "present": lambda v: v in ("0", "1"),
        # ASCII only: str.isdigit() also accepts "²" and "٣", which int() refuses or misreads.
        "scene": lambda v: v.isascii() and v.isdigit() and 1 <= int(v) <= 99,
        "theme": lambda v: v in ("dark", "light"),
    }
    for name in KNOWN_PARAMS:
        if name not in params:
            continue
        value = _single(params[name])
        if value is None or not checks[name](value):
            state.rejected.append(name)
            continue
        if name == "present":
            state.present = value == "1"
        elif name == "scene":
            state.scene = int(value)
        else:
            setattr(state, name, value)
    return state
