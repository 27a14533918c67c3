"""Pages of the cases app: the contact part (contacts, chains, clusters)."""

from django.urls import URLPattern, path

from epigrid.cases import contact_views as views

urlpatterns: list[URLPattern] = [
    path("contacts/to-act-on/", views.contact_todo, name="contact_todo"),
    path("contacts/case/<int:case_id>/", views.contact_list, name="contact_list"),
    path("contacts/case/<int:case_id>/add/", views.contact_add, name="contact_add"),
    path("contacts/exposures/<int:pk>/identify/", views.contact_identify,
         name="contact_identify"),
    path("chains/<int:case_id>/", views.chain, name="chain"),
    path("clusters/", views.cluster_list, name="cluster_list"),
    path("clusters/<int:person_id>/", views.cluster_detail, name="cluster_detail"),
]
