from django.urls import path

from epigrid.areas import area_edit_views, site_views, views

app_name = "areas"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("tree/", views.tree, name="tree"),
    path("search/", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:pk>/risk/", views.change_risk, name="change_risk"),
    path("<int:pk>/new/", area_edit_views.create_child, name="create_child"),
    path("<int:pk>/edit/", area_edit_views.edit, name="edit"),
    path("<int:pk>/move/", area_edit_views.move, name="move"),
]
for kind in site_views.SITE_KINDS.values():
    urlpatterns += [
        path(f"{kind.slug}/", site_views.site_list, {"kind": kind.slug}, name=kind.slug),
        path(f"{kind.slug}/new/", site_views.site_create, {"kind": kind.slug},
             name=f"{kind.singular}_create"),
        path(f"{kind.slug}/<int:pk>/", site_views.site_detail, {"kind": kind.slug},
             name=kind.singular),
        path(f"{kind.slug}/<int:pk>/edit/", site_views.site_edit, {"kind": kind.slug},
             name=f"{kind.singular}_edit"),
    ]
