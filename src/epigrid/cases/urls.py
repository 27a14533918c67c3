"""The cases app's pages; each part keeps its own URL module."""

from epigrid.cases import case_urls, contact_urls, figure_urls, lab_urls, quarantine_urls

app_name = "cases"
urlpatterns = [*case_urls.urlpatterns, *quarantine_urls.urlpatterns, *lab_urls.urlpatterns,
               *contact_urls.urlpatterns, *figure_urls.urlpatterns]
