from django.contrib import admin

from epigrid.areas.models import Area, Checkpoint, Facility, RiskLevelChange, Warehouse


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "population", "households", "risk_level")
    list_filter = ("level", "risk_level")
    search_fields = ("name", "code")
    readonly_fields = ("path", "risk_level")
    raw_id_fields = ("parent",)


@admin.register(RiskLevelChange)
class RiskLevelChangeAdmin(admin.ModelAdmin):
    list_display = ("area", "previous", "level", "effective_on", "changed_by", "changed_at")
    raw_id_fields = ("area", "changed_by")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # history is written by services, never edited


class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "area", "active")
    list_filter = ("active",)
    search_fields = ("name", "code", "address")
    raw_id_fields = ("area",)
    list_select_related = ("area",)


admin.site.register(Checkpoint, SiteAdmin)
admin.site.register(Facility, SiteAdmin)
admin.site.register(Warehouse, SiteAdmin)
