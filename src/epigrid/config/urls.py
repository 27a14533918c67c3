from django.contrib import admin
from django.urls import include, path

from epigrid.config.api import api

urlpatterns = [
    # First: Django tries the patterns in order, and devices call the API every second each.
    path("api/", api.urls),
    path("", include("epigrid.web.urls")),
    path("accounts/", include("epigrid.accounts.urls")),
    path("areas/", include("epigrid.areas.urls")),
    path("audit/", include("epigrid.core.urls")),
    path("registry/", include("epigrid.registry.urls")),
    path("cases/", include("epigrid.cases.urls")),
    path("checkpoints/", include("epigrid.checkpoints.urls")),
    path("care/", include("epigrid.care.urls")),
    path("alerts/", include("epigrid.alerts.urls")),
    path("problems/", include("epigrid.problems.urls")),
    path("supplies/", include("epigrid.supplies.urls")),
    path("supervision/", include("epigrid.supervision.urls")),
    path("mobilization/", include("epigrid.mobilization.urls")),
    path("volunteers/", include("epigrid.volunteers.urls")),
    path("reporting/", include("epigrid.reporting.urls")),
    path("dashboards/", include("epigrid.dashboards.urls")),
    path("briefing/", include("epigrid.briefing.urls")),
    path("imports/", include("epigrid.core.imports.urls")),
    path("exports/", include("epigrid.core.export_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

