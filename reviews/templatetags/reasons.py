"""`{% reason_html r %}`: one refusal (reviews.refusals.Reason, or a plain sentence) as the pages
show it, built in Python.

The queue and the cell board show a reason in every row; an `{% include %}` per reason costs a
template render each (the largest single item of those pages' profile, bench/README.md, "Profile
of the cell, queue and form pages"). The markup: the sentence, who must act and a link to where
it is done; the rule it enforces only in data-rule. A sentence that lists things links each to
where it is put right: in the line ("These items are empty: III, VI."), or one under another
when the names are long (the criteria still without points). `here`: the address of the page
showing the reason, which it does not link to (the user is already there).
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _named(name: str, url: str) -> str:
    """A listed thing, linked to its place: in the colours of the alert it sits in (contrast)."""
    if not url:
        return format_html("{}", name)
    return format_html('<a class="alert-link fw-normal" href="{}">{}</a>', url, name)


def _sentence(value) -> str:
    """The sentence, its listed things linked where the reason keeps them."""
    items = getattr(value, "items", ())
    if not items:
        return format_html("{}", value)
    if getattr(value, "as_list", False):
        names = format_html_join("", "<li>{}</li>", ((_named(n, u),) for n, u in items))
        return format_html('{}<ul class="mb-0" data-listed>{}</ul>', value.lead.rstrip(), names)
    names = mark_safe(", ".join(_named(n, u) for n, u in items))  # each escaped by _named
    return format_html("{}<span data-listed>{}</span>{}", value.lead, names, value.tail)


@register.simple_tag
def reason_html(value, here: str = "") -> str:
    rule = getattr(value, "rule", "")
    who = getattr(value, "who", "")
    url = getattr(value, "url", "")
    if here and url.split("#")[0] == here:
        url = ""
    parts = [format_html(' data-rule="{}"', rule) if rule else "", ">", _sentence(value)]
    if who:
        parts.append(format_html(' <span class="text-body-secondary">({} {})</span>', _("who acts:"), who))
    if url:
        link = getattr(value, "link", "") or _("Open")
        parts.append(
            format_html(
                ' <a class="alert-link text-nowrap" href="{}">{}&nbsp;<span aria-hidden="true">›</span></a>',
                url,
                link,
            )
        )
    tag = "div" if getattr(value, "as_list", False) else "span"
    return mark_safe(f"<{tag}" + "".join(parts) + f"</{tag}>")
