"""The reporting pages: daily figures 每日数据 per area and day."""

from django.urls import URLPattern, path

from epigrid.reporting import views

app_name = "reporting"
urlpatterns: list[URLPattern] = [
    path("figures/", views.index, name="index"),
    path("figures/areas/<int:area_id>/", views.area, name="area"),
    path("figures/areas/<int:area_id>/refresh/", views.refresh, name="refresh"),
]
