"""The forms of the board's criteria and season-opening pages (reviews/views/criteria.py).

The criteria editor is one formset per group of a profile (prefixes "general" and "tasks").
Every button of the page posts the whole form — add an item, move one up or down, remove one,
check, save — and the page comes back with everything typed, so nothing is lost whatever the
user presses (or if JavaScript is off).
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.row_ids import row_id
from config.widgets import DateInput
from reviews.criteria import DEFAULT_METHODS, MAX_ITEMS, method_labels, new_key, profile_problems, with_keys
from reviews.models import RuleSet
from reviews.scoring import groups, parse_number, quantum
from reviews.views.dashboard import PHASE_LABELS

FIELDS = ("key", "title", "max", "method")


class ItemForm(forms.Form):
    """One criteria item. Every field may be left empty: a row left wholly empty is dropped."""

    key = forms.CharField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=gettext_lazy("Criterion"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    max = forms.CharField(
        label=gettext_lazy("Maximum points"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "data-item-max": ""}),
    )
    method = forms.ChoiceField(
        label=gettext_lazy("How it is scored"), choices=lambda: list(method_labels().items())
    )

    def __init__(self, *args, step: Decimal = Decimal("0.1"), **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step

    def clean(self):
        data = super().clean()
        title, raw = str(data.get("title") or "").strip(), str(data.get("max") or "").strip()
        if not (title or raw):
            return data
        if not title:
            self.add_error("title", _("Give the item a title."))
        value = parse_number(raw)
        if value is None or value <= 0:
            self.add_error("max", _("Type a number of points above 0, such as 5 or 2,5."))
        elif value != value.quantize(self.step):
            self.add_error("max", _("At most one decimal place, such as 2,5."))
        return data


ItemFormSet = forms.formset_factory(ItemForm, extra=0, max_num=MAX_ITEMS + 10, absolute_max=MAX_ITEMS + 10)


def is_blank(row: dict) -> bool:
    return not (str(row.get("title", "")).strip() or str(row.get("max", "")).strip())


class Editor:
    """The rows of one profile's groups as typed, the action pressed, and what the page shows."""

    def __init__(self, scoring: dict, profile: str, rows: dict[str, list[dict]]):
        self.scoring, self.profile = scoring, profile
        self.rows = {g["key"]: with_keys(g["key"], rows.get(g["key"]) or []) for g in groups(scoring)}
        self.focus = ""  # "<row prefix>:<title|up|down>": what takes the focus after an action

    @classmethod
    def saved(cls, scoring: dict, profile: str, chosen: dict) -> "Editor":
        rows = {
            key: [{name: _text(row.get(name, "")) for name in FIELDS} for row in items]
            for key, items in chosen.items()
        }
        return cls(scoring, profile, rows)

    @classmethod
    def posted(cls, scoring: dict, profile: str, data) -> "Editor | None":
        """The rows as posted; None when the page was sent incomplete (a group's count missing),
        which must not be read as "no items"."""
        rows = {}
        for group in groups(scoring):
            formset = ItemFormSet(data, prefix=group["key"])
            if not formset.management_form.is_valid():
                return None
            rows[group["key"]] = [
                {name: str(data.get(form.add_prefix(name), ""))[:500] for name in FIELDS}
                for form in formset.forms
            ]
        return cls(scoring, profile, rows)

    def apply(self, action: str) -> bool:
        """Add, move or remove a row ("add:tasks", "up:general:2", …); False if it names none."""
        verb, _sep, rest = action.partition(":")
        key, _sep, index = rest.partition(":")
        rows = self.rows.get(key)
        if rows is None:
            return False
        if verb == "add":
            if len(rows) < MAX_ITEMS:
                rows.append(
                    {"key": new_key(key, rows), "title": "", "max": "", "method": DEFAULT_METHODS[key]}
                )
                self.focus = f"{key}-{len(rows) - 1}:title"
            return True
        n = row_id(index)
        if n is None or n >= len(rows):
            return False
        if verb == "remove":
            rows.pop(n)
        elif verb in ("up", "down"):
            to = max(0, n - 1) if verb == "up" else min(len(rows) - 1, n + 1)
            rows[n], rows[to] = rows[to], rows[n]
            # The moved row's button keeps the focus, or the other one at either end.
            button = {0: "down", len(rows) - 1: "up"}.get(to, verb) if len(rows) > 1 else ""
            self.focus = f"{key}-{to}:{button}" if button else ""
        return True

    def drop_blank(self) -> None:
        self.rows = {key: [r for r in rows if not is_blank(r)] for key, rows in self.rows.items()}

    def chosen(self) -> dict[str, list[dict]]:
        """The rows that hold something, as `criteria_problems` and `save_profile` read them."""
        return {key: [r for r in rows if not is_blank(r)] for key, rows in self.rows.items()}

    def problems(self) -> list[str]:
        return profile_problems(self.scoring, self.profile, self.chosen())

    def formsets(self, *, validate: bool) -> list[dict]:
        """Per group: its label and points, and a formset of its rows (checked when `validate`:
        every field then shows its own error)."""
        step = quantum(self.scoring)
        found = []
        for group in groups(self.scoring):
            rows = self.rows[group["key"]]
            if validate:
                data = {f"{group['key']}-TOTAL_FORMS": len(rows), f"{group['key']}-INITIAL_FORMS": 0}
                for n, row in enumerate(rows):
                    data.update({f"{group['key']}-{n}-{name}": row.get(name, "") for name in FIELDS})
                formset = ItemFormSet(data, prefix=group["key"], form_kwargs={"step": step})
                formset.is_valid()
            else:
                formset = ItemFormSet(initial=rows, prefix=group["key"], form_kwargs={"step": step})
            total = sum((parse_number(r.get("max", "")) or Decimal(0) for r in rows), Decimal(0))
            found.append(
                {**group, "formset": formset, "total": total, "adds_up": total == Decimal(group["max"])}
            )
        return found


