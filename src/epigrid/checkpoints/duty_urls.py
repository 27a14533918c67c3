"""Pages of the checkpoints app: the duty part (duty shifts 值守排班 and assignments)."""

from django.urls import URLPattern, path

from epigrid.areas.home import at_home_area
from epigrid.checkpoints import duty_views as views

urlpatterns: list[URLPattern] = [
    path("duty/", at_home_area("checkpoints:duty_area"), name="duty_index"),
    path("duty/areas/<int:area_id>/", views.duty_area, name="duty_area"),
    path("duty/areas/<int:area_id>/gaps/", views.duty_gaps, name="duty_gaps"),
    path("duty/areas/<int:area_id>/hours/", views.duty_hours, name="duty_hours"),
    path("duty/checkpoints/<int:checkpoint_id>/", views.duty_checkpoint, name="duty_checkpoint"),
    path("duty/checkpoints/<int:checkpoint_id>/shifts/new/", views.shift_create,
         name="shift_create"),
    path("duty/shifts/<int:shift_id>/edit/", views.shift_edit, name="shift_edit"),
    path("duty/shifts/<int:shift_id>/delete/", views.shift_delete, name="shift_delete"),
    path("duty/shifts/<int:shift_id>/sign-off/", views.shift_sign_off, name="shift_sign_off"),
    path("duty/checkpoints/<int:checkpoint_id>/assignments/", views.assignment_add,
         name="assignment_add"),
    path("duty/assignments/<int:assignment_id>/delete/", views.assignment_delete,
         name="assignment_delete"),
]
