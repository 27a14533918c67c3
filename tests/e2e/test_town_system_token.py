"""A town's officer gives the town's roster system a token: the system sends a roster through the
API with it, the officer finds the run among her imports, and revokes the token when the system
is retired; the API then refuses it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from epigrid.registry.models import Person
from tests.base import World
from tests.core.test_imports_support import csv_bytes
from tests.e2e.browsing import log_in
from tests.registry.test_roster_import import CHINESE, row

pytestmark = [pytest.mark.e2e]

ROSTER = csv_bytes([CHINESE, row(name="刘洋", head_name="刘洋"),
                    row(name="刘晓", id_number="420102199001011234", phone="")])


def upload(base: str, key: str) -> tuple[int, dict[str, Any]]:
    """POST /api/imports/ as the town's system would: multipart, with the bearer token."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             .encode() for name, value in (("importer", "roster"), ("mode", "valid_rows"))]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="dongcheng.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                 + ROSTER + f"\r\n--{boundary}--\r\n".encode())
    request = urllib.request.Request(  # noqa: S310 - the live server's http URL
        f"{base}/api/imports/", data=b"".join(parts), method="POST", headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - the live server
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")


def test_a_town_system_sends_its_roster_with_the_officers_token_until_she_revokes_it(
        page: Any, live_server: Any, transactional_db: None) -> None:
    World()
    log_in(page, live_server.url, "alice")
    page.get_by_role("heading", name="Dongcheng Town").wait_for()

    # My account > API tokens: she makes one for the town's roster system and copies its key.
    page.get_by_role("link", name="我的账户").click()
    page.get_by_role("link", name="API 令牌").click()
    page.get_by_label("用途").fill("东城镇花名册系统")
    page.get_by_role("button", name="创建令牌").click()
    key = page.locator("#new-token-key").inner_text()
    assert key.startswith("eg_")
    expect(page.locator("#new-token")).to_contain_text("只显示这一次")

    # The system sends its roster with the key: one row is right, the other's ID is not.
    status, run = upload(live_server.url, key)
    assert status == 201, run
    assert (run["rows_created"], run["rows_failed"]) == (1, 1)
    assert run["errors"][0]["column"] == "身份证号"  # named as the file names it
    assert Person.objects.filter(name="刘洋").exists()
    assert not Person.objects.filter(name="刘晓").exists()

    # Her imports list shows the system's run as hers.
    page.goto(f"{live_server.url}/imports/")
    expect(page.get_by_text("dongcheng.csv")).to_be_visible()

    # The page keeps no key: only its first characters, and when it was last used.
    page.goto(f"{live_server.url}/accounts/tokens/")
    tokens = page.locator("#tokens")
    expect(tokens).to_contain_text(key[:8])
    expect(tokens).not_to_contain_text(key)
    row_ = tokens.locator("tbody tr").first
    expect(row_.locator("td").nth(3)).not_to_have_text("—")

    # The system is retired: she revokes the token, and the API refuses the key from then on.
    row_.get_by_role("button", name="吊销").click()
    expect(page.get_by_text("令牌“东城镇花名册系统”已吊销")).to_be_visible()
    expect(tokens.locator("tbody tr").first).to_contain_text("已吊销")
    assert upload(live_server.url, key)[0] == 401
