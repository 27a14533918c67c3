"""The checkpoints app's pages; each part keeps its own URL module."""

from epigrid.checkpoints import duty_urls, figure_urls, passage_urls

app_name = "checkpoints"
urlpatterns = [*passage_urls.urlpatterns, *duty_urls.urlpatterns, *figure_urls.urlpatterns]
