"""The volunteers' pages 志愿服务: volunteers, their projects and the hours they served."""

from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, path
from django.views.generic import RedirectView

from epigrid.volunteers import (
    certificate_views,
    claim_views,
    export_views,
    project_views,
    self_views,
    volunteer_views,
)

app_name = "volunteers"
urlpatterns: list[URLPattern] = [
    path("", login_required(RedirectView.as_view(pattern_name="volunteers:volunteers")),
         name="index"),
    path("people/", volunteer_views.volunteer_list, name="volunteers"),
    path("people/new/", volunteer_views.volunteer_new, name="volunteer_new"),
    path("people/<int:pk>/", volunteer_views.volunteer_detail, name="volunteer"),
    path("people/<int:pk>/edit/", volunteer_views.volunteer_edit, name="volunteer_edit"),
    path("people/<int:pk>/leave/", volunteer_views.volunteer_leave, name="volunteer_leave"),
    path("projects/", project_views.project_list, name="projects"),
    path("projects/new/", project_views.project_new, name="project_new"),
    path("projects/<int:pk>/", project_views.project_detail, name="project"),
    path("projects/<int:pk>/hours/", project_views.project_hours, name="project_hours"),
    path("projects/<int:pk>/edit/", project_views.project_edit, name="project_edit"),
    path("projects/<int:pk>/close/", project_views.project_close, name="project_close"),
    path("records/<int:pk>/withdraw/", project_views.hours_withdraw, name="hours_withdraw"),
    path("export/", export_views.volunteers_export, name="export"),
    # 我的志愿服务: a volunteer's own page, their sign-ups and claims; the keepers' answers.
    path("me/", self_views.me, name="me"),
    path("me/enrol/", self_views.me_enrol, name="me_enrol"),
    path("me/claims/", self_views.me_claim, name="me_claim"),
    path("projects/<int:pk>/sign-up/", self_views.project_sign_up, name="project_sign_up"),
    path("signups/<int:pk>/withdraw/", claim_views.signup_withdraw, name="signup_withdraw"),
    path("claims/<int:pk>/confirm/", claim_views.claim_confirm, name="claim_confirm"),
    path("claims/<int:pk>/decline/", claim_views.claim_decline, name="claim_decline"),
    # 志愿服务时长证明: certificates of hours, issued, printed and looked up.
    path("me/certificate/", certificate_views.my_certificate_issue, name="my_certificate"),
    path("people/<int:pk>/certificate/", certificate_views.certificate_issue,
         name="certificate_issue"),
    path("certificates/", certificate_views.certificate_lookup, name="certificate_lookup"),
    path("certificates/<int:pk>/", certificate_views.certificate_detail, name="certificate"),
]
