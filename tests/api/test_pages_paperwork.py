"""导入导出 in the workbench, in-process: the clerk's import through the page runs the same
checks as the API (errors by row, column and rule; nothing written on any error; a re-import
writes nothing), the form needs the session's CSRF token, only the office imports, and each
download link is a file the session may fetch (a handler's holds its own unit only)."""

from __future__ import annotations

import io
import re
from datetime import date

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.conftest import Api, register_and_assign
from tests.api.test_pages import csrf_of, logged_in
from tests.paperwork_support import row, upload, workbook

DOWNLOAD = re.compile(r'href="([^"]+)" download data-export="([^"]+)"')


def import_file(client: TestClient, data: bytes, action: str = "import") -> str:
    form = {"_csrf": csrf_of(client, "/paperwork"), "action": action}
    response = client.post("/paperwork/import", data=form, files=upload(data))
    assert response.status_code in (200, 422), response.text
    return str(response.text)


def test_the_clerk_checks_then_imports_a_file_through_the_page_and_again_writes_nothing(
    api: Api,
) -> None:
    client = logged_in(api, "clerk")
    data = workbook([row("2025-301"), row("2025-302", 主办单位="EDU")])
    head = api.head()
    checked = import_file(client, data, action="check")
    assert "检查通过：2 行，将登记 2 件、交办 2 件" in checked
    assert api.head() == head  # a check writes nothing
    done = import_file(client, data)
    assert "已导入：2 行，登记 2 件、交办 2 件" in done
    numbers = {i["number"] for i in api.get("/v1/ledger", "office").json()["items"]}
    assert numbers == {"2025-301", "2025-302"}
    position = api.head()
    assert "均已导入过，没有写入新内容" in import_file(client, data)
    assert api.head() == position


def test_a_file_with_errors_lists_each_by_row_column_and_rule_and_writes_nothing_R_A1(
    api: Api,
) -> None:
    client = logged_in(api, "clerk")
    data = workbook([row("2025-311"), row("2025-312", 主办单位="FIN", 协办单位="FIN")])
    head = api.head()
    response = client.post(
        "/paperwork/import",
        data={"_csrf": csrf_of(client, "/paperwork"), "action": "import"},
        files=upload(data),
    )
    assert response.status_code == 422
    table = response.text.split('id="import-errors"')[1].split("</table>")[0]
    assert re.search(
        r'>3</td><td class="nowrap">2025-312</td><td class="nowrap">主办单位</td>'
        r'<td class="nowrap"><code>R-A1</code>',
        table,
    )
    # The unit by its name, as the file and the office name it (it said FIN 不能同时为主办和会办).
    assert "FIN厅 不能同时为主办和会办" in table
    assert "未导入任何内容" in response.text
    assert api.head() == head


def test_the_check_warns_of_a_reference_case_overdue_as_it_is_assigned_R_D5(api: Api) -> None:
    client = logged_in(api, "clerk")
    data = workbook([row("2025-321", 参阅件="是", 交办日期=date(2025, 11, 25))])
    checked = import_file(client, data, action="check")
    assert "检查通过：1 行" in checked
    table = checked.split('id="import-warnings"')[1].split("</table>")[0]
    assert re.search(
        r'>2</td><td class="nowrap">2025-321</td><td class="nowrap">交办日期</td>'
        r'<td class="nowrap"><code>R-D5</code></td><td>参阅件联系应于',
        table,
    )
    assert "请注意以下 1 处：" in checked and "交办即逾期" in checked


def test_a_file_that_is_no_workbook_is_named_on_the_page(api: Api) -> None:
    client = logged_in(api, "clerk")
    text = import_file(client, b"not a spreadsheet at all")
    assert 'id="file-problem"' in text


def test_a_unit_listed_twice_is_named_in_the_files_words_R_A1(api: Api) -> None:
    """The page said R-A1 co_units 中单位重复: a field's code, and not which unit."""
    client = logged_in(api, "clerk")
    data = workbook([row("2025-331", 协办单位="HOU、EDU、HOU")])
    table = import_file(client, data, action="check").split('id="import-errors"')[1]
    assert "协办单位 中单位重复：HOU厅" in table.split("</table>")[0]
    assert "co_units" not in table


def test_an_empty_file_is_called_empty_not_another_kind_of_file(api: Api) -> None:
    """A file of 0 bytes was told 不是 xlsx 文件, which sends the clerk looking at its type."""
    client = logged_in(api, "clerk")
    text = import_file(client, b"")
    problem = text.split('id="file-problem"')[1].split("</p>")[0]
    assert "文件为空" in problem and "不是 xlsx" not in problem


