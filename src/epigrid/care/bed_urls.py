"""Pages of the care app: the bed part (names prefixed: the app's parts share one namespace).

The beds and the transfer dashboard are counts, open to everyone in the area. The waiting list,
asking for a bed for a case and cancelling a request name patients and their cases: VIEW_CASES
(cases.access), as the cases app's own pages.
"""

from django.urls import URLPattern, path

from epigrid.areas.home import at_home_area
from epigrid.care import bed_views as views
from epigrid.cases.access import view_cases_only

urlpatterns: list[URLPattern] = [
    path("beds/", at_home_area("care:bed_area"), name="bed_index"),
    path("beds/areas/<int:area_id>/", views.bed_area, name="bed_area"),
    path("beds/areas/<int:area_id>/have.xml", views.bed_have_xml, name="bed_have_xml"),
    path("beds/areas/<int:area_id>/beds.json", views.bed_have_json, name="bed_have_json"),
    path("beds/facilities/<int:facility_id>/", views.bed_facility, name="bed_facility"),
    *view_cases_only([
        path("beds/awaiting/", views.bed_awaiting, name="bed_awaiting"),
        path("beds/cases/<int:case_id>/request/", views.bed_request, name="bed_request"),
        path("beds/requests/<int:pk>/cancel/", views.bed_request_cancel,
             name="bed_request_cancel"),
    ]),
    path("dashboard/", at_home_area("care:dashboard"), name="dashboard_index"),
    path("dashboard/<int:area_id>/", views.dashboard_area, name="dashboard"),
]
