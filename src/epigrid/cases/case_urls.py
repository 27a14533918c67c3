"""Pages of the cases app: the case part (names prefixed: the app's parts share one namespace)."""

from django.urls import URLPattern, path

from epigrid.cases import case_views as views

urlpatterns: list[URLPattern] = [
    path("", views.case_list, name="case_list"),
    path("export/", views.case_export, name="case_export"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/transition/", views.case_transition, name="case_transition"),
    path("<int:pk>/origin/", views.case_origin, name="case_origin"),
    path("persons/<int:pk>/open/", views.case_open, name="case_open"),
]