def test_the_import_form_needs_the_sessions_token_and_the_office(api: Api) -> None:
    clerk = logged_in(api, "clerk")
    leader = logged_in(api, "boss", role="leader")
    data = workbook([row("2025-321")])
    head = api.head()
    forged = clerk.post(
        "/paperwork/import", data={"_csrf": "forged", "action": "import"}, files=upload(data)
    )
    assert forged.status_code == 403
    assert 'action="/paperwork/import"' not in leader.get("/paperwork").text
    # The office's form offers the template, which a browser session downloads.
    link = re.search(r'href="([^"]+)" id="import-template"', clerk.get("/paperwork").text)
    assert link and clerk.get(link.group(1)).status_code == 200
    form = {"_csrf": csrf_of(leader, "/paperwork"), "action": "import"}
    assert leader.post("/paperwork/import", data=form, files=upload(data)).status_code == 403
    assert api.head() == head


def test_every_download_link_answers_its_file_with_the_sessions_scope(api: Api) -> None:
    register_and_assign(api, "P-401", on="2025-02-01")  # led by FIN
    register_and_assign(api, "P-402", on="2025-02-01", lead="EDU")
    office = logged_in(api, "clerk")
    links = dict(
        (name, href) for href, name in DOWNLOAD.findall(office.get("/paperwork?year=2025").text)
    )
    assert set(links) == {
        "ledger",
        "contacts",
        "commitments",
        "visit-compliance",
        "measures",
        "responsibilities",
        "reviews",
        "annual",
    }
    for name, href in links.items():
        response = office.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, (name, response.text)
        assert response.headers["x-banli-position"]
    handler = logged_in(api, "fin", role="handler", unit="FIN")
    own = dict(
        (name, href) for href, name in DOWNLOAD.findall(handler.get("/paperwork?year=2025").text)
    )
    assert "annual" not in own  # the summary is not a handler's (API.md v1.1)
    sheet = load_workbook(io.BytesIO(handler.get(own["ledger"].replace("&amp;", "&")).content))
    numbers = {c.value for ws in sheet.worksheets for r in ws.iter_rows() for c in r}
    assert "P-401" in numbers and "P-402" not in numbers


def test_the_ledger_page_exports_what_its_filters_select(api: Api) -> None:
    register_and_assign(api, "P-411", on=str(date(2025, 2, 1)))
    client = logged_in(api, "clerk")
    page = client.get("/ledger?year=2025&kind=suggestion&stage=handling").text
    assert "P-411" in page, page
    href = re.search(r'id="export-ledger" href="([^"]+)"', page)
    assert href is not None
    assert (
        href.group(1).replace("&amp;", "&")
        == "/v1/exports/ledger.xlsx?year=2025&kind=suggestion&stage=handling"
    )
    assert client.get(href.group(1).replace("&amp;", "&")).status_code == 200


def test_the_ledger_page_exports_in_its_own_order(api: Api) -> None:
    """The 导出 Excel link kept a sorted 台账's filters and dropped its order: the file came in
    number order, where the clerk had sorted by 办理期限."""
    register_and_assign(api, "P-421", on="2025-03-01")  # due later
    register_and_assign(api, "P-422", on="2025-02-01")  # due first
    client = logged_in(api, "clerk")
    page = client.get("/ledger?year=2025&sort=due&desc=1").text
    href = re.search(r'id="export-ledger" href="([^"]+)"', page)
    assert href is not None
    link = href.group(1).replace("&amp;", "&")
    assert link == "/v1/exports/ledger.xlsx?year=2025&sort=due&descending=true"
    book = load_workbook(io.BytesIO(client.get(link).content))
    sheet = book.worksheets[0]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["P-421", "P-422"]
    basis = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    assert basis["排列顺序"] == "办理期限（降序）"
    ascending = load_workbook(io.BytesIO(client.get(link.replace("&descending=true", "")).content))
    rows = ascending.worksheets[0].iter_rows(min_row=2, values_only=True)
    assert [r[0] for r in rows] == ["P-422", "P-421"]
    # 逾期天数 runs against the due day: its ascending order (by due day) is the most overdue
    # first, which the page marks ▼, and the sheet said 升序 (a review's export).
    most_overdue = load_workbook(
        io.BytesIO(client.get(link.replace("sort=due&descending=true", "sort=overdue")).content)
    )
    rows = most_overdue.worksheets[0].iter_rows(min_row=2, values_only=True)
    assert [r[0] for r in rows] == ["P-422", "P-421"]
    basis = {r[0]: r[1] for r in most_overdue["说明"].iter_rows(values_only=True)}
    assert basis["排列顺序"] == "逾期天数（降序）"
    plain = load_workbook(io.BytesIO(client.get("/v1/exports/ledger.xlsx?year=2025").content))
    assert "排列顺序" not in {r[0] for r in plain["说明"].iter_rows(values_only=True)}
