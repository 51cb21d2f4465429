"""The provincial organization board's criteria page (R366-SET-2, R366-SCORE-3) and the season
opening page (R366-SET-1). The test process lives on 23/11/2026 (tests/clock.py): the year being
worked on is 2026, and no season is open in the world these tests build."""

import datetime

import pytest
from django.urls import reverse

from organizations.models import Kind, Role
from reviews.criteria import criteria_year, save_profile
from reviews.defaults import shipped_rule_set
from reviews.models import ScoringCriteria, Season
from reviews.scope import open_season
from tests.factories import UserFactory, make_org, make_user_with_role
from tests.reviews.conftest import QD124, QD366, REFERENCE, build_world

pytestmark = pytest.mark.django_db

YEAR = 2026
# A page of these costs: session, user, roles, the member record (twice: the navigation and the
# current season), the current season, the unread notices; then the organization, the seasons and
# the drafts of the year and the year before, and the rule sets — 11 today, whatever the draft.
PAGE_QUERIES = 12


@pytest.fixture
def w(db):
    return build_world(open_now=False)


def year_url(year=YEAR, code="TINH"):
    return reverse("reviews:criteria", args=[code, year])


def profile_url(profile="KLD", year=YEAR, code="TINH"):
    return reverse("reviews:criteria-profile", args=[code, year, profile])


def open_url(year=YEAR, code="TINH"):
    return reverse("reviews:season-open", args=[code, year])


def rows(prefix: str, items: list[tuple[str, str, str]], keys: list[str] | None = None) -> dict:
    """POST data of one group's formset: (title, maximum, method) per row."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": "0"}
    for n, (title, maximum, method) in enumerate(items):
        data.update(
            {
                f"{prefix}-{n}-key": (keys or [""] * len(items))[n],
                f"{prefix}-{n}-title": title,
                f"{prefix}-{n}-max": maximum,
                f"{prefix}-{n}-method": method,
            }
        )
    return data


GENERAL = [
    ("Bản lĩnh chính trị, tư tưởng", "10", "checklist"),
    ("Đạo đức, lối sống", "10", "checklist"),
    ("Ý thức tổ chức kỷ luật", "10", "checklist"),
]
TASKS = [("Kết quả nhiệm vụ chuyên môn", "52,5", "percent"), ("Nhiệm vụ đột xuất", "17,5", "points")]


def posted(general=GENERAL, tasks=TASKS, action="save"):
    return {**rows("general", general), **rows("tasks", tasks), "action": action}


def save_kld(w, year=YEAR):
    found = criteria_year(w.province, year)
    return save_profile(
        organization=w.province,
        year=year,
        scoring=found.scoring,
        profile="KLD",
        chosen={
            "general": [{"key": "", "title": t, "max": m, "method": k} for t, m, k in GENERAL],
            "tasks": [{"key": "", "title": t, "max": m, "method": k} for t, m, k in TASKS],
        },
        actor=w.board,
    )


def open_form(**extra):
    return {
        "reference_date": "15/11/2026",
        "rule_set": str(shipped_rule_set(QD366).pk),
        "deadline_self_review": "05/12/2026",
        "deadline_decision": "",
        "confirm": "on",
        **extra,
    }


# -- who may see and do what ------------------------------------------------------------------------


def test_r366_set_2_the_board_finds_the_pages_from_home_and_the_navigation(client, w):
    client.force_login(w.board)
    html = client.get(reverse("home")).content.decode()
    assert reverse("reviews:criteria-start") in html and reverse("reviews:season-open-start") in html
    # The year worked on today (2026) is not open yet: the start pages lead to it.
    assert client.get(reverse("reviews:criteria-start"))["Location"] == year_url()
    assert client.get(reverse("reviews:season-open-start"))["Location"] == open_url()
    assert client.get(reverse("reviews:season-open-start") + "?year=2027")["Location"] == open_url(2027)
    open_season(top_organization=w.province, year=YEAR, reference_date=REFERENCE)
    assert client.get(reverse("reviews:criteria-start"))["Location"] == year_url(2027)


def test_the_other_years_links_lead_only_to_years_the_page_exists_for(client, w):
    """The ‹ and › links name the year before and after, except past the first year a shipped rule
    set covers and past two years ahead of today, which answer 404 (found by the walk of the
    embedded default's pages, tests/test_embedded_default.py)."""
    client.force_login(w.board)
    last = datetime.date.today().year + 2  # the test clock's year (tests/clock.py)
    for year, before, after in ((2023, False, True), (YEAR, True, True), (last, True, False)):
        html = client.get(year_url(year)).content.decode()
        assert (f'href="{year_url(year - 1)}"' in html) is before, year
        assert (f'href="{year_url(year + 1)}"' in html) is after, year
        for shown in [year - 1] * before + [year + 1] * after:
            assert client.get(year_url(shown)).status_code == 200
    assert client.get(year_url(2022)).status_code == 404
    assert client.get(year_url(last + 1)).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "base_staff", "commune_staff", "secretary", "member_user"])
