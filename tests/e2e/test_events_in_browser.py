"""A major event in a real browser, in Russian and in English.

The whole event: an AZ-DTX officer creates a summit, adds a venue, a task already past
its deadline and a risk, and sees the task among the overdue ones on the event's page and
the risk in its cell of the 5x5 matrix; logs two incidents and sees them on the situation
board and the venue map; after the event makes its after-action report final and writes a
lesson shared with every member agency, which the next host, at BY-KGB, finds in the
library by another form of a word, in English.

Accreditation, through the pages only: RU-FSB hosts a forum with AZ-DTX taking part and
declares the quota and the offences; AZ-DTX opts in its record of a suspect (written in
Azerbaijani Latin); RU-FSB uploads three applicants, one of them that person in Cyrillic,
and another supervisor approves the batch; the worker screens it. The owner sees the hit
with a reference and the event only, never the applicant's role or employer, and confirms
it; only then does the host see "hit at AZ-DTX" for that applicant, records a decision
with its reason, and decides the batch: the applicants without a hit are gone."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta

from playwright.sync_api import FilePayload, Locator, Page, expect

from tests.e2e.conftest import SignedInPage, console_problems

# Seconds the worker may take to screen a batch of three applicants.
SCREENING_SECONDS = 60


def _english(page: Page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _reload_until(page: Page, locator: Locator, text: str) -> None:
    """Reloads the page until `locator` shows `text`: the page shows the worker's progress
    only when it is loaded again."""
    deadline = time.monotonic() + SCREENING_SECONDS
    while True:
        try:
            expect(locator).to_contain_text(text, timeout=1_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        page.reload()


def _create_event(page: Page, kind: str, title: str, days_ahead: int) -> str:
    """Creates an event through the form, in Russian; returns its page's address."""
    page.get_by_role("link", name="Крупные мероприятия").click()
    expect(page.locator("h1")).to_have_text("Крупные мероприятия")
    page.get_by_role("link", name="Новое мероприятие").click()
    start = date.today() + timedelta(days=days_ahead)
    page.get_by_label("Вид").select_option(kind)
    page.locator("#title").fill(title)
    page.get_by_label("Первый день").fill(start.isoformat())
    page.get_by_label("Последний день").fill((start + timedelta(days=1)).isoformat())
    page.get_by_label("Ожидаемое число посетителей").fill("800")
    page.get_by_role("button", name="Создать мероприятие").click()
    expect(page).to_have_url(re.compile(r"/events/[a-z2-7]{26}$"))
    return page.url


def _log_incident(page: Page, category: str, severity: str, description: str) -> None:
    page.locator('a[href$="/operations"]').first.click()
    incident_form = page.locator('form[action$="/incidents"]')
    when = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    incident_form.locator("#occurred_at").fill(when)
    incident_form.locator("#venue").select_option(label="Бакинский конгресс-центр")
    incident_form.locator("#category").select_option(category)
    incident_form.locator("#severity").select_option(severity)
    incident_form.locator("#description").fill(description)
    incident_form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/incidents/[a-z2-7]{26}$"))
    expect(page.locator("#incident")).to_contain_text(description)


