"""The reporting pages: daily figures 每日数据 per area and day, the daily reports 日报 and their
completeness, the risk level proposals 风险等级."""

from django.urls import URLPattern, path

from epigrid.areas.home import at_home_area
from epigrid.reporting import report_views, risk_views, views

app_name = "reporting"
urlpatterns: list[URLPattern] = [
    path("figures/", at_home_area("reporting:area"), name="index"),
    path("figures/areas/<int:area_id>/", views.area, name="area"),
    path("figures/areas/<int:area_id>/refresh/", views.refresh, name="refresh"),
    path("reports/", report_views.report_index, name="report_index"),
    path("reports/areas/<int:area_id>/", report_views.report_area, name="report_area"),
    path("reports/areas/<int:area_id>/edit/", report_views.report_edit, name="report_edit"),
    path("reports/areas/<int:area_id>/completeness/", report_views.report_completeness,
         name="report_completeness"),
    path("risk/", risk_views.risk_proposals, name="risk_proposals"),
    path("risk/levels/", risk_views.risk_levels, name="risk_levels"),
    path("risk/proposals/<int:pk>/confirm/", risk_views.risk_confirm, name="risk_confirm"),
    path("risk/proposals/<int:pk>/override/", risk_views.risk_override, name="risk_override"),
]
