"""The REST API under /api/: one NinjaAPI, each app adds its router."""

from __future__ import annotations

from ninja import NinjaAPI

from epigrid.accounts.api import api_auth
from epigrid.accounts.api import router as accounts_router
from epigrid.areas.api import router as areas_router

api = NinjaAPI(
    title="epigrid API",
    version="1",
    description="The epidemic prevention-and-control command's records, scoped to your area.",
    auth=api_auth,
    urls_namespace="api",
)
api.add_router("/accounts", accounts_router)
api.add_router("/areas", areas_router)