def test_r366_set_2_others_do_not_find_the_pages(client, w, who):
    """Outsiders and the staff of lower committees do not see the province: 404 everywhere."""
    client.force_login(getattr(w, who))
    for url in (year_url(), profile_url(), open_url()):
        assert client.get(url).status_code == 404
    assert client.post(profile_url(), posted()).status_code == 404
    assert client.post(reverse("reviews:criteria-copy", args=["TINH", YEAR])).status_code == 404
    assert client.post(open_url(), open_form()).status_code == 404
    assert client.get(reverse("reviews:criteria-start")).status_code == 404
    assert not ScoringCriteria.objects.exists() and not Season.objects.exists()


def test_r366_set_2_staff_who_see_the_province_are_refused_and_the_navigation_hides_the_pages(client, w):
    staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, w.province, "vp")
    client.force_login(staff)
    assert reverse("reviews:criteria-start") not in client.get(reverse("home")).content.decode()
    for url in (year_url(), profile_url(), open_url()):
        assert client.get(url).status_code == 403
    assert client.post(profile_url(), posted()).status_code == 403
    assert client.post(open_url(), open_form()).status_code == 403
    assert not ScoringCriteria.objects.exists() and not Season.objects.exists()


def test_r366_set_2_a_superuser_may_and_lower_organizations_or_odd_years_are_404(client, w):
    make_org(Kind.PROVINCIAL_COMMITTEE, name="Tỉnh ủy Khác", code="TINH2")
    client.force_login(UserFactory(username="root", is_superuser=True))
    assert client.get(profile_url()).status_code == 200
    # Several top organizations: the start page lets them choose.
    response = client.get(reverse("reviews:criteria-start"))
    assert response.status_code == 200 and year_url(code="TINH2") in response.content.decode()
    client.force_login(w.board)
    assert client.get(year_url(code="XA1")).status_code == 404
    assert client.get(year_url(1990)).status_code == 404
    assert client.get(profile_url("XX")).status_code == 404


# -- the criteria of a profile --------------------------------------------------------------------------


def test_r366_score_3_shipped_default_is_the_two_groups_as_a_whole(client, w):
    client.force_login(w.board)
    response = client.get(year_url())
    html = response.content.decode()
    assert 'data-criteria-state="none"' in html
    assert [row["code"] for row in response.context["profiles"]] == ["TT", "LD_TW", "LD", "KLD", "NHT"]
    response = client.get(profile_url())
    preview = response.context["preview"]
    assert [len(g["items"]) for g in preview["groups"]] == [1, 1]
    assert preview["form_number"].startswith("Mẫu 2B")
    assert "…/100" in response.content.decode()


def test_r366_set_2_saving_a_profile_keeps_the_items_with_keys_and_shows_the_preview(client, w):
    client.force_login(w.board)
    response = client.post(profile_url(), posted())
    assert response.status_code == 302 and response["Location"] == profile_url() + "#main"
    draft = ScoringCriteria.objects.get(top_organization=w.province, year=YEAR)
    assert draft.updated_by == w.board
    kld = draft.profiles["KLD"]
    assert [i["key"] for i in kld["general"]] == ["g1", "g2", "g3"]
    assert kld["tasks"] == [
        {"key": "t1", "title": "Kết quả nhiệm vụ chuyên môn", "max": 52.5, "method": "percent"},
        {"key": "t2", "title": "Nhiệm vụ đột xuất", "max": 17.5, "method": "points"},
    ]
    response = client.get(profile_url())
    html = response.content.decode()
    assert "Nhiệm vụ đột xuất" in html and 'data-preview-item="t2"' in html
    assert 'value="52,5"' in html  # typed back in Vietnamese
    assert client.get(year_url()).context["profiles"][3]["groups"][0]["count"] == 3


