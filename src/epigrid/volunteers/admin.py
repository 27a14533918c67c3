from django.contrib import admin

from epigrid.volunteers.models import (
    ClaimDigest,
    HoursClaim,
    Project,
    ServiceRecord,
    Signup,
    Volunteer,
)


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ("name", "area", "skills", "registered_on", "left_on")
    search_fields = ("name", "skills")
    raw_id_fields = ("account",)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "area", "starts_on", "ends_on", "closed_on")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(ServiceRecord)
class ServiceRecordAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "project", "served_on", "hours")
    raw_id_fields = ("volunteer", "project")


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "project", "created_at", "withdrawn_at")
    raw_id_fields = ("volunteer", "project")


@admin.register(HoursClaim)
class HoursClaimAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "project", "served_on", "hours", "state")
    list_filter = ("state",)
    raw_id_fields = ("volunteer", "project", "record")


@admin.register(ClaimDigest)
class ClaimDigestAdmin(admin.ModelAdmin):
    list_display = ("day", "area", "claims", "created_at")
    raw_id_fields = ("area", "notice")
