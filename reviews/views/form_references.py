"""The reference lists of the self-review form (R-FORM-7): the 27 manifestations of degradation
and the 19 prohibitions, grouped as in the source texts, each ticked or not.

They are the regulation's text, loaded with the application (reviews/rulesets/reference_lists.json)
and changed only by an administrator (an item marked checked against the official text, a label
corrected). Every editable form shows all 46, so each process keeps them for a minute
(`KEPT_SECONDS`) instead of reading them at each form (a query and 46 objects, about 0.3 ms of
6 ms). A save or delete of an item in this process forgets them at once; another process shows the
change within the minute (docs/decisions.md, "The reference items kept for a minute").
"""

import time
from typing import NamedTuple

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from reviews.models import ReferenceItem

KEPT_SECONDS = 60.0


class Reference(NamedTuple):
    """One item as a form shows it (its own copy: the kept items are shared by every request)."""

    pk: int
    number: int
    label: str
    verified: bool
    is_ticked: bool


_kept: dict = {"at": None, "items": ()}


def reference_items() -> tuple[ReferenceItem, ...]:
    """Every reference item in its list's order, read at most once a minute in this process."""
    now = time.monotonic()
    if _kept["at"] is None or now - _kept["at"] > KEPT_SECONDS:
        _kept["items"] = tuple(ReferenceItem.objects.order_by("list", "number"))
        _kept["at"] = now
    return _kept["items"]


@receiver(post_save, sender=ReferenceItem)
@receiver(post_delete, sender=ReferenceItem)
def forget_reference_items(**_kwargs) -> None:
    _kept["at"] = None


def reference_lists(ticked: set[int]) -> list[dict]:
    """Each list (manifestations, then prohibitions) with its groups of items, `ticked` marked, and
    the items ticked."""
    labels = dict(ReferenceItem.List.choices)
    lists: dict[str, dict] = {}
    for item in reference_items():
        current = lists.setdefault(
            item.list,
            {"code": item.list, "label": labels.get(item.list, item.list), "groups": [], "ticked": []},
        )
        if not current["groups"] or current["groups"][-1]["name"] != item.group:
            current["groups"].append({"name": item.group, "items": []})
        shown = Reference(item.pk, item.number, item.label, item.verified, item.pk in ticked)
        current["groups"][-1]["items"].append(shown)
        if shown.is_ticked:
            current["ticked"].append(shown)
    order = [ReferenceItem.List.MANIFESTATION, ReferenceItem.List.PROHIBITION]
    return [lists[code] for code in order if code in lists]
