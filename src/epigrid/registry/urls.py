"""The registry's pages; each part keeps its own URL module (people, screening, progress)."""

from epigrid.registry import people_urls, progress_urls, roster_urls, screening_urls

app_name = "registry"
urlpatterns = [*people_urls.urlpatterns, *screening_urls.urlpatterns,
               *progress_urls.urlpatterns, *roster_urls.urlpatterns]
