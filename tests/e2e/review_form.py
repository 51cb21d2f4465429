"""Driving the review form (2A/2B/2C under QĐ 366, 02A/02B under QĐ 124, or 01 for a collective)
in the browser: its sections are tabs, and every item saves itself (htmx) as it is changed."""

from playwright.sync_api import expect

from tests.e2e.conftest import press, settle, vi_pattern

UNSAVED = "form[data-autosave][data-dirty='1'], form[data-autosave][data-pending='1']"
FILLER = "Chi bộ và đảng viên đã hoàn thành nội dung này theo kế hoạch; có số liệu minh chứng kèm theo."


def open_section(page, key: str):
    """Show a section of the review form (its tab), e.g. "III", "submit"."""
    tab = page.locator(f"#tab-{key}")
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def autosave_form(page, key: str):
    return page.locator(f"form[data-autosave]:has(input[name=key][value='{key}'])")


def save(page, form, action):
    """Do `action` in an autosaved item and wait until its save has come back "saved at hh:mm"."""
    form.evaluate("f => f.querySelector('.save-status').replaceChildren()")
    action()
    status = form.locator(".save-status [data-save-state]")
    expect(status).to_have_attribute("data-save-state", "saved")
    page.wait_for_function("f => f.dataset.pending !== '1'", arg=form.element_handle())
    pattern = vi_pattern("saved at %(time)s", time=r"\d{2}:\d{2}")
    if pattern:
        expect(status).to_have_text(pattern)
    return status


def submit_review(page):
    """Press "submit". The page is reloaded first: static/js/member.js leaves an item whose
    change was saved marked unsaved, so the button would only say to wait (see
    test_member_flow.test_a_saved_choice_leaves_nothing_marked_unsaved)."""
    settle(page)
    page.reload()
    open_section(page, "submit")
    settle(page)
    press(page, page.locator("form[data-kd-submit] button[type=submit]"))


def fill_task_list(page, form, status: str = "on_time"):
    """Part B of a QĐ 366 form: one task of the year, done on time, when none is listed yet."""
    text = form.locator("textarea[name=task_text]").first
    if text.input_value().strip():
        return
    save(page, form, lambda: (text.fill("Hoàn thành kế hoạch công tác năm"), text.dispatch_event("change")))
    save(page, form, lambda: form.locator("select[name=task_status]").first.select_option(status))


def fill_points(page, form, percent: str = "80"):
    """Part B of a QĐ 366 form: every criterion still without points gets its maximum (the
    "/8" beside it), a percentage item `percent` — with one task on time, that is HTTNV."""
    for field in form.locator("input[name^=points-]").all():
        if field.input_value().strip():
            continue
        suffix = field.locator("xpath=following-sibling::span").inner_text().strip()
        value = percent if suffix == "%" else suffix.lstrip("/")
        save(page, form, lambda f=field, v=value: (f.fill(v), f.dispatch_event("change")))


def complete_review_form(page, level: str = "HTTNV", grade: str = "tot"):
    """Fill every item still empty, section by section, as its author would: texts, grades,
    pledge assessments, answers to suggestions, the task list and the points (QĐ 366) and the
    self-rating."""
    tabs = page.locator(".form-steps [data-bs-toggle=pill]:not(#tab-submit)")
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        pane = page.locator(tab.get_attribute("data-bs-target"))
        forms = pane.locator("form[data-autosave]:not(#refs-form)")
        for number in range(forms.count()):
            form = forms.nth(number)
            if form.locator("textarea[name=task_text]").count():
                fill_task_list(page, form)
                continue
            if form.locator("input[name^=points-]").count():
                fill_points(page, form)
                continue
            for textarea in form.locator("textarea").all():
                if not textarea.input_value().strip():
                    save(page, form, lambda t=textarea: (t.fill(FILLER), t.dispatch_event("change")))
            for name, value in (("grade", grade), ("level", level), ("assessment", "done")):
                radios = form.locator(f"input[type=radio][name={name}]")
                if radios.count() and not form.locator(f"input[type=radio][name={name}]:checked").count():
                    save(
                        page,
                        form,
                        lambda f=form, n=name, v=value: f.locator(
                            f"input[type=radio][name={n}][value={v}]"
                        ).check(),
                    )
    settle(page)
