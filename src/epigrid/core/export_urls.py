from django.urls import path

from epigrid.core import export_views

app_name = "exports"
urlpatterns = [
    path("", export_views.runs, name="list"),
    path("<int:pk>/", export_views.detail, name="detail"),
    path("<int:pk>/file", export_views.download, name="download"),
]
