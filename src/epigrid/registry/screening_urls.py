"""Screening pages, under /registry/ (names prefixed "screening_")."""

from django.urls import URLPattern, path

from epigrid.registry import screening_views as views

urlpatterns: list[URLPattern] = [
    path("screening/", views.campaign_list, name="screening_campaigns"),
    path("screening/new/", views.campaign_create, name="screening_campaign_create"),
    path("screening/<int:pk>/", views.campaign_detail, name="screening_campaign"),
    path("screening/<int:pk>/edit/", views.campaign_edit, name="screening_campaign_edit"),
    path("screening/today/", views.today, name="screening_today"),
    path("screening/sw.js", views.service_worker, name="screening_worker"),
    path("screening/<int:campaign>/households/<int:household>/", views.household,
         name="screening_household"),
]
