from django.urls import URLPattern, path

from epigrid.registry import progress_views as views

urlpatterns: list[URLPattern] = [
    path("progress/", views.progress_index, name="progress_index"),
    path("progress/<int:campaign_id>/", views.progress_campaign, name="progress_campaign"),
    path("progress/<int:campaign_id>/areas/<int:area_id>/", views.progress_area,
         name="progress_area"),
    path("progress/<int:campaign_id>/areas/<int:area_id>/recompute/",
         views.progress_recompute, name="progress_recompute"),
    path("progress/<int:campaign_id>/areas/<int:area_id>/unvisited/",
         views.progress_unvisited, name="progress_unvisited"),
    path("progress/<int:campaign_id>/areas/<int:area_id>/abnormal/",
         views.progress_abnormal, name="progress_abnormal"),
    path("progress/<int:campaign_id>/areas/<int:area_id>/workers/",
         views.progress_workers, name="progress_workers"),
]
