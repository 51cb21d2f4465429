"""`{{ form.field|as_filter_field }}`: a list's filter field (a choice or a tick box) in the markup
crispy-forms gives it, written here instead: crispy renders each field through a dozen nested
templates and Django's select each option through one more; on the approval queue that was about
2 ms of every request (bench/README.md, "2026-12-05, late"). Other fields go to crispy as before."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _errors(bound) -> tuple[str, str]:
    """The attributes that mark the field invalid, and the message under it."""
    if not bound.errors:
        return "", ""
    described = f"{bound.auto_id}_error"
    messages = "".join(
        f'<p id="error_{n}_{bound.auto_id}"><strong>{conditional_escape(e)}</strong></p>'
        for n, e in enumerate(bound.errors, 1)
    )
    return (
        f' aria-invalid="true" aria-describedby="{described}"',
        f'<div id="{described}" class="invalid-feedback">{messages}</div>',
    )


def _select(bound) -> str:
    value = bound.value()
    chosen = "" if value is None else str(value)
    options, marked = [], False
    for code, label in bound.field.choices:
        selected = not marked and str(code) == chosen  # the first option of the value, as Django's
        marked = marked or selected
        options.append(
            f'<option value="{escape(code)}"{" selected" if selected else ""}>{conditional_escape(label)}</option>'
        )
    options = "".join(options)
    invalid, feedback = _errors(bound)
    css = "select form-select is-invalid" if bound.errors else "select form-select"
    return (
        f'<div id="div_{bound.auto_id}" class="mb-3">'
        f'<label for="{bound.auto_id}" class="form-label">{conditional_escape(bound.label)}</label>'
        f'<select name="{bound.html_name}" class="{css}"{invalid} id="{bound.auto_id}">{options}</select>'
        f"{feedback}</div>"
    )


def _tick_box(bound) -> str:
    checked = " checked" if bound.field.widget.check_test(bound.value()) else ""
    return (
        f'<div class="mb-3"><div id="div_{bound.auto_id}" class="form-check">'
        f'<input type="checkbox" name="{bound.html_name}" class="checkboxinput form-check-input"'
        f' id="{bound.auto_id}"{checked}>'
        f'<label for="{bound.auto_id}" class="form-check-label">{conditional_escape(bound.label)}</label>'
        "</div></div>"
    )


def _plain(bound) -> bool:
    """A field as the lists' filters have them: optional, enabled, without help text, extra
    attributes or grouped choices; crispy writes any other (and a tick box with an error)."""
    field = bound.field
    return (
        not field.required
        and not field.disabled
        and not field.help_text
        and not field.widget.attrs
        and all(not isinstance(label, (list, tuple)) for _code, label in getattr(field, "choices", ()))
    )


@register.filter
def as_filter_field(bound) -> SafeString:
    widget = bound.field.widget
    if _plain(bound) and type(widget) is forms.Select:
        return mark_safe(_select(bound))  # every value is escaped above
    if _plain(bound) and type(widget) is forms.CheckboxInput and not bound.errors:
        return mark_safe(_tick_box(bound))
    return as_crispy_field(bound)
