"""A subject's page says who takes its next step and links there: the form to whoever may write it
while it is being written, who must act to anyone else; and its breadcrumb leads back (home, the
organization's page)."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from reviews.models import Subject
from tests.reviews.helpers import fresh

pytestmark = pytest.mark.django_db


def url(name, w, *args):
    return reverse(f"reviews:{name}", args=[w.season.pk, *args])


def test_the_secretary_is_offered_the_cells_report_to_write(world, client):
    w = world
    cell = w.subject(unit=w.cell1)
    assert fresh(cell).state == Subject.State.DRAFT
    client.force_login(w.secretary)
    page = client.get(url("subject", w, cell.pk)).content.decode()
    form = url("form", w, cell.pk)
    assert f'id="write-form" href="{form}"' in page and "Viết và nộp báo cáo kiểm điểm" in page
    assert "vai trò của đồng chí không có thao tác nào" not in page
    # The next step says who takes it, and where.
    who = page[page.index("data-who-acts") :]
    assert "bí thư chi bộ hoặc cán bộ cơ quan tham mưu của cấp ủy" in who[:600]
    assert f'href="{form}"' in who[:800]
    # The missing items link to their place on the form.
    assert f'href="{form}#item-' in page
    # The way back: home, then the cell's board.
    crumbs = page[page.index('class="breadcrumb"') : page.index("</ol>")]
    assert f'href="{reverse("home")}"' in crumbs
    assert f'href="{url("cell", w, "CB1")}"' in crumbs and escape(w.cell1.name) in crumbs


def test_someone_who_may_not_write_is_told_who_must(world, client):
    w = world
    cell = w.subject(unit=w.cell1)
    client.force_login(w.leader)
    response = client.get(url("subject", w, cell.pk))
    page = response.content.decode()
    assert "write" not in response.context["actions"] and 'id="write-form"' not in page
    assert "data-no-action" in page
    assert (
        "Bước “Nộp bản kiểm điểm” do bí thư chi bộ hoặc cán bộ cơ quan tham mưu của cấp ủy thực hiện." in page
    )


def test_the_member_writes_their_own_review_from_its_page(world, client):
    w = world
    own = w.subject(member=w.deputy)
    client.force_login(w.member_user)
    page = client.get(url("subject", w, own.pk)).content.decode()
    assert f'id="write-form" href="{url("form", w, own.pk)}"' in page and "Viết bản tự kiểm điểm" in page
    client.force_login(w.secretary)  # the secretary enters it on the member's behalf, and is told so
    page = client.get(url("subject", w, own.pk)).content.decode()
    assert "Nhập bản kiểm điểm thay đảng viên" in page
