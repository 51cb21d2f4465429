"""The forms of the review meeting page: the meeting record and one row per member."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from config.widgets import DateInput
from reviews import workflow
from reviews.models import MeetingEntry, Season, Subject
from reviews.regimes import regime_of
from reviews.views.cell import appraisal

S = Subject.State


def _vote_fields(form: forms.Form, levels: list[str], css: str) -> None:
    for code in levels:
        form.fields[f"votes_{code}"] = forms.IntegerField(
            label=code,
            required=False,
            min_value=0,
            max_value=9999,
            widget=forms.NumberInput(attrs={"class": css, "inputmode": "numeric", "min": 0}),
        )


def _votes(cleaned: dict, levels: list[str]) -> dict[str, int]:
    return {code: cleaned[f"votes_{code}"] for code in levels if cleaned.get(f"votes_{code}") is not None}


class MeetingForm(forms.Form):
    """The meeting record; while the cell's own review is not recorded, also what the meeting
    said about the cell (its entry goes first, R-ORDER-2)."""

    held_on = forms.DateField(label=gettext_lazy("Meeting date"), widget=DateInput())
    draft_circulated_on = forms.DateField(
        label=gettext_lazy("Draft report circulated on"), required=False, widget=DateInput()
    )
    present = forms.IntegerField(label=gettext_lazy("Present"), min_value=0)
    total = forms.IntegerField(label=gettext_lazy("Summoned"), min_value=1)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, season: Season, with_collective: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = season.rule_set.level_codes()
        self.with_collective = with_collective
        days = season.rule_set.switch("circulation_working_days")
        self.fields["draft_circulated_on"].help_text = ngettext(
            "At least %(n)d working day before the meeting, not counting the day it is sent, the "
            "meeting day, weekends and public holidays.",
            "At least %(n)d working days before the meeting, not counting the day it is sent, the "
            "meeting day, weekends and public holidays.",
            days,
        ) % {"n": days}
        if season.rule_set.switches.get("meeting_min_days"):  # R366-SCOPE-8
            self.fields["ends_on"] = forms.DateField(
                label=_("Last day (a meeting of several days)"), required=False, widget=DateInput()
            )
        if season.rule_set.switches.get("draft_comments"):  # R366-ORDER-5
            self.fields["related_comments"] = forms.CharField(
                label=_("Comments of the related bodies at the same level on the draft report"),
                help_text=_("Which bodies commented, and in short what they said."),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields["working_group"] = forms.CharField(
                label=_("Working group of the standing committee above"),
                help_text=_("Where there are review suggestions: the members of the working group sent."),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if with_collective:
            self.fields["comments"] = forms.CharField(
                label=_("Comments on the cell's report"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields["assessment"] = forms.CharField(
                label=_("The meeting's assessment of the cell"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            _vote_fields(self, self.levels, "form-control")

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("present") or 0) > (cleaned.get("total") or 0) and not self.has_error("total"):
            self.add_error("present", _("No more can be present than were summoned."))
        return cleaned

    def vote_fields(self):
        return [self[f"votes_{code}"] for code in self.levels] if self.with_collective else []

    def meeting_input(self) -> workflow.MeetingInput:
        data = self.cleaned_data
        return workflow.MeetingInput(
            held_on=data["held_on"],
            present=data["present"],
            total=data["total"],
            draft_circulated_on=data.get("draft_circulated_on"),
            notes=data.get("notes", ""),
            ends_on=data.get("ends_on"),
            related_comments=data.get("related_comments", ""),
            working_group=data.get("working_group", ""),
        )

    def collective_entries(self, collective: Subject) -> list[workflow.EntryInput]:
        if not self.with_collective:
            return []
        data = self.cleaned_data
        return [
            workflow.EntryInput(
                subject=collective,
                comments=data.get("comments", ""),
                assessment=data.get("assessment", ""),
                votes=_votes(data, self.levels),
            )
        ]


REVIEWED, ABSENT = "reviewed", "absent"
ENTRY_FIELDS = ("outcome", "absent_reason", "comments", "assessment")


class RowForm(forms.Form):
    """One member's row of the meeting page; fields are named `<subject id>-<field>`.

    A reviewed member's entry may be corrected until their level is proposed; after that the
    entry and the proposal are locked."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[("", "—"), (REVIEWED, gettext_lazy("Reviewed")), (ABSENT, gettext_lazy("Absent"))],
    )
    absent_reason = forms.CharField(label=gettext_lazy("Why absent"), required=False, max_length=255)
    comments = forms.CharField(
        label=gettext_lazy("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assessment = forms.CharField(
        label=gettext_lazy("The cell's assessment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    level = forms.ChoiceField(label=gettext_lazy("Proposed level"), required=False)
    civil_service_level = forms.ChoiceField(label=gettext_lazy("Civil-service level"), required=False)

    def __init__(
        self,
        *args,
        subject: Subject,
        entry: MeetingEntry | None,
        read_only: bool = False,
        answers: dict | None = None,
        **kwargs,
    ):
        self.subject = subject
        self.levels = subject.season.rule_set.level_codes()
        initial = {"level": subject.proposed_level, "civil_service_level": subject.civil_service_level}
        if entry is not None:
            initial.update(
                outcome=REVIEWED if entry.reviewed else ABSENT,
                absent_reason=entry.absent_reason,
                comments=entry.comments,
                assessment=entry.assessment,
                **{f"votes_{code}": n for code, n in (entry.votes or {}).items()},
            )
        super().__init__(*args, prefix=str(subject.pk), initial=initial, **kwargs)
        _vote_fields(self, self.levels, "form-control form-control-sm vote-input")
        choices = [("", "—")] + [(code, code) for code in self.levels]
        self.fields["level"].choices = choices
        self.fields["civil_service_level"].choices = choices
        if not subject.is_civil_servant:
            del self.fields["civil_service_level"]
        self.points = regime_of(subject.season.rule_set).uses_points
        if self.points:
            appraisal.add_fields(self, subject, answers or {})
        for bound in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(bound, forms.ChoiceField)
                else "form-control form-control-sm"
            )
            bound.widget.attrs.setdefault("class", css)
        self.fields["level"].widget.attrs["class"] += " js-level"
        self.fields["outcome"].widget.attrs["class"] += " js-outcome"
        self.entry_locked = read_only or subject.state in (S.PROPOSED, S.DECIDED, S.EXCLUDED)
        self.proposal_locked = read_only or subject.state in (
            S.PROPOSED,
            S.DECIDED,
            S.EXCLUDED,
            *workflow.EDITABLE,
        )
        for name in self.entry_field_names():
            self.fields[name].disabled = self.entry_locked
        for name in ("level", "civil_service_level", *self.appraisal_field_names()):
            if name in self.fields:
                self.fields[name].disabled = self.proposal_locked

    def appraisal_field_names(self) -> list[str]:
        return appraisal.field_names(self) if self.points else []

    def appraisal_points(self):
        return [self[f"points_{item.key}"] for item in self.point_items] if self.points else []

    def appraisal_cases(self):
        if not self.points:
            return []
        return [(self[f"case_{c['code']}"], self[f"evidence_{c['code']}"]) for c in self.cases]

    def entry_field_names(self) -> list[str]:
        return [*ENTRY_FIELDS, *(f"votes_{code}" for code in self.levels)]

    def vote_fields(self):
        return [self[f"votes_{code}"] for code in self.levels]

    def entry_input(self) -> workflow.EntryInput | None:
        """What to record for this member, if the row says so and something changed."""
        data = self.cleaned_data
        if self.entry_locked or not data.get("outcome"):
            return None
        if not set(self.changed_data) & set(self.entry_field_names()):
            return None
        reviewed = data["outcome"] == REVIEWED
        return workflow.EntryInput(
            subject=self.subject,
            reviewed=reviewed,
            absent_reason="" if reviewed else data["absent_reason"],
            comments=data["comments"],
            votes=_votes(data, self.levels),
            assessment=data["assessment"],
        )

    def typed_without_outcome(self) -> bool:
        """Comments, an assessment, a reason or votes typed in a row whose outcome is not chosen:
        nothing would record them, so the row must not be taken as "nothing to save"."""
        if self.entry_locked or self.cleaned_data.get("outcome"):
            return False
        typed = [
            self.cleaned_data.get(name) for name in self.entry_field_names() if name in self.changed_data
        ]
        return any(str(value).strip() for value in typed if value is not None)

    def proposal_input(self) -> workflow.ProposalInput | None:
        data = self.cleaned_data
        if self.proposal_locked or not data.get("level"):
            return None
        return workflow.ProposalInput(
            subject=self.subject,
            level=data["level"],
            civil_service_level=data.get("civil_service_level", ""),
            **(appraisal.proposal_extras(self) if self.points else {}),
        )
