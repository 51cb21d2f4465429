"""Part B of a form under QĐ 366, built in Python (reviews/templatetags/form_part_b.py): the task list
(R366-SCORE-4: each task with its status and products) and the points of each criterion (R366-SCORE-1), editable or as saved; every value
escaped, the words the catalogue's."""

import re
from decimal import Decimal
from types import SimpleNamespace

from django.template import Context
from django.utils import translation

from reviews.templatetags import form_part_b
from tests.reviews.helpers import textareas

TYPED = "\nViệc <script>alert(\"x\")</script> & 'một'\nDòng hai"  # its first line left blank
STATUSES = [("on_time", "Đúng <hạn>"), ("late", "Chậm")]
ROW = {"key": "B.I", "dom": "B-I"}


def _part_b(**values) -> dict:
    return {
        "task_rows": [
            {"text": TYPED, "status": "late", "products": "Báo cáo <1>\nBáo cáo 2"},
            {"text": "", "status": "", "products": ""},
            {"text": "Việc ba", "status": "", "products": ""},
        ],
        "statuses": STATUSES,
        "is_leader": False,
        "units_led": False,
        **values,
    }


def _vi(build, *args):
    with translation.override("vi"):
        return build(*args)


def _context(part_b: dict, *, editable: bool) -> Context:
    return Context({"part_b": part_b, "editable": editable, "save_url": "/luu/", "csrf_token": "tok"})


def test_r366_score_4_the_task_list_is_written_in_rows_that_save_themselves():
    page = _vi(form_part_b.task_list, _context(_part_b(), editable=True), ROW)
    assert page.startswith('<form method="post" action="/luu/"') and "data-autosave data-task-list>" in page
    assert 'name="key" value="B.I"' in page and 'name="csrfmiddlewaretoken" value="tok"' in page
    assert textareas(page, "task_text")[0] == TYPED and "<script>" not in page
    assert "data-task-add hidden>Thêm nhiệm vụ</button>" in page and "Lưu danh sách nhiệm vụ" in page
    assert "units_led" not in page  # only a leader says how the units they lead did
    leader = _vi(
        form_part_b.task_list,
        _context(_part_b(is_leader=True, units_led=True), editable=True),
        ROW,
    )
    assert 'name="units_led" id="f-units-led" checked>' in leader and "ít nhất 30% vượt kế hoạch." in leader


def test_r366_score_4_a_read_only_task_list_is_a_table_of_the_tasks_written():
    page = _vi(form_part_b.task_list, _context(_part_b(), editable=False), ROW)
    assert "<form" not in page and "<textarea" not in page
    assert '<th scope="col">Nhiệm vụ</th>' in page
    rows = re.findall(r"<tr><td>(\d+)</td>", page)
    assert rows == ["1", "3"]  # the blank second row is not shown; the rows keep their numbers
    assert "<td><br>Việc &lt;script&gt;" in page and "<td>Chậm</td>" in page
    assert "<td>Báo cáo &lt;1&gt;<br>Báo cáo 2</td>" in page
    empty = _vi(form_part_b.task_list, _context(_part_b(task_rows=[]), editable=False), ROW)
    assert '<tr><td colspan="4">—</td></tr>' in empty


def _entry(key, method, typed):
    item = SimpleNamespace(key=key, title=f"Tiêu chí <{key}>", method=method)
    return {"item": item, "typed": typed, "hint": "Tối đa <10> điểm.", "max_text": "10"}


SUMMARY = SimpleNamespace(render=lambda context: f"SUMMARY {context['part_b']['total']}")


def _points(*, editable: bool) -> str:
    groups = [
        {
            "label": "Chung <a>",
            "max": Decimal("30.5"),
            "entries": [_entry("g1", "points", '8"5'), _entry("g2", "percent", "")],
        }
    ]
    context = _context({"groups": groups, "total": "8,5"}, editable=editable)
    return _vi(form_part_b.points, context, {"key": "B.II"}, SUMMARY)


def test_r366_score_1_each_criterion_takes_its_points_in_a_field_that_saves_itself():
    page = _points(editable=True)
    assert page.startswith("SUMMARY 8,5\n<form") and 'name="key" value="B.II"' in page
    assert (
        '<legend class="h6">Chung &lt;a&gt; <span class="text-body-secondary">(30,5 điểm)</span></legend>'
        in page
    )
    assert '<label class="form-label mb-0" for="f-points-g1">Tiêu chí &lt;g1&gt;</label>' in page
    assert 'name="points-g1" id="f-points-g1" value="8&quot;5" aria-describedby="hint-points-g1"' in page
    assert '<div class="form-text mt-0" id="hint-points-g1">Tối đa &lt;10&gt; điểm.</div>' in page
    assert page.count('<span class="input-group-text">/10</span>') == 1
    assert page.count('<span class="input-group-text">%</span>') == 1
    assert "Lưu điểm tự chấm" in page and page.count("data-autosave") == 1


def test_r366_score_1_a_read_only_form_shows_the_points_as_saved():
    page = _points(editable=False)
    assert "<form" not in page and "<input" not in page
    assert '<span class="d-block">Tiêu chí &lt;g1&gt;</span>' in page
    assert "<strong>8&quot;5</strong>/10" in page and "<strong>…</strong> %" in page
