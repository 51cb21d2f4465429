"""`{% reason_html r %}`: one refusal as reviews/_reason.html shows it, built in Python.

The queue and the cell board show a reason in every row; an `{% include %}` per reason costs a
template render each (the largest single item of those pages' profile, bench/README.md, "Profile
of the cell, queue and form pages"). The markup is the same as the include's: the sentence, who
must act and a link to where it is done; the rule it enforces only in data-rule. `here`: the
address of the page showing the reason, which it does not link to (the user is already there).
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def reason_html(value, here: str = "") -> str:
    rule = getattr(value, "rule", "")
    who = getattr(value, "who", "")
    url = getattr(value, "url", "")
    if here and url.split("#")[0] == here:
        url = ""
    parts = [format_html(' data-rule="{}"', rule) if rule else ""]
    parts.append(format_html(">{}", value))
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
    return mark_safe("<span" + "".join(parts) + "</span>")
