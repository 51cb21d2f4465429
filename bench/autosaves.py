"""The autosaves bench_pages.py measures: members writing their own self-review, each item saved as
they type (reviews/views/member.py, `save_item`), the request a season sends most often
(docs/operations.md, "Web workers").

An autosave locks its subject's row, so clients saving one form would wait on each other; each
client is a different member, signed in as themself, saving their own form still being written.
The members are the season's first draft members without a login outside the cell the bench
measures; each gets a login of the bench's own (made once, kept in the bench database). Every
save posts the same text to item I.1 of 2A/2B/2C: the form's version and time change, nothing
any measured page reads.
"""

import secrets

LOGIN_PREFIX = "bench_autosave_"
ITEM = "I.1"
TEXT = "Luôn giữ vững lập trường chính trị, chấp hành nghiêm đường lối của Đảng."


def autosave_targets(season, count: int, measured_cell_id: int) -> list[tuple[str, str]]:
    """(login, save URL) of `count` members each saving their own draft form."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from members.models import Member
    from reviews.models import Subject

    User = get_user_model()
    drafts = Subject.objects.filter(
        season=season, kind="member", state="draft", out_of_scope="", form_code__in=("2A", "2B", "2C")
    ).exclude(unit__organization_id=measured_cell_id)
    targets = []
    for number in range(1, count + 1):
        login = f"{LOGIN_PREFIX}{number}"
        member = Member.objects.filter(user__username=login).first()
        if member is None:
            member = Member.objects.get(
                pk=drafts.filter(member__user__isnull=True).values_list("member_id", flat=True).first()
            )
            member.user = User.objects.create_user(login, password=secrets.token_urlsafe(24))
            member.save(update_fields=["user"])
        subject = drafts.get(member=member)
        targets.append((login, reverse("reviews:form-save", args=[season.pk, subject.pk])))
    return targets


def autosave_body() -> bytes:
    from urllib.parse import urlencode

    return urlencode({"key": ITEM, "text": TEXT}).encode()
