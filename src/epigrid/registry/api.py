"""API of households and persons (router mounted at /api/registry)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["registry"])
