"""API of areas and sites."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["areas"])
