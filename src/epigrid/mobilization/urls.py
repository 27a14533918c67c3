"""The mobilization pages 力量下沉: teams, people sent down, commendations, funds, payments."""

from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, path
from django.views.generic import RedirectView

from epigrid.mobilization import (
    commendation_views,
    deployment_views,
    export_views,
    fund_views,
    payment_views,
    team_views,
)

app_name = "mobilization"
urlpatterns: list[URLPattern] = [
    path("", login_required(RedirectView.as_view(pattern_name="mobilization:deployments")),
         name="index"),
    path("teams/", team_views.team_list, name="teams"),
    path("teams/new/", team_views.team_new, name="team_new"),
    path("teams/<int:pk>/", team_views.team_detail, name="team"),
    path("teams/<int:pk>/edit/", team_views.team_edit, name="team_edit"),
    path("teams/<int:pk>/stand-down/", team_views.team_stand_down, name="team_stand_down"),
    path("people/", deployment_views.deployment_list, name="deployments"),
    path("people/new/", deployment_views.deployment_new, name="deployment_new"),
    path("people/<int:pk>/", deployment_views.deployment_detail, name="deployment"),
    path("people/<int:pk>/edit/", deployment_views.deployment_edit, name="deployment_edit"),
    path("people/<int:pk>/recall/", deployment_views.deployment_recall,
         name="deployment_recall"),
    path("commendations/", commendation_views.commendation_list, name="commendations"),
    path("commendations/new/", commendation_views.commendation_new, name="commendation_new"),
    path("funds/", fund_views.fund_list, name="funds"),
    path("funds/new/", fund_views.fund_new, name="fund_new"),
    path("funds/<int:pk>/", fund_views.fund_detail, name="fund"),
    path("funds/<int:pk>/receive/", fund_views.fund_receive, name="fund_receive"),
    path("payments/", payment_views.payment_list, name="payments"),
    path("payments/new/", payment_views.payment_new, name="payment_new"),
    path("payments/<int:pk>/", payment_views.payment_detail, name="payment"),
    path("payments/<int:pk>/approve/", payment_views.payment_approve, name="payment_approve"),
    path("payments/<int:pk>/reject/", payment_views.payment_reject, name="payment_reject"),
    path("payments/<int:pk>/pay/", payment_views.payment_pay, name="payment_pay"),
    path("export/", export_views.mobilization_export, name="export"),
]