def test_r366_score_3_sums_other_than_30_and_70_are_refused_naming_profile_and_group(client, w):
    client.force_login(w.board)
    general = [("Bản lĩnh chính trị", "10", "checklist"), ("Đạo đức, lối sống", "15", "checklist")]
    response = client.post(profile_url(), posted(general=general, tasks=[("Chuyên môn", "60", "percent")]))
    assert response.status_code == 200
    problems = response.context["problems"]
    assert any("KLĐ" in p and "Nhóm tiêu chí chung" in p and "25" in p and "30" in p for p in problems)
    assert any("kết quả thực hiện nhiệm vụ" in p and "60" in p and "70" in p for p in problems)
    html = response.content.decode()
    # Nothing saved; everything typed comes back.
    assert not ScoringCriteria.objects.exists()
    assert "Đạo đức, lối sống" in html and 'value="15"' in html and "Chuyên môn" in html
    assert response.context["preview"] is None and "data-preview-waiting" in html


@pytest.mark.parametrize(
    ("maximum", "error"),
    [("0", "lớn hơn 0"), ("abc", "lớn hơn 0"), ("-2", "lớn hơn 0"), ("2,55", "thập phân")],
)
def test_r366_score_3_a_bad_maximum_is_refused_on_its_field(client, w, maximum, error):
    client.force_login(w.board)
    general = [("Bản lĩnh chính trị", "30", "checklist"), ("Mục thừa", maximum, "points")]
    response = client.post(profile_url(), posted(general=general))
    assert any("KLĐ" in p and "tiêu chí 2" in p for p in response.context["problems"])
    form = response.context["groups"][0]["formset"].forms[1]
    assert error in " ".join(form.errors["max"])
    assert f'value="{maximum}"' in response.content.decode() and "Mục thừa" in response.content.decode()
    assert not ScoringCriteria.objects.exists()


def test_r366_score_3_an_item_without_a_title_is_refused(client, w):
    client.force_login(w.board)
    general = [("Bản lĩnh chính trị", "20", "checklist"), ("", "10", "checklist")]
    response = client.post(profile_url(), posted(general=general))
    assert response.context["groups"][0]["formset"].forms[1].errors["title"]
    assert any("KLĐ" in p and "tiêu chí 2: chưa có tên" in p for p in response.context["problems"])
    assert not ScoringCriteria.objects.exists()


def test_r366_set_2_check_shows_the_preview_without_saving(client, w):
    client.force_login(w.board)
    response = client.post(profile_url(), posted(action="check"))
    assert response.status_code == 200 and response.context["problems"] == []
    assert "data-criteria-checked" in response.content.decode()
    assert [len(g["items"]) for g in response.context["preview"]["groups"]] == [3, 2]
    assert not ScoringCriteria.objects.exists()


def test_r366_set_2_add_move_and_remove_keep_what_was_typed(client, w):
    client.force_login(w.board)
    data = posted(action="add:general")
    data.update({"general-0-key": "g1", "general-1-key": "g2", "general-2-key": "g3"})
    response = client.post(profile_url(), data)
    forms = response.context["groups"][0]["formset"].forms
    assert [f.initial["key"] for f in forms] == ["g1", "g2", "g3", "g4"]
    assert forms[3].initial["method"] == "checklist" and response.context["focus"] == "general-3:title"
    assert "Ý thức tổ chức kỷ luật" in response.content.decode()
    assert response.context["problems"] == []  # not checked while editing
    data["action"] = "down:general:0"
    response = client.post(profile_url(), data)
    forms = response.context["groups"][0]["formset"].forms
    assert [f.initial["key"] for f in forms] == ["g2", "g1", "g3"]
    assert response.context["focus"] == "general-1:down"  # the moved row's button keeps the focus
    assert 'id="row-general-1"' in response.content.decode()
    assert forms[1].initial["title"] == "Bản lĩnh chính trị, tư tưởng"
    data["action"] = "remove:tasks:1"
    forms = client.post(profile_url(), data).context["groups"][1]["formset"].forms
    assert [f.initial["title"] for f in forms] == ["Kết quả nhiệm vụ chuyên môn"]
    assert not ScoringCriteria.objects.exists()


