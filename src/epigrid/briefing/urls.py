"""The briefing pages: the dispatch meeting 调度会 and the briefing downloads 简报."""

from django.urls import URLPattern, path

from epigrid.areas.home import at_home_area
from epigrid.briefing import views

app_name = "briefing"
urlpatterns: list[URLPattern] = [
    path("", at_home_area("briefing:meeting"), name="index"),
    path("areas/<int:area_id>/", views.meeting_page, name="meeting"),
    path("areas/<int:area_id>/briefing.<str:fmt>", views.download, name="download"),
]
