"""Pages of the checkpoints app: the passage part (logging, lists, fever referrals).

The logging pages and their service worker share the /checkpoints/log/ prefix: a service worker
controls the pages under the folder it is served from.
"""

from django.urls import path

from epigrid.checkpoints import passage_views as views

urlpatterns = [
    path("log/", views.log_choose, name="passage_log_choose"),
    path("log/sw.js", views.service_worker, name="passage_worker"),
    path("log/<int:pk>/", views.log_page, name="passage_log"),
    path("passages/", views.passage_list, name="passage_list"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<int:pk>/arrive/", views.referral_arrive, name="referral_arrive"),
    path("referrals/<int:pk>/close/", views.referral_close, name="referral_close"),
]
