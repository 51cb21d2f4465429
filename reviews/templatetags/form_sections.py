"""The self-review form's sections, built in Python: the tabs that step through them
(`{% form_tabs sections %}`) and each section with its items (`{% form_sections sections %}`).

Nine tabs and nine sections of a dozen template nodes each cost the template engine about 1 ms of
an editable form (bench/README.md, "2026-12-06, night"); each item's card is built by
`form_cards`. The ids are the ones static/js/member.js and the browser tests rely on (`tab-`,
`sec-`, `item-`, `h-`). Every value is escaped here.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from config.escaping import escape
from reviews.templatetags.form_cards import item_card
from reviews.templatetags.form_part_b import POINTS_SUMMARY_TEMPLATE

register = template.Library()


@register.simple_tag
def form_tabs(sections: list[dict]) -> SafeString:
    """One tab per section, the first chosen; the title shortened to six words (the full title
    in `title` and `aria-label`)."""
    tabs = []
    for n, section in enumerate(sections):
        dom = escape(section["dom"])
        full = escape(f"{section['key']}. {section['title']}")
        short = escape(f"{section['key']}. {Truncator(section['title']).words(6, truncate=' …')}")
        tabs.append(
            f'<li class="nav-item" role="presentation">\n'
            f'<button class="nav-link text-start w-100 py-1 py-lg-2 px-2 px-sm-3{" active" if n == 0 else ""}" '
            f'id="tab-{dom}" data-bs-toggle="pill"\ndata-bs-target="#sec-{dom}" type="button" role="tab" '
            f'aria-controls="sec-{dom}"\naria-selected="{"true" if n == 0 else "false"}" title="{full}"\n'
            f'aria-label="{full}">{short}</button>\n</li>'
        )
    return mark_safe("\n".join(tabs))  # escaped here


@register.simple_tag(takes_context=True)
def form_sections(context, sections: list[dict]) -> SafeString:
    """Each section with its title and items; on an editable form a tab pane, the first shown,
    with the buttons to the previous and next section (the page's script shows them)."""
    editable = context["editable"]
    summary = context.template.engine.get_template(POINTS_SUMMARY_TEMPLATE)
    previous, following = escape(_("Previous section")), escape(_("Next section"))
    parts = []
    for n, section in enumerate(sections):
        dom = escape(section["dom"])
        if editable:
            shape = f"tab-pane fade{' show active' if n == 0 else ''}"
            labelled = f'role="tabpanel" aria-labelledby="tab-{dom}" tabindex="0"'
        else:
            shape, labelled = "mb-4", f'aria-labelledby="title-{dom}"'
        parts.append(
            f'<section class="{shape}" id="sec-{dom}"\n{labelled}>\n'
            f'<h2 class="h5 mb-3" id="title-{dom}">{escape(section["key"])}. {escape(section["title"])}</h2>'
        )
        parts.append("".join(item_card(context, row, section, summary) for row in section["rows"]))
        if editable:
            back = (
                f'<button type="button" class="btn btn-outline-secondary" data-kd-prev hidden>{previous}</button>'
                if n
                else "<span></span>"
            )
            parts.append(
                f'<div class="d-flex justify-content-between step-buttons mb-3">\n{back}\n'
                f'<button type="button" class="btn btn-primary" data-kd-next hidden>{following}</button>\n</div>'
            )
        parts.append("</section>")
    return mark_safe("\n".join(parts))  # escaped here
