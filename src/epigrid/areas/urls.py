from django.urls import path

from epigrid.areas import views

app_name = "areas"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("checkpoints/", views.browse, name="checkpoints"),
    path("facilities/", views.browse, name="facilities"),
    path("warehouses/", views.browse, name="warehouses"),
    path("import/", views.browse, name="import"),
]
