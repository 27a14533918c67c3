"""API of screening campaigns, visits and progress (router mounted at /api/screening)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["screening"])
