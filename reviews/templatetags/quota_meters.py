"""The quota meters (R-RATE-2) built in Python: `{% cell_quota_meter meters oob %}`, one compact
line per quota group (the cell board and the meeting page, reviews/views/cell/quota.py), and
`{% queue_quota_meter meters selected adding %}`, a card per group (the approval queue,
reviews/views/staff/quota.py).

As included templates they took 0.34 ms (the cell's two meters) and 0.60 ms (the queue's two
cards), built here 0.10 and 0.19 ms (bench/README.md, "2026-12-07, later"). The cell's meter keeps
the id "quota-meter", so a page can reload it with data-hx-get=<reviews:quota_meter URL>
data-hx-target="#quota-meter" data-hx-swap="outerHTML"; `oob` sends it as an htmx out-of-band
swap. Every value is escaped here.
"""

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.escaping import escape
from reviews.quota_groups import has_no_place, no_place_sentence

register = template.Library()


def _v(value) -> str:
    """A value as the template engine writes it: localized, then escaped."""
    return escape(localize(value))


def _cell_meter(meter) -> str:
    tone, headline, count = escape(meter.tone), _v(meter.headline), meter.count
    from_here = ""
    if meter.from_here:
        said = ngettext(
            "Including %(n)s %(level)s proposed, or being proposed, in this cell, counted as if decided.",
            "Including %(n)s %(level)s proposed, or being proposed, in this cell, counted as if decided.",
            meter.from_here,
        ) % {"n": _v(meter.from_here), "level": _v(count.capped_level)}
        from_here = f'<div class="small text-body-secondary">{said}</div>'
    return (
        f'<div class="border rounded px-2 py-1 mb-1 bg-body border-{tone}">\n'
        '<div class="d-flex flex-wrap align-items-baseline column-gap-2">\n'
        f'<strong class="text-{tone}-emphasis">{headline}</strong>\n'
        f'<span class="badge text-bg-{tone}">{_v(meter.badge)}</span>\n'
        f'<span class="small">{_v(meter.status)}</span>\n'
        f'<span class="small text-body-secondary ms-md-auto">{_v(count.label)}</span>\n'
        "</div>\n"
        f'<div class="progress mt-1" style="height: .375rem" role="progressbar" aria-label="{_v(count.label)}"'
        f' aria-valuenow="{_v(count.capped)}" aria-valuemin="0" aria-valuemax="{_v(count.limit)}"'
        f' aria-valuetext="{headline}">\n'
        f'<div class="progress-bar bg-{tone}" style="width: {_v(meter.bar_percent)}%"></div>\n'
        f"</div>\n{from_here}\n</div>"
    )


@register.simple_tag
def cell_quota_meter(meters, oob: bool = False) -> SafeString:
    swap = ' data-hx-swap-oob="true"' if oob else ""
    shown = "\n".join(_cell_meter(meter) for meter in meters) or (
        '<p class="small text-body-secondary mb-0">'
        + escape(_("No member of this cell is in a quota group."))
        + "</p>"
    )
    return mark_safe(  # escaped here
        f'<div id="quota-meter" class="quota-meter" aria-live="polite"{swap}>\n{shown}\n</div>'
    )


def _queue_state(meter) -> str:
    planned = meter.planned
    if planned.exceeded:
        then = (
            _("Deciding these needs a reason.")
            if meter.exceed_with_reason
            else _("These cannot all be decided.")
        )
        badge = escape(_("Over the quota"))
        return (
            f'<p class="small text-danger fw-semibold mb-0"><span class="badge text-bg-danger">{badge}</span>'
            f"\n{escape(then)}\n</p>"
        )
    if has_no_place(planned):
        badge, said = escape(_("No place for now")), escape(no_place_sentence(planned))
        return f'<p class="small mb-0"><span class="badge text-bg-secondary">{badge}</span> {said}</p>'
    if planned.capped == planned.limit:
        badge, said = escape(_("At the limit")), escape(_("No room for another."))
        return f'<p class="small mb-0"><span class="badge text-bg-warning">{badge}</span> {said}</p>'
    badge = escape(_("Within the quota"))
    return f'<p class="small mb-0"><span class="badge text-bg-success">{badge}</span></p>'


def _queue_card(meter) -> str:
    c, decided = meter.planned, meter.decided
    if c.exceeded:
        bar = "bg-danger"
    elif meter.percent_used >= 100:
        bar = "bg-warning"
    else:
        bar = "bg-success"
    allowed = _("allowed = %(percent)s%% × %(base)s %(level)s") % {
        "percent": _v(c.percent),
        "base": _v(c.base),
        "level": _v(c.base_level),
    }
    so_far = _("Decided so far: %(level)s %(capped)s/%(limit)s, %(base)s %(base_level)s.") % {
        "capped": _v(decided.capped),
        "limit": _v(decided.limit),
        "base": _v(decided.base),
        "level": _v(decided.capped_level),
        "base_level": _v(decided.base_level),
    }
    used = _("Quota used: %(label)s") % {"label": _v(c.label)}
    return (
        '<div class="col">\n'
        f'<div class="card h-100{" border-danger" if c.exceeded else ""}">\n<div class="card-body py-2">\n'
        f'<h3 class="h6 mb-1">{_v(c.label)}</h3>\n<p class="mb-1">\n'
        f'<strong class="fs-5">{_v(c.capped_level)} {_v(c.capped)}/{_v(c.limit)}</strong>\n'
        f'<span class="small text-body-secondary">{allowed}</span>\n</p>\n'
        f'<div class="progress mb-1" role="progressbar" aria-label="{used}"'
        f' aria-valuenow="{_v(c.capped)}" aria-valuemin="0" aria-valuemax="{_v(c.limit)}" style="height: .5rem">\n'
        f'<div class="progress-bar {bar}" style="width: {_v(meter.percent_used)}%"></div>\n</div>\n'
        f'{_queue_state(meter)}\n<p class="small text-body-secondary mb-0">\n{so_far}\n</p>\n'
        "</div>\n</div>\n</div>"
    )


@register.simple_tag
def queue_quota_meter(meters, selected: bool, adding: int) -> SafeString:
    if not meters:
        return mark_safe(
            '<p class="small text-body-secondary">'
            + escape(_("No quota group concerns the subjects shown."))
            + "</p>"
        )
    if selected:
        counting = ngettext(
            "Counting what is decided plus the %(counter)s ticked proposal.",
            "Counting what is decided plus the %(counter)s ticked proposals.",
            adding,
        )
    else:
        counting = ngettext(
            "Counting what is decided plus the %(counter)s proposal on this page; tick rows to count only those.",
            "Counting what is decided plus the %(counter)s proposals on this page; tick rows to count only those.",
            adding,
        )
    cards = "\n".join(_queue_card(meter) for meter in meters)
    return mark_safe(  # escaped here
        f'<p class="small text-body-secondary mb-2">\n{counting % {"counter": _v(adding)}}\n</p>\n'
        f'<div class="row row-cols-1 row-cols-md-2 row-cols-xl-3 g-2">\n{cards}\n</div>'
    )
