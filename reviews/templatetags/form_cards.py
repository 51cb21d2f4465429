"""The self-review form's item cards, built in Python: every kind of item, in its card with its
heading. A written item (text, grade, self-rated level) shows its answer (`form_parts`); the
remediation item starts from what last year's review found; the suggestions item holds one
explanation per suggestion issued; the pledge item assesses each commitment of the year's pledge;
an item with the reference lists adds their tick boxes; part B's task list and points are built
by `form_part_b`.

As one template of every kind (`_item.html`) these cards took about 1 ms of an editable form of
6 ms in-process (bench/README.md, "2026-12-06, late"). The markup is the one static/js/member.js
and the browser tests rely on (`item-`, `h-`, `[data-autosave]` forms with their `.save-status`,
`#refs-form`, `[data-ref-count]`). Every value is escaped here.
"""

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from config.escaping import escape
from reviews.templatetags.form_part_b import points, task_list
from reviews.templatetags.form_parts import autosave_form, editable_answer, read_answer, reference_boxes


def _lines(text) -> str:
    return linebreaksbr(text or "", autoescape=True)


def _short_date(value) -> str:
    """As the `date:"SHORT_DATE_FORMAT"` filter shows it: a moment in the local time zone."""
    return date_format(template_localtime(value), "SHORT_DATE_FORMAT")


def _found_last_year(previous: dict) -> list[str]:
    """Last year's decided level, shortcomings and remediation plan, or that none was recorded."""
    parts = []
    if level := previous.get("level"):
        label, decided = previous.get("level_label"), escape(_("Rating decided:"))
        shown = f"<strong>{escape(label or level)}</strong>" + (f" ({escape(level)})" if label else "")
        parts.append(f'<p class="small mb-1">{decided} {shown}</p>')
    if previous.get("shortcomings"):
        heading = escape(_("Shortcomings"))
        parts.append(
            f'<p class="small fw-semibold mb-0">{heading}</p>\n<p class="mb-2">{_lines(previous["shortcomings"])}</p>'
        )
    if previous.get("items"):
        heading, due, rows = escape(_("Remediation plan")), escape(_("due")), []
        for item in previous["items"]:
            when = f" · {due} {_short_date(item.due_on)}" if item.due_on else ""
            note = f" · {escape(item.status_note)}" if item.status_note else ""
            rows.append(
                f"<li>{escape(item.text)} — <em>{escape(item.get_status_display())}</em>{when}{note}</li>"
            )
        parts.append(
            f'<p class="small fw-semibold mb-0">{heading}</p>\n<ul class="mb-0">\n'
            + "\n".join(rows)
            + "\n</ul>"
        )
    if not previous.get("shortcomings") and not previous.get("items"):
        nothing = escape(_("No shortcomings or remediation items were recorded."))
        parts.append(f'<p class="small mb-0">{nothing}</p>')
    return parts


def previous_review(row: dict, previous: dict) -> str:
    """What last year's review found, which the remediation item starts from (R-FORM-6)."""
    dom = escape(row["dom"])
    if previous.get("year"):
        said = escape(_("What the %(year)s review found") % {"year": previous["year"]})
        found = "\n".join((f'<h4 class="h6" id="prev-{dom}">{said}</h4>', *_found_last_year(previous)))
    else:
        nothing = escape(_("No earlier review is on record to start from."))
        found = f'<p class="small mb-0" id="prev-{dom}">{nothing}</p>'
    return (
        f'<div role="region" class="previous-review border-start border-4 ps-3 py-2 mb-3 bg-body-tertiary" '
        f'aria-labelledby="prev-{dom}">\n{found}\n</div>'
    )