def test_r366_score_3_an_empty_profile_is_scored_as_a_whole_again(client, w):
    save_kld(w)
    client.force_login(w.board)
    response = client.post(profile_url(), {**rows("general", []), **rows("tasks", []), "action": "save"})
    assert response.status_code == 302
    assert ScoringCriteria.objects.get().profiles == {}


def test_r366_set_2_a_page_sent_incomplete_changes_nothing(client, w):
    save_kld(w)
    client.force_login(w.board)
    response = client.post(profile_url(), {"action": "save"}, follow=True)
    assert response.status_code == 200 and ScoringCriteria.objects.get().profiles["KLD"]["general"]


def test_r366_set_1_a_year_rated_under_qd124_has_no_criteria_and_opens_under_it(client, w):
    client.force_login(w.board)
    response = client.get(year_url(2024))
    assert 'data-criteria-state="no-points"' in response.content.decode()
    assert client.get(profile_url(year=2024)).status_code == 404
    response = client.get(open_url(2024))
    assert response.context["form"].initial["rule_set"] == shipped_rule_set(QD124).pk
    data = open_form(
        reference_date="15/11/2024", deadline_self_review="", rule_set=str(shipped_rule_set(QD124).pk)
    )
    assert client.post(open_url(2024), data).status_code == 302
    assert Season.objects.get(year=2024).criteria == {}


# -- copy from last season --------------------------------------------------------------------------------


def test_r366_set_2_copy_from_the_draft_of_last_year(client, w):
    save_kld(w, year=2025)
    client.force_login(w.board)
    assert client.get(year_url()).context["found"].previous["from_season"] is False
    response = client.post(reverse("reviews:criteria-copy", args=["TINH", YEAR]))
    assert response.status_code == 302
    last, this = (ScoringCriteria.objects.get(year=y) for y in (2025, YEAR))
    assert this.profiles == last.profiles and this.updated_by == w.board


def test_r366_set_2_copy_from_the_season_opened_last_year(client, w):
    draft = save_kld(w, year=2025)
    season = open_season(
        top_organization=w.province,
        year=2025,
        reference_date=datetime.date(2025, 11, 15),
        criteria={"profiles": draft.profiles},
    )
    ScoringCriteria.objects.filter(pk=draft.pk).update(profiles={})  # the season's copy counts
    client.force_login(w.board)
    client.post(reverse("reviews:criteria-copy", args=["TINH", YEAR]))
    assert ScoringCriteria.objects.get(year=YEAR).profiles == season.criteria["profiles"]


def test_r366_set_2_nothing_to_copy_says_so(client, w):
    client.force_login(w.board)
    response = client.post(reverse("reviews:criteria-copy", args=["TINH", YEAR]), follow=True)
    assert "2025" in str(list(response.context["messages"])[0])
    assert not ScoringCriteria.objects.filter(year=YEAR).exists()


# -- frozen at opening -----------------------------------------------------------------------------------


def test_r366_set_1_criteria_are_read_only_once_the_season_is_open(client, w):
    draft = save_kld(w)
    open_season(
        top_organization=w.province,
        year=YEAR,
        reference_date=REFERENCE,
        criteria={"profiles": draft.profiles},
    )
    client.force_login(w.board)
    html = client.get(profile_url()).content.decode()
    assert 'data-criteria-state="frozen"' in html and "data-criteria-form" not in html
    assert "Nhiệm vụ đột xuất" in html and "data-preview" in html
    assert 'data-criteria-state="frozen"' in client.get(year_url()).content.decode()
    response = client.post(profile_url(), posted(general=[("Khác", "30", "checklist")]), follow=True)
    assert "không sửa được nữa" in str(list(response.context["messages"])[0])
    assert ScoringCriteria.objects.get().profiles == draft.profiles
    response = client.post(reverse("reviews:criteria-copy", args=["TINH", YEAR]))
    assert ScoringCriteria.objects.get().profiles == draft.profiles


# -- opening the season ---------------------------------------------------------------------------------


