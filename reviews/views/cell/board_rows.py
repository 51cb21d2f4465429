"""The cell board's member rows as HTML, joined here rather than in the template: thirty rows of
six cells, each with its state, level, next step, pledge and actions, were most of the template's
time on the page (bench/README.md, "2026-12-05"). Every value is escaped here; the markup is the
one the tests and the browser tests rely on (ids `member-<member id>`, `subject-<id>`,
`reason-<id>`)."""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from config.escaping import escape
from members.models import Pledge
from reviews.models import Subject
from reviews.templatetags.cell_rows import next_step, returned_mark, state_badge


def _labels() -> dict[str, str]:
    """The words every row repeats, translated once per page (escaped)."""
    return {
        key: escape(text)
        for key, text in {
            "second_khtnv": _("Second consecutive KHTNV year"),
            "state": _("State"),
            "level": _("Level"),
            "proposed": _("proposed level"),
            "self_rated": _("self-rated"),
            "none_yet": _("none yet"),
            "pledge": _("Annual pledge"),
            "acknowledge": _("Acknowledge"),
            "return_pledge": _("Return this pledge to its author for changes?"),
            "return": _("Return"),
            "not_started": _("Not started"),
            "enter": _("Enter on their behalf"),
            "view": _("View"),
            "open_form": _("Open the form"),
            "return_with_reason": _("Return with reason"),
            "rework": _("What must be reworked"),
            "return_review": _("Return the review"),
            # The posts as a line of the board holds them (in full in the abbreviation's title).
            f"post_{Subject.Position.HEAD}": pgettext("post, abbreviated", "Sec."),
            f"post_{Subject.Position.DEPUTY}": pgettext("post, abbreviated", "Dep. sec."),
            # a pledge's state, as get_state_display gives it (which hashes its lazy labels each time)
            **{f"pledge_{value}": label for value, label in Pledge.State.choices},
        }.items()
    }


def _name_cell(row, t) -> str:
    s = row.subject
    position = s.get_position_display() if s.position != Subject.Position.MEMBER else ""
    title = s.name + (f" · {position}" if position else "") + f" · {s.form_code}"
    link = row.links.get("subject")
    name = (
        f'<a class="fw-semibold" href="{escape(link)}">{escape(s.name)}</a>'
        if link
        else f'<span class="fw-semibold">{escape(s.name)}</span>'
    )
    flag = (
        f'<span class="badge text-bg-danger" data-flag="second_khtnv">{t["second_khtnv"]}</span>'
        if row.second_khtnv
        else ""
    )
    # The post on a screen: its standard abbreviation (BT, PBT), so that a name and its post hold
    # on the board's one line, and never cut short (a long name yields first, app.css); the word in
    # full on a phone, where the line wraps, and for a screen reader.
    where = (
        '<span class="small text-body-secondary cell-post">· '
        f'<abbr class="d-none d-sm-inline" title="{escape(position)}" aria-hidden="true">'
        f'{t[f"post_{s.position}"]}</abbr><span class="cell-post-full">{escape(position)}</span></span>'
        if position
        else ""
    )
    return f'<td id="subject-{s.pk}" title="{escape(title)}"><div class="cell-name">{name} {flag} {where}</div></td>'


def _state_cell(row, t) -> str:
    absent = row.subject.absent_reason
    title = f' title="{escape(absent)}"' if absent else ""
    reason = f' <span class="small">{escape(absent)}</span>' if absent else ""
    return f'<td{title}><span class="visually-hidden">{t["state"]}:</span> {state_badge(row)}{reason}</td>'


def _level_cell(row, t) -> str:
    """The level first, then what it is (proposed, self-rated): the board's line may cut the
    words short, never the level (app.css, `.cell-level`); the cell's title says both in full."""
    s = row.subject
    title = ""
    if s.decided_level:
        level = f'<strong class="cell-level-code">{escape(s.decided_level)}</strong>'
    elif level_code := s.proposed_level or s.self_level:
        said = t["proposed"] if s.proposed_level else t["self_rated"]
        level = (
            f'<span class="cell-level-code">{escape(level_code)}</span> '
            f'<span class="small text-body-secondary">({said})</span>'
        )
        title = f' title="{escape(level_code)} ({said})"'
    else:
        level = f'<span class="text-body-secondary" aria-hidden="true">—</span><span class="visually-hidden">{t["none_yet"]}</span>'
    return f'<td{title}><span class="visually-hidden">{t["level"]}:</span> <span class="cell-level">{level}</span></td>'