def suggestion_answers(context) -> str:
    """Each suggestion issued to the subject (R-FORM-4), with the explanation it asks for."""
    suggestions = context["suggestions"]
    if not suggestions:
        nothing = escape(_("No review suggestion has been issued; nothing to explain here."))
        return f'<p class="text-body-secondary mb-0">{nothing}</p>'
    season, subject, cards = context["season"], context["subject"], []
    explain, save = escape(_("Your explanation")), _("Save this answer")
    explained, unanswered = escape(_("Explanation:")), escape(_("not answered"))
    for suggestion in suggestions:
        pk = int(suggestion.pk)
        unit = suggestion.issued_by_unit.name if suggestion.issued_by_unit else ""
        said = _("Review suggestion from %(unit)s, %(date)s") % {
            "unit": unit,
            "date": _short_date(suggestion.issued_at),
        }
        if context["editable"]:
            url = reverse("reviews:form-answer", args=(season.pk, subject.pk, pk))
            body = (
                f'<label class="form-label small fw-semibold" for="f-suggestion-{pk}">{explain}</label>\n'
                f'<textarea class="form-control bg-body" name="answer" id="f-suggestion-{pk}" rows="4">\n'
                f"{escape(suggestion.answer)}</textarea>"
            )
            answer = autosave_form(context, url, body, save)
        else:
            given = _lines(suggestion.answer) if suggestion.answer else f"<em>{unanswered}</em>"
            answer = f'<p class="mb-0"><span class="fw-semibold">{explained}</span> {given}</p>'
        cards.append(
            f'<div class="alert alert-warning" id="item-suggestion-{pk}">\n'
            f'<p class="fw-semibold mb-1">{escape(said)}</p>\n<p>{_lines(suggestion.text)}</p>\n{answer}\n</div>'
        )
    return "\n".join(cards)


def _commitment(context, prow: dict, words: dict) -> str:
    dom, item, answer = escape(prow["dom"]), prow["item"], prow["answer"]
    parts = [
        f'<p class="mb-1"><span class="badge text-bg-light border">{escape(item.get_category_display())}</span> '
        f'<span id="h-{dom}">{escape(item.text)}</span></p>'
    ]
    if item.target:
        parts.append(f'<p class="small mb-2">{words["target"]} {escape(item.target)}</p>')
    if context["editable"]:
        chosen, choices = answer.get("assessment"), []
        for code, label in context["assessments"]:
            ticked, code = " checked" if chosen == code else "", escape(code)
            choices.append(
                f'<div class="form-check form-check-inline">\n'
                f'<input class="form-check-input" type="radio" name="assessment" value="{code}" '
                f'id="f-{dom}-{code}"{ticked}>\n'
                f'<label class="form-check-label" for="f-{dom}-{code}">{escape(label)}</label>\n</div>'
            )
        body = (
            f'<input type="hidden" name="key" value="{escape(prow["key"])}">\n'
            f'<label class="form-label small" for="f-{dom}-fulfilment">{words["fulfilled"]}</label>\n'
            f'<textarea class="form-control" name="fulfilment" id="f-{dom}-fulfilment" rows="2">\n'
            f"{escape(answer.get('fulfilment') or '')}</textarea>\n"
            f'<fieldset class="mt-2">\n<legend class="small fw-semibold mb-1">{words["assessment"]}</legend>\n'
            + "\n".join(choices)
            + "\n</fieldset>"
        )
        parts.append(autosave_form(context, context["save_url"], body, words["save"]))
    else:
        parts.append(
            f'<p class="mb-0">{_lines(answer.get("fulfilment") or "—")}</p>\n<p class="small mb-0">'
            f"{words['assessed']} <strong>{escape(prow['assessment_label'] or '—')}</strong></p>"
        )
    return f'<div class="border rounded p-2 mb-2" id="item-{dom}">\n' + "\n".join(parts) + "\n</div>"


