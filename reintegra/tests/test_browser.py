"""The main journey in a real browser: headless Chromium from Debian, driven by Selenium.

Log in (French interface) → register a returnee and get the duplicate warning → open the
case file → add a note and a task. Skipped, with the reason printed, where Chromium or
ChromeDriver is not installed (`.ci/run` installs both).
"""

import io
import shutil
from datetime import date

import pytest

from reintegra.tests.cast import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HAVE_BROWSER = bool(shutil.which("chromium") and shutil.which("chromedriver"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not HAVE_BROWSER, reason="browser test skipped: Debian packages chromium and chromium-driver are not installed"
    ),
]


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1366,768",
        "--lang=fr-FR",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def set_value(driver, name: str, value: str) -> None:
    """Date inputs take typed text in the browser's locale; set the ISO value directly instead."""
    element = driver.find_element("name", name)
    driver.execute_script("arguments[0].value = arguments[1]", element, value)


def _replaced(page):
    """True once `page` is gone. Mid-navigation ChromeDriver may answer "node does not belong to the
    document" (a plain WebDriverException) instead of a stale-element error: both mean replaced."""
    from selenium.common.exceptions import WebDriverException

    def check(_driver) -> bool:
        try:
            page.is_enabled()
        except WebDriverException:
            return True
        return False

    return check


def submit(driver, css: str) -> None:
    """Click a submit button and wait until the next page has replaced this one."""
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element("tag name", "html")
    driver.find_element("css selector", css).click()
    WebDriverWait(driver, 10).until(_replaced(page))


def select(driver, name: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("name", name)).select_by_value(value)


@pytest.mark.django_db(transaction=True)
def test_case_manager_journey_in_french(cast, live_server, browser):
    cast.cm_dakar.language = ""  # no preference: the Dakar office's French applies
    cast.cm_dakar.save()
    existing = cast.case(
        cast.dakar, given="Mamadou", family="Diallo", birth=date(1994, 3, 12), assigned_to=cast.cm_dakar
    )

    browser.get(f"{live_server.url}/accounts/login/")
    assert browser.find_element("tag name", "html").get_attribute("lang") == "fr"
    browser.find_element("name", "username").send_keys("cm.dakar")
    browser.find_element("name", "password").send_keys(PASSWORD)
    submit(browser, "main form[action$='/login/'] button[type=submit]")
    assert "/cases/" in browser.current_url

    browser.get(f"{live_server.url}/cases/register/")
    browser.find_element("name", "given_names").send_keys("Mamadu")
    browser.find_element("name", "family_name").send_keys("Dialo")
    select(browser, "sex", "male")
    set_value(browser, "birth_date", "1994-06-01")
    select(browser, "return_type", "assisted_voluntary")
    return_country = browser.find_element("name", "return_country")
    return_country.clear()
    return_country.send_keys("SN")
    submit(browser, "form[action$='/register/'] button[type=submit]")

    warning = browser.find_element("id", "duplicates")
    assert "Mamadou Diallo" in warning.text
    assert existing.number in warning.text
    browser.find_element("css selector", "input[name=decision][value=different]").click()
    submit(browser, "#duplicates button[type=submit]:not([name=edit])")

    heading = browser.find_element("tag name", "h1").text
    assert "Mamadu Dialo" in heading or "Mamadu Dialo" in browser.page_source
    number = browser.current_url.rstrip("/").split("/")[-1].split("?")[0]
    assert number.startswith("SN-DKR-") and number != existing.number

    browser.get(f"{live_server.url}/cases/{number}/?tab=notes")
    select(browser, "kind", "counselling")
    set_value(browser, "session_date", date.today().isoformat())
    browser.find_element("name", "text").send_keys("Premier entretien : souhaite ouvrir un atelier de couture.")
    submit(browser, "form[action$='/notes/'] button[type=submit]")
    assert "atelier de couture" in browser.find_element("id", "main").text

    browser.get(f"{live_server.url}/cases/{number}/?tab=tasks")
    browser.find_element("name", "title").send_keys("Appeler pour l'évaluation rapide")
    set_value(browser, "due_date", date.today().isoformat())
    submit(browser, "form[action$='/tasks/'] button[type=submit]")
    assert "Appeler pour l'évaluation rapide" in browser.find_element("id", "main").text


def overflow(driver) -> int:
    """How many pixels the page is wider than the window (a horizontal scrollbar on the whole page)."""
    return driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")


# The smallest elements whose removal narrows the page: named in the failure message.
WIDEST = """
const excess = () => document.documentElement.scrollWidth - window.innerWidth;
const before = excess();
const out = [];
for (const el of document.querySelectorAll('main *')) {
  const saved = el.style.display;
  el.style.display = 'none';
  const fixed = excess() < before;
  el.style.display = saved;
  if (fixed && ![...el.querySelectorAll('*')].some((c) => out.includes(c))) out.push(el);
}
const name = (el) => {
  const classes = el.className ? '.' + String(el.className).split(' ').join('.') : '';
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes;
};
return out.slice(-3).map(name).join(', ');
"""


def reseed_migration_data() -> None:
    """A transactional test empties the tables, the data migrations' rows included: put them back."""
    import importlib

    from django.apps import apps

    for module in (
        "reintegra.directory.migrations.0002_seed_service_categories",
        "reintegra.plans.migrations.0002_seed_activity_types",
    ):
        importlib.import_module(module).seed(apps, None)


@pytest.mark.django_db(transaction=True)
def test_the_main_pages_fit_a_laptop_and_a_tablet(live_server, browser, settings):
    """1366x768 laptops and 820x1180 tablets: wide tables scroll in their own box, never the page."""
    from django.core.management import call_command

    from reintegra.cases.models import Case
    from reintegra.children.models import Procedure
    from reintegra.community.models import CommunityProject

    reseed_migration_data()
    call_command("seed_demo", returnees=30, stdout=io.StringIO())
    case = Case.objects.filter(office__code="DKR", is_child=False, plans__isnull=False).first()
    child = Procedure.objects.filter(case__office__code="DKR").select_related("case").first().case
    project = CommunityProject.objects.filter(community__office__code="DKR").first()
    pages = [
        "/cases/",
        f"/cases/{case.number}/",
        f"/cases/{case.number}/?tab=plan",
        f"/cases/{case.number}/?tab=assessments",
        f"/cases/{case.number}/?tab=history",
        f"/best-interests/case/{child.number}/",
        "/dashboards/",
        "/dashboards/rss/",
        "/community/",
        project.get_absolute_url(),
        "/structural/",
        "/structural/agreements/",
        "/audit/",
    ]
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element("name", "username").send_keys("sup.dakar")
    browser.find_element("name", "password").send_keys(settings.DEMO_PASSWORD)
    submit(browser, "main form[action$='/login/'] button[type=submit]")
    too_wide = []
    for width, height in [(1366, 768), (820, 1180)]:
        browser.set_window_size(width, height)
        for page in pages:
            browser.get(f"{live_server.url}{page}")
            assert browser.find_element("tag name", "h1").text, page
            if overflow(browser) > 0:
                culprits = browser.execute_script(WIDEST)
                too_wide.append(f"{page} at {width}x{height}: {overflow(browser)} px ({culprits})")
    assert too_wide == []
