"""The REST API under /api/: one NinjaAPI, each app adds its router.

Docs at /api/docs (Swagger UI served from ninja's bundled static files, so it works offline),
schema at /api/openapi.json. Errors share one shape, described in epigrid.core.api.
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import NinjaAPI, Swagger

from epigrid.accounts.api import api_auth
from epigrid.accounts.api import router as accounts_router
from epigrid.alerts.api import router as alerts_router
from epigrid.areas.api import router as areas_router
from epigrid.areas.api import sites_router
from epigrid.briefing.api import router as briefing_router
from epigrid.care.bed_api import router as beds_router
from epigrid.care.plan_api import router as transfers_router
from epigrid.cases.case_api import router as cases_router
from epigrid.cases.contact_api import router as contacts_router
from epigrid.cases.figure_api import router as case_figures_router
from epigrid.cases.lab_api import router as labs_router
from epigrid.cases.quarantine_api import router as quarantine_router
from epigrid.checkpoints.duty_api import router as duty_router
from epigrid.checkpoints.figure_api import router as passage_figures_router
from epigrid.checkpoints.passage_api import router as passages_router
from epigrid.core.api import django_validation_error
from epigrid.core.export_api import router as exports_router
from epigrid.core.imports.api import router as imports_router
from epigrid.dashboards.api import router as dashboards_router
from epigrid.mobilization.api import router as mobilization_router
from epigrid.problems.api import router as problems_router
from epigrid.registry.api import router as registry_router
from epigrid.registry.progress_api import router as progress_router
from epigrid.registry.screening_api import router as screening_router
from epigrid.reporting.api import router as figures_router
from epigrid.supervision.api import router as supervision_router
from epigrid.supplies.api import router as supplies_router
from epigrid.volunteers.api import router as volunteers_router

api = NinjaAPI(
    title="epigrid API",
    version="1",
    description="The epidemic prevention-and-control command's records, scoped to your area. "
                "Authenticate with your browser session (send the CSRF token on writes) or "
                "with `Authorization: Bearer <token>` (create tokens at POST /api/accounts/tokens)."
                " Lists page by key: pass `next_after` back as `after`. Errors answer "
                "`{\"detail\": ...}`; bad input answers 422 with a list of `{loc, msg, type}`.",
    auth=api_auth,
    urls_namespace="api",
    # No validator badge: it would send the schema's address to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)
# A service refusing a write (Django's ValidationError) answers like ninja's own 422.
api.add_exception_handler(DjangoValidationError, partial(django_validation_error, api=api))
# Devices post a passage a second each: their URLs are tried first (Django tries the patterns
# in order; behind sixty others the match cost ~4 % of a passage's server time).
api.add_router("/passages", passages_router)
api.add_router("/accounts", accounts_router)
api.add_router("/areas", areas_router)
api.add_router("/sites", sites_router)
api.add_router("/registry", registry_router)
api.add_router("/screening", screening_router)
api.add_router("/progress", progress_router)
api.add_router("/cases", cases_router)
api.add_router("/quarantine", quarantine_router)
api.add_router("/labs", labs_router)
api.add_router("/contacts", contacts_router)
api.add_router("/case-figures", case_figures_router)
api.add_router("/alerts", alerts_router)
api.add_router("/beds", beds_router)
api.add_router("/transfers", transfers_router)
api.add_router("/duty", duty_router)
api.add_router("/passage-figures", passage_figures_router)
api.add_router("/problems", problems_router)
api.add_router("/supplies", supplies_router)
api.add_router("/supervision", supervision_router)
api.add_router("/mobilization", mobilization_router)
api.add_router("/volunteers", volunteers_router)
api.add_router("/figures", figures_router)
api.add_router("/dashboards", dashboards_router)
api.add_router("/briefing", briefing_router)
api.add_router("/imports", imports_router)
api.add_router("/exports", exports_router)
