"""App settings an administrator sets on the server: `dashboard_settings.toml` at the repository
root, overridden by environment variables. Nothing here comes from a viewer or a link.

    allow_upload = false   # the in-app import page; env DASHBOARD_ALLOW_UPLOAD=1 also turns it on
    max_upload_mb = 5      # at most the server's own cap (.streamlit/config.toml maxUploadSize)

Anything unreadable or unclear falls back to the safe default (upload off) and is logged.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = REPO_ROOT / "dashboard_settings.toml"
ENV_ALLOW_UPLOAD = "DASHBOARD_ALLOW_UPLOAD"
DEFAULT_MAX_UPLOAD_MB = 5
# .streamlit/config.toml caps uploads at 10 MB; a larger setting here could never be reached.
MAX_UPLOAD_MB_CEILING = 10
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Settings:
    allow_upload: bool = False
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


def _read_file(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            values = tomllib.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        log.warning("settings file %s ignored: %s", path.name, exc)
        return {}
    return values


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings in force: the file's values, then the environment's, each checked."""
    values = _read_file(path or SETTINGS_FILE)
    environ = os.environ if environ is None else environ

    allow = values.get("allow_upload", False)
    if not isinstance(allow, bool):
        log.warning("allow_upload must be true or false; upload stays off")
        allow = False
    if ENV_ALLOW_UPLOAD in environ:
        word = environ[ENV_ALLOW_UPLOAD].strip().lower()
        if word in TRUE_WORDS:
            allow = True
        elif word in FALSE_WORDS:
            allow = False
        else:
            log.warning("%s=%r is not a yes or no; upload stays off", ENV_ALLOW_UPLOAD, word[:20])
            allow = False

    size = values.get("max_upload_mb", DEFAULT_MAX_UPLOAD_MB)
    if (
        isinstance(size, bool)
        or not isinstance(size, int)
        or not 1 <= size <= MAX_UPLOAD_MB_CEILING
    ):
        log.warning("max_upload_mb must be a whole number from 1 to %d", MAX_UPLOAD_MB_CEILING)
        size = DEFAULT_MAX_UPLOAD_MB
    return Settings(allow_upload=allow, max_upload_mb=size)
