"""The season dashboard (R-STAT-1, R-STAT-2, R-STAT-3), notifications and the deadline task."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from members.models import DisciplineRecord
from reviews.models import Notification, SeasonUnit, Subject
from reviews.services import submit_remediation_plan
from reviews.tasks import notify_deadlines, send_notification_emails
from reviews.views.cell_format import CellFormat
from reviews.views.dashboard import collect_figures
from reviews.views.dashboard_charts import bar_chart
from reviews.views.notifications import unread_count
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import complete_form, decide, propose, review

pytestmark = pytest.mark.django_db

# Everything a dashboard request costs: the request's own (session, user, season, unit, roles, scope,
# member record, navigation and badge, session save: 13 today) and the figures. The same bound for
# 10 and 200 subjects.
DASHBOARD_QUERIES = 18
# The figures read the kept rows of the unit, of the same organization last season, the children
# and their kept rows, then one query counting the committee members and the discipline.
FIGURES_QUERIES = 5
# The deadline task: open seasons; then per season the notices already sent today, the subjects,
# the people at their units and above, the members' own reminders, the digests.
DEADLINE_TASK_QUERIES = 6


def dashboard_url(w, code, season=None):
    return reverse("reviews:dashboard", args=[(season or w.season).pk, code])


def rate_cell1(w, level="HTTNV"):
    """Take cell 1 and its members through to decided ratings."""
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for m in w.members1:
        complete_form(w.subject(member=m), w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])
    propose([w.subject(member=m) for m in w.members1], w.secretary, level=level)
    propose([w.subject(unit=w.cell1)], w.base_staff)
    decide([w.subject(unit=w.cell1)], w.base_staff)
    decide([w.subject(member=m) for m in w.members1], w.base_staff)


# -- who sees the dashboard ---------------------------------------------------------------------------


def test_board_sees_the_province_with_charts_and_drill_down(client, world):
    w = world
    client.force_login(w.board)
    response = client.get(dashboard_url(w, "TINH"))
    assert response.status_code == 200
    html = response.content.decode()
    # Charts: inline SVG with a title and a description naming the figures; no chart library.
    assert html.count("<svg") == 3 and 'role="img"' in html
    assert '<title id="chart-members-title">' in html and '<desc id="chart-members-desc">' in html
    assert "HTXSNV" in html and '<script src="http' not in html
    # Drill down to the directly subordinate organization, and its dashboard.
    assert dashboard_url(w, "XA1") in html
    response = client.get(dashboard_url(w, "XA1"))
    assert response.status_code == 200
    assert [c["name"] for c in response.context["crumbs"]] == ["Tỉnh ủy Thử", "Đảng ủy xã An Bình"]
    assert {row["unit"].code for row in response.context["children"]} == {"CS1", "CS2"}


def test_the_childrens_table_escapes_names_and_holds_only_numbers_in_its_cells(client, world):
    """The children's rows are written in the view, their number cells unescaped (they hold
    digits, separators and a dash only): a name with markup is still shown as text."""
    w = world
    rate_cell1(w)
    SeasonUnit.objects.filter(season=w.season, code="CS1").update(name='Chi bộ <b>1</b> & "2"')
    client.force_login(w.commune_staff)
    html = client.get(dashboard_url(w, "XA1")).content.decode()
    assert "Chi bộ &lt;b&gt;1&lt;/b&gt; &amp; &quot;2&quot;" in html and "<b>1</b>" not in html
    body = html[html.index('id="children-title"') :]
    body = body[: body.index("</tbody>")]
    cells = re.findall(r'<td class="num">(.*?)</td>', body)
    assert cells and all(re.fullmatch(r"[0-9.,/—]+", cell) for cell in cells), cells


def test_breadcrumb_stops_at_the_top_of_the_users_scope(client, world):
    w = world
    client.force_login(w.base_staff)
    response = client.get(dashboard_url(w, "CB1"))
    assert response.status_code == 200
    crumbs = response.context["crumbs"]
    assert [c["name"] for c in crumbs] == ["Đảng bộ Trường An Bình", "Chi bộ Tổ Toán"]
    assert crumbs[0]["url"] == dashboard_url(w, "CS1")
    assert dashboard_url(w, "XA1") not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("outsider", "TINH"),
        ("secretary2", "CB1"),
        ("base_staff", "XA1"),
        ("leader", "CS2"),
        ("board", "NOPE"),
    ],
)
def test_outside_the_scope_is_404(client, world, who, code):
    client.force_login(getattr(world, who))
    assert client.get(dashboard_url(world, code)).status_code == 404


def test_a_leader_and_a_secretary_see_their_own_subtree(client, world):
    w = world
    client.force_login(w.leader)
    assert client.get(dashboard_url(w, "CS1")).status_code == 200
    client.force_login(w.secretary)
    assert client.get(dashboard_url(w, "CB1")).status_code == 200


def test_a_cells_figures_say_it_has_no_organizations_to_rate_not_0_of_0(client, world):
    """R-STAT-1 counts the organizations under a unit, not the unit itself: a cell has none, and its
    page says so and who rates the cell, instead of "0/0" and an empty chart."""
    w = world
    client.force_login(w.secretary)
    html = client.get(dashboard_url(w, "CB1")).content.decode()
    card = html[
        html.index("data-organizations-card") : html.index("</div>", html.index("data-organizations-card"))
    ]
    assert "do cấp trên quyết định" in card and "/0" not in card
    assert "data-no-organizations" in html and 'id="chart-organizations-title"' not in html
    # A unit with organizations under it keeps its figures and chart.
    client.force_login(w.commune_staff)
    html = client.get(dashboard_url(w, "XA1")).content.decode()
    assert "data-no-organizations" not in html and 'id="chart-organizations-title"' in html
    assert "do cấp trên quyết định" not in html


ZERO_OF_ZERO = re.compile(r"(?<![\d/])0/0(?![\d/])")  # "0/0", not the "10/01" of a date


def test_where_nothing_is_due_the_figures_say_so_in_words_not_0_of_0(client, world):
    """R-STAT-1, R-STAT-3: a figure whose whole is 0 (no member to rate, no collective or committee
    member reviewed yet, a child with no organization to rate) is a sentence or a dash, on every
    level's page; where there is something to count, the figure stays."""
    w = world
    Subject.objects.filter(season=w.season, member__in=w.members2).update(
        out_of_scope=Subject.OutOfScope.EXEMPT
    )
    new_organization = Subject.OutOfScope.NEW_ORGANIZATION
    Subject.objects.filter(season=w.season, unit__code="CS2").exclude(kind=Subject.Kind.MEMBER).update(
        out_of_scope=new_organization
    )
    client.force_login(w.board)
    html = client.get(dashboard_url(w, "CB2")).content.decode()
    assert not ZERO_OF_ZERO.search(html)
    members = html[html.index("data-members-card") : html.index("data-organizations-card")]
    assert "không có đảng viên nào thuộc diện xếp loại" in members
    plans = html[html.index("data-plans-card") : html.index("</section>", html.index("data-plans-card"))]
    assert "Chưa có tập thể nào ở đây phải có kế hoạch khắc phục" in plans
    assert "Chưa có cấp ủy viên nào ở đây phải có kế hoạch khắc phục" in html
    # The commune: its base cell (new, not rated this year) has no organization to rate, a dash.
    response = client.get(dashboard_url(w, "XA1"))
    assert not ZERO_OF_ZERO.search(response.content.decode())
    children = {row["unit"].code: row["cells"] for row in response.context["children"]}
    assert children["CS2"][-2] == "—" and children["CS1"][-2] == "0/3"
    # Once a collective is reviewed, its plan is counted again as x/y, in the card and the list.
    rate_cell1(w)
    submit_remediation_plan(subject=w.subject(unit=w.cell1), actor=w.secretary, items=[{"text": "Khắc phục"}])
    html = client.get(dashboard_url(w, "CB1")).content.decode()
    plans = html[html.index("data-plans-card") : html.index("</section>", html.index("data-plans-card"))]
    assert "1<span" in plans and "/1</span>" in plans and "Chưa có tập thể nào" not in html
    assert "<strong>1/1</strong>" in html and "<strong>0/2</strong>" in html


