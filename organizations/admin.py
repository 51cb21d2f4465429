from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.actions import reset_second_factor_action
from organizations.models import AffiliatedCollective, Organization, OrganizationChange, Role
from organizations.services import create_organization


class OrganizationCreationForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("parent"), queryset=Organization.objects.filter(dissolved_on__isnull=True), required=False
    )

    class Meta:
        model = Organization
        fields = ["code", "name", "kind", "founded_on", "has_leadership_collective"]


class ChangeInline(admin.TabularInline):
    model = OrganizationChange
    fk_name = "organization"
    extra = 0
    can_delete = False
    fields = [
        "effective_on",
        "action",
        "old_name",
        "new_name",
        "old_parent",
        "new_parent",
        "merged_into",
        "reason",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AffiliateInline(admin.TabularInline):
    model = AffiliatedCollective
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Tree structure changes go through organizations.services (rules and history); the admin
    creates organizations and edits plain attributes only."""

    list_display = ["name", "code", "kind", "founded_on", "dissolved_on"]
    list_filter = ["kind", "dissolved_on"]
    search_fields = ["name", "code"]
    ordering = ["path"]
    readonly_fields = ["path", "depth", "numchild", "dissolved_on", "merged_into"]
    inlines = [AffiliateInline, ChangeInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = OrganizationCreationForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["parent", "code", "name", "kind", "founded_on", "has_leadership_collective"]
        return ["code", "name", "kind", "founded_on", "has_leadership_collective", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_fields, "code", "kind", "name"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        try:
            created = create_organization(
                code=obj.code,
                name=obj.name,
                kind=obj.kind,
                parent=form.cleaned_data.get("parent"),
                founded_on=obj.founded_on,
                actor=request.user,
                has_leadership_collective=obj.has_leadership_collective,
            )
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        obj.pk = created.pk
        obj.path, obj.depth, obj.numchild = created.path, created.depth, created.numchild


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "organization", "starts_on", "ends_on"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__last_name", "organization__name", "organization__code"]
    autocomplete_fields = ["user", "organization"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["organization"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserWithRolesAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, RoleInline]
    actions = [reset_second_factor_action]


admin.site.site_header = _("Kiểm điểm administration")
admin.site.site_title = _("Kiểm điểm")
