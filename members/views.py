from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from members.models import Member
from organizations.access import get_organization_for_user, require_view
from organizations.views import breadcrumbs

PAGE_SIZE = 50


@login_required
def member_list(request, code):
    organization = get_organization_for_user(request.user, code)
    query = request.GET.get("q", "").strip()
    members = Member.objects.in_subtree(organization).select_related("cell").vietnamese_order()
    if query:
        members = members.search(query)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/list.html",
        {
            "organization": organization,
            "page": page,
            "query": query,
            "page_query": urlencode({"q": query}) if query else "",
            "crumbs": breadcrumbs(request.user, organization),
        },
    )


@login_required
def member_detail(request, uid):
    member = Member.objects.select_related("cell").filter(uid=uid).first()
    if member is None:
        raise Http404
    require_view(request.user, member)
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "statuses": member.status_history.select_related("other_cell"),
            "cells": member.cell_history.select_related("cell"),
            "disciplines": member.discipline_records.all(),
            "leaves": member.leave_records.all(),
        },
    )


@login_required
def my_record(request):
    member = Member.objects.filter(user=request.user).first()
    if member is None:
        raise Http404
    return redirect("members:detail", uid=member.uid)
