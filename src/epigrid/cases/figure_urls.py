"""Pages of the cases app: the figure part (case figures 疫情数据, epidemic curve, drill-downs)."""

from django.urls import URLPattern, path

from epigrid.areas.home import at_home_area
from epigrid.cases import figure_views as views
from epigrid.cases.access import view_cases_required

urlpatterns: list[URLPattern] = [
    path("figures/", at_home_area("cases:figure_area"), name="figure_index"),
    path("figures/areas/<int:area_id>/", views.figure_area, name="figure_area"),
    path("figures/areas/<int:area_id>/curve/", views.figure_curve, name="figure_curve"),
    # The records behind a figure name persons; the figures themselves are counts.
    path("figures/areas/<int:area_id>/records/<slug:code>/",
         view_cases_required(views.figure_records), name="figure_records"),
]
