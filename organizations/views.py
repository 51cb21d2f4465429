from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from organizations.access import Access, get_organization_for_user, get_scope
from organizations.models import Organization


def breadcrumbs(user, organization: Organization) -> list[dict]:
    """The organization's ancestors the user may see, then the organization itself."""
    scope = get_scope(user)
    chain = [a for a in organization.ancestors() if scope.level(a.path) >= Access.VIEW]
    return [
        {"name": o.name, "url": reverse("organizations:detail", args=[o.code])}
        for o in [*chain, organization]
    ]


@login_required
def organization_list(request):
    scope = get_scope(request.user)
    if not scope.is_staff_anywhere:
        raise Http404
    # The tops of the user's part of the tree.
    if scope.everything:
        tops = Organization.objects.get_root_nodes()
    else:
        tops = Organization.objects.filter(path__in=scope.manage_paths + scope.view_paths).order_by("path")
    return render(request, "organizations/list.html", {"tops": tops})


@login_required
def organization_detail(request, code):
    organization = get_organization_for_user(request.user, code)
    children = organization.children().order_by("dissolved_on", "name")
    changes = organization.changes.select_related("old_parent", "new_parent", "merged_into", "recorded_by")
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "children": children,
            "changes": changes,
            "crumbs": breadcrumbs(request.user, organization),
        },
    )
