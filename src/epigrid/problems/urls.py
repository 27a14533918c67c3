"""The problems pages."""

from django.urls import URLPattern, path

from epigrid.problems import views

app_name = "problems"
urlpatterns: list[URLPattern] = [
    path("", views.problem_list, name="list"),
    path("raise/", views.problem_raise, name="raise"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/assign/", views.problem_assign, name="assign"),
    path("<int:pk>/status/", views.problem_status, name="status"),
    path("<int:pk>/reopen/", views.problem_reopen, name="reopen"),
    path("<int:pk>/evidence/<int:event_id>/", views.problem_evidence, name="evidence"),
]
