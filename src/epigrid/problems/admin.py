from django.contrib import admin

from epigrid.problems.models import Problem, ProblemEvent


class EventInline(admin.TabularInline):
    model = ProblemEvent
    extra = 0
    fields = ("at", "step", "by", "status", "note", "evidence")
    readonly_fields = ("at", "step", "by", "status", "note", "evidence")
    can_delete = False


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "area", "level_area", "urgency", "status", "due_on"]
    list_filter = ["status", "urgency", "category"]
    search_fields = ["title"]
    raw_id_fields = ["area", "level_area", "assignee", "raised_by"]
    inlines = [EventInline]
