"""What a row of the cell's pages says of its subject (reviews/templatetags/cell_rows.py): every
branch of the next step, the state badge and the returned mark, in Vietnamese, escaped. The cell
board, its collectives, the meeting page and its rows all show these."""

from django.utils import translation

from reviews.models import Subject
from reviews.refusals import Reason
from reviews.rules import Verdict
from reviews.templatetags.cell_rows import next_step, returned_mark, state_badge
from reviews.views.cell.common import Row

S = Subject.State


def _row(state, blockers=(), warnings=(), shared=0, **fields) -> Row:
    subject = Subject(pk=3, kind=Subject.Kind.MEMBER, state=state, **fields)
    return Row(
        subject=subject,
        verdict=Verdict(blockers=list(blockers), warnings=list(warnings)),
        shared_blockers=shared,
    )


def _said(row, **options) -> str:
    with translation.override("vi"):
        return str(next_step(row, **options))


def test_the_board_folds_every_step_on_one_line():
    blocked = _said(_row(S.DRAFT, ["Thiếu <mục I.1>", "Thiếu mục II"], ["Xem & sửa"]), fold_all=True)
    assert blocked.startswith('<details class="small board-step"><summary title="')
    # The line says it in full in its title too, for a window too narrow for it.
    said = "Nộp bản kiểm điểm — 2 vướng mắc · 1 cảnh báo"
    assert f'<summary title="{said}">{said}</summary>' in blocked
    assert "Thiếu &lt;mục I.1&gt;" in blocked and "<mục" not in blocked and "Xem &amp; sửa" in blocked
    assert "text-danger-emphasis" in blocked and "text-warning-emphasis" in blocked

    waiting = _said(_row(S.SUBMITTED, shared=2), fold_all=True)
    waits = "Kiểm điểm tại hội nghị — chờ (xem ở trên)"
    assert waiting == f'<span class="small" title="{waits}">{waits}</span>'
    ready = _said(_row(S.REVIEWED), fold_all=True)
    assert "✓ Sẵn sàng: Đề xuất xếp loại" in ready and "<details" not in ready
    warned = _said(_row(S.REVIEWED, warnings=["Cần xem lại"]), fold_all=True)
    assert '<summary title="✓ Sẵn sàng: Đề xuất xếp loại · 1 cảnh báo">✓ Sẵn sàng' in warned


def test_the_meeting_page_says_each_step_in_full_and_folds_an_unsubmitted_form():
    folded = _said(_row(S.DRAFT, ["Thiếu mục I.1"]), fold_submit=True)
    assert (
        "<details><summary>Bước tiếp theo: Nộp bản kiểm điểm — chưa thực hiện được (1 lý do)</summary>"
        in folded
    )
    in_full = _said(_row(S.DRAFT, ["Thiếu mục I.1"]))
    assert "Bước tiếp theo: Nộp bản kiểm điểm — vướng mắc:" in in_full and "<details>" not in in_full
    review = _said(_row(S.SUBMITTED, ["Chưa ghi biên bản"]), fold_submit=True)
    assert "vướng mắc:" in review  # only the form's own reasons are folded
    assert "— chờ (xem ở trên)" in _said(_row(S.SUBMITTED, shared=1))
    ready = _said(_row(S.REVIEWED, warnings=["Cần <xem> lại"]))
    assert "✓ Sẵn sàng: Đề xuất xếp loại" in ready and "Cần &lt;xem&gt; lại" in ready


def test_a_decided_subject_shows_its_level_and_an_excluded_one_nothing():
    decided = _row(S.DECIDED, decided_level="HTTNV")
    assert _said(decided) == '<div class="small text-success-emphasis">Đã quyết định: HTTNV</div>'
    assert _said(_row(S.EXCLUDED)) == ""


def test_the_state_badge_and_the_returned_mark():
    with translation.override("vi"):
        assert 'class="badge text-bg-light border"' in str(state_badge(_row(S.EXCLUDED)))
        assert 'class="badge text-bg-success"' in str(state_badge(_row(S.DECIDED)))
        returned = _row(S.REVIEWED, flags={"returned_proposal": {"reason": "Thiếu <minh chứng>"}})
        inline = str(returned_mark(returned, inline=True))
        block = str(returned_mark(returned))
        assert not str(returned_mark(_row(S.PROPOSED, flags=returned.subject.flags)))  # proposed again
    # On the board's line only the mark, the sentence in full on hover; on a phone the reason after it.
    assert "<div" not in inline and "Bị trả lại</span>" in inline
    assert 'title="Cấp có thẩm quyền trả lại đề xuất, lý do: Thiếu &lt;minh chứng&gt;"' in inline
    assert '<span class="d-sm-none small"> Thiếu &lt;minh chứng&gt;</span>' in inline
    assert "mt-1" in block and "title=" not in block and "Thiếu &lt;minh chứng&gt;" in block


def test_a_returned_review_waits_for_its_author_not_ready():
    member = _said(_row(S.RETURNED), fold_all=True)
    assert "Chờ đảng viên sửa và nộp lại bản kiểm điểm" in member and "Sẵn sàng" not in member
    assert "✓" not in member and "text-success-emphasis" not in member
    in_full = _said(_row(S.RETURNED))
    assert "Chờ đảng viên sửa và nộp lại bản kiểm điểm" in in_full and "Sẵn sàng" not in in_full
    report = Row(subject=Subject(pk=4, kind=Subject.Kind.ORGANIZATION, state=S.RETURNED), verdict=Verdict())
    assert "Chờ sửa và nộp lại báo cáo" in _said(report, fold_all=True)
    assert "✓ Sẵn sàng: Nộp bản kiểm điểm" in _said(_row(S.DRAFT), fold_all=True)  # a draft is ready


def test_a_reason_does_not_link_to_the_page_it_is_shown_on():
    here = "/ky-kiem-diem/1/chi-bo/CB1/hop/"
    reason = Reason("Ghi tập thể trước.", rule="R-ORDER-2", url=here, link="Mở trang hội nghị")
    elsewhere = Reason("Nộp bản kiểm điểm.", rule="R-ORDER-1", url="/ky-kiem-diem/1/phieu/3/", link="Mở")
    row = _row(S.SUBMITTED, [reason, elsewhere])
    on_meeting_page = _said(row, fold_submit=True, here=here)
    assert "Ghi tập thể trước." in on_meeting_page and f'href="{here}"' not in on_meeting_page
    assert 'href="/ky-kiem-diem/1/phieu/3/"' in on_meeting_page  # other pages are still linked
    assert f'href="{here}"' in _said(row)  # on another page the link stays
