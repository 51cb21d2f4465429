"""The demo's fixed settings: its organization code, the password of its logins, its default and
least number of members, its seed and its province."""

DEMO_CODE = "DEMO"
DEMO_PASSWORD = "Kiemdiem@2026"
DEFAULT_MEMBERS = 3000
DEFAULT_SEED = 124
MIN_MEMBERS = 500
PROVINCE = "Hòa Bình"
