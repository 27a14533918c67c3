"""A deployment behind HTTPS, configured by the environment as docs/configuration.md says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

READ = ("import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER]))")


def settings_under(tmp_path: Path, **variables: str) -> list[object]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("EPIGRID_") and key != "DATABASE_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "epigrid.config.settings",
            "EPIGRID_DATA_DIR": str(tmp_path), **variables}
    out = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", READ], env=env, capture_output=True, text=True,
        check=True, timeout=60)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_it_serves_plain_http_unless_told(tmp_path: Path) -> None:
    assert settings_under(tmp_path) == [False, False, False, 0, None]


def test_it_secures_cookies_redirects_and_pins_https_when_told(tmp_path: Path) -> None:
    found = settings_under(tmp_path, EPIGRID_SECURE_COOKIES="true", EPIGRID_SSL_REDIRECT="true",
                           EPIGRID_HSTS_SECONDS="31536000")
    assert found == [True, True, True, 31536000, ["HTTP_X_FORWARDED_PROTO", "https"]]


def test_it_refuses_a_negative_hsts_time(tmp_path: Path) -> None:
    try:
        settings_under(tmp_path, EPIGRID_HSTS_SECONDS="-1")
    except subprocess.CalledProcessError as error:
        assert "EPIGRID_HSTS_SECONDS" in error.stderr
    else:
        raise AssertionError("a negative EPIGRID_HSTS_SECONDS was taken")
