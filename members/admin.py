from django.contrib import admin

from members.models import CellPeriod, CommitteeSeat, DisciplineRecord, LeaveRecord, Member, StatusPeriod


class StatusInline(admin.TabularInline):
    model = StatusPeriod
    fk_name = "member"
    extra = 0
    autocomplete_fields = ["other_cell"]
    readonly_fields = ["recorded_by"]


class CellInline(admin.TabularInline):
    model = CellPeriod
    extra = 0
    autocomplete_fields = ["cell"]


class DisciplineInline(admin.TabularInline):
    model = DisciplineRecord
    extra = 0
    autocomplete_fields = ["violation_cell"]


class LeaveInline(admin.TabularInline):
    model = LeaveRecord
    extra = 0


class SeatInline(admin.TabularInline):
    model = CommitteeSeat
    extra = 0
    fields = ["organization", "position", "starts_on", "ends_on", "concurrent", "main_place", "suspended_on"]
    autocomplete_fields = ["organization"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "card_number", "cell", "status", "admitted_on", "official_on"]
    list_filter = ["status", "gender", "is_leader"]
    search_fields = ["search_text", "card_number"]
    autocomplete_fields = ["cell", "user"]
    ordering = ["sort_key"]
    inlines = [StatusInline, CellInline, DisciplineInline, LeaveInline, SeatInline]

    def get_search_results(self, request, queryset, search_term):
        # Accent-insensitive like the app's own search.
        return queryset.search(search_term), False
