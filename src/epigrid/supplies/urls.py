"""The supplies pages 物资保障."""

from django.urls import URLPattern, path

from epigrid.areas.home import at_home_area
from epigrid.supplies import (
    donation_views,
    export_views,
    item_views,
    request_views,
    stock_views,
)

app_name = "supplies"
urlpatterns: list[URLPattern] = [
    path("", at_home_area("supplies:stock"), name="index"),
    path("area/<int:area_id>/", stock_views.stock, name="stock"),
    path("warehouse/<int:pk>/", stock_views.warehouse, name="warehouse"),
    path("warehouse/<int:pk>/record/<str:kind>/", stock_views.record_movement, name="record"),
    path("warehouse/<int:pk>/allocate/<int:item_id>/", stock_views.allocate, name="allocate"),
    path("donations/", donation_views.donation_list, name="donations"),
    path("donations/new/", donation_views.donation_new, name="donation_new"),
    path("donations/<int:pk>/", donation_views.donation_detail, name="donation"),
    path("requests/", request_views.request_list, name="requests"),
    path("requests/new/", request_views.request_new, name="request_new"),
    path("requests/<int:pk>/", request_views.request_detail, name="request"),
    path("requests/<int:pk>/issue/", request_views.request_issue, name="request_issue"),
    path("requests/<int:pk>/cancel/", request_views.request_cancel, name="request_cancel"),
    path("items/", item_views.item_list, name="items"),
    path("items/new/", item_views.item_edit, name="item_new"),
    path("items/<int:pk>/", item_views.item_edit, name="item_edit"),
    path("export/", export_views.supplies_export, name="export"),
]
