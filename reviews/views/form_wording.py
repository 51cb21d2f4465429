"""How the review form page names itself and its submit step, by whose review it is."""

from django.utils.translation import gettext as _

from reviews.facts import Facts
from reviews.models import Subject


def form_wording(subject: Subject, facts: Facts) -> dict:
    """The page's name and its submit wording: a member's self-review, or a collective's report
    (a cell's, when the collective is a cell's), never the personal wording for a collective."""
    if subject.is_member:
        return {
            "page_name": _("Self-review"),
            "submit_label": _("Submit the review"),
            "submit_confirm": _(
                "Submit the review to the cell? It cannot be changed afterwards unless it is returned."
            ),
        }
    if facts.units[subject.unit_id].kind.endswith("cell") and subject.kind == Subject.Kind.ORGANIZATION:
        return {
            "page_name": _("The cell's review report"),
            "submit_label": _("Submit the cell's review report"),
            "submit_confirm": _(
                "Submit the cell's review report? It cannot be changed afterwards unless it is returned."
            ),
        }
    return {
        "page_name": _("The collective's review report"),
        "submit_label": _("Submit the collective's review report"),
        "submit_confirm": _(
            "Submit the collective's review report? It cannot be changed afterwards unless it is returned."
        ),
    }