def test_unknown_season_is_404_and_anonymous_users_sign_in(client, world):
    client.force_login(world.board)
    assert client.get(reverse("reviews:dashboard", args=[99999, "TINH"])).status_code == 404
    client.logout()
    response = client.get(dashboard_url(world, "TINH"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_start_page_opens_the_top_of_the_users_scope(client, world):
    w = world
    start = reverse("reviews:dashboard-start", args=[w.season.pk])
    client.force_login(w.board)
    assert client.get(start)["Location"] == dashboard_url(w, "TINH")
    client.force_login(w.base_staff)
    assert client.get(start)["Location"] == dashboard_url(w, "CS1")
    client.force_login(w.outsider)
    assert client.get(start).status_code == 404


# -- the figures ---------------------------------------------------------------------------------------


def test_r_stat_1_levels_not_rated_and_by_child(client, world):
    w = world
    rate_cell1(w)
    client.force_login(w.commune_staff)
    response = client.get(dashboard_url(w, "XA1"))
    ctx = response.context
    members = {row["code"]: row for row in ctx["member_levels"]}
    assert members["HTTNV"]["count"] == 7 and members["HTTNV"]["percent"] == 100.0
    assert members["HTXSNV"]["count"] == 0
    assert ctx["members"].pending == 5  # cell 2 and the base cell
    assert ctx["decided_members"] == 7 and ctx["in_scope_members"] == 12
    organizations = {row["code"]: row for row in ctx["organization_levels"]}
    assert organizations["HTTNV"]["count"] == 1
    children = {row["unit"].code: row for row in ctx["children"]}
    assert children["CS1"]["levels"] == [0, 10 - 3, 0, 0]
    assert children["CS1"]["members_total"] == 10 and children["CS1"]["pending"] == 3
    assert children["CS2"]["members_total"] == 2
    html = response.content.decode()
    # The children's cells are formatted once in the view, as the filters would in Vietnamese.
    decided = children["CS1"]["decided_percent"]
    assert children["CS1"]["cells"][-1] == f"{decided:.1f}".replace(".", ",")
    assert f'<a href="{dashboard_url(w, "CS1")}">' in html
    assert "7 · 100,0%" in html  # the figure is written beside the bar, not only drawn


def test_r_stat_1_not_rated_reasons_are_listed(client, db):
    from members.models import Status
    from members.services import change_member_status

    w = build_world(open_now=False)
    change_member_status(member=w.members2[0], status=Status.EXEMPT, starts_on=datetime.date(2026, 2, 1))
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    client.force_login(w.board)
    response = client.get(dashboard_url(w, "CS1"))
    reasons = dict(response.context["members_not_rated"])
    assert reasons == {str(Subject.OutOfScope.EXEMPT.label): 1}
    assert str(Subject.OutOfScope.EXEMPT.label) in response.content.decode()


def test_r_stat_1_compared_with_the_previous_season_side_by_side(client, db):
    w = build_world(open_now=False)
    previous = open_season_124(
        top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15)
    )
    Subject.objects.filter(season=previous, kind=Subject.Kind.MEMBER).update(
        state=Subject.State.DECIDED, decided_level="HTTNV"
    )
    Subject.objects.filter(season=previous, member=w.head).update(decided_level="HTXSNV")
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    client.force_login(w.board)
    response = client.get(dashboard_url(w, "TINH"))
    rows = {row["code"]: row for row in response.context["member_levels"]}
    assert rows["HTXSNV"]["previous_count"] == 1 and rows["HTTNV"]["previous_count"] == 11
    assert rows["HTTNV"]["previous_percent"] == round(100 * 11 / 12, 1)
    assert rows["HTTNV"]["count"] == 0
    html = response.content.decode()
    assert "2025: 11 · " in html and '<th scope="col" class="num">2025</th>' in html


def test_r_stat_2_progress_and_overdue(client, world):
    w = world
    complete_form(w.subject(member=w.deputy), w.member_user)
    w.season.deadlines = {"self_review": "2026-01-10", "decision": "2099-12-31"}
    w.season.save()
    client.force_login(w.base_staff)
    response = client.get(dashboard_url(w, "CS1"))
    ctx = response.context
    by_state = {row["state"]: row for row in ctx["progress_rows"]}
    assert by_state["draft"]["counts"] == [3, 0, 9] and by_state["submitted"]["counts"] == [0, 0, 1]
    assert ctx["overdue_total"] == 12
    deadlines = {str(label): (passed, late) for label, _day, passed, late in ctx["deadlines"]}
    assert deadlines["Bản tự kiểm điểm"] == (True, 12) and deadlines["Quyết định xếp loại"] == (False, None)
    assert "10/01/2026" in response.content.decode()


def test_r_stat_3_follow_up_as_x_of_y(client, world):
    w = world
    rate_cell1(w)
    submit_remediation_plan(subject=w.subject(unit=w.cell1), actor=w.secretary, items=[{"text": "Khắc phục"}])
    DisciplineRecord.objects.create(
        member=w.members1[4],
        decided_on=datetime.date(2026, 3, 1),
        form="reprimand",
        decided_by="Đảng ủy",
        violation_year=2026,
    )
    client.force_login(w.base_staff)
    response = client.get(dashboard_url(w, "CS1"))
    plans = response.context["follow_up"][0]
    assert (plans["done"], plans["of"]) == (1, 1)
    html = response.content.decode()
    assert "1/1" in html and "0/2" in html  # collectives; committee members (head and deputy)
    assert response.context["figures"].follow_up["disciplined_members"] == 1


@pytest.mark.parametrize("extra", [0, 190])
def test_queries_do_not_grow_with_the_subtree(
    client, django_assert_max_num_queries, django_assert_num_queries, db, extra
):
    """The same bound for a world of 10 members and one of 200, with a previous season and a
    passed deadline so that every figure is computed."""
    w = build_world(open_now=False, extra_members=extra)
    open_season_124(top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15))
    w.season = open_season_124(
        top_organization=w.province,
        year=2026,
        reference_date=REFERENCE,
        deadlines={"self_review": "2026-01-10"},
    )
    assert Subject.objects.filter(season=w.season, kind="member").count() == 12 + extra
    client.force_login(w.board)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(dashboard_url(w, "TINH"))
    assert response.status_code == 200 and response.context["figures"].previous is not None
    unit = response.context["unit"]
    with django_assert_num_queries(FIGURES_QUERIES):
        collect_figures(w.season, unit)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_table_cells_numbers_read_as_django_formats_them(language):
    """The children's table formats numbers itself (Django's formatter was a fifth of the table's
    time): the same text as Django's, in either language, for whole numbers and for the shares and
    averages already at one decimal; a number with more decimals is left to Django, which cuts the
    digits where Python would round them."""
    from django.utils import translation
    from django.utils.numberformat import format as django_format

    with translation.override(language):
        number = CellFormat()

        def django_text(value, decimals: int) -> str:
            return django_format(
                value,
                number.decimal,
                decimal_pos=decimals,
                grouping=3,
                thousand_sep=number.thousands,
                force_grouping=True,
            )

        for value in (0, 7, 999, 1000, -1234, 12345, 500000, -1234567, 10**12):
            assert number(value) == django_text(value, 0), value
        shares = (0.0, 33.3, 66.7, 100.0, 1234.5, Decimal("71.3"), Decimal("0.0"), Decimal("1234.0"), 2.26)
        for value in shares:
            assert number(value, 1) == django_text(value, 1), value
        assert number(1234567) == ("1.234.567" if language == "vi" else "1,234,567")
        assert number(Decimal("1234.5"), 1) == ("1.234,5" if language == "vi" else "1,234.5")
        assert number(2.26, 1) == ("2,2" if language == "vi" else "2.2")  # cut, as Django does