def pledge_assessment(context) -> str:
    """The year's pledge, each commitment assessed (how it was fulfilled, and how well)."""
    pledge, season = context["pledge"], context["season"]
    link = ""
    if context["own"]:
        url = escape(reverse("members:pledge", args=(season.year,)))
        said = escape(_("Open the pledge") if pledge else _("Write the pledge"))
        link = f'<a href="{url}">{said}</a>'
    if not pledge:
        said = _("There is no annual pledge for %(year)s to assess.") % {"year": season.year}
        return f'<div class="alert alert-warning mb-0">\n{escape(said)}\n{link}\n</div>'
    said = _("Assess each commitment of your pledge for %(year)s (pledge: %(state)s).") % {
        "year": season.year,
        "state": pledge.get_state_display(),
    }
    words = {
        "target": escape(_("Target:")),
        "fulfilled": escape(_("How it was fulfilled")),
        "assessment": escape(_("Assessment")),
        "assessed": escape(_("Assessment:")),
        "save": _("Save this item"),
    }
    rows = [_commitment(context, prow, words) for prow in context["pledge_rows"]]
    if not rows:
        nothing = escape(_("The pledge has no commitments."))
        rows = [f'<p class="text-body-secondary">{nothing}</p>']
    return f'<p class="small">{escape(said)}\n{link}</p>\n' + "\n".join(rows)


def reference_lists(context) -> str:
    """The reference lists (manifestations of degradation, things members must not do): tick
    boxes on an editable form, else the items ticked."""
    ticked, editable = int(context["ticked_count"]), context["editable"]
    heading = escape(_("Manifestations of degradation and things members must not do"))
    counted = escape(_("ticked"))
    hint = escape(
        _(
            "Tick the items your self-review relates to. Items marked “summary” are summaries, not yet "
            "checked against the official text."
        )
    )
    if editable:
        body = '<input type="hidden" name="key" value="refs">\n' + reference_boxes(context["references"])
        save = _("Save the ticked items")
        shown = autosave_form(
            context,
            context["save_url"],
            body,
            save,
            trigger="change",
            attributes=' id="refs-form"',
            status="small",
        )
    else:
        lists = [
            f'<p class="small fw-semibold mb-1">{escape(listed["label"])}</p>\n<ul class="small">'
            + "".join(f"<li>{escape(ref.number)}. {escape(ref.label)}</li>" for ref in listed["ticked"])
            + "</ul>"
            for listed in context["references"]
            if listed["ticked"]
        ]
        if not ticked:
            nothing = escape(_("No item ticked."))
            lists.append(f'<p class="small text-body-secondary">{nothing}</p>')
        shown = "\n".join(lists)
    return (
        f'<details class="mt-3 references"{" open" if ticked and not editable else ""}>\n<summary>{heading}\n'
        f'<span class="badge text-bg-secondary"><span data-ref-count>{ticked}</span> {counted}</span></summary>\n'
        f'<p class="small text-body-secondary mt-2">{hint}</p>\n{shown}\n</details>'
    )


def _body(context, row: dict, summary) -> str:
    kind = row["type"]
    if kind == "suggestions":
        return suggestion_answers(context)
    if kind == "tasks":
        return task_list(context, row)
    if kind == "scores":
        return points(context, row, summary)
    if kind == "pledge":
        return pledge_assessment(context)
    answer = editable_answer(context, row) if context["editable"] else read_answer(row)
    return f"{previous_review(row, context['previous'])}\n{answer}" if kind == "remediation" else answer


def item_card(context, row: dict, section: dict, summary) -> str:
    """An item in its card: its key (unless it is the section's only item) and title, then what
    its kind asks for and, where it carries them, the reference lists; `summary` is the template
    of part B's points summary."""
    dom = escape(row["dom"])
    key = escape(row["key"])
    numbered = f'<span class="text-body-secondary">{key}.</span> ' if row["key"] != section["key"] else ""
    references = "\n" + reference_lists(context) if row["item"]["references"] else ""
    return (
        f'<div class="card mb-3 form-item" id="item-{dom}">\n<div class="card-body">\n'
        f'<h3 class="h6" id="h-{dom}">{numbered}{escape(row["item"].get("title", ""))}</h3>\n'
        f"{_body(context, row, summary)}{references}\n</div>\n</div>"
    )
