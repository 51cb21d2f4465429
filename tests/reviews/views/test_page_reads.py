"""Issue "Province-scale speed": the helpers that let a page read less — a page and its total in
one query, a board's ancestors read with its unit, the dashboard's rows joined in the view — give
what the plain reads gave, and the HTML joined in Python escapes what it shows."""

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import SeasonUnit, Subject
from reviews.views.common import get_subject
from reviews.views.paging import counted_page
from reviews.views.staff.blockers import ANCESTORS, _board_crumbs


def test_a_page_and_its_total_come_in_one_query(world, django_assert_num_queries):
    rows = Subject.objects.filter(season=world.season).order_by("pk")
    everything = list(rows)
    assert len(everything) > 6
    with django_assert_num_queries(1):
        page, shown = counted_page(rows, "2", 3)
    assert shown == everything[3:6]
    assert (page.number, page.paginator.count) == (2, len(everything))
    assert page.has_previous() and page.start_index() == 4
    # Past the last page, or not a page number: the first page (past the last costs one more query).
    with django_assert_num_queries(2):
        page, shown = counted_page(rows, "999", 3)
    assert (page.number, shown) == (1, everything[:3])
    for number in ("", None, "x", "0", "-2"):
        page, shown = counted_page(rows, number, 3)
        assert (page.number, shown) == (1, everything[:3])
    page, shown = counted_page(rows.none(), "1", 3)
    assert (page.paginator.count, shown) == (0, [])


def test_a_boards_ancestors_read_with_its_unit_are_the_chain_of_its_path(world):
    w = world
    request = RequestFactory().get("/")
    request.user = w.board

    def crumbs_and_unit_reads(unit):
        with CaptureQueriesContext(connection) as queries:
            crumbs = _board_crumbs(request, w.season, unit)
        return crumbs, [
            q for q in queries.captured_queries if q["sql"].startswith('SELECT "reviews_seasonunit"')
        ]

    for code in ("TINH", "XA1", "CS1"):
        with_ancestors = SeasonUnit.objects.select_related(ANCESTORS).get(season=w.season, code=code)
        crumbs, unit_reads = crumbs_and_unit_reads(with_ancestors)
        assert unit_reads == []  # the chain came with the unit
        parent_only = SeasonUnit.objects.select_related("parent").get(season=w.season, code=code)
        read_again, unit_reads = crumbs_and_unit_reads(parent_only)
        assert len(unit_reads) == (1 if code == "CS1" else 0)  # deeper than its parent: one query
        assert crumbs == read_again
        assert crumbs[0]["name"] == "Tỉnh ủy Thử" and crumbs[-1]["name"] == with_ancestors.name
        assert (
            len(crumbs)
            == with_ancestors.depth - SeasonUnit.objects.get(season=w.season, code="TINH").depth + 1
        )


def test_the_dashboards_rows_joined_in_the_view_escape_the_names(world, client):
    w = world
    SeasonUnit.objects.filter(season=w.season, code="CB1").update(name='<b>Tổ "Toán" & Tin</b>')
    client.force_login(w.commune_staff)
    html = client.get(reverse("reviews:dashboard", args=[w.season.pk, "CS1"])).content.decode()
    assert "&lt;b&gt;Tổ &quot;Toán&quot; &amp; Tin&lt;/b&gt;" in html
    assert '<b>Tổ "Toán"' not in html
    link = reverse("reviews:dashboard", args=[w.season.pk, "CB1"])
    assert f'<th scope="row" class="fw-normal"><a href="{link}">' in html


