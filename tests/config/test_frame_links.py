"""Issue "Province-scale speed": the frame's links (navigation bar, user menu, footer) are reversed
once per process and season (config/nav_links.py), and stay what `reverse` gives: for the user's
season, without one, and under the path the site is served at."""

from django.urls import get_script_prefix, reverse, set_script_prefix

from config.nav_links import frame_links
from tests.reviews.conftest import world  # noqa: F401


def test_the_frame_links_are_what_reverse_gives_for_the_season_and_without_one(db):
    links = frame_links(7)
    assert links["notifications"] == reverse("reviews:notifications", args=[7])
    assert links["queue"] == reverse("reviews:queue", args=[7])
    assert links["home"] == reverse("home") and links["logout"] == reverse("logout")
    assert frame_links(8)["my_form"] == reverse("reviews:my-form", args=[8])
    assert "my_form" not in frame_links(None) and frame_links(None)["home"] == reverse("home")


def test_a_site_served_under_a_path_gets_its_links_under_that_path(db):
    before = get_script_prefix()
    frame_links(7)  # kept for the root
    try:
        set_script_prefix("/kiem-diem/")
        assert frame_links(7)["queue"] == reverse("reviews:queue", args=[7])
        assert frame_links(7)["queue"].startswith("/kiem-diem/")
    finally:
        set_script_prefix(before)
    assert not frame_links(7)["queue"].startswith("/kiem-diem/")


def test_the_navigation_links_to_the_user_s_season_and_the_menu_to_the_account(client, world):  # noqa: F811
    w = world
    client.force_login(w.board)
    html = client.get(reverse("home")).content.decode()
    for name in ("reviews:queue", "reviews:dashboard-start", "reviews:quarters", "reviews:notifications"):
        assert f'href="{reverse(name, args=[w.season.pk])}"' in html, name
    for name in ("organizations:list", "members:import", "reports:jobs", "password_change", "logout"):
        assert f'"{reverse(name)}"' in html, name
    assert f'href="{reverse("reviews:criteria-start")}"' in html  # the board prepares seasons
    client.force_login(w.member_user)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("reviews:my-form", args=[w.season.pk])}"' in html
    assert reverse("reviews:queue", args=[w.season.pk]) not in html
