"""The annual pledge (cam kết tu dưỡng, rèn luyện, phấn đấu): the member writes it, saves drafts,
submits it; afterwards, and for anyone who may see the member, it is read-only."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from members.models import Member, Pledge, PledgeItem
from members.services import PledgeError, save_pledge, submit_pledge
from organizations.access import is_owner, require_view

# A pledge is written for the current year or the next; older years stay readable.
YEARS_BACK = 10


class PledgeItemForm(forms.Form):
    category = forms.ChoiceField(choices=PledgeItem.Category.choices, widget=forms.HiddenInput)
    text = forms.CharField(
        label=gettext_lazy("Commitment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target = forms.CharField(label=gettext_lazy("Measurable target"), required=False, max_length=255)


PledgeFormSet = forms.formset_factory(PledgeItemForm, extra=0, can_delete=True)


def _year_or_404(year: int) -> int:
    this_year = timezone.localdate().year
    if not this_year - YEARS_BACK <= year <= this_year + 1:
        raise Http404
    return year


def _own_member(request) -> Member:
    """The member record of the user: only they write their own pledge (404 for anyone else)."""
    member = Member.objects.select_related("cell").filter(user=request.user).first()
    if member is None:
        raise Http404
    return member


def _pledge(member: Member, year: int) -> Pledge | None:
    return (
        Pledge.objects.filter(member=member, year=year)
        .select_related("acknowledged_by")
        .prefetch_related("items")
        .first()
    )


def _groups(items) -> list[dict]:
    """The five categories in their fixed order, each with its items (or forms)."""
    by_category: dict[str, list] = {value: [] for value in PledgeItem.Category.values}
    for item in items:
        category = item.category if isinstance(item, PledgeItem) else _form_category(item)
        by_category.setdefault(category, []).append(item)
    return [
        {"value": value, "label": label, "rows": by_category[value]}
        for value, label in PledgeItem.Category.choices
    ]


def _form_category(form) -> str:
    if form.is_bound:
        return form.data.get(form.add_prefix("category"), "")
    return form.initial.get("category", "")


def _initial(pledge: Pledge | None) -> list[dict]:
    """The saved items, then one empty row per category to write in."""
    rows = [
        {"category": i.category, "text": i.text, "target": i.target}
        for i in (pledge.items.all() if pledge else [])
    ]
    return rows + [{"category": value} for value in PledgeItem.Category.values]


def _other_years(member: Member, year: int) -> list[int]:
    return [y for y in Pledge.objects.filter(member=member).values_list("year", flat=True) if y != year]


def _page(request, member: Member, year: int, pledge: Pledge | None, formset=None, *, own=True):
    editable = own and (pledge is None or pledge.state == Pledge.State.DRAFT)
    if editable and formset is None:
        formset = PledgeFormSet(initial=_initial(pledge), prefix="items")
    context = {
        "member": member,
        "year": year,
        "pledge": pledge,
        "own": own,
        "editable": editable,
        "formset": formset,
        "groups": _groups(formset.forms if editable else (pledge.items.all() if pledge else [])),
        "other_years": _other_years(member, year),
        "States": Pledge.State,
    }
    return render(request, "members/pledge.html", context)


@login_required
def pledge_current(request):
    return redirect("members:pledge", year=timezone.localdate().year)


@login_required
def pledge(request, year: int):
    member = _own_member(request)
    year = _year_or_404(year)
    return _page(request, member, year, _pledge(member, year))


@login_required
@require_POST
def pledge_save(request, year: int):
    """Save the draft; with action=submit, save and then submit it."""
    member = _own_member(request)
    year = _year_or_404(year)
    formset = PledgeFormSet(request.POST, initial=None, prefix="items")
    if not formset.is_valid():
        messages.error(request, _("Some commitments could not be saved; see the marked fields."))
        return _page(request, member, year, _pledge(member, year), formset)
    items = [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and form.cleaned_data.get("text", "").strip()
    ]
    try:
        saved = save_pledge(member=member, year=year, items=items)
    except PledgeError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
        return redirect("members:pledge", year=year)
    if request.POST.get("action") != "submit":
        messages.success(request, _("Your pledge for %(year)s is saved as a draft.") % {"year": year})
        return redirect("members:pledge", year=year)
    try:
        submit_pledge(pledge=saved)
    except PledgeError as refusal:
        messages.warning(request, _("Your draft is saved, but the pledge could not be submitted yet:"))
        for message in refusal.messages:
            messages.error(request, message)
        return redirect("members:pledge", year=year)
    messages.success(
        request,
        _("Your pledge for %(year)s has been submitted to the cell for acknowledgement.") % {"year": year},
    )
    return redirect("members:pledge", year=year)


@login_required
def pledge_detail(request, uid, year: int):
    """The pledge, read-only, for whoever may see the member (their cell's officers, staff above)."""
    member = Member.objects.select_related("cell").filter(uid=uid).first()
    if member is None:
        raise Http404
    require_view(request.user, member)
    year = _year_or_404(year)
    if is_owner(request.user, member):
        return redirect("members:pledge", year=year)
    return _page(request, member, year, _pledge(member, year), own=False)