def test_the_queues_rows_joined_in_the_view_escape_what_they_show_and_keep_the_pickers():
    """The queue's rows (reviews/views/staff/queue_rows.py): names, units, reasons and flags are
    escaped; a decidable row has its tick box (`data-blocked` when the engine refuses) and a level
    picker without the proposed level, the remembered level selected; points in Vietnamese."""
    from decimal import Decimal

    from django.utils import translation

    from reviews.rules import Verdict
    from reviews.views.staff.queue import QueueRow
    from reviews.views.staff.queue_rows import rows_html

    unit = SeasonUnit(name='Chi bộ "A" & <B>')
    blocked = Subject(
        pk=7,
        name="Lê <i>Văn</i> Tám",
        kind=Subject.Kind.MEMBER,
        state=Subject.State.PROPOSED,
        unit=unit,
        self_level="HTTNV",
        proposed_level="HTTNV",
        proposed_points=Decimal("87.5"),
        is_leader=True,
    )
    decided = Subject(
        pk=8, name="Trần Chín", kind=Subject.Kind.MEMBER, state=Subject.State.DECIDED, unit=unit
    )
    decided.decided_level = "HTNV"
    rows = [
        QueueRow(
            subject=blocked,
            verdict=Verdict(blockers=["Chưa đủ <điều kiện>"], warnings=["Xem lại & bổ sung"]),
            flags=["Kỷ luật <trong năm>"],
            can_decide=True,
            url="/s/7/?a=1&b=2",
            checked=True,
            level="HTNV",
        ),
        QueueRow(subject=decided, verdict=Verdict(), flags=[], can_decide=False, url="/s/8/"),
    ]
    levels = [("HTXSNV", ""), ("HTTNV", ""), ("HTNV", ""), ("KHTNV", "")]
    with translation.override("vi"):
        html = str(rows_html(rows, levels))
    assert "<i>" not in html and "<B>" not in html and "<điều" not in html and "<trong" not in html
    assert "Lê &lt;i&gt;Văn&lt;/i&gt; Tám" in html and "Chi bộ &quot;A&quot; &amp; &lt;B&gt;" in html
    assert 'href="/s/7/?a=1&amp;b=2"' in html
    assert 'id="pick-7" checked data-blocked="1"' in html and 'id="pick-8"' not in html
    picker = html[html.index('id="level-7"') : html.index("</select>")]
    assert '<option value="">HTTNV</option>' in picker and 'value="HTTNV"' not in picker
    assert '<option value="HTNV" selected>HTNV</option>' in picker
    assert "87,5 điểm" in html and "cán bộ lãnh đạo, quản lý" in html
    assert html.count("<tr") == 2 and html.count('class="table-warning"') == 1
    assert "Xem lại &amp; bổ sung" in html and "<strong>HTNV</strong>" in html


def test_the_queues_rows_write_each_reason_with_its_own_link():
    """Reasons said alike are written once a page (queue_rows._Said), but two with the same words
    that name different places keep each its own link and who acts."""
    from django.utils import translation

    from reviews.refusals import Reason
    from reviews.rules import Verdict
    from reviews.views.staff.queue import QueueRow
    from reviews.views.staff.queue_rows import rows_html

    unit = SeasonUnit(name="Chi bộ 1")
    rows = []
    for pk, url, who in ((1, "/mot/", "Bí thư"), (2, "/hai/", "Bí thư"), (3, "/hai/", "Văn phòng")):
        subject = Subject(
            pk=pk, name=f"Đảng viên {pk}", kind=Subject.Kind.MEMBER, state=Subject.State.PROPOSED
        )
        subject.unit = unit
        reason = Reason("Chưa đủ điều kiện.", rule="R366-RATE-2", who=who, url=url)
        rows.append(QueueRow(subject=subject, verdict=Verdict(blockers=[reason]), flags=[], can_decide=True))
    with translation.override("vi"):
        html = str(rows_html(rows, [("HTNV", "")]))
    cells = html.split("<tr")[1:]
    assert 'href="/mot/"' in cells[0] and 'href="/hai/"' not in cells[0]
    assert 'href="/hai/"' in cells[1] and "Bí thư" in cells[1]
    assert 'href="/hai/"' in cells[2] and "Văn phòng" in cells[2] and "Bí thư" not in cells[2]