def test_a_whole_event_from_dossier_to_a_lesson_the_next_host_finds(
    signed_in_page: SignedInPage,
) -> None:
    officer = signed_in_page("mammadov")
    event_page = _create_event(officer, "summit", "Бакинский форум безопасности", 90)
    expect(officer.locator("#dossier")).to_contain_text("саммит")

    officer.get_by_text("Добавить объект", exact=True).first.click()  # opens the form
    venue_form = officer.locator('form[action$="/venues"]')
    venue_form.get_by_label("Название объекта").fill("Бакинский конгресс-центр")
    venue_form.get_by_label("Адрес").fill("Баку, проспект Нефтяников, 1")
    venue_form.get_by_label("Вместимость").fill("2500")
    venue_form.get_by_label("Широта").fill("40.3777")
    venue_form.get_by_label("Долгота").fill("49.8920")
    venue_form.get_by_role("button", name="Добавить объект").click()
    expect(officer.locator("main")).to_contain_text("Бакинский конгресс-центр")
    expect(officer.locator("main")).to_contain_text("40.37770, 49.89200")

    officer.get_by_role("link", name="План", exact=True).click()
    phase_form = officer.locator('form[action$="/plan/phases"]')
    phase_form.get_by_label("Этап").fill("Подготовка к мероприятию")
    phase_form.get_by_role("button", name="Добавить этап").click()
    task_form = officer.locator('form[action$="/plan/tasks"]')
    task_form.get_by_label("Поручение").fill("Обследовать зал пленарного заседания")
    task_form.get_by_label("Срок").fill((date.today() - timedelta(days=1)).isoformat())
    task_form.get_by_role("button", name="Добавить задачу").click()
    expect(officer.locator("main")).to_contain_text("Обследовать зал пленарного заседания")
    officer.goto(event_page)
    expect(officer.locator("#overdue")).to_have_text("Просроченные задачи")
    expect(officer.locator("main")).to_contain_text("просрочено")

    officer.get_by_role("link", name="Реестр рисков").click()
    officer.get_by_label("Угроза: насильственное действие").select_option("arson")
    officer.get_by_label("Сценарий").fill("Поджог автомобилей у входа для делегаций")
    officer.get_by_label("Вероятность (1–5)").select_option("4")
    officer.get_by_label("Последствия (1–5)").select_option("5")
    officer.get_by_role("button", name="Добавить риск").click()
    expect(officer).to_have_url(re.compile(r"/risks/[a-z2-7]{26}$"))
    expect(officer.locator("#band")).to_contain_text("20 · критический")
    officer.get_by_role("link", name="Реестр рисков").click()
    expect(officer.locator("#matrix-title")).to_have_text("Матрица рисков")
    cell = officer.locator('#matrix td[data-likelihood="4"][data-impact="5"]')
    expect(cell).to_have_class("band-critical")
    expect(cell.get_by_role("link")).to_have_text("поджог")

    _log_incident(officer, "suspicious_item", "3", "Оставленная сумка у входа для делегаций")
    _log_incident(officer, "crowd_safety", "2", "Давка у рамок металлодетекторов")
    officer.locator('a[href$="/operations"]').first.click()
    expect(officer.locator("#board td.count")).to_have_text("2")
    expect(officer.locator("#board")).to_contain_text("подозрительный предмет")
    expect(officer.locator("#venue-map g[data-open='2']")).to_have_count(1)

    # after the event: the report's findings made final, and a lesson for every agency
    officer.locator('a[href$="/report"]').first.click()
    expect(officer.locator("main")).to_contain_text("Происшествий в журнале: 2.")
    expect(officer.locator("#by-category")).to_be_visible()
    officer.locator("#worked").fill("Кинологи у входа для делегаций")
    officer.locator('form[action$="/report"] button[type="submit"]').click()
    officer.locator('form[action$="/report/final"] button[type="submit"]').click()
    expect(officer.locator('form[action$="/report"]')).to_have_count(0)
    expect(officer.locator("main")).to_contain_text("Кинологи у входа для делегаций")
    officer.locator("#lessons ~ details > summary").first.click()  # opens the form
    lesson_form = officer.locator('form[action$="/lessons"]')
    lesson_form.locator("#lesson-title").fill("Досмотр сумок у входа")
    lesson_form.locator("#lesson-text").fill("Оставленные сумки проверять кинологами.")
    lesson_form.locator('input[name="share"][value="all"]').check()
    lesson_form.locator('button[type="submit"]').click()
    expect(officer).to_have_url(re.compile(r"/lessons/[a-z2-7]{26}$"))
    officer.goto(officer.url.split("/lessons/")[0] + "/lessons?q=сумки")
    expect(officer.locator("#lessons")).to_contain_text("Досмотр сумок у входа")
    assert console_problems(officer) == []

    # The next host, at another agency, finds it by another form of the word, in English.
    next_host = signed_in_page("lukashevich")
    _english(next_host)
    next_host.goto("/lessons?q=сумку")
    expect(next_host.locator("h1")).to_have_text("Lessons learned")
    lesson = next_host.locator("#lessons tbody tr").filter(has_text="Досмотр сумок у входа")
    expect(lesson).to_have_count(1)
    expect(lesson).to_contain_text("AZ-DTX")
    expect(lesson).to_contain_text("summit")
    lesson.get_by_role("link").click()
    expect(next_host.locator("main")).to_contain_text("Оставленные сумки проверять кинологами.")
    assert console_problems(next_host) == []


# Three applicants; the second is the person of AZ-DTX's record (Məmmədov Elçin, born
# 30 April 1990), written here in Cyrillic.
APPLICANTS = (
    "surname,given_name,patronymic,birth_date,sex,nationality,document_number,role,employer\n"
    "Петрова,Ольга,Ивановна,15.03.1985,F,RUS,4510123456,volunteer,Волонтёрский центр Сочи\n"
    "Мамедов,Эльчин,,30.04.1990,M,AZE,C12345678,contractor,Кейтеринг Юг\n"
    "Smith,John,,1979-11-02,M,GBR,533112233,media,Reuters\n"
)
HIT_EMPLOYER = "Кейтеринг Юг"


