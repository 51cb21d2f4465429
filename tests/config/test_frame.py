"""Issue "Province-scale speed": the frame of every page (config/frame.py) is rendered once per
process for each combination of what it shows, then filled in with the request's user name, CSRF
token and path. What a page shows must be what the template gives for this request."""

import re

from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from config import frame
from tests.reviews.conftest import world  # noqa: F401
from tests.reviews.views.test_dashboard_pages import note

HOSTILE = "Nguyễn <script>alert(\"x\")</script> & 'Văn'"


def _page(client, url=None) -> str:
    response = client.get(url or reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _no_marks(html: str) -> None:
    for mark in (frame.NAME, frame.TOKEN, frame.PATH):
        assert mark not in html


def test_each_user_sees_their_own_name_escaped_in_a_frame_kept_for_another(client, world):  # noqa: F811
    w = world
    w.secretary.first_name, w.secretary.last_name = HOSTILE, ""
    w.secretary.save()
    w.secretary2.first_name, w.secretary2.last_name = "Trần Thị Hoa", ""
    w.secretary2.save()
    client.force_login(w.secretary)
    first = _page(client)
    other = Client()
    other.force_login(w.secretary2)
    second = _page(other)  # the same roles' kind and links: the same kept parts
    escaped = "Nguyễn &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Văn&#x27;"
    assert f'title="{escaped}">{escaped}</span>' in first
    assert "<script>alert" not in first
    assert 'title="Trần Thị Hoa">Trần Thị Hoa</span>' in second
    assert "Nguyễn" not in second and "Trần Thị Hoa" not in first
    _no_marks(first)
    _no_marks(second)


def test_the_frame_forms_carry_this_requests_token(world):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.secretary)
    html = _page(client)
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    header = re.search(r'X-CSRFToken": "([^"]+)"', html).group(1)
    assert len(tokens) == 1 and header  # the sign-out and language forms share the request's token
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302  # accepted: a token that works, not a kept one
    assert "_auth_user_id" not in client.session


def test_the_language_form_returns_to_this_page_escaped(client, world):  # noqa: F811
    client.force_login(world.secretary)
    html = _page(client, reverse("home") + '?a="><b>x</b>&c=1')
    assert '<input name="next" type="hidden" value="/?a=%22%3E%3Cb%3Ex%3C/b%3E&amp;c=1">' in html
    assert '<input name="next" type="hidden" value="/">' in _page(client)
    _no_marks(html)


def test_the_unread_count_and_the_roles_change_what_the_frame_shows(client, world):  # noqa: F811
    w = world
    client.force_login(w.secretary)
    before = _page(client)
    assert "badge rounded-pill" not in before
    note(w.secretary, "Một")
    note(w.secretary, "Hai")
    after = _page(client)
    assert re.search(r'badge rounded-pill[^>]*>2<span class="visually-hidden"> thông báo chưa đọc', after)
    staff = Client()
    staff.force_login(w.board)
    board = _page(staff)
    assert reverse("members:import") in board and reverse("members:import") not in after
    assert reverse("reviews:criteria-start") in board and reverse("reviews:criteria-start") not in after


def test_a_part_is_the_template_rendered_with_the_requests_own_values(rf, world):  # noqa: F811
    """Every part, for a signed-in user with and without a season and for no one, is what its
    template gives with the real name, token and path in place of the marks."""
    w = world
    request = rf.get("/x/?q=<b>")
    w.board.first_name = HOSTILE
    for user, season in ((w.board, w.season), (w.secretary, None)):
        links = {"home": "/", "logout": "/ra/", "set_language": "/i18n/", "queue": "/q/"}
        context = {
            "user": user,
            "season": season,
            "links": links,
            "nav": {"decides": True, "views_tree": season is not None, "is_admin": False},
            "current_season": season,
            "unread_count": 3,
            "csrf_token": "tok123",
            "request": request,
        }
        key = frame.frame_key(context)
        for part in ("head", "header_start", "nav_items", "header_end", "footer", "scripts"):
            shown = frame.frame_part(_Context(context), part)
            direct = get_template(f"includes/frame/{part}.html").render(
                {
                    **dict(key),
                    "links": links,
                    "nav": context["nav"],
                    "user_name": user.get_full_name() or user.get_username(),
                    "csrf_token": "tok123",
                    "path": request.get_full_path(),
                }
            )
            assert shown == direct, part
            _no_marks(shown)
    assert frame.frame_key({"user": None}) != frame.frame_key({"user": w.board})


class _Context(dict):
    """What a template's context gives the tag: the values and a render context."""

    def __init__(self, values):
        super().__init__(values)
        self.render_context = {}


def test_the_footer_names_the_rule_set_of_the_pages_season(client, world):  # noqa: F811
    client.force_login(world.secretary)
    name = world.season.rule_set.name
    elsewhere = _page(client, reverse("password_change")).split("<footer", 1)[1]  # no season
    season_page = _page(client, reverse("reviews:notifications", args=[world.season.pk]))
    assert f'<span class="ms-auto">{name}</span>' in season_page.split("<footer", 1)[1]
    assert name not in elsewhere and "366-QĐ/TW" in elsewhere


def test_the_frame_follows_the_language_and_the_second_factor(client, world):  # noqa: F811
    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(world.secretary)
    vietnamese = _page(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _page(client)
    assert "Đăng xuất" in vietnamese and "Sign out" in english and "Đăng xuất" not in english
    assert reverse("otp_recovery_codes") not in english
    device = TOTPDevice.objects.create(user=world.secretary, name="phone", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # signed in with the code (django_otp.login)
    session.save()
    assert reverse("otp_recovery_codes") in _page(client)
