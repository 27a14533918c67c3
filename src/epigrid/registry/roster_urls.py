"""The roster's pages (names prefixed "roster_": the registry's parts share one namespace).

Importing a roster goes through the core import pages (imports:new, kind "roster")."""

from django.urls import URLPattern, path

from epigrid.registry import roster_views

urlpatterns: list[URLPattern] = [
    path("roster/export/", roster_views.roster_export, name="roster_export"),
]