def _pledge_cell(row, t, can_manage: bool, csrf: str) -> str:
    pledge, name = row.pledge, escape(row.subject.name)
    state = (t.get(f"pledge_{pledge.state}") or escape(pledge.state)) if pledge is not None else ""
    if pledge is not None and pledge.state == Pledge.State.SUBMITTED and can_manage:
        shown = (
            f'<span class="visually-hidden">{state}</span> '
            f'<form class="d-inline" method="post" action="{escape(row.links["acknowledge_pledge"])}">{csrf}'
            f'<button type="submit" class="btn btn-sm btn-success py-0">{t["acknowledge"]}'
            f'<span class="visually-hidden"> – {name}</span></button></form> '
            f'<form class="d-inline" method="post" action="{escape(row.links["return_pledge"])}"'
            f' data-confirm="{t["return_pledge"]}">{csrf}'
            f'<button type="submit" class="btn btn-sm btn-outline-secondary py-0">{t["return"]}'
            f'<span class="visually-hidden"> – {name}</span></button></form>'
        )
    elif pledge is not None:
        shown = f'<span class="badge text-bg-{escape(row.pledge_tone)}">{state}</span>'
    else:
        shown = f'<span class="badge text-bg-light border">{t["not_started"]}</span>'
    return f'<td><span class="d-sm-none small">{t["pledge"]}:</span> {shown}</td>'


def _actions_cell(row, t, can_manage: bool, csrf: str) -> str:
    s, name = row.subject, escape(row.subject.name)
    shown = ""
    if form := row.links.get("form"):
        if row.form_editable and can_manage:
            shown = (
                f'<a class="btn btn-sm btn-outline-primary py-0" href="{escape(form)}">{t["enter"]}'
                f'<span class="visually-hidden"> – {name}</span></a>'
            )
        else:
            shown = (
                f'<a class="btn btn-sm btn-outline-secondary py-0" href="{escape(form)}">{t["view"]}'
                f'<span class="visually-hidden"> – {t["open_form"]} – {name}</span></a>'
            )
    if row.returnable and can_manage:
        typed = row.typed_reason  # a refused return's reason, put back: the form opens with it
        shown += (
            f' <details class="d-inline-block align-top"{" open" if typed else ""}>'
            f'<summary class="small">{t["return"]}<span class="visually-hidden"> – {t["return_with_reason"]}'
            f" – {name}</span></summary>\n"
            f'<form method="post" action="{escape(row.links["return_form"])}" class="mt-1">{csrf}\n'
            f'<label class="form-label small" for="reason-{s.pk}">{t["rework"]}</label>\n'
            f'<textarea class="form-control form-control-sm" id="reason-{s.pk}" name="reason" rows="2"'
            f" required>\n{escape(typed or '')}</textarea>\n"
            f'<button type="submit" class="btn btn-sm btn-warning mt-1">{t["return_review"]}</button>\n'
            "</form></details>"
        )
    return f"<td>{shown}</td>"


def _step_cell(row) -> str:
    step = next_step(row, fold_all=True)
    if returned := returned_mark(row, inline=True):
        return f'<td class="cell-step"><div class="cell-step-line">{returned} {step}</div></td>'
    return f'<td class="cell-step">{step}</td>'


def member_rows_html(rows: list, *, can_manage: bool, csrf_token: str) -> SafeString:
    """The `<tr>` of each member row of the cell board (rows from Cell.row, with their links)."""
    t = _labels()
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
    return mark_safe(
        "\n".join(
            f'<tr id="member-{row.subject.member_id}">\n'
            + "\n".join(
                (
                    _name_cell(row, t),
                    _state_cell(row, t),
                    _level_cell(row, t),
                    _step_cell(row),
                    _pledge_cell(row, t, can_manage, csrf),
                    _actions_cell(row, t, can_manage, csrf),
                )
            )
            + "\n</tr>"
            for row in rows
        )
    )
