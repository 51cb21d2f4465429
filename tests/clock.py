"""The day the suite runs on, whatever the machine's calendar says.

The test process lives on DAY_UNDER_TEST: when pytest configures, tests/conftest.py moves the
clock to 09:00 (Vietnam) of that day and lets it tick from there, so the product's own "today"
(roles in force, deadlines, the pledge year, notices) and the fixtures agree on any real date.
Fixtures date their rows relative to it (ROLES_FROM, the world's season). A test that means
another day passes that day to the code, or moves the clock with the `time_machine` fixture.

The processes the suite starts (the Celery workers of tests/reports, the demo servers of
tests/e2e) run at the real date: tests that talk to them take their days from them
(tests/e2e/staging.today, the season the demo opened) and never compare them with this one.
"""

import datetime
from zoneinfo import ZoneInfo

DAY_UNDER_TEST = datetime.date(2026, 11, 23)
MOMENT = datetime.datetime.combine(DAY_UNDER_TEST, datetime.time(9, 0), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
# Roles and seats of the fixtures began years before the day under test and have not ended.
ROLES_FROM = DAY_UNDER_TEST.replace(year=DAY_UNDER_TEST.year - 6, month=1, day=1)
