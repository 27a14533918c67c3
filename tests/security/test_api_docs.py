"""The API docs work on an offline network: every asset comes from this origin."""

from __future__ import annotations

import re

from django.test import Client

from tests.base import BaseTestCase
from tests.security.matrix import body_text

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


class ApiDocsTests(BaseTestCase):
    def test_it_serves_the_docs_page_from_same_origin_assets_only(self) -> None:
        response = self.client_for(self.world.alice).get("/api/docs")
        assert response.status_code == 200
        html = response.content.decode()
        assets = ASSET.findall(html)
        assert any(url.endswith("swagger-ui-bundle.js") for url in assets), assets
        for url in assets:
            assert url.startswith("/") and not url.startswith("//"), url
        assert not re.search(r"https?://|//cdn", html), "the docs page names another host"

    def test_it_serves_the_bundled_swagger_assets(self) -> None:
        html = Client().get("/api/docs").content.decode()
        for url in ASSET.findall(html):
            response = Client().get(url)
            assert response.status_code == 200, url
            assert body_text(response)

    def test_it_publishes_every_route_in_the_openapi_schema(self) -> None:
        schema = Client().get("/api/openapi.json").json()
        assert {"/api/areas/", "/api/areas/{id}", "/api/areas/{id}/risk-history",
                "/api/areas/{id}/risk-level", "/api/sites/checkpoints/",
                "/api/sites/facilities/{id}", "/api/sites/warehouses/",
                "/api/accounts/tokens", "/api/accounts/tokens/{id}"} <= set(schema["paths"])
        params = {p["name"] for p in schema["paths"]["/api/sites/checkpoints/"]["get"]
                  ["parameters"]}
        assert params == {"kind", "area", "q", "active", "after", "limit"}
        warehouse_params = {p["name"] for p in schema["paths"]["/api/sites/warehouses/"]["get"]
                            ["parameters"]}
        assert "kind" not in warehouse_params
        assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
