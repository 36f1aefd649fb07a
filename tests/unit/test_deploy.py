"""The nginx configuration that deploy/serve.py renders: every worker behind one sticky upstream,
the upload route closed unless uploads are on, and a configuration nginx itself accepts."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from deploy.serve import Cluster, nginx_binary, render_config


def rendered(tmp_path: Path, allow_upload: bool = False) -> str:
    for sub in ("logs", "tmp"):
        (tmp_path / sub).mkdir(exist_ok=True)
    return render_config([8601, 8602, 8603], "127.0.0.1:8080", tmp_path, allow_upload)


def test_every_worker_is_in_one_sticky_upstream(tmp_path: Path) -> None:
    text = rendered(tmp_path)
    for port in (8601, 8602, 8603):
        assert f"server 127.0.0.1:{port} max_fails=1 fail_timeout=" in text
    assert "hash $route_key consistent;" in text
    assert "listen 127.0.0.1:8080;" in text
    assert not re.search(r"@[A-Z_]+@", text), "a placeholder was left unfilled"


def test_websocket_upgrade_headers_and_gzip(tmp_path: Path) -> None:
    text = rendered(tmp_path)
    stream = text[text.index("location /_stcore/stream") :]
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $connection_upgrade;" in stream
    assert "gzip on;" in text
    assert "add_header X-Frame-Options SAMEORIGIN always;" in text
    assert "frame-ancestors 'self'" in text


def test_upload_route_closed_unless_uploads_are_on(tmp_path: Path) -> None:
    closed = rendered(tmp_path, allow_upload=False)
    assert "location ^~ /_stcore/upload_file" in closed and "return 403;" in closed
    opened = rendered(tmp_path, allow_upload=True)
    assert "upload_file" not in opened


def test_nothing_is_written_outside_the_run_folder(tmp_path: Path) -> None:
    text = rendered(tmp_path)
    for directive in ("pid ", "error_log ", "access_log ", "_temp_path "):
        lines = [line.strip() for line in text.splitlines() if directive in line]
        assert lines, directive
        assert all(str(tmp_path) in line for line in lines), lines


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    try:
        nginx = nginx_binary()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    config = tmp_path / "nginx.conf"
    config.write_text(rendered(tmp_path), encoding="utf-8")
    checked = subprocess.run(
        [nginx, "-p", str(tmp_path), "-c", str(config), "-e", "stderr", "-t"],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_a_cluster_needs_at_least_one_worker() -> None:
    with pytest.raises(ValueError, match="at least one worker"), Cluster(workers=0, port=1):
        pass
