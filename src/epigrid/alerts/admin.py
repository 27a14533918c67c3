from django.contrib import admin

from epigrid.alerts.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "area_path", "sent_by", "created_at"]
    search_fields = ["title"]
