"""The cases app's pages; each part keeps its own URL module.

Every page of cases, quarantine, follow-ups, labs and contacts names persons and their health:
all of them need VIEW_CASES, wrapped here once (cases.access). Of the figure pages only the
records behind a figure name persons; the counts stay open to everyone in the area.
"""

from epigrid.cases import case_urls, contact_urls, figure_urls, lab_urls, quarantine_urls
from epigrid.cases.access import view_cases_only

app_name = "cases"
urlpatterns = [*view_cases_only([*case_urls.urlpatterns, *quarantine_urls.urlpatterns,
                                 *lab_urls.urlpatterns, *contact_urls.urlpatterns]),
               *figure_urls.urlpatterns]
