from django.urls import path

from epigrid.web import views

app_name = "web"
# The apps whose URL root has no page of its own; each opens the first page of the app the
# user may (web.views.section). Included before the apps, so an app giving its root a page of
# its own takes it out of here.
SECTIONS = ("registry", "checkpoints", "care", "reporting")
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    *(path(f"{name}/", views.section, name=f"section_{name}") for name in SECTIONS),
]