def test_r366_set_1_opening_a_366_season_freezes_the_draft_into_the_season(client, w):
    draft = save_kld(w)
    client.force_login(w.board)
    response = client.get(open_url())
    assert response.context["form"].initial["rule_set"] == shipped_rule_set(QD366).pk
    assert response.context["refusals"] == []
    response = client.post(open_url(), open_form(stamp=draft.updated_at.isoformat()))
    season = Season.objects.get(top_organization=w.province, year=YEAR)
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:dashboard", args=[season.pk, "TINH"])
    assert season.rule_set.code == QD366 and season.opened_by == w.board
    assert season.criteria == {"profiles": draft.profiles}
    assert season.reference_date == datetime.date(2026, 11, 15)
    assert season.deadlines == {"self_review": "2026-12-05"}


def test_r366_set_1_a_season_is_not_opened_twice(client, w):
    client.force_login(w.board)
    assert client.post(open_url(), open_form()).status_code == 302
    season = Season.objects.get()
    response = client.post(open_url(), open_form(reference_date="20/11/2026"))
    assert response.status_code == 200 and Season.objects.count() == 1
    refusal = response.context["refusals"][0]
    assert "2026" in refusal["text"] and refusal["url"] == reverse(
        "reviews:dashboard", args=[season.pk, "TINH"]
    )
    assert "R366" not in response.content.decode()
    assert client.get(open_url()).context["refusals"][0]["url"] == refusal["url"]


def test_r366_set_1_criteria_that_do_not_add_up_stop_the_opening_with_a_link_to_fix_them(client, w):
    ScoringCriteria.objects.create(
        top_organization=w.province,
        year=YEAR,
        profiles={"LD": {"general": [{"key": "g1", "title": "Chính trị", "max": 20, "method": "checklist"}]}},
    )
    client.force_login(w.board)
    draft = ScoringCriteria.objects.get()
    response = client.post(open_url(), open_form(stamp=draft.updated_at.isoformat()))
    assert response.status_code == 200 and not Season.objects.exists()
    refusal = response.context["refusals"][0]
    assert "LĐ" in refusal["text"] and "20" in refusal["text"]
    assert refusal["url"] == profile_url("LD")
    assert "R366" not in response.content.decode()
    assert response.context["form"].initial["reference_date"] == "15/11/2026"  # typed, kept


def test_r366_set_1_criteria_changed_meanwhile_are_checked_again(client, w):
    client.force_login(w.board)
    stamp = client.get(open_url()).context["form"].initial["stamp"]
    save_kld(w)
    response = client.post(open_url(), open_form(stamp=stamp))
    assert not Season.objects.exists() and response.context["refusals"]
    assert response.context["form"].initial["stamp"] == ScoringCriteria.objects.get().updated_at.isoformat()


def test_r366_set_1_qd124_may_be_chosen_deliberately_and_takes_no_criteria(client, w):
    save_kld(w)
    client.force_login(w.board)
    draft = ScoringCriteria.objects.get()
    data = open_form(rule_set=str(shipped_rule_set(QD124).pk), stamp=draft.updated_at.isoformat())
    assert client.post(open_url(), data).status_code == 302
    season = Season.objects.get()
    assert season.rule_set.code == QD124 and season.criteria == {}


def test_r366_set_1_dates_are_typed_day_first_and_checked(client, w):
    client.force_login(w.board)
    response = client.post(open_url(), open_form(reference_date="15/11/2030", deadline_meeting="32/12/2026"))
    assert response.status_code == 200 and not Season.objects.exists()
    errors = response.context["form"].errors
    assert "reference_date" in errors and "deadline_meeting" in errors
    assert 'placeholder="dd/mm/yyyy"' in response.content.decode()
    response = client.post(open_url(), open_form(confirm=""))
    assert "confirm" in response.context["form"].errors and not Season.objects.exists()


# -- cost -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_draft", [False, True])
def test_r366_set_2_pages_run_a_fixed_number_of_queries(client, w, django_assert_max_num_queries, with_draft):
    if with_draft:
        save_kld(w)
        save_kld(w, year=YEAR - 1)
    client.force_login(w.board)
    client.get(reverse("home"))  # the session notes the user's activity (a write, once a minute)
    for url in (year_url(), profile_url(), open_url()):
        with django_assert_max_num_queries(PAGE_QUERIES):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.post(profile_url(), posted(action="check")).status_code == 200
