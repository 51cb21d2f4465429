"""The default public holidays of the working-day calendar (reviews/working_days.py, rules R-ORDER-8
and R366-ORDER-5): settings.PUBLIC_HOLIDAYS when the environment does not set it. docs/decisions.md,
"Tết and the other lunar holidays in the default working-day calendar".

Where the days come from — the Labour Code 2019, Art. 112 §1:
- every year on the same day ("MM-DD"): 01/01, 30/04, 01/05, 02/09. One of them on a Saturday or a
  Sunday is taken on the next working day (§3); reviews/working_days.py does that by itself.
- the days of the lunar calendar, and the second day of the National Day, which the Government
  fixes each year ("YYYY-MM-DD", taken as listed, so a day off in lieu is listed too):
  - Tết Nguyên đán, 5 days: the last day of the lunar year and the first four of the new one. A
    Saturday among them is taken on the working day before the holiday, a Sunday on the working
    day after it — as the Government placed them in 2021 and 2024, and in 2026: off from Saturday
    14/02 to Sunday 22/02/2026, the 5 days being Monday 16 to Friday 20. Only 2026 was fixed when
    this list was written; 2027–2030 follow the same practice, and the operator replaces them when
    the Government announces the year's days.
  - the Hùng Kings' day, 10/03 of the lunar calendar; on a Sunday, the Monday after (§3).
  - the day before or after 02/09, the one that makes a long weekend where there is one: after a
    Thursday, a Sunday or a Monday, before a Friday or a Saturday; 01/09/2026 (02/09 a Wednesday)
    as the Government set it for 2026. Swapped working days (2026: Monday 31/08 off for Saturday
    22/08) are not listed: a Saturday worked cannot be said here.
Lunar dates are Vietnam's (the new moon reckoned at UTC+7): Tết 2030 is Saturday 02/02/2030, a day
before the Chinese New Year (the new moon of 02/02/2030 falls at 23:08 in Hanoi, 00:08 on 03/02 in
Beijing). Checked against an astronomical computation (Hồ Ngọc Đức's algorithm at UTC+7) and the
Vietnam calendar of the python-holidays package.
"""

EVERY_YEAR = ["01-01", "04-30", "05-01", "09-02"]

# Tết: the last day of the lunar year, then mùng 1–4 (weekend days moved as said above).
TET = {
    2026: ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"],  # Tết Tue 17/02
    2027: ["2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"],  # Tết Sat 06/02
    2028: ["2028-01-24", "2028-01-25", "2028-01-26", "2028-01-27", "2028-01-28"],  # Tết Wed 26/01
    2029: ["2029-02-12", "2029-02-13", "2029-02-14", "2029-02-15", "2029-02-16"],  # Tết Tue 13/02
    2030: ["2030-01-31", "2030-02-01", "2030-02-04", "2030-02-05", "2030-02-06"],  # Tết Sat 02/02
}
# The Hùng Kings' day, 10/03 of the lunar year.
HUNG_KINGS = {
    2026: ["2026-04-26", "2026-04-27"],  # a Sunday, taken on Monday 27/04
    2027: ["2027-04-16"],  # Friday
    2028: ["2028-04-04"],  # Tuesday
    2029: ["2029-04-23"],  # Monday
    2030: ["2030-04-12"],  # Friday
}
# The second day of the National Day, beside 02/09.
NATIONAL_DAY_SECOND = {
    2026: ["2026-09-01"],  # Tuesday, 02/09 a Wednesday
    2027: ["2027-09-03"],  # Friday, 02/09 a Thursday
    2028: ["2028-09-01"],  # Friday, 02/09 a Saturday (taken on Monday 04/09)
    2029: ["2029-09-03"],  # Monday, 02/09 a Sunday (taken on Tuesday 04/09)
    2030: ["2030-09-03"],  # Tuesday, 02/09 a Monday
}

DEFAULT_PUBLIC_HOLIDAYS = [
    *EVERY_YEAR,
    *(day for days in (TET, HUNG_KINGS, NATIONAL_DAY_SECOND) for year in sorted(days) for day in days[year]),
]
