"""Who must prove a second factor (accounts.policy), by role and by setting."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.checks import check_otp_required_for
from accounts.policy import second_factor_required
from organizations.models import Role
from tests.clock import DAY_UNDER_TEST
from tests.config.test_make_run import planned_runserver
from tests.factories import UserFactory, make_user_with_role

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "place", "required"),
    [
        (Role.Kind.COMMITTEE_STAFF, "commune", True),
        (Role.Kind.PROVINCIAL_BOARD, "province", True),
        (Role.Kind.COMMITTEE_LEADER, "commune", False),
        (Role.Kind.CELL_SECRETARY, "cell_a", False),
        (Role.Kind.MEMBER, "cell_a", False),
    ],
)
def test_the_roles_that_decide_ratings_need_a_second_factor(otp_on, tree, kind, place, required):
    assert second_factor_required(make_user_with_role(kind, tree[place])) is required


def test_administrators_need_it_too(otp_on):
    assert second_factor_required(UserFactory(is_superuser=True))
    assert second_factor_required(UserFactory(is_staff=True))
    assert not second_factor_required(UserFactory())


def test_a_role_no_longer_in_force_does_not_count(otp_on, tree):
    ended = DAY_UNDER_TEST - datetime.timedelta(days=1)
    user = make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["commune"], ends_on=ended)
    assert not second_factor_required(user)


def test_the_setting_names_who_needs_it(otp_on, tree):
    secretary = make_user_with_role(Role.Kind.CELL_SECRETARY, tree["cell_a"])
    otp_on.OTP_REQUIRED_FOR = ["cell_secretary"]
    assert second_factor_required(secretary)
    assert not second_factor_required(UserFactory(is_superuser=True))
    assert not second_factor_required(make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["commune"]))


def test_switched_off_nobody_is_asked(settings, tree):
    settings.OTP_REQUIRED = False
    assert not second_factor_required(UserFactory(is_superuser=True))
    assert not second_factor_required(make_user_with_role(Role.Kind.PROVINCIAL_BOARD, tree["province"]))


def test_a_misspelt_name_in_the_setting_stops_the_checks(settings):
    settings.OTP_REQUIRED_FOR = ["committee_staf", "admin"]
    errors = check_otp_required_for(None)
    assert [error.id for error in errors] == ["accounts.E001"]
    assert "committee_staf" in errors[0].msg


def _otp_required_under(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("OTP_REQUIRED", "DEBUG")}
    environment.update(env)
    code = "from django.conf import settings; print(settings.OTP_REQUIRED)"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_on_by_default_in_production_off_in_development():
    assert _otp_required_under(DEBUG="false") == "True"
    assert _otp_required_under(DEBUG="true") == "False"


def test_the_embedded_demo_of_make_run_signs_in_without_a_phone():
    assert " OTP_REQUIRED=false " in planned_runserver()
