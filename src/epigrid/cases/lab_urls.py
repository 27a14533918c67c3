"""Pages of the cases app: the lab part (names prefixed: the app's parts share one namespace)."""

from django.urls import URLPattern, path

from epigrid.cases import lab_views as views

urlpatterns: list[URLPattern] = [
    path("labs/", views.lab_list, name="lab_list"),
    path("labs/new/", views.lab_create, name="lab_create"),
    path("labs/unmatched/", views.lab_unmatched, name="lab_unmatched"),
    path("labs/<int:pk>/", views.lab_results, name="lab_results"),
    path("labs/<int:pk>/edit/", views.lab_edit, name="lab_edit"),
    path("labs/<int:pk>/results/new/", views.lab_result_create, name="lab_result_create"),
    path("labs/tests/<int:pk>/resolve/", views.lab_resolve, name="lab_resolve"),
    path("labs/tests/<int:pk>/discard/", views.lab_discard, name="lab_discard"),
]
