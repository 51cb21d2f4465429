"""Quarterly evaluation of leaders under QĐ 366 / HD 43 (R366-QTR-1..5), on the season's engine:
`setup` (who is evaluated), `services` (the steps), `guards` (who may act, what blocks),
`periods` (dates), `results` (what the year and the dashboards read)."""
