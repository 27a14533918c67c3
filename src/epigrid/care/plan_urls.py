"""Pages of the care app: the plan part (names prefixed: the app's parts share one namespace).

Every page of the plan lists or acts on patients (their names masked, but a row per patient
with where they are picked up and the bed they need): all of them need VIEW_CASES
(cases.access). The plan's counts are on the transfer dashboard (bed part), open to all.
"""

from django.urls import URLPattern, path

from epigrid.areas.home import at_home_area
from epigrid.care import plan_views as views
from epigrid.cases.access import view_cases_only

urlpatterns: list[URLPattern] = view_cases_only([
    path("transfers/", at_home_area("care:plan_area"), name="plan_index"),
    path("transfers/areas/<int:area_id>/", views.plan_area, name="plan_area"),
    path("transfers/areas/<int:area_id>/compute/", views.plan_compute, name="plan_compute"),
    path("transfers/plans/<int:plan_id>/plan.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("transfers/plans/<int:plan_id>/plan.docx", views.plan_docx, name="plan_docx"),
    path("transfers/<int:transfer_id>/status/", views.plan_status, name="plan_status"),
    path("transfers/<int:transfer_id>/override/", views.plan_override, name="plan_override"),
])
