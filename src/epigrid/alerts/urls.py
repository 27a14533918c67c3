"""The inbox pages."""

from django.urls import path

from epigrid.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("<int:pk>/open/", views.open_notice, name="open"),
    path("read-all/", views.read_all, name="read_all"),
]
