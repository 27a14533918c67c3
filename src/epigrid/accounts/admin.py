from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from epigrid.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()),
                 (_("Area and role"), {"fields": ("home_area", "role", "phone")}))
    list_display = ("username", "role", "home_area", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    raw_id_fields = ("home_area",)
    list_select_related = ("home_area",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")
    raw_id_fields = ("user",)
