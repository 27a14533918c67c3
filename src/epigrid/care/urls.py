"""The care app's pages; each part keeps its own URL module."""

from epigrid.care import bed_urls, plan_urls

app_name = "care"
urlpatterns = [*bed_urls.urlpatterns, *plan_urls.urlpatterns]