def test_accreditation_with_a_hit_confirmed_at_another_agency(
    signed_in_page: SignedInPage,
) -> None:
    host = signed_in_page("ivanov")
    event_page = _create_event(host, "summit", "Сочинский форум по безопасности", 120)
    accreditation_page = f"{event_page}/accreditation"
    host.get_by_text("Добавить ведомство в делегацию его государства", exact=True).click()
    participant_form = host.locator('form[action$="/participants"]')
    participant_form.locator("#agency").fill("AZ-DTX")
    participant_form.locator("#size").fill("12")
    participant_form.locator('button[type="submit"]').click()
    expect(host.locator("main")).to_contain_text("AZ-DTX")

    # The host declares the quota and the offences screened for.
    host.locator('a[href$="/accreditation"]').first.click()
    terms_form = host.locator('form[action$="/accreditation/terms"]')
    terms_form.locator("#quota").fill("10")
    terms_form.locator('input[name="offences"][value="terrorism"]').check()
    terms_form.locator('button[type="submit"]').click()
    expect(host.locator("#terms + dl")).to_contain_text("10")

    # AZ-DTX, taking part, opts in its record of a suspect of terrorism.
    owner = signed_in_page("mammadov")
    _english(owner)
    owner.goto("/records")
    record_link = owner.locator("#records tbody tr").filter(has_text="Məmmədov").get_by_role("link")
    record = (record_link.first.get_attribute("href") or "").rsplit("/", 1)[-1]
    assert re.fullmatch(r"[a-z2-7]{26}", record), record
    owner.goto(accreditation_page)
    owner.get_by_label("Record number").fill(record)
    owner.get_by_role("button", name="Opt in").click()
    expect(owner.locator("#opt-in + ul")).to_contain_text(record)

    # The host uploads the batch; another supervisor of the host approves it.
    host.goto(accreditation_page)
    batch_file = FilePayload(name="applicants.csv", mimeType="text/csv", buffer=APPLICANTS.encode())
    host.locator("#file").set_input_files(files=[batch_file])
    host.locator('form[action$="/accreditation/batches"] button[type="submit"]').click()
    batch_row = host.locator("#batches + table tbody tr").first
    expect(batch_row).to_contain_text("ожидает утверждения")
    expect(batch_row.get_by_role("button")).to_have_count(0)  # not by the uploader
    batch_page = f"{accreditation_page}/batches/{batch_row.get_by_role('link').inner_text()}"

    supervisor = signed_in_page("kuznetsov")
    supervisor.goto(accreditation_page)
    supervisor.get_by_role("button", name="Утвердить для проверки").click()
    _reload_until(supervisor, supervisor.locator("#batches + table tbody tr").first, "проверен")
    # Nothing reaches the host before the owner has checked the hit.
    host.goto(batch_page)
    expect(host.locator("main .empty")).to_have_text("Нет кандидатов с подтверждённым совпадением.")

    # The owner sees a reference and the event, nothing of the applicant, and confirms.
    owner.goto(accreditation_page)
    expect(owner.locator("h1")).to_contain_text("Сочинский форум по безопасности")
    hit_link = owner.locator('a[href^="/records/hits/"]')
    expect(hit_link).to_have_count(1)
    for shown in (HIT_EMPLOYER, "contractor", "Петрова", "Smith"):
        expect(owner.locator("main")).not_to_contain_text(shown)
    hit_link.click()
    expect(owner).to_have_url(re.compile(r"/records/hits/HIT-[0-9A-F]{10}$"))
    reference = owner.url.rsplit("/", 1)[-1]
    # Until the owner confirms it, the hit is answered to the host as a missing one.
    assert host.request.get(f"/records/hits/{reference}").status == 404
    for shown in (HIT_EMPLOYER, "contractor"):
        expect(owner.locator("main")).not_to_contain_text(shown)
    owner.get_by_label("The same: confirmed").check()
    owner.get_by_label("How it was checked").fill("Name in two scripts and the birth date")
    owner.get_by_role("button", name="Record the check").click()
    expect(owner.locator("#check-status")).to_contain_text("confirmed")
    assert console_problems(owner) == []

    # The host sees the hit at AZ-DTX for that applicant only, and decides with a reason.
    assert host.request.get(f"/records/hits/{reference}").status == 200
    host.goto(batch_page)
    rows = host.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Мамедов Эльчин")
    expect(rows).to_contain_text(
        f"Совпадение в AZ-DTX: свяжитесь с ведомством (совпадение {reference})."
    )
    rows.locator("select").select_option("refused")
    rows.locator('input[name="reason"]').fill("Сведения AZ-DTX о подготовке теракта")
    rows.get_by_role("button").click()
    expect(rows).to_contain_text("отклонён: Сведения AZ-DTX о подготовке теракта")
    host.get_by_role("link", name=re.compile("^Показать всех")).click()
    expect(host.locator("main table tbody tr")).to_have_count(3)
    expect(host.locator("main table")).to_contain_text("нет подтверждённого совпадения")

    # Deciding the batch accredits and deletes the applicants without a hit.
    host.goto(batch_page)
    host.locator('form[action$="/close"] button[type="submit"]').click()
    expect(host.locator("#batches + table tbody tr").first).to_contain_text("решение принято")
    host.goto(f"{batch_page}?everyone=true")
    expect(host.locator("main table tbody tr")).to_have_count(1)
    expect(host.locator("main")).to_contain_text("Мамедов Эльчин")
    for gone in ("Петрова", "Smith", "Reuters"):
        expect(host.locator("main")).not_to_contain_text(gone)
    expect(host.locator("main dl dt").last).to_have_text("Аккредитованы без совпадений и удалены")
    expect(host.locator("main dl dd").last).to_have_text("2")
    assert console_problems(host) == []
