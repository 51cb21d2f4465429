"""Pages for committee staff: the approval queue (queue.py, with its quota meter in quota.py), a
subject's page (subject.py, with its QĐ 366 part in points.py), who blocks whom (blockers.py) and
equivalent positions side by side (equivalents.py).

Every list here builds ONE `Facts` for the subjects it shows, so its queries do not grow with
the number of rows; the reasons shown come from the engine (`workflow.blockers`, `rules`).
"""

from django.urls import path

from reviews.views.staff.attendance import attendance_page
from reviews.views.staff.blockers import blockers_board
from reviews.views.staff.equivalents import equivalents_page
from reviews.views.staff.points import (
    queue_raise_quota,
    subject_check,
    subject_check_conclude,
    subject_decide,
    subject_profile,
)
from reviews.views.staff.queue import queue, queue_decide, queue_quota
from reviews.views.staff.rerate import subject_rerate
from reviews.views.staff.subject import (
    subject_cancel,
    subject_outside_comment,
    subject_page,
    subject_propose,
    subject_reopen,
    subject_return_proposal,
    subject_suggest,
)
from reviews.views.staff.supervision import subject_require_redo

urlpatterns = [
    path("duyet/", queue, name="queue"),
    path("duyet/chi-tieu/", queue_quota, name="queue_quota"),
    path("duyet/quyet-dinh/", queue_decide, name="queue_decide"),
    path("doi-tuong/<id:subject>/", subject_page, name="subject"),
    path("doi-tuong/<id:subject>/de-xuat/", subject_propose, name="subject_propose"),
    path("doi-tuong/<id:subject>/tra-lai-de-xuat/", subject_return_proposal, name="subject_return_proposal"),
    path("doi-tuong/<id:subject>/mo-lai/", subject_reopen, name="subject_reopen"),
    path("doi-tuong/<id:subject>/kiem-diem-lai/", subject_require_redo, name="subject_require_redo"),
    path("doi-tuong/<id:subject>/huy-ket-qua/", subject_cancel, name="subject_cancel"),
    path("doi-tuong/<id:subject>/xep-loai-lai/", subject_rerate, name="subject_rerate"),
    path("doi-tuong/<id:subject>/goi-y/", subject_suggest, name="subject_suggest"),
    path(
        "doi-tuong/<id:subject>/y-kien-chi-bo-khac/", subject_outside_comment, name="subject_outside_comment"
    ),
    path("doi-tuong/<id:subject>/quyet-dinh/", subject_decide, name="subject_decide"),
    path("doi-tuong/<id:subject>/kiem-tra/", subject_check, name="subject_check"),
    path(
        "doi-tuong/<id:subject>/kiem-tra/<id:flag>/ket-luan/",
        subject_check_conclude,
        name="subject_check_conclude",
    ),
    path("doi-tuong/<id:subject>/nhom-doi-tuong/", subject_profile, name="subject_profile"),
    path("duyet/nang-ty-le/<id:group>/", queue_raise_quota, name="queue_raise_quota"),
    path("tien-do/<str:code>/", blockers_board, name="blockers"),
    path("dai-bieu/<str:code>/", attendance_page, name="attendance"),
    path("tuong-duong/<str:code>/", equivalents_page, name="equivalents"),
]