def test_the_cell_boards_links_reversed_once_equal_each_rows_reverse(world, client):
    """The cell board's member rows carry their links from URLs reversed once a page: each equals
    what `reverse` gives for the row (its review, its form, the pledge's two actions, the return)."""
    from tests.reviews.helpers import give_pledge

    w = world
    pledge = give_pledge(w.members1[2], acknowledged=False)
    client.force_login(w.secretary)
    response = client.get(reverse("reviews:cell", args=[w.season.pk, "CB1"]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == len(w.members1)
    season = w.season.pk
    for row in rows:
        pk = row.subject.pk
        expected = {
            "subject": reverse("reviews:subject", args=[season, pk]),
            "form": reverse("reviews:form", args=[season, pk]),
            "return_form": reverse("reviews:cell_return_form", args=[season, "CB1", pk]),
        }
        if row.pledge is not None:
            expected |= {
                name: reverse(f"reviews:cell_{name}", args=[season, "CB1", row.pledge.pk])
                for name in ("acknowledge_pledge", "return_pledge")
            }
        assert row.links == expected
    html = response.content.decode()
    assert reverse("reviews:cell_acknowledge_pledge", args=[season, "CB1", pledge.pk]) in html


def test_a_unit_named_by_its_code_is_found_through_an_index(world):
    """Every cell, board and meeting URL names its unit by code: at a province each season holds
    tens of thousands of units, and without the (season, code) index each page scanned them all."""
    sql, params = SeasonUnit.objects.filter(season=world.season, code="CB1").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test's few rows would be scanned anyway
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "unit_season_code_idx" in plan


def test_a_subject_is_read_with_the_season_the_request_already_has(world):
    """get_subject does not join the season again (with its rule set, top organization and quarter
    choices, that join cost PostgreSQL more to plan than the read took to run): the subject holds
    the season given, and its unit, decider and member come with it."""
    w = world
    request = RequestFactory().get("/")
    request.user = w.board
    wanted = Subject.objects.get(season=w.season, member=w.head)
    with CaptureQueriesContext(connection) as queries:
        subject = get_subject(request, w.season, wanted.pk)
        assert (subject.unit.code, subject.decider.code, subject.member_id) == ("CB1", "CS1", w.head.pk)
        assert subject.season is w.season
    subject_reads = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "reviews_subject"')
    ]
    assert len(subject_reads) == 1 and '"reviews_season"' not in subject_reads[0]


def test_the_cell_boards_rows_joined_in_the_view_escape_what_they_show():
    """The cell board's member rows (reviews/views/cell/board_rows.py, reviews/templatetags/cell_rows.py):
    names, reasons, warnings, a returned proposal's reason and an absence are escaped; the pledge's
    two actions and the return carry the page's CSRF token; the second-KHTNV flag and the returned
    mark show (branches the demo's pages do not reach)."""
    from django.utils import translation

    from members.models import Pledge
    from reviews.rules import Verdict
    from reviews.views.cell.board_rows import member_rows_html
    from reviews.views.cell.common import Row

    def member(pk: int, name: str, state: str, **fields) -> Subject:
        return Subject(pk=pk, member_id=pk * 10, name=name, kind=Subject.Kind.MEMBER, state=state, **fields)

    returned = member(
        5,
        "Lê <i>Văn</i> Năm",
        Subject.State.REVIEWED,
        position=Subject.Position.DEPUTY,
        self_level="HTNV",
        flags={"returned_proposal": {"reason": 'Xem lại <mục "2">'}},
    )
    submitted = member(6, "Trần Sáu", Subject.State.SUBMITTED, absent_reason="Ốm <nặng>")
    links = {"subject": "/s/?a=1&b=2", "form": "/f/", "return_form": "/r/"}
    rows = [
        Row(
            subject=returned,
            verdict=Verdict(blockers=["Chưa đủ <điều kiện>"], warnings=["Xem & bổ sung"]),
            second_khtnv=True,
            links=dict(links),
        ),
        Row(
            subject=submitted,
            verdict=Verdict(),
            pledge=Pledge(pk=9, state=Pledge.State.SUBMITTED),
            links=links | {"acknowledge_pledge": "/ack/", "return_pledge": "/back/"},
        ),
    ]
    with translation.override("vi"):
        html = str(member_rows_html(rows, can_manage=True, csrf_token="tok<>"))
    assert "<i>" not in html and "<điều" not in html and "<nặng>" not in html and '<mục "2">' not in html
    assert "Lê &lt;i&gt;Văn&lt;/i&gt; Năm" in html and 'href="/s/?a=1&amp;b=2"' in html
    assert "Chưa đủ &lt;điều kiện&gt;" in html and "Xem &amp; bổ sung" in html
    assert 'lý do: Xem lại &lt;mục &quot;2&quot;&gt;"' in html and "js-returned" in html
    assert 'data-flag="second_khtnv"' in html and "Ốm &lt;nặng&gt;" in html
    assert (
        html.count('name="csrfmiddlewaretoken" value="tok&lt;&gt;"') == 3
    )  # acknowledge, return pledge, return review
    assert 'action="/ack/"' in html and 'action="/back/"' in html and 'id="reason-6"' in html
    assert html.count("<tr") == 2
    with translation.override("vi"):
        followed = str(member_rows_html(rows, can_manage=False, csrf_token="tok"))
    assert "csrfmiddlewaretoken" not in followed and 'id="reason-6"' not in followed
    with translation.override("vi"):
        said = str(Pledge.State.SUBMITTED.label)  # the pledge's state, in the page's language
    with translation.override("en"):
        assert str(Pledge.State.SUBMITTED.label) != said
    assert f'<span class="visually-hidden">{said}</span> <form' in html
    assert f'<span class="badge text-bg-info">{said}</span>' in followed
