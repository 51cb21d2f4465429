"""The queue's rows as HTML, joined here rather than in the template: fifty rows of six cells, a
level picker and the engine's reasons took the template about a third of the page's time
(bench/README.md, "2026-12-05"). Every value is escaped here; the markup is the one the page's
script and the browser tests rely on (ids `pick-<id>` and `level-<id>`, `data-blocked`)."""

from functools import cache

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from config.escaping import escape
from reviews.models import Subject
from reviews.templatetags.reasons import reason_html


def _labels() -> dict[str, str]:
    """The words every row repeats, translated and escaped once per page (the `narrow_` ones are
    a cell's heading, shown on a phone where the table stacks)."""
    words = {
        "org": _("Organization"),
        "self": _("Self / proposed"),
        "decide_as": _("Decide as"),
        "decided": _("Decided"),
        "state": _("State"),
        "blocked": _("Blocked"),
        "ready": _("Ready to decide"),
        "warning": _("Warning"),
        "flag": _("Flag"),
        "leader": _("leader or manager"),
    }
    said = {key: escape(text) for key, text in words.items()}
    for key in ("org", "self", "decided", "state"):
        said[f"narrow_{key}"] = f'<span class="d-sm-none text-body-secondary">{said[key]}: </span>'
    return said


class _Said:
    """What several rows of a page say alike, written once a page: the same reason in every
    blocked row, the same kinds, states, points and level options (the rows were a fifth of the
    queue's time)."""

    def __init__(self, levels):
        self.levels = levels
        self._reasons: dict[tuple, str] = {}
        self.kind = cache(
            lambda kind: escape(Subject.Kind(kind).label if kind in Subject.Kind.values else kind)
        )
        self.state = cache(lambda state, collective: escape(Subject.state_text(state, collective=collective)))
        self.points = cache(
            lambda points: escape(_("%(points)s points") % {"points": floatformat(points, "-1")})
        )
        self.options = cache(self._options)
        self._decide, self._level = _("Decide %(name)s"), _("Level to decide for %(name)s")

    def decide_label(self, name: str) -> str:
        """The tick box's label for a subject (escaped): the sentence translated once a page."""
        return escape(self._decide % {"name": name})

    def level_label(self, name: str) -> str:
        """The level picker's label for a subject (escaped)."""
        return escape(self._level % {"name": name})

    def reason(self, reason) -> str:
        """A reason's HTML; two reasons alike in words may differ in who acts and where."""
        key = (str(reason), *(str(getattr(reason, name, "")) for name in ("rule", "who", "url", "link")))
        if key not in self._reasons:
            self._reasons[key] = reason_html(reason)
        return self._reasons[key]

    def _options(self, proposed: str, chosen: str) -> str:
        return "".join(
            f'<option value="{escape(code)}"{_selected(chosen == code)}>{escape(code)}</option>'
            for code, _label in self.levels
            if code != proposed
        )


def _name_cell(row, t, said: _Said) -> str:
    s = row.subject
    pick = ""
    if row.can_decide:
        checked = " checked" if row.checked else ""
        blocked = ' data-blocked="1"' if row.verdict.blockers else ""
        pick = (
            f'<input class="form-check-input flex-shrink-0 mt-1" type="checkbox" name="subject" value="{s.pk}"'
            f' id="pick-{s.pk}"{checked}{blocked} aria-label="{said.decide_label(s.name)}">'
        )
    leader = f" · {t['leader']}" if s.is_leader else ""
    return (
        f'<td><div class="d-flex align-items-start gap-2">{pick}<div>'
        f'<a href="{escape(row.url)}" class="fw-semibold">{escape(s.name)}</a>'
        f'<div class="small text-body-secondary">{said.kind(s.kind)}{leader}</div>'
        "</div></div></td>"
    )


def _levels_cell(row, t, said: _Said) -> str:
    s = row.subject
    text = f"{escape(s.self_level or '–')} / <strong>{escape(s.proposed_level or '–')}</strong>"
    if s.proposed_points is not None:
        text += f'<br><span class="small">{said.points(s.proposed_points)}</span>'
    return f'<td class="text-nowrap">{t["narrow_self"]}{text}</td>'


def _selected(yes: bool) -> str:
    return " selected" if yes else ""


def _decide_cell(row, t, said: _Said) -> str:
    s = row.subject
    if row.can_decide:
        options = said.options(s.proposed_level, row.level)
        return (
            f'<td><label class="d-sm-none text-body-secondary" for="level-{s.pk}">{t["decide_as"]}</label>'
            f'<select class="form-select form-select-sm" style="min-width: 7rem" name="level-{s.pk}"'
            f' id="level-{s.pk}" aria-label="{said.level_label(s.name)}">'
            f'<option value="">{escape(s.proposed_level)}</option>{options}</select></td>'
        )
    if s.decided_level:
        return f"<td>{t['narrow_decided']}<strong>{escape(s.decided_level)}</strong></td>"
    return "<td></td>"


def _reasons_cell(row, t, said: _Said) -> str:
    blockers, warnings = row.verdict.blockers, row.verdict.warnings
    parts = []
    if blockers:
        items = "".join(f"<li>{said.reason(reason)}</li>" for reason in blockers)
        parts.append(f'<span class="badge text-bg-danger">{t["blocked"]}</span>')
        parts.append(f'<ul class="ps-3 mb-0">{items}</ul>')
    elif row.awaiting:
        parts.append(f'<span class="badge text-bg-success">{t["ready"]}</span>')
    if warnings:
        items = "".join(f"<li>{escape(warning)}</li>" for warning in warnings)
        parts.append(f'<span class="badge text-bg-warning">{t["warning"]}</span>')
        parts.append(f'<ul class="ps-3 mb-0">{items}</ul>')
    for flag in row.flags:
        parts.append(f'<div><span class="badge text-bg-info">{t["flag"]}</span> {escape(flag)}</div>')
    return f'<td class="small">{"".join(parts)}</td>'


def rows_html(rows, levels) -> SafeString:
    """The `<tr>` of each row (an empty string for none: the template says so)."""
    t, said = _labels(), _Said(levels)
    html = []
    for row in rows:
        s = row.subject
        warning = ' class="table-warning"' if row.verdict.blockers else ""
        html.append(
            f"<tr{warning}>{_name_cell(row, t, said)}"
            f"<td>{t['narrow_org']}{escape(s.unit.name)}</td>"
            f"{_levels_cell(row, t, said)}{_decide_cell(row, t, said)}"
            f"<td>{t['narrow_state']}{said.state(s.state, s.is_collective)}</td>"
            f"{_reasons_cell(row, t, said)}</tr>"
        )
    return mark_safe("".join(html))  # every value is escaped above


def shown_html(rows) -> SafeString:
    """The proposals shown, as hidden fields: the quota meter counts them when none is ticked."""
    return mark_safe(  # ids are integers
        "".join(
            f'<input type="hidden" name="shown" value="{row.subject.pk:d}">' for row in rows if row.awaiting
        )
    )
