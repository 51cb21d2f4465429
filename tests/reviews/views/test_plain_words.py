"""What a member or a secretary reads: full level names, the form's tabs with their titles, and a
collective's report named and submitted as a collective's report (in Vietnamese)."""

import re

import pytest
from django.urls import reverse

from reviews.models import Subject
from tests.reviews.views.test_member_pages import _decide_cell, login, url

pytestmark = pytest.mark.django_db


def test_the_cells_report_is_named_and_submitted_as_the_cells(world, client):
    w = world
    cell = w.subject(unit=w.cell1)
    page = login(client, w.secretary).get(url("form", w, cell)).content.decode()
    assert "Nộp báo cáo kiểm điểm của chi bộ" in page
    assert 'aria-current="page">Báo cáo kiểm điểm của chi bộ<' in page
    assert "Nộp bản kiểm điểm" not in page and "Bản tự kiểm điểm" not in page
    assert "trước khi nộp báo cáo kiểm điểm" in page and "trước khi nộp bản kiểm điểm" not in page


def test_a_members_form_keeps_the_personal_wording(world, client):
    w = world
    page = login(client, w.member_user).get(url("form", w, w.subject(member=w.deputy))).content.decode()
    assert "Nộp bản kiểm điểm" in page and "báo cáo kiểm điểm của chi bộ" not in page


def test_the_form_tabs_show_their_titles_at_every_width(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    page = login(client, w.member_user).get(url("form", w, subject)).content.decode()
    tablist = re.search(r'role="tablist">(.*?)</ul>', page, re.S).group(1)
    assert "d-none" not in tablist and "d-lg-none" not in tablist
    for section in w.season.rule_set.template(subject.form_code)["sections"]:
        first_words = " ".join(section["title"].split()[:3])
        assert re.search(
            rf'role="tab"[^>]*>\s*{re.escape(section["key"])}\. {re.escape(first_words)}', tablist
        )


def test_a_member_reads_the_full_names_of_their_levels(world, client):
    w = world
    _decide_cell(w, w.cell1, w.secretary, w.members1)
    Subject.objects.filter(pk=w.subject(member=w.deputy).pk).update(
        is_civil_servant=True, civil_service_level="HTTNV"
    )
    login(client, w.member_user)
    result = client.get(url("my-result", w)).content.decode()
    assert "HTTNV – Hoàn thành tốt nhiệm vụ" in result  # the self-rating, the proposal, the civil service
    assert result.count("Hoàn thành tốt nhiệm vụ") >= 4
    home = client.get(reverse("home")).content.decode()
    assert re.search(r"Hoàn thành tốt nhiệm vụ\s*</strong>", home)


def test_the_home_pages_result_button_is_named_for_the_page_it_opens(world, client):
    w = world
    login(client, w.member_user)
    home = client.get(reverse("home")).content.decode()
    button = re.search(rf'href="{re.escape(url("my-result", w))}">([^<]*)</a>', home)
    assert button and button.group(1) == "Kết quả của tôi"
    assert "Kết quả của chi bộ" not in home
    assert "<title>Kết quả của tôi" in client.get(url("my-result", w)).content.decode()
