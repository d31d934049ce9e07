"""The workbench in a real browser (issue 10): each role logs in and sees its pages; the ledger
filters; a case opens; forms record a contact, a reply and its approval; a refusal shows its
rule id and writes nothing; the auditor sees a case as it was; a handler cannot reach another
unit's case; no page logs a console error (``Browser.open`` checks every page it opens)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.conftest import HEIGHT, WIDTH, Browser, replaced
from tests.paperwork_support import row, workbook

pytestmark = pytest.mark.browser

# Who may see which page of the top navigation (UI.md § Page map). Only the office imports:
# the others' 导入导出 offered downloads alone, under a name that promised more (a review).
NAVIGATION = {
    "demo-admin": ["总览", "办理台账", "审计", "管理"],
    "demo-office": ["总览", "办理台账", "督办", "答复公开", "导入导出"],
    "demo-leader": ["总览", "办理台账", "督办", "答复公开", "导出"],
    "demo-supervisor": ["总览", "办理台账", "督办", "答复公开", "导出"],
    "demo-auditor": ["总览", "办理台账", "答复公开", "导出", "审计"],
    "demo-handler-fin": ["总览", "办理台账", "答复公开", "导出"],
}
PAGES = {
    "总览": "/",
    "办理台账": "/ledger",
    "督办": "/supervision",
    "答复公开": "/disclosures",
    "导入导出": "/paperwork",
    "导出": "/paperwork",
    "审计": "/audit",
    "管理": "/admin",
}


def handling_cases(api: httpx.Client) -> list[dict[str, Any]]:
    """Cases still in handling with a lead unit (the demo year has a score of them)."""
    found = api.get("/v1/ledger", params={"stage": "handling", "limit": 50}).json()["items"]
    return [c for c in found if c["lead_unit"] and not c["reference"]]


def handler_of(case: dict[str, Any]) -> str:
    return f"demo-handler-{case['lead_unit'].lower()}"


def case_version(api: httpx.Client, case_id: str) -> int:
    return int(api.get(f"/v1/cases/{case_id}").json()["version"])


def open_form(browser: Browser, name: str) -> None:
    browser.find(f"#form-{name} > summary").click()


def submit(browser: Browser, name: str, status: int | None = None) -> None:
    browser.follow(browser.find(f"#form-{name} button[type=submit]"))
    browser.assert_quiet(f"after posting {name}", status)


def record_contact(browser: Browser, summary: str) -> None:
    open_form(browser, "contact")
    browser.find("#form-contact input[name='contacted_by.rank']").send_keys("科长")
    browser.find("#contact-reached").click()
    browser.find("#contact-summary").send_keys(summary)
    submit(browser, "contact")


@pytest.mark.parametrize("username", sorted(NAVIGATION))
def test_each_role_logs_in_and_sees_its_pages(browser: Browser, username: str) -> None:
    browser.login(username)
    assert browser.path == "/"
    assert "总览" in browser.text("h1")
    names = [a.text for a in browser.all("header.top nav a")]
    assert names == NAVIGATION[username]
    for name in names:
        browser.open(PAGES[name])
        assert browser.find("h1").text.startswith(name)
        browser.shot(f"{username}-{PAGES[name].strip('/') or 'dashboard'}")
    hidden = set(PAGES.values()) - {PAGES[name] for name in names}
    for path in sorted(hidden):
        browser.open(path, status=403)
        assert "无权访问" in browser.text("h1"), f"{username} reached {path}"


def test_a_wrong_password_is_refused_and_logout_ends_the_session(browser: Browser) -> None:
    browser.login("demo-office", "not-the-password", status=401)
    assert browser.path.startswith("/login")
    assert "用户名或密码错误" in browser.text()
    browser.login("demo-office")
    browser.follow(browser.find("header.top form[action='/logout'] button"))
    assert "已退出" in browser.text()
    browser.open("/ledger")
    assert browser.path.startswith("/login?next=%2Fledger")


def test_the_ledger_filters_by_the_url_and_opens_a_case(browser: Browser) -> None:
    browser.login("demo-office")
    browser.open("/ledger")
    everything = int(browser.find("#row-count strong").text)
    Select(browser.find("#f-stage")).select_by_value("handling")
    Select(browser.find("#f-overdue")).select_by_value("1")
    browser.follow(browser.find("form.filters button[type=submit]"))
    browser.assert_quiet("the filtered ledger")
    assert "stage=handling" in browser.path and "overdue=1" in browser.path
    assert "year=" not in browser.path and "kind=" not in browser.path  # 全部 is left out
    listing = browser.path
    filtered = int(browser.find("#row-count strong").text)
    assert 0 < filtered < everything
    stages = {row.text for row in browser.all("table.data tbody td:nth-child(4)")}
    assert stages == {"办理中"}
    assert all("已逾期" in row.text for row in browser.all("table.data tbody tr"))
    browser.shot("ledger-filtered")
    first = browser.find("table.data tbody td a")
    number = first.text
    browser.follow(first)
    browser.assert_quiet("a case page")
    assert browser.find("h1").text.startswith(number)
    assert browser.all("#timeline li")
    # Back to the same filtered list, not the 台账's first page of everything.
    browser.follow(browser.find("#back-to-list"))
    assert browser.path == listing
    assert int(browser.find("#row-count strong").text) == filtered


def test_the_visit_chart_draws_each_unit_in_its_verdicts_colour_as_its_legend_says_R_V2(
    browser: Browser,
) -> None:
    browser.login("demo-office")
    browser.open("/")
    series = browser.driver.execute_script(
        "var c = echarts.getInstanceByDom(document.getElementById('chart-visits'));"
        "return c.getOption().series.map(function (s) { return {name: s.name,"
        " colour: s.itemStyle && s.itemStyle.color, values: s.data.map(function (d) {"
        " return d && typeof d === 'object' ? [d.value, d.shortfall] : [d, null]; })}; });"
    )
    verdicts = {s["name"]: s for s in series if s["name"].startswith("实际走访率")}
    met, short = verdicts["实际走访率（达标）"], verdicts["实际走访率（未达标）"]
    assert (met["colour"], short["colour"]) == ("#2e8540", "#d9363e")  # the legend's too
    for (kept, shortfall), (missed, _) in zip(met["values"], short["values"], strict=True):
        assert (kept == "-") != (missed == "-")  # each unit's bar in exactly one of them
        assert (missed != "-") == (shortfall > 0)
    assert any(v != "-" for v, _ in short["values"])  # the demo year has a unit short
    # "差N件" over each short bar, drawn above the required rate's dashed line so that the
    # line's steps do not cross the labels out; not in the legend.
    names = [s["name"] for s in series]
    layers = browser.driver.execute_script(
        "return echarts.getInstanceByDom(document.getElementById('chart-visits'))"
        ".getOption().series.map(function (s) { return s.z; });"
    )
    assert layers[names.index("shortfall")] > layers[names.index("要求走访率")]
    labels = series[names.index("shortfall")]["values"]
    assert [value != "-" for value, _ in labels] == [m != "-" for m, _ in short["values"]]
    assert [v for v in labels if v[0] != "-"] == [v for v in short["values"] if v[0] != "-"]
    legend = browser.driver.execute_script(
        "return echarts.getInstanceByDom(document.getElementById('chart-visits'))"
        ".getOption().legend[0].data;"
    )
    assert "shortfall" not in legend and "要求走访率" in legend


def test_a_charts_tooltip_shows_a_units_name_as_text_not_markup(browser: Browser) -> None:
    """ECharts writes a tooltip formatter's answer as HTML: an attack probe's unit named
    <img src=x onerror=…> put a live element in the 总览 tooltip (the CSP kept its script
    from running)."""
    browser.login("demo-office")
    browser.open("/")
    shown = browser.driver.execute_script(
        "function tip(id, p) { var c = echarts.getInstanceByDom(document.getElementById(id));"
        " return c.getOption().tooltip[0].formatter(p); }"
        "var unit = '<img src=x>财政厅', series = '<b>按时</b>';"
        "return [tip('chart-classes', {name: unit, seriesName: series, value: 2, data: {}}),"
        " tip('chart-visits', [{name: unit, seriesName: series, value: 50, marker: ''}])];"
    )
    for html in shown:
        assert "<img" not in html and "<b>" not in html, html
        assert "&#60;img src=x&#62;财政厅" in html and "&#60;b&#62;按时&#60;/b&#62;" in html, html


def test_the_class_chart_counts_cases_in_whole_numbers_R_R1(browser: Browser) -> None:
    """A unit with a reply or two (a handler's new year) saw its axis count 0.2, 0.4 … 件."""
    browser.login("demo-office")
    browser.open("/")
    ticks = browser.driver.execute_script(
        "var c = echarts.getInstanceByDom(document.getElementById('chart-classes'));"
        "c.setOption({series: c.getOption().series.map(function (s, n) {"
        " return {data: s.data.map(function () { return n === 0 ? 1 : 0; })}; })});"
        "return c.getModel().getComponent('yAxis').axis.scale.getTicks()"
        ".map(function (t) { return t.value; });"
    )
    assert ticks and all(float(t).is_integer() for t in ticks), ticks


def test_a_contact_recorded_through_the_form_is_on_the_timeline(
    browser: Browser, api: httpx.Client
) -> None:
    case = handling_cases(api)[0]
    browser.login(handler_of(case))
    browser.open(f"/cases/{case['case_id']}")
    before = len(browser.all("#timeline li"))
    record_contact(browser, "浏览器测试：电话沟通办理思路")
    new = browser.find("#timeline li.new")
    assert "沟通联系" in new.text and "浏览器测试：电话沟通办理思路" in new.text
    assert len(browser.all("#timeline li")) == before + 1
    browser.shot("case-after-contact")


def test_going_back_after_a_form_shows_the_case_as_it_now_stands(
    browser: Browser, api: httpx.Client
) -> None:
    """Back after a command restored the page from the browser's cache: the case as it was,
    and a 提交 button disabled by the first press that then did nothing at all."""
    case = handling_cases(api)[5]
    browser.login(handler_of(case))
    browser.open(f"/cases/{case['case_id']}")
    record_contact(browser, "浏览器测试：返回后再记录")
    version = case_version(api, case["case_id"])
    browser.driver.back()

    def current(_: Any) -> bool:
        field = browser.find("#form-contact input[name=_version]")
        return bool(field.get_attribute("value") == str(version))

    WebDriverWait(browser.driver, 15).until(current)
    assert browser.find("#form-contact button[type=submit]").is_enabled()
    browser.assert_quiet("after going back")


def test_a_leader_approves_a_reply_submitted_through_the_form(
    browser: Browser, api: httpx.Client
) -> None:
    case = handling_cases(api)[1]
    path = f"/cases/{case['case_id']}"
    browser.login(handler_of(case))
    browser.open(path)
    record_contact(browser, "答复前征询意见")  # R-C1: a reached contact before approval
    open_form(browser, "reply")
    Select(browser.find("#reply-classification")).select_by_value("B")
    browser.find("#reply-consultation_form_ref").send_keys("征询-2025-001")
    browser.find("#reply-summary").send_keys("列入年度计划，分步解决")
    submit(browser, "reply")
    assert "答复送审" in browser.find("#timeline li.new").text
    browser.login("demo-leader")
    browser.open(path)
    open_form(browser, "approval")
    Select(browser.find("#approval-approved")).select_by_value("true")
    browser.find("#approval-note").send_keys("同意")
    submit(browser, "approval")
    assert "答复审批" in browser.find("#timeline li.new").text
    reply = api.get(f"/v1/cases/{case['case_id']}").json()["replies"][-1]
    assert reply["status"] == "approved"
    browser.shot("case-after-approval")


def test_a_refused_command_shows_its_rule_beside_the_field_and_writes_nothing(
    browser: Browser, api: httpx.Client
) -> None:
    case = handling_cases(api)[2]
    version = case_version(api, case["case_id"])
    browser.login(handler_of(case))
    browser.open(f"/cases/{case['case_id']}")
    open_form(browser, "visit")
    # The organising unit is the handler's own, shown and not chosen (R-V1); a visit on a day
    # still to come is what R-X1 refuses.
    assert not browser.driver.find_elements(By.CSS_SELECTOR, "#visit-organised_by")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()  # ahead in China too
    day = browser.find("#visit-occurred_on")
    browser.driver.execute_script("arguments[0].value = arguments[1]", day, tomorrow)
    browser.find("#visit-visitors").send_keys("王五 处长")
    browser.find("#visit-persons").send_keys(case["title"][:4])
    browser.find("#visit-summary").send_keys("座谈")
    browser.find("#visit-proposer_opinion").send_keys("满意")
    submit(browser, "visit", status=409)
    problem = browser.find(".field.refused .problem")
    assert "R-X1" in problem.text
    refused = browser.find(".field.refused input")
    assert refused.get_attribute("name") == "occurred_on"
    assert refused.get_attribute("value") == tomorrow
    assert browser.find("#visit-visitors").get_attribute("value") == "王五 处长"
    assert case_version(api, case["case_id"]) == version
    browser.shot("case-refused")


def test_the_correction_form_offers_the_fields_of_the_event_chosen_R_X2(
    browser: Browser, api: httpx.Client
) -> None:
    """A registration has only its title to correct, a contact its summary, person, date …:
    the 更正的字段 list follows the event chosen, so the page never offers what R-X2 refuses."""
    case = handling_cases(api)[4]
    browser.login("demo-office")
    browser.open(f"/cases/{case['case_id']}")
    open_form(browser, "correction")
    events = Select(browser.find("#correction-event_id"))
    fields = Select(browser.find("#correction-field"))

    def offered() -> list[str]:
        return [str(o.get_attribute("value")) for o in fields.options if o.is_enabled()]

    registered = next(o for o in events.options if "登记" in o.text)
    events.select_by_value(str(registered.get_attribute("value")))
    assert offered() == ["title"]
    assert fields.first_selected_option.get_attribute("value") == "title"
    contact = next((o for o in events.options if "沟通联系" in o.text), None)
    if contact is not None:
        events.select_by_value(str(contact.get_attribute("value")))
        assert "title" not in offered() and "summary" in offered()
        assert fields.first_selected_option.is_enabled()
    browser.shot("case-correction-fields")


def test_back_after_a_refused_then_recorded_form_reads_the_case_not_a_resubmission(
    browser: Browser, api: httpx.Client
) -> None:
    """A refused form is answered by its POST; Back to that entry asked Chrome to resubmit
    it (ERR_CACHE_MISS). The entry is the case page's instead."""
    case = handling_cases(api)[6]
    browser.login(handler_of(case))
    browser.open(f"/cases/{case['case_id']}")
    open_form(browser, "contact")
    browser.find("#form-contact input[name='contacted_by.rank']").send_keys("科长")
    submit(browser, "contact", status=422)  # no summary: refused beside the field
    assert browser.path == f"/cases/{case['case_id']}#form-contact"
    browser.find("#contact-summary").send_keys("浏览器测试：补上摘要后记录")
    browser.find("#contact-reached").click()
    submit(browser, "contact")
    browser.driver.back()
    WebDriverWait(browser.driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    assert browser.path.startswith(f"/cases/{case['case_id']}")
    assert browser.all("#timeline li")  # the case page, not the browser's error page


def test_the_auditor_sees_a_case_as_it_was(browser: Browser, api: httpx.Client) -> None:
    case = handling_cases(api)[3]
    browser.login(handler_of(case))
    browser.open(f"/cases/{case['case_id']}")
    record_contact(browser, "审计回看前的最后一次联系")
    now = len(browser.all("#timeline li"))
    browser.login("demo-auditor")
    browser.open(f"/cases/{case['case_id']}")
    assert len(browser.all("#timeline li")) == now
    # "此时状态" of the event before the new contact: the contact had not been recorded then.
    browser.follow(browser.find(f"#ev-{now - 1} .when a"))
    browser.assert_quiet("the as-of view")
    assert "时该件的状态" in browser.text("#as-of-banner")
    assert len(browser.all("#timeline li")) == now - 1
    assert "审计回看前的最后一次联系" not in browser.text("#timeline")
    assert not browser.all("details.form")
    browser.shot("case-as-of")


def test_a_handler_cannot_reach_another_units_case_by_url(
    browser: Browser, api: httpx.Client
) -> None:
    cases = api.get("/v1/ledger", params={"limit": 200}).json()["items"]
    elsewhere = next(c for c in cases if "FIN" not in [c["lead_unit"], *c["co_units"]])
    browser.login("demo-handler-fin")
    browser.open(f"/cases/{elsewhere['case_id']}", status=404)
    assert "未找到" in browser.text("h1")
    assert elsewhere["title"] not in browser.text()
    browser.open(f"/cases/{elsewhere['case_id']}?at=2030-01-01T00:00", status=404)
    assert "未找到" in browser.text("h1")


@pytest.mark.parametrize("width", [390, 1024])
def test_a_case_page_is_never_wider_than_the_screen(
    browser: Browser, api: httpx.Client, width: int
) -> None:
    """UI.md: the workbench at a phone's and a small laptop's width. A closed case's 答复
    table (文号, 送达, 抄送, 公开) was wider than a phone: its column grew to the table and every
    card was cut off at the screen's edge. A wide table now scrolls inside its card."""
    closed = api.get("/v1/ledger", params={"stage": "closed", "limit": 50}).json()["items"]
    replied = [c for c in closed if c["lead_unit"] and not c["reference"]]
    assert replied
    browser.login("demo-office")
    browser.driver.set_window_size(width, 844)
    try:
        browser.open(f"/cases/{replied[0]['case_id']}")
        assert "〔" in browser.text()  # an issued reply's 文号, in the 答复 table
        page, screen = browser.driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert page <= screen, f"the page is {page} px wide on a {screen} px screen"
    finally:
        browser.driver.set_window_size(WIDTH, HEIGHT)


@pytest.mark.parametrize("width", [360, 390])
def test_the_search_page_is_never_wider_than_a_phone(browser: Browser, width: int) -> None:
    """查找's box was 28rem wide in a field that sizes to its input: at 360 and 390 px it ran
    past its card and the page scrolled sideways (a review)."""
    browser.login("demo-handler-fin")
    browser.driver.set_window_size(width, 844)
    try:
        browser.open("/search?q=教师")
        page, screen = browser.driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert page <= screen, f"the page is {page} px wide on a {screen} px screen"
    finally:
        browser.driver.set_window_size(WIDTH, HEIGHT)


def test_a_phone_is_led_down_to_the_forms_of_a_case(browser: Browser, api: httpx.Client) -> None:
    """At 390 px the 办理 card stands below the timeline, some five screens down, and a review
    scrolled past every event to find a form; a link under the title leads there. Two columns
    wide, the card is beside the case and the link is not shown."""
    case = api.get("/v1/ledger", params={"stage": "handling", "limit": 1}).json()["items"][0]
    browser.login("demo-office")
    browser.driver.set_window_size(390, 844)
    try:
        browser.open(f"/cases/{case['case_id']}")
        jump = browser.driver.find_element(By.CSS_SELECTOR, "a.jump-to-act")
        assert jump.is_displayed() and str(jump.get_attribute("href")).endswith("#act")
        jump.click()
        top, screen = browser.driver.execute_script(
            "return [document.getElementById('act').getBoundingClientRect().top, innerHeight]"
        )
        assert 0 <= top < screen / 2, top  # the card in view (the page may end below it)
    finally:
        browser.driver.set_window_size(WIDTH, HEIGHT)
    browser.open(f"/cases/{case['case_id']}")
    assert not browser.driver.find_element(By.CSS_SELECTOR, "a.jump-to-act").is_displayed()


def test_a_handlers_visit_chart_draws_its_units_required_rate_R_V2(browser: Browser) -> None:
    """A handler's dashboard charts its own unit: one point, which a line does not draw. The
    legend said 要求走访率 over a chart without it."""
    browser.login("demo-handler-fin")
    browser.open("/")
    required = browser.driver.execute_script(
        "var c = echarts.getInstanceByDom(document.getElementById('chart-visits'));"
        "var s = c.getOption().series.filter(function (s) { return s.name === '要求走访率'; })[0];"
        "return {points: s.data, marked: s.markLine ? s.markLine.data : null};"
    )
    assert len(required["points"]) == 1
    assert required["marked"] is not None
    assert [line["yAxis"] for line in required["marked"]] == required["points"]


def test_check_and_import_in_the_browser_imports(
    browser: Browser, api: httpx.Client, tmp_path: Path
) -> None:
    """The form's two buttons send action=check or action=import. The double-submit guard
    disabled the pressed button while the form was sent, so its value never went: a review
    pressed 检查并导入 and read 可点“检查并导入”写入, with nothing written."""
    sheet = tmp_path / "交办清单.xlsx"
    sheet.write_bytes(workbook([row("BT-9001", 标题="关于浏览器导入检查的建议")]))
    browser.login("demo-office")
    browser.open("/paperwork")
    browser.find("#i-file").send_keys(str(sheet))
    browser.follow(browser.find("button[name=action][value=import]"))
    browser.assert_quiet("after importing")
    assert "已导入：1 行" in browser.text("#import-report")
    found = api.get("/v1/cases", params={"q": "BT-9001"}).json()["items"]
    assert [c["number"] for c in found] == ["BT-9001"]


def test_the_export_links_follow_the_year_chosen_at_once(browser: Browser) -> None:
    """A review chose 2024 under 导出 and downloaded 2025's files: the links changed only
    after 更新下载链接. The choice now sends the form."""
    browser.login("demo-office")
    browser.open("/paperwork")
    years = [str(o.get_attribute("value")) for o in browser.all("#e-year option")]
    before = str(browser.find("#downloads a").get_attribute("href"))
    other = next(y for y in years if f"year={y}" not in before)
    Select(browser.find("#e-year")).select_by_value(other)
    WebDriverWait(browser.driver, 10).until(lambda _: f"year={other}" in browser.path)
    browser.assert_quiet("the export links for another year")
    links = [str(a.get_attribute("href")) for a in browser.all("#downloads a")]
    assert links and all(f"year={other}" in href for href in links)


def test_revoking_a_token_asks_first_and_cancelling_keeps_it(browser: Browser) -> None:
    """管理's 吊销 and 重设密码 cannot be undone and ran at one click: a mis-aimed press cut off
    a unit's program or logged a user out. Each asks first; 取消 sends nothing."""
    user = "demo-handler-wat"
    mine = f"/admin/users/{user}"
    revoke = f"form.inline[action='{mine}/revoke']"

    def live() -> list[str]:
        fields = browser.all(f"{revoke} input[name=token_prefix]")
        return [str(f.get_attribute("value")) for f in fields]

    browser.login("demo-admin")
    browser.open("/admin")
    before = live()
    browser.driver.execute_script(
        "document.querySelector(arguments[0]).closest('details').open = true",
        f"form[action='{mine}/token']",
    )
    browser.follow(browser.find(f"form[action='{mine}/token'] button[type=submit]"))
    browser.assert_quiet("after a new token")
    tokens = live()
    (new,) = set(tokens) - set(before)
    form = browser.find(f"{revoke}:has(input[value='{new}'])")
    assert user in str(form.get_attribute("data-confirm"))
    browser.driver.execute_script("arguments[0].closest('details').open = true", form)
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    button.click()
    asked = WebDriverWait(browser.driver, 10).until(expected_conditions.alert_is_present())
    assert asked and new in asked.text and "不能恢复" in asked.text
    asked.dismiss()
    assert live() == tokens  # nothing sent: the page and its tokens as they were
    old = browser.find("html")
    button.click()
    WebDriverWait(browser.driver, 10).until(expected_conditions.alert_is_present()).accept()
    WebDriverWait(browser.driver, 30).until(lambda _: replaced(old))
    browser.assert_quiet("after revoking")
    assert sorted(live()) == sorted(before)
    assert f"已吊销用户“{user}”的令牌 {new}" in browser.text()


def test_arrow_keys_in_a_rows_reminder_form_stay_in_the_form_R_S3(browser: Browser) -> None:
    """↑/↓ move between a table's rows (UI.md), but not out of a form open in a row: in the
    督办 list's 催办 form they left 方式 and 催办内容 for the next row's case link."""
    browser.login("demo-supervisor")
    browser.open("/supervision")
    browser.find("table[data-nav-rows] tbody tr details.form summary").click()
    means = browser.find("#means-1")
    means.send_keys(Keys.ARROW_DOWN)
    assert browser.driver.switch_to.active_element == means
    note = browser.find("#note-1")
    note.send_keys("第一行", Keys.ENTER, "第二行", Keys.ARROW_UP, Keys.ARROW_DOWN)
    assert browser.driver.switch_to.active_element == note
    # Outside a form the rows are still walked: the first row's case link, then the next's.
    links = browser.all("table[data-nav-rows] tbody tr td:first-child a")
    links[0].send_keys(Keys.ARROW_DOWN)
    assert browser.driver.switch_to.active_element == links[1]


def test_a_slow_form_says_it_is_at_work_once_sent_R_D7(browser: Browser) -> None:
    """载入日历 re-derives every deadline: a review waited 3.4 s on a page where nothing showed
    that anything was happening. The form says so as it goes (held back here, not sent)."""
    browser.login("demo-admin")
    browser.open("/admin")
    form = browser.find("form[action='/admin/calendar']")
    assert not browser.all("form[action='/admin/calendar'] .busy")
    browser.driver.execute_script(
        "arguments[0].addEventListener('submit', function (e) { e.preventDefault(); });"
        "arguments[0].dispatchEvent(new Event('submit', {cancelable: true}));",
        form,
    )
    note = browser.find("form[action='/admin/calendar'] .busy")
    assert note.text == "正在载入并重算全部期限，请稍候（可能需要数秒）…"
    assert note.get_attribute("role") == "status"


def test_a_zero_rate_bar_is_drawn_and_opens_its_cases_like_any_other(browser: Browser) -> None:
    """UI.md: every figure one click from its cases. A 0.0 % rate drew a bar of no height,
    which nothing could click."""
    browser.login("demo-office")
    browser.open("/")
    found = browser.driver.execute_script(
        "var c = echarts.getInstanceByDom(document.getElementById('chart-on-time'));"
        "var out = [];"
        "c.getOption().series.forEach(function (s, i) {"
        "  var data = c.getModel().getSeriesByIndex(i).getData();"
        "  s.data.forEach(function (d, j) {"
        "    if (d && d.value === 0) out.push([data.getItemLayout(j).height, d.link]); }); });"
        "return out;"
    )
    assert found, "the demo year has a rate of 0 %"
    for height, link in found:
        assert abs(height) >= 3 and link.startswith("/figures?")


def test_a_phone_sorts_the_ledger_from_its_filter_form(browser: Browser) -> None:
    """UI.md: the 台账 sorts by its columns. Below 640 px it is a card per case, its heads
    hidden with their sort links (a review found no way to sort on a phone); the filter form
    offers the orders there, and only there."""
    browser.login("demo-office")
    browser.open("/ledger")
    assert not browser.driver.find_element(By.ID, "f-sort").is_displayed()
    browser.driver.set_window_size(390, 844)
    try:
        browser.open("/ledger")
        choice = browser.driver.find_element(By.ID, "f-sort")
        assert choice.is_displayed()
        Select(choice).select_by_value("title")
        browser.driver.find_element(By.ID, "f-desc").click()
        browser.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
        WebDriverWait(browser.driver, 10).until(lambda d: "sort=title" in d.current_url)
        assert "desc=1" in browser.driver.current_url
        assert browser.driver.find_element(By.ID, "f-desc").is_selected()
    finally:
        browser.driver.set_window_size(WIDTH, HEIGHT)
