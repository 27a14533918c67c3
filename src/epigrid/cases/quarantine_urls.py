"""Pages of the cases app: the quarantine and follow-up part (under /cases/)."""

from django.urls import URLPattern, path

from epigrid.cases import quarantine_views as views

urlpatterns: list[URLPattern] = [
    path("quarantine/", views.quarantine_list, name="quarantine_list"),
    path("quarantine/<int:pk>/", views.quarantine_detail, name="quarantine_detail"),
    path("quarantine/<int:pk>/release/", views.quarantine_release, name="quarantine_release"),
    path("quarantine/<int:pk>/extend/", views.quarantine_extend, name="quarantine_extend"),
    path("<int:pk>/quarantine/", views.quarantine_start, name="quarantine_start"),
    path("quarantine/sites/<int:pk>/rooms/", views.quarantine_site_rooms,
         name="quarantine_site_rooms"),
    path("quarantine/rooms/<int:pk>/", views.quarantine_room_edit, name="quarantine_room_edit"),
    path("follow-ups/today/", views.followup_today, name="followup_today"),
    path("follow-ups/sw.js", views.followup_worker, name="followup_worker"),
    path("quarantine/<int:pk>/follow-ups/", views.followup_record, name="followup_record"),
]
