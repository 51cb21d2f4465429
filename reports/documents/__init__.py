"""The printable documents: what each one holds, for the templates under templates/reports/.

`build()` gathers a document's content into plain values (no querysets, no lazy relations: the
templates run no query) and names the template that lays it out; `render_html()` turns it into
the HTML that `reports.pdf.html_to_pdf` prints. The layout follows the party's document rules
(HD 36-HD/VPTW) and the forms of the season's rule set (R-FORM-1..8, R366-FORM-*); the
statistical summary holds R-STAT-1 and R-STAT-3.

One module per family of documents:
- `forms`: the review forms (collective 01; individual 02A/02B, or 2A/2B/2C with part B from
  `part_b`: tasks, points at the three steps, levels);
- `minutes`: the minutes of a review meeting;
- `decisions`: the decision list of a deciding unit, and the re-rating decision (Mẫu 03);
- `summary`: the statistical summary and its appendices (the points section from `points`);
- `records`: the list of the season's records sent upward (Mẫu 04);
- `quarters`: a leader's quarter, self-assessed and evaluated (Mẫu 05), and a quarter's summary table;
- `base`: what they share (headers, names, dates, numbers, signatures, verification).

These are official party papers, so their wording is Vietnamese whatever the reader's language;
the form texts themselves (sections, items, signature blocks) come from the rule set as data.
"""

from django.utils import translation

from reports.documents.base import (
    NUMBERED_KINDS,
    Document,
    DocumentUnavailable,
    Verification,
    apply_number,
    clean_number,
    committee,
    date_line,
    party_body,
    place_name,
    render_html,
    verification_for,
)
from reports.documents.decisions import (
    decisions,
    refuse_empty_decisions,
    rerating,
    rerating_issuer,
    rerating_of,
)
from reports.documents.forms import collective, individual
from reports.documents.minutes import minutes
from reports.documents.quarters import (
    evaluation_of,
    quarter,
    quarter_table,
    quarter_table_part,
    refuse_missing_quarter,
    refuse_quarter_table,
)
from reports.documents.quarters import table_part_ids as quarter_table_part_ids
from reports.documents.records import records
from reports.documents.summary import build_summary_part, summary, summary_parts

BUILDERS = {
    "individual": individual,
    "collective": collective,
    "minutes": minutes,
    "decisions": decisions,
    "summary": summary,
    "rerating": rerating,
    "records": records,
    "quarter": quarter,
    "quarter_table": quarter_table,
}
KINDS = tuple(BUILDERS)
# Kinds about one quarter of the season: the quarter's number comes with the request.
QUARTER_KINDS = ("quarter", "quarter_table")

__all__ = [
    "KINDS",
    "NUMBERED_KINDS",
    "QUARTER_KINDS",
    "Document",
    "DocumentUnavailable",
    "Verification",
    "build",
    "build_summary_part",
    "clean_number",
    "committee",
    "date_line",
    "evaluation_of",
    "party_body",
    "place_name",
    "refuse_empty_decisions",
    "refuse_missing_quarter",
    "quarter_table_part",
    "quarter_table_part_ids",
    "refuse_quarter_table",
    "render_html",
    "rerating_issuer",
    "rerating_of",
    "summary_parts",
    "verification_for",
]


def build(
    kind: str,
    *,
    season,
    unit,
    subject=None,
    verification: Verification,
    number: str = "",
    quarter: int = 0,
) -> Document:
    if kind not in BUILDERS:
        raise DocumentUnavailable(f"Không có loại văn bản “{kind}”.")
    with translation.override("vi"):
        if kind in QUARTER_KINDS:
            document = BUILDERS[kind](season, unit, subject, quarter)
        else:
            document = BUILDERS[kind](season, unit, subject)
    if apply_number(document.context, number):  # the title (and the verification page) says it too
        document.title = f"{document.title} – số {document.context['number_text']}"
    document.context.update(verification=verification, title=document.title)
    return document
