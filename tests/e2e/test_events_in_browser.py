"""A major event in a real browser, in Russian: an AZ-DTX officer creates a summit, adds
a venue, a task already past its deadline and a risk, and sees the task among the
overdue ones on the event's page and the risk in its cell of the 5x5 matrix; then logs
an incident and sees it on the situation board and the venue map; after the event makes
its after-action report final and finds its lesson in the library by another form of a
word."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import SignedInPage, console_problems


def test_an_event_with_a_venue_a_task_and_a_risk_in_russian(
    signed_in_page: SignedInPage,
) -> None:
    officer = signed_in_page("mammadov")
    officer.get_by_role("link", name="Крупные мероприятия").click()
    expect(officer.locator("h1")).to_have_text("Крупные мероприятия")
    officer.get_by_role("link", name="Новое мероприятие").click()
    start = date.today() + timedelta(days=90)
    officer.get_by_label("Вид").select_option("summit")
    officer.locator("#title").fill("Бакинский форум безопасности")
    officer.get_by_label("Первый день").fill(start.isoformat())
    officer.get_by_label("Последний день").fill((start + timedelta(days=1)).isoformat())
    officer.get_by_label("Ожидаемое число посетителей").fill("800")
    officer.get_by_role("button", name="Создать мероприятие").click()
    expect(officer).to_have_url(re.compile(r"/events/[a-z2-7]{26}$"))
    event_page = officer.url
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

    officer.locator('a[href$="/operations"]').first.click()
    incident_form = officer.locator('form[action$="/incidents"]')
    when = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    incident_form.locator("#occurred_at").fill(when)
    incident_form.locator("#venue").select_option(label="Бакинский конгресс-центр")
    incident_form.locator("#category").select_option("suspicious_item")
    incident_form.locator("#severity").select_option("3")
    incident_form.locator("#description").fill("Оставленная сумка у входа для делегаций")
    incident_form.locator('button[type="submit"]').click()
    expect(officer).to_have_url(re.compile(r"/incidents/[a-z2-7]{26}$"))
    expect(officer.locator("#incident")).to_contain_text("Оставленная сумка у входа")
    officer.locator('a[href$="/operations"]').first.click()
    expect(officer.locator("#board td.count")).to_have_text("1")
    expect(officer.locator("#venue-map g[data-open='1']")).to_have_count(1)

    # after the event: the report's findings made final, and a lesson found in the library
    officer.locator('a[href$="/report"]').first.click()
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
    lesson_form.locator('button[type="submit"]').click()
    expect(officer).to_have_url(re.compile(r"/lessons/[a-z2-7]{26}$"))
    officer.goto(officer.url.split("/lessons/")[0] + "/lessons?q=сумки")
    expect(officer.locator("#lessons")).to_contain_text("Досмотр сумок у входа")
    assert console_problems(officer) == []
