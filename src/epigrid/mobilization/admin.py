from django.contrib import admin

from epigrid.mobilization.models import (
    Approval,
    Commendation,
    Deployment,
    Fund,
    FundEntry,
    Payment,
    Team,
)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "area", "formed_on", "stood_down_on")
    list_filter = ("kind",)
    search_fields = ("name", "sent_by")


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "area", "team", "arrived_on", "left_on")
    search_fields = ("name", "unit")
    raw_id_fields = ("team",)


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "honour", "area", "awarded_on")
    search_fields = ("recipient", "honour")


class EntryInline(admin.TabularInline):
    model = FundEntry
    extra = 0
    fields = ("at", "kind", "amount", "counterpart", "voucher")
    readonly_fields = fields
    can_delete = False  # a ledger is written once


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ("name", "area", "second_approval_over")
    inlines = [EntryInline]


class ApprovalInline(admin.TabularInline):
    model = Approval
    extra = 0
    fields = ("at", "by", "decision", "note")
    readonly_fields = fields
    can_delete = False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("beneficiary", "kind", "amount", "fund", "area", "status")
    list_filter = ("status", "kind")
    readonly_fields = ("status",)
    inlines = [ApprovalInline]
