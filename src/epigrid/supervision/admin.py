from django.contrib import admin

from epigrid.supervision.models import Document, Finding, Inspection, Task, TaskEvent


class EventInline(admin.TabularInline):
    model = TaskEvent
    extra = 0
    fields = ("at", "step", "by", "note", "due_on")
    readonly_fields = ("at", "step", "by", "note", "due_on")
    can_delete = False


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ("description", "severity", "rectify_by", "status")
    readonly_fields = ("status",)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["serial", "title", "issuer", "received_on", "status"]
    list_filter = ["status", "kind", "urgency"]
    search_fields = ["serial", "title", "issuer", "reference"]
    raw_id_fields = ["area", "registered_by"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "area", "issuer_area", "due_on", "status"]
    list_filter = ["status", "part"]
    search_fields = ["title"]
    raw_id_fields = ["area", "issuer_area", "document", "created_by"]
    inlines = [EventInline]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["subject", "area", "inspected_on"]
    search_fields = ["subject", "inspectors"]
    raw_id_fields = ["area", "facility", "recorded_by"]
    inlines = [FindingInline]
