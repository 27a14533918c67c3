"""The supervision pages 督查: tasks 督办, documents 公文, inspections 督导检查."""

from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, path
from django.views.generic import RedirectView

from epigrid.supervision import document_views, export_views, inspection_views, task_views

app_name = "supervision"
urlpatterns: list[URLPattern] = [
    path("", login_required(RedirectView.as_view(pattern_name="supervision:tasks")),
         name="index"),
    path("tasks/", task_views.task_list, name="tasks"),
    path("tasks/new/", task_views.task_new, name="task_new"),
    path("tasks/<int:pk>/", task_views.task_detail, name="task"),
    path("tasks/<int:pk>/hand-down/", task_views.task_hand_down, name="task_hand_down"),
    path("tasks/<int:pk>/report/", task_views.task_report, name="task_report"),
    path("tasks/<int:pk>/accept/", task_views.task_accept, name="task_accept"),
    path("tasks/<int:pk>/send-back/", task_views.task_send_back, name="task_send_back"),
    path("tasks/<int:pk>/withdraw/", task_views.task_withdraw, name="task_withdraw"),
    path("documents/", document_views.document_list, name="documents"),
    path("documents/new/", document_views.document_new, name="document_new"),
    path("documents/<int:pk>/", document_views.document_detail, name="document"),
    path("documents/<int:pk>/route/", document_views.document_route, name="document_route"),
    path("documents/<int:pk>/circulate/", document_views.document_circulate,
         name="document_circulate"),
    path("documents/<int:pk>/read/", document_views.document_read, name="document_read"),
    path("documents/<int:pk>/archive/", document_views.document_archive,
         name="document_archive"),
    path("documents/<int:pk>/attachment/", document_views.document_attachment,
         name="document_attachment"),
    path("reading/", document_views.reading, name="reading"),
    path("inspections/", inspection_views.inspection_list, name="inspections"),
    path("inspections/new/", inspection_views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", inspection_views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/findings/", inspection_views.finding_add, name="finding_add"),
    path("findings/", inspection_views.finding_list, name="findings"),
    path("findings/<int:pk>/rectify/", inspection_views.finding_rectify,
         name="finding_rectify"),
    path("findings/<int:pk>/verify/", inspection_views.finding_verify, name="finding_verify"),
    path("export/", export_views.supervision_export, name="export"),
]
