"""Form widgets shared by the apps."""

from django import forms
from django.utils import formats

_SHOWN = (("%d", "dd"), ("%m", "mm"), ("%Y", "yyyy"))


def date_placeholder() -> str:
    """The active language's first date input format as people write it ("dd/mm/yyyy" in Vietnamese)."""
    text = formats.get_format("DATE_INPUT_FORMATS")[0]
    for code, shown in _SHOWN:
        text = text.replace(code, shown)
    return text


class DateInput(forms.DateInput):
    """A date typed in the language's order (dd/mm/yyyy in Vietnamese).

    Not the browser's date picker: its day/month order follows the browser's own locale, so a
    Vietnamese secretary on an English browser would see 11/20/2026."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", date_placeholder())
        return context
