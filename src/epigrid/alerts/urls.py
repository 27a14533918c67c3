"""The inbox pages, the notices sent by hand, and the public CAP feed of risk levels."""

from django.urls import path

from epigrid.alerts import cap_views, sent_views, views

app_name = "alerts"
urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("<int:pk>/open/", views.open_notice, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("send/", sent_views.send_page, name="send"),
    path("sent/", sent_views.sent_list, name="sent_list"),
    path("sent/<int:pk>/", sent_views.sent_detail, name="sent_detail"),
    path("sent/<int:pk>/remind/", sent_views.remind, name="remind"),
    # Public: the list of risk areas and its CAP feed 风险等级公告 (cap_views).
    path("risk-areas/", cap_views.risk_areas, name="risk_areas"),
    path("cap/", cap_views.cap_index, name="cap_index"),
    path("cap/<int:pk>.xml", cap_views.cap_alert, name="cap_alert"),
]
