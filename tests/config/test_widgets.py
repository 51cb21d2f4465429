"""Dates are typed and shown day first in Vietnamese, whatever the browser's locale."""

import datetime

from django import forms
from django.utils import translation

from config.widgets import DateInput, date_placeholder


class MeetingDay(forms.Form):
    held_on = forms.DateField(widget=DateInput())


def test_vietnamese_dates_are_typed_and_shown_day_first():
    with translation.override("vi"):
        assert date_placeholder() == "dd/mm/yyyy"
        form = MeetingDay(data={"held_on": "05/12/2026"})
        assert form.is_valid() and form.cleaned_data["held_on"] == datetime.date(2026, 12, 5)
        html = str(MeetingDay(initial={"held_on": datetime.date(2026, 12, 5)})["held_on"])
        assert 'type="text"' in html and 'value="05/12/2026"' in html and 'placeholder="dd/mm/yyyy"' in html
        assert not MeetingDay(data={"held_on": "12/31/2026"}).is_valid()  # no month-first reading


def test_the_english_interface_keeps_day_first_dates_for_the_same_users():
    with translation.override("en"):
        assert date_placeholder() == "dd/mm/yyyy"
        html = str(MeetingDay(initial={"held_on": datetime.date(2026, 12, 5)})["held_on"])
        assert 'value="05/12/2026"' in html
        form = MeetingDay(data={"held_on": "2026-12-05"})  # ISO is read too
        assert form.is_valid() and form.cleaned_data["held_on"] == datetime.date(2026, 12, 5)