def test_bar_chart_geometry_is_unlocalized_and_keeps_small_figures_visible():
    chart = bar_chart(
        "c", "Title", [("HTXSNV", [("2026", 1, 0.1), ("2025", 0, 0.0)]), ("HTTNV", [("", 9, 90.0)])]
    )
    first, second = chart.rows[0].bars
    assert first.width == "0.6%" and second.width == "0.0%"
    assert chart.rows[1].bars[0].width == "90.0%"
    assert first.y < second.y < chart.rows[1].bars[0].y < chart.height
    assert "HTXSNV 2026: 1" in chart.desc


# -- notifications ------------------------------------------------------------------------------------


def note(user, text, *, read=False, minutes_ago=0, kind=Notification.Kind.DECIDED):
    return Notification.objects.create(
        user=user,
        kind=kind,
        text=text,
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None,
    )


def test_notifications_newest_first_with_unread_marked(client, world):
    w = world
    note(w.secretary, "Cũ đã đọc", read=True, minutes_ago=30)
    note(w.secretary, "Mới chưa đọc", minutes_ago=1)
    note(w.secretary2, "Của người khác")
    client.force_login(w.secretary)
    response = client.get(reverse("reviews:notifications", args=[w.season.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Mới chưa đọc") < html.index("Cũ đã đọc")
    assert "Của người khác" not in html
    assert html.count("Chưa đọc</span>") == 1 and response.context["unread_count"] == 1
    assert unread_count(w.secretary) == 1 and unread_count(w.outsider) == 0


def test_mark_one_read_then_all(client, world):
    w = world
    first = note(w.secretary, "Một")
    note(w.secretary, "Hai")
    client.force_login(w.secretary)
    url = reverse("reviews:notification-read", args=[w.season.pk, first.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse(
        "reviews:notifications", args=[w.season.pk]
    )
    first.refresh_from_db()
    assert first.read_at is not None and unread_count(w.secretary) == 1
    response = client.post(reverse("reviews:notifications-read-all", args=[w.season.pk]), follow=True)
    assert unread_count(w.secretary) == 0
    assert "Đã đánh dấu tất cả thông báo là đã đọc." in response.content.decode()


def test_marking_someone_elses_notification_is_404(client, world):
    w = world
    theirs = note(w.secretary2, "Không phải của bạn")
    client.force_login(w.secretary)
    assert client.post(reverse("reviews:notification-read", args=[w.season.pk, theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_htmx_gets_the_row_and_the_badge(client, world):
    w = world
    first = note(w.secretary, "Một")
    note(w.secretary, "Hai")
    client.force_login(w.secretary)
    response = client.post(
        reverse("reviews:notification-read", args=[w.season.pk, first.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and f'id="notification-{first.pk}"' in html
    assert 'id="notification-badge" data-hx-swap-oob="true"' in html and ">1<" in html
    response = client.post(
        reverse("reviews:notifications-read-all", args=[w.season.pk]), headers={"HX-Request": "true"}
    )
    assert 'id="notification-list"' in response.content.decode() and unread_count(w.secretary) == 0


def test_the_badge_partial_says_how_many_are_unread():
    assert (
        render_to_string("reviews/notifications/_badge.html", {"unread_count": 0}).count("badge rounded") == 0
    )
    html = render_to_string("reviews/notifications/_badge.html", {"unread_count": 3})
    assert ">3<" in html and "thông báo chưa đọc" in html


# -- deadline notifications --------------------------------------------------------------------------


def _deadline_world(extra_members=0):
    w = build_world(extra_members=extra_members)
    w.season.deadlines = {"self_review": "2026-12-01", "meeting": "2026-12-10"}
    w.season.save()
    return w


def notices(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind))


def test_deadline_in_three_days_reaches_the_member_and_the_secretary(db):
    w = _deadline_world()
    result = notify_deadlines(today="2026-11-28")
    assert result["overdue"] == 0 and result["deadline"] > 0
    deputy = w.subject(member=w.deputy)
    (own,) = notices(w.member_user, "deadline")  # about her own review
    assert own.subject == deputy and deputy.name in own.text and "01/12/2026" in own.text
    (digest,) = notices(w.secretary, "deadline")  # one notice for the whole cell
    assert digest.subject is None and "01/12/2026" in digest.text
    assert digest.text.startswith(f"{len(w.members1) + 1} đối tượng chưa xong")  # members and the cell
    assert w.cell1.name in digest.text and deputy.name in digest.text
    # Four days before: nothing yet.
    Notification.objects.all().delete()
    assert notify_deadlines(today="2026-11-27") == {"deadline": 0, "overdue": 0}


def test_a_secretary_who_is_also_a_member_is_reminded_of_her_own_review_once(db):
    w = _deadline_world()
    type(w.head).objects.filter(pk=w.head.pk).update(user=w.secretary)
    notify_deadlines(today="2026-11-28")
    head = w.subject(member=w.head)
    own = Notification.objects.get(user=w.secretary, kind="deadline", subject=head)
    assert head.name in own.text
    (digest,) = Notification.objects.filter(user=w.secretary, kind="deadline", subject__isnull=True)
    assert head.name not in digest.text and digest.text.startswith(f"{len(w.members1)} đối tượng")


def test_overdue_reaches_the_secretary_and_the_staff_above_once_a_day(db):
    w = _deadline_world()
    complete_form(w.subject(member=w.head), w.secretary)  # submitted: not late for the self-review
    result = notify_deadlines(today="2026-12-02")
    assert result["overdue"] > 0
    deputy, head = w.subject(member=w.deputy), w.subject(member=w.head)
    (secretary,) = notices(w.secretary, "overdue")
    assert deputy.name in secretary.text and head.name not in secretary.text
    assert "01/12/2026" in secretary.text and secretary.text.startswith("Quá hạn:")
    (staff,) = notices(w.base_staff, "overdue")  # the base committee above the cell
    assert deputy.name not in staff.text and f"{w.cell1.name} (" in staff.text  # by organization
    assert not notices(w.member_user, "overdue")  # the member is reminded, not reported
    # The head's meeting is due within three days of 2026-12-07: a reminder, not an overdue notice.
    notify_deadlines(today="2026-12-07")
    reminders = [n.text for n in notices(w.secretary, "deadline")]
    assert any(head.name in text and "10/12/2026" in text for text in reminders)
    # Run again (the same calendar day): nothing new.
    count = Notification.objects.count()
    assert notify_deadlines(today="2026-12-07") == {"deadline": 0, "overdue": 0}
    assert Notification.objects.count() == count


def test_a_catch_up_run_writes_a_missed_days_notices_once_and_each_day_keeps_its_own(db, time_machine):
    """Notices are deduplicated by the day they are about, not by the day the task happens to run:
    on 02/12 a run for the missed 29/11 and 30/11 writes each day's reminders once, and the run
    of 02/12 itself (no day given: the local date) still writes the overdue notices of 02/12."""
    w = _deadline_world()
    time_machine.move_to(datetime.datetime(2026, 12, 2, 6, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    missed = notify_deadlines(today="2026-11-30")
    assert missed["deadline"] > 0 and missed["overdue"] == 0
    assert notify_deadlines(today="2026-11-30") == {"deadline": 0, "overdue": 0}  # caught up once
    assert notify_deadlines(today="2026-11-29") == missed  # another missed day: its own notices
    assert notify_deadlines()["overdue"] > 0  # 02/12, the local date: the self-review is late
    (own_29, own_30) = notices(w.member_user, "deadline")
    assert own_29.topic != own_30.topic and own_29.text == own_30.text  # one a day, both about 01/12
    assert len(notices(w.secretary, "overdue")) == 1
    assert notify_deadlines() == {"deadline": 0, "overdue": 0}  # the same day again: nothing


def test_a_cell_of_many_late_members_sends_one_notice_that_counts_them(db):
    w = _deadline_world(extra_members=30)
    notify_deadlines(today="2026-12-02")
    (digest,) = notices(w.secretary2, "overdue")
    # The cell, its 3 members and the 30 added: one notice naming the first eight.
    assert digest.text.startswith("Quá hạn: 34 đối tượng")
    assert digest.text.endswith("và 26 trường hợp khác.") and len(digest.text) <= 500


def test_overdue_collective_of_a_committee_reaches_its_staff_and_the_staff_above(db):
    w = _deadline_world()
    notify_deadlines(today="2026-12-02")
    base = w.subject(unit=w.base)
    for user in (w.base_staff, w.commune_staff):
        assert any(base.name in n.text for n in notices(user, "overdue")), user


def test_closed_seasons_and_out_of_scope_subjects_get_nothing(db):
    w = _deadline_world()
    Subject.objects.filter(member=w.deputy).update(out_of_scope=Subject.OutOfScope.EXEMPT)
    notify_deadlines(today="2026-12-02")
    assert not Notification.objects.filter(subject__member=w.deputy).exists()
    assert not any(w.deputy.full_name in n.text for n in Notification.objects.all())
    Notification.objects.all().delete()
    w.season.status = "closed"
    w.season.save()
    assert notify_deadlines(today="2026-12-02") == {"deadline": 0, "overdue": 0}


@pytest.mark.parametrize("extra", [0, 190])
def test_deadline_task_queries_do_not_grow_with_the_season(django_assert_num_queries, db, extra):
    _deadline_world(extra_members=extra)
    with django_assert_num_queries(DEADLINE_TASK_QUERIES):
        result = notify_deadlines(today="2026-12-07")
    # One digest per person, however many subjects are late (7 people manage this world).
    assert 0 < result["overdue"] <= 7 and result["deadline"] > 0


def test_deadline_notifications_are_mailed_when_email_is_on(settings, db):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_BY_EMAIL = True
    w = _deadline_world()
    w.secretary.email = "bithu@example.org"
    w.secretary.save()
    notify_deadlines(today="2026-11-28")
    assert mail.outbox and all(m.to == ["bithu@example.org"] for m in mail.outbox)
    assert not Notification.objects.filter(user=w.secretary, emailed_at__isnull=True).exists()
    sent = len(mail.outbox)
    assert send_notification_emails() == 0 and len(mail.outbox) == sent


def test_nothing_is_mailed_when_email_is_off(settings, db):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_BY_EMAIL = False
    w = _deadline_world()
    w.secretary.email = "bithu@example.org"
    w.secretary.save()
    notify_deadlines(today="2026-11-28")
    assert Notification.objects.filter(user=w.secretary).exists() and not mail.outbox
