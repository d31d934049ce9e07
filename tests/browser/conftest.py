"""Browser fixtures: the real ``banli serve`` with the demo year, driven by a real headless
Chromium from Debian's packages through Selenium.

``chromium`` provisions the browser with ``scripts/ensure_chromium.sh`` (as ``postgres_dsn``
does PostgreSQL): under ``CI=true`` a failure is an error, elsewhere a skip. ``workbench``
loads the demo year (units, one user per role, each with the demo password) into a temporary
data folder in-process, then starts ``banli serve`` on it. ``browser`` is one Chromium for the
session; every test logs in as the role it needs. Each page opened is checked for console
errors, and screenshots at 1366×768 go to ``.cache/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from banli.compose import build_services, settings_for
from banli.serve import ensure_demo
from demo.accounts import DEMO_PASSWORD
from tests.e2e.conftest import Server, start_server, stop
from tests.provisioning import run_script, unavailable

REPO_ROOT = Path(__file__).resolve().parents[2]
ENSURE_SCRIPT = REPO_ROOT / "scripts" / "ensure_chromium.sh"
SCREENSHOTS = REPO_ROOT / ".cache" / "screenshots"
PROVISION_TIMEOUT_S = 900  # a fresh machine apt-gets Chromium and the CJK fonts
WIDTH, HEIGHT = 1366, 768
# As root Chromium needs --no-sandbox; the machine's closed network needs the rest quiet.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--lang=zh-CN",
    f"--window-size={WIDTH},{HEIGHT}",
)


def _unavailable(reason: str) -> NoReturn:
    unavailable("Chromium", reason)


@dataclass(frozen=True)
class Chromium:
    binary: str
    driver: str


@pytest.fixture(scope="session")
def chromium() -> Chromium:
    try:
        proc = run_script(ENSURE_SCRIPT, PROVISION_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _unavailable(f"could not run {ENSURE_SCRIPT}: {exc!r}")
    found = dict(re.findall(r"^(chromium|chromedriver)=(\S+)$", proc.stdout, re.MULTILINE))
    if proc.returncode != 0 or len(found) != 2:
        _unavailable(f"{ENSURE_SCRIPT} exited with {proc.returncode}\n{proc.stderr}")
    return Chromium(found["chromium"], found["chromedriver"])


@pytest.fixture(scope="session")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``banli serve`` on a data folder holding the demo year and its accounts."""
    data_dir = tmp_path_factory.mktemp("banli-browser") / "data"
    services = build_services(settings_for(str(data_dir)))
    try:
        ensure_demo(services)
    finally:
        services.close()
    process, running = start_server(data_dir, "browser-tests-bootstrap-token")
    try:
        yield running
    finally:
        stop(process)


class Browser:
    """A Chromium driven by Selenium against the workbench; ``open`` fails on console errors."""

    def __init__(self, driver: webdriver.Chrome, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    def console_errors(self) -> list[str]:
        entries: list[dict[str, str]] = self.driver.get_log("browser")  # type: ignore[no-untyped-call]
        return [e["message"] for e in entries if e["level"] == "SEVERE"]

    def open(self, path: str, status: int | None = None) -> None:
        self.driver.get(self.base_url + path)
        self.assert_quiet(path, status)

    def assert_quiet(self, where: str, status: int | None = None) -> None:
        """No console error. A page answered with an error status (a refused form: 409, a
        case out of scope: 404) makes Chromium log that status for the document itself: the
        one line expected when ``status`` is given, and only then."""
        errors = self.console_errors()
        if status is not None:
            own = f"the server responded with a status of {status}"
            expected = [e for e in errors if own in e]
            assert expected, f"{where} did not answer {status}"
            errors = [e for e in errors if own not in e]
        assert errors == [], f"console errors on {where}: {errors}"

    def login(
        self, username: str, password: str = DEMO_PASSWORD, status: int | None = None
    ) -> None:
        self.driver.delete_all_cookies()
        self.open("/login")
        self.find("#username").send_keys(username)
        self.find("#password").send_keys(password)
        self.follow(self.find("form[action='/login'] button[type=submit]"))
        self.assert_quiet("after login", status)

    def follow(self, element: WebElement) -> None:
        """Clicks what loads a new page and waits until it has loaded."""
        old = self.find("html")
        element.click()
        wait = WebDriverWait(self.driver, 30)
        wait.until(lambda _: replaced(old))
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[WebElement]:
        return list(self.driver.find_elements(By.CSS_SELECTOR, css))

    def text(self, css: str = "main") -> str:
        return str(self.find(css).text)

    @property
    def path(self) -> str:
        return str(self.driver.current_url).removeprefix(self.base_url)

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{name}.png"
        self.driver.save_screenshot(str(target))
        return target


def replaced(element: WebElement) -> bool:
    """Whether ``element``'s page has gone. Chromium answers a node of a page being replaced
    either as stale or, mid-navigation, "Node with given id does not belong to the document"
    (a plain WebDriverException); both mean the old page is gone."""
    try:
        element.is_enabled()
    except WebDriverException:  # StaleElementReferenceException is one
        return True
    return False


@pytest.fixture(scope="session")
def browser(chromium: Chromium, workbench: Server) -> Iterator[Browser]:
    options = webdriver.ChromeOptions()
    options.binary_location = chromium.binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(chromium.driver), options=options)
    except WebDriverException as error:
        _unavailable(f"Chromium did not start: {error.msg}")
    driver.set_window_size(WIDTH, HEIGHT)
    try:
        yield Browser(driver, workbench.base_url)
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def api(workbench: Server) -> Iterator[httpx.Client]:
    """The same server's JSON API as the demo office (to find cases the scenarios act on)."""
    with httpx.Client(base_url=workbench.base_url, timeout=30.0) as client:
        client.headers["Authorization"] = "Bearer demo-office"
        yield client
