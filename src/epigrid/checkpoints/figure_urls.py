"""Pages of the checkpoints app: the figure part (checkpoint figures 卡口数据)."""

from django.urls import URLPattern, path

from epigrid.areas.home import at_home_area
from epigrid.checkpoints import figure_views as views

urlpatterns: list[URLPattern] = [
    path("figures/", at_home_area("checkpoints:figure_area"), name="figure_index"),
    path("figures/areas/<int:area_id>/", views.figure_area, name="figure_area"),
    path("figures/checkpoints/<int:checkpoint_id>/", views.figure_checkpoint,
         name="figure_checkpoint"),
]
