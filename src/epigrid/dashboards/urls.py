"""The dashboard pages 数据看板 and the wall screen 大屏."""

from django.urls import URLPattern, path

from epigrid.areas.home import at_home_area
from epigrid.dashboards import views

app_name = "dashboards"
urlpatterns: list[URLPattern] = [
    path("", at_home_area("dashboards:area"), name="index"),
    path("<int:area_id>/", views.area, name="area"),
    path("<int:area_id>/wall/", views.wall, name="wall"),
]
