"""Pages of households, persons and duplicates (names prefixed: the registry's parts share one
namespace)."""

from django.urls import URLPattern, path

from epigrid.registry import people_views as views

urlpatterns: list[URLPattern] = [
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/reveal/", views.household_reveal, name="household_reveal"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/move/", views.person_move, name="person_move"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:pk>/resolve/", views.duplicate_resolve, name="duplicate_resolve"),
]
