from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from reviews.models import Decision, Event, ReferenceItem, RuleSet, Season, Subject
from reviews.scope import open_season


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Administrators adjust a copy before a season opens under it; opening freezes it (R-SET-1)."""

    list_display = ["name", "code", "regime", "is_default", "frozen_at"]
    readonly_fields = ["frozen_at"]
    actions = ["copy_rule_set"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.frozen_at:
            return [f.name for f in RuleSet._meta.fields]
        return self.readonly_fields

    @admin.action(description=_("Copy the selected rule sets (to adjust before a season opens)"))
    def copy_rule_set(self, request, queryset):
        for rule_set in queryset:
            copy = RuleSet.objects.get(pk=rule_set.pk)
            copy.pk, copy.frozen_at, copy.is_default = None, None, False
            copy.code = f"{rule_set.code}-ban-sao"[:64]
            copy.name = f"{rule_set.name} (bản sao)"
            copy.save()
        messages.success(request, _("Copied. Adjust the copy, then choose it when opening a season."))


@admin.register(ReferenceItem)
class ReferenceItemAdmin(admin.ModelAdmin):
    list_display = ["list", "number", "label", "verified"]
    list_filter = ["list", "verified"]
    search_fields = ["label"]


class SeasonOpeningForm(forms.ModelForm):
    top_organization = forms.ModelChoiceField(
        label=_("top organization"), queryset=Organization.objects.filter(depth=1, dissolved_on__isnull=True)
    )

    class Meta:
        model = Season
        fields = ["year", "top_organization", "rule_set", "reference_date", "deadlines"]
        help_texts = {
            "deadlines": _(
                'e.g. {"self_review": "2026-12-05", "meeting": "2026-12-12", '
                '"proposal": "2026-12-18", "decision": "2026-12-25"}'
            )
        }


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    """Adding a season opens it: the tree and the roll are copied at the reference date (R-SCOPE-1)."""

    list_display = ["year", "top_organization", "rule_set", "reference_date", "status", "opened_at"]
    readonly_fields = ["opened_at", "opened_by"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = SeasonOpeningForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["year", "top_organization", "rule_set", "reference_date", "opened_at", "opened_by"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["deadlines", "status"])
            return
        try:
            opened = open_season(
                top_organization=obj.top_organization,
                year=obj.year,
                reference_date=obj.reference_date,
                rule_set=obj.rule_set,
                deadlines=obj.deadlines,
                actor=request.user,
            )
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        obj.pk = opened.pk


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subject)
class SubjectAdmin(ReadOnly):
    """For support: workflow steps are taken in the pages, through the engine."""

    list_display = ["name", "kind", "season", "state", "proposed_level", "decided_level", "out_of_scope"]
    list_filter = ["season", "kind", "state"]
    search_fields = ["name", "unit__code"]


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ["subject", "level", "decider", "decided_by", "decided_at", "status"]
    list_filter = ["status"]


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ["season", "seq", "action", "subject", "actor", "at", "from_state", "to_state"]
    list_filter = ["season", "action"]