def _text(value) -> str:
    """A stored maximum as typed in Vietnamese (7.5 → "7,5")."""
    return str(value).replace(".", ",") if isinstance(value, int | float) else str(value)


class OpenSeasonForm(forms.Form):
    """Opening the season of a year: the reference date, the rule set, the deadlines per phase."""

    reference_date = forms.DateField(
        label=gettext_lazy("Reference date"),
        widget=DateInput(),
        help_text=gettext_lazy(
            "The tree of organizations and the roll are copied as they stood on this day."
        ),
    )
    rule_set = forms.TypedChoiceField(
        label=gettext_lazy("Rule set"),
        coerce=int,
        help_text=gettext_lazy(
            "The rule set of the year is chosen already. Another may be chosen deliberately; "
            "opening the season freezes it."
        ),
    )
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I have checked the year, the reference date, the rule set and the criteria. Opening the "
            "season copies the tree and the roll and freezes the rule set and the criteria."
        ),
    )

    def __init__(self, *args, year: int, rule_sets: list[RuleSet], **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.rule_sets = {rule_set.pk: rule_set for rule_set in rule_sets}
        self.fields["rule_set"].choices = [(r.pk, r.name) for r in rule_sets]
        for phase, label in PHASE_LABELS.items():
            self.fields[f"deadline_{phase}"] = forms.DateField(
                label=label, required=False, widget=DateInput()
            )
        self.order_fields(["reference_date", "rule_set", *self.deadline_fields(), "stamp", "confirm"])

    def deadline_fields(self) -> list[str]:
        return [f"deadline_{phase}" for phase in PHASE_LABELS]

    def deadline_bound_fields(self) -> list:
        return [self[name] for name in self.deadline_fields()]

    def clean_rule_set(self) -> RuleSet:
        return self.rule_sets[self.cleaned_data["rule_set"]]

    def clean(self):
        data = super().clean()
        allowed = _("Choose a day in %(year)s or %(next)s.") % {"year": self.year, "next": self.year + 1}
        for name in ("reference_date", *self.deadline_fields()):
            day = data.get(name)
            if day and not self.year <= day.year <= self.year + 1:
                self.add_error(name, allowed)
        self._check_finish_deadline(data)
        return data

    def _check_finish_deadline(self, data) -> None:
        """R366-SCOPE-7: the rating is finished by 31/12 of the year, by 15/01 of the next year for
        units with another work year (`deadline_finish`, `deadline_finish_other_year`): a decision
        deadline after the latest of them is refused."""
        rule_set, day = data.get("rule_set"), data.get("deadline_decision")
        limit = rule_set and day and rule_set.day_of("deadline_finish_other_year", self.year + 1)
        if not limit:
            return
        if day > limit:
            self.add_error(
                "deadline_decision",
                _(
                    "The rating of %(year)s is finished by 31/12/%(year)s, by %(limit)s at the latest for "
                    "units with another work year (HD 43-HD/BTCTW, section 4): choose a day up to %(limit)s."
                )
                % {"year": self.year, "limit": limit.strftime("%d/%m/%Y")},
            )

    def deadlines(self) -> dict:
        return {
            phase: self.cleaned_data[f"deadline_{phase}"]
            for phase in PHASE_LABELS
            if self.cleaned_data.get(f"deadline_{phase}")
        }
