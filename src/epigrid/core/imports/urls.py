from django.urls import path

from epigrid.core.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.runs, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/errors.xlsx", views.report, name="report"),
]
