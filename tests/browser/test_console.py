"""The counsellor's console in headless Chromium against a real server and gateway (harness.Stack): sign-in
and a refused key, a person created with the look-ups, matches with reasons, an explanation whose
contributions add up to the score, a near-miss unlocked by an edit, a field error, a cohort assignment (both
objectives, placement exposure by group), POEC cohorts, and
what employers may see. Screenshots go to docs/console/ (docs/console.md shows them).

The tests run in file order and share the browser: each starts from the sign-in screen.
"""

import math
import re

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

PERSON = "console-p1"
OPENING = "console-o-macon"


@pytest.fixture(scope="module", autouse=True)
def opening_needing_french(stack):
    # An employer's opening near Saint-Denis that asks for B1 French (required): a person at A1 is a
    # near-miss (FRENCH_GAP, relaxable), and a match once at B1.
    stack.call("PutOpening", {"opening": {
        "id": OPENING, "title": "Maçon / Maçonne (console)", "romeCode": "F1703", "communeInsee": "93008",
        "contract": "CONTRACT_TYPE_CDI", "positions": 2, "frenchMinLevel": "CEFR_LEVEL_B1",
        "frenchRequirement": "REQUIREMENT_REQUIRED"}}, key="employer")


def wait(driver, seconds=45):
    # Screens re-render: an element found a moment ago may be gone; look again.
    return WebDriverWait(driver, seconds, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def shown(driver, css, seconds=45):
    return wait(driver, seconds).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def assert_heading(driver, expected):
    """Waits until the screen's heading reads `expected` (screens render after their API answers)."""
    try:
        wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "main h1").text == expected)
    except TimeoutException:
        pass
    assert shown(driver, "main h1").text == expected


def sign_in(driver, stack, key):
    driver.get(f"{stack.base_url}/console/#/signin")
    driver.execute_script("sessionStorage.clear()")
    driver.get(f"{stack.base_url}/console/#/signin")
    field = shown(driver, "#api-key")
    field.clear()
    field.send_keys(key)
    field.send_keys(Keys.ENTER)


def error_text(driver):
    return wait(driver).until(lambda d: d.find_element(By.ID, "errors").text.strip() or None)


def go(driver, stack, route):
    driver.get(f"{stack.base_url}/console/#/{route}")


def pick(driver, input_id, query, hit_text):
    """Types into a look-up field and chooses the hit whose text holds hit_text, by keyboard."""
    box = shown(driver, f"#{input_id}")
    box.clear()
    box.send_keys(query)
    box.send_keys(Keys.ENTER)
    hit = wait(driver).until(lambda d: next((b for b in d.find_elements(
        By.CSS_SELECTOR, f"#{input_id} ~ ul.hits button") if hit_text in b.text), None))
    hit.send_keys(Keys.ENTER)


def unlabelled_fields(driver):
    """Ids of the inputs and selects of the screen that no <label> names (screen readers would say nothing)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('main input, main select')]"
        ".filter((el) => el.type !== 'hidden' && el.labels.length === 0).map((el) => el.id || el.name);")


def test_wrong_key_is_refused(driver, stack, screenshots):
    sign_in(driver, stack, "psk_k0000000000000000_not-a-real-secret-000000000000000000000000")
    assert "Clé refusée" in error_text(driver)
    assert_heading(driver, "Connexion")
    assert driver.find_element(By.ID, "api-key").get_attribute("aria-invalid") == "true"
    assert driver.execute_script("return sessionStorage.getItem('passerelle.key')") is None
    driver.save_screenshot(str(screenshots / "signin-refused.png"))


def test_counsellor_signs_in_by_keyboard_alone(driver, stack):
    driver.get(f"{stack.base_url}/console/#/signin")
    driver.execute_script("sessionStorage.clear()")
    driver.refresh()
    assert_heading(driver, "Connexion")
    # The screen's heading holds the focus, so that the next Tab lands in its form.
    assert driver.switch_to.active_element.tag_name == "h1"
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.get_attribute("id") == "api-key"
    ActionChains(driver).send_keys(stack.keys["counsellor"], Keys.ENTER).perform()
    assert_heading(driver, "Trouver une personne")
    assert driver.execute_script("return sessionStorage.getItem('passerelle.key')") == stack.keys["counsellor"]


def test_counsellor_creates_a_person_with_the_look_ups(driver, stack, screenshots):
    sign_in(driver, stack, stack.keys["counsellor"])
    assert_heading(driver, "Trouver une personne")
    # The list renders after its own ListCandidates answer, which may come after the heading.
    assert shown(driver, "#people-results tbody tr"), "the sample's people are listed"
    driver.save_screenshot(str(screenshots / "people.png"))

    driver.find_element(By.LINK_TEXT, "Nouvelle personne").click()
    assert_heading(driver, "Nouvelle personne")
    driver.find_element(By.ID, "p-id").send_keys(PERSON)
    pick(driver, "p-commune-q", "saint denis", "93066")
    assert driver.find_element(By.ID, "p-commune").get_attribute("value") == "93066"
    pick(driver, "p-occupation-q", "maçon", "F1703")
    assert "F1703" in driver.find_element(By.CSS_SELECTOR, "ul.chips").text
    Select(driver.find_element(By.ID, "p-french")).select_by_value("CEFR_LEVEL_A1")
    for box in ("p-rtw", "p-share"):
        driver.find_element(By.ID, box).click()
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(screenshots / "person-form.png"))
    driver.find_element(By.CSS_SELECTOR, "form.person-form button[type=submit]").click()
    assert_heading(driver, f"Personne {PERSON}")


def test_matches_show_reasons_and_the_near_miss_says_what_lifts_it(driver, stack, screenshots):
    go(driver, stack, f"person/-/{PERSON}")
    assert_heading(driver, f"Personne {PERSON}")
    cards = driver.find_elements(By.CSS_SELECTOR, "#best-openings li.match")
    assert cards, "the person has matches"
    first = cards[0]
    assert first.find_element(By.TAG_NAME, "details").get_attribute("open") is not None  # the best one is open
    reasons = [td.text for td in first.find_elements(By.CSS_SELECTOR, "table.criteria td:nth-child(3)")]
    assert len(reasons) == 8 and all(r and r != "—" for r in reasons), reasons
    assert "km" in first.find_element(By.CLASS_NAME, "facts").text
    near = driver.find_element(By.CSS_SELECTOR, f"#near-misses li[data-opening='{OPENING}']")
    blocker = near.find_element(By.CSS_SELECTOR, "li[data-code='FRENCH_GAP']")
    assert "Pour lever" in blocker.text
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(screenshots / "matches.png"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", near)
    driver.save_screenshot(str(screenshots / "near-miss.png"))
    # Its explanation: a near-miss, the blocker with what lifts it, the score once lifted.
    near.find_element(By.CSS_SELECTOR, "a.button-link").click()
    assert "Presque compatible" in shown(driver, ".state").text
    assert "Pour lever" in driver.find_element(By.CSS_SELECTOR, "li[data-code='FRENCH_GAP']").text
    total = float(driver.find_element(By.ID, "explain-total").get_attribute("data-value"))
    parts = [float(td.get_attribute("data-value"))
             for td in driver.find_elements(By.CSS_SELECTOR, "#contributions tbody td.contribution")]
    assert math.isclose(sum(parts), total, abs_tol=1e-4), (parts, total)


def test_explanation_contributions_add_up_to_the_score(driver, stack, screenshots):
    go(driver, stack, f"person/-/{PERSON}")
    shown(driver, "#best-openings li.match a.button-link").click()
    shown(driver, "#contribution-chart")
    total = float(driver.find_element(By.ID, "explain-total").get_attribute("data-value"))
    parts = [float(td.get_attribute("data-value"))
             for td in driver.find_elements(By.CSS_SELECTOR, "#contributions tbody td.contribution")]
    assert len(parts) == 8
    assert math.isclose(sum(parts), total, abs_tol=1e-4), (parts, total)
    bars = [float(r.get_attribute("data-value"))
            for r in driver.find_elements(By.CSS_SELECTOR, "#contribution-stack rect[data-value]")]
    assert math.isclose(sum(bars), total, abs_tol=1e-4)
    assert "Compatible" in driver.find_element(By.CSS_SELECTOR, ".state").text
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(screenshots / "explain.png"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", driver.find_element(By.ID, "contributions"))
    driver.save_screenshot(str(screenshots / "explain-table.png"))


def test_english_switch_keeps_the_screen(driver, stack, screenshots):
    go(driver, stack, f"person/-/{PERSON}")
    assert_heading(driver, f"Personne {PERSON}")
    switch = driver.find_element(By.ID, "lang-switch")
    assert switch.text == "English"
    switch.click()
    assert_heading(driver, f"Person {PERSON}")
    assert driver.execute_script("return document.documentElement.lang") == "en"
    near = shown(driver, f"#near-misses li[data-opening='{OPENING}'] li[data-code='FRENCH_GAP']")
    assert "To lift it:" in near.text and "French" in near.text, near.text
    # The reasons come from the server in English (asked with language REASON_LANGUAGE_EN), not French.
    first = driver.find_elements(By.CSS_SELECTOR, "#best-openings li.match")[0]
    reasons = [td.text for td in first.find_elements(By.CSS_SELECTOR, "table.criteria td:nth-child(3)")]
    assert any("hiring difficulty" in r for r in reasons), reasons
    assert not any("sur ce métier" in r for r in reasons), reasons
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(screenshots / "matches-en.png"))
    driver.find_element(By.ID, "lang-switch").click()
    assert_heading(driver, f"Personne {PERSON}")
    assert driver.execute_script("return document.documentElement.lang") == "fr"


def test_near_miss_unlocks_when_the_person_reaches_b1(driver, stack, screenshots):
    go(driver, stack, f"person/-/{PERSON}/edit")
    assert_heading(driver, f"Modifier la personne {PERSON}")
    Select(shown(driver, "#p-french")).select_by_value("CEFR_LEVEL_B1")
    driver.find_element(By.CSS_SELECTOR, "form.person-form button[type=submit]").click()
    card = shown(driver, f"#best-openings li.match[data-opening='{OPENING}']")
    assert not driver.find_elements(By.CSS_SELECTOR, f"#near-misses li[data-opening='{OPENING}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", card)
    driver.save_screenshot(str(screenshots / "near-miss-unlocked.png"))


def test_a_refused_field_is_named_and_marked(driver, stack, screenshots):
    go(driver, stack, "person/new")
    shown(driver, "#p-id").send_keys("console-bad")
    driver.find_element(By.ID, "p-commune").send_keys("99999")
    driver.find_element(By.CSS_SELECTOR, "form.person-form button[type=submit]").click()
    text = error_text(driver)
    assert "commune_insee" in text and "99999" in text, text
    commune = driver.find_element(By.ID, "p-commune")
    assert commune.get_attribute("aria-invalid") == "true"
    assert driver.switch_to.active_element == commune
    assert unlabelled_fields(driver) == []
    driver.save_screenshot(str(screenshots / "field-error.png"))


def test_cohort_assignment_against_greedy(driver, stack, screenshots):
    go(driver, stack, "cohort")
    assert_heading(driver, "Cohorte : reclassement et affectation")
    assert unlabelled_fields(driver) == []
    driver.find_element(By.ID, "c-share").send_keys("0.2")
    Select(driver.find_element(By.ID, "c-french")).select_by_value("CEFR_LEVEL_A2")
    driver.find_element(By.ID, "run-assign").click()
    summary = shown(driver, "#assign-summary", seconds=120).text
    placed = driver.find_elements(By.CSS_SELECTOR, "#placed tbody tr")
    left = driver.find_elements(By.CSS_SELECTOR, "#left-out tbody tr")
    assert placed and left, summary
    assert "personnes placées sur 501" in summary, summary
    rows = {r.find_element(By.TAG_NAME, "th").text: [td.text for td in r.find_elements(By.TAG_NAME, "td")]
            for r in driver.find_elements(By.CSS_SELECTOR, "#compare-table tbody tr")}
    assert "Personnes placées" in rows and len(rows["Personnes placées"]) == 2
    assert driver.find_elements(By.CSS_SELECTOR, "#exposure-table tbody tr")
    # Placement exposure: one table per watched attribute, and each attribute's placed counts add up to
    # the people placed.
    placed_count = int(rows["Personnes placées"][0])
    tables = driver.find_elements(By.CSS_SELECTOR, "table.group-exposure")
    assert [t.get_attribute("id") for t in tables] == [
        "exposure-french-band", "exposure-housing", "exposure-transport-mode", "exposure-departement"]
    for t in tables:
        counts = [int(r.find_elements(By.TAG_NAME, "td")[2].text) for r in t.find_elements(By.CSS_SELECTOR, "tbody tr")]
        assert counts and sum(counts) == placed_count, (t.get_attribute("id"), counts, placed_count)
    driver.save_screenshot(str(screenshots / "cohort.png"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", driver.find_element(By.ID, "obj-title"))
    driver.save_screenshot(str(screenshots / "cohort-charts.png"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", driver.find_element(By.ID, "grp-title"))
    driver.save_screenshot(str(screenshots / "cohort-groups.png"))


def objective_table(driver):
    head = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#objective-table thead th")]
    body = {r.find_element(By.TAG_NAME, "th").text: [td.text for td in r.find_elements(By.TAG_NAME, "td")]
            for r in driver.find_elements(By.CSS_SELECTOR, "#objective-table tbody tr")}
    return head, body


def test_cohort_objective_switch_changes_the_report(driver, stack):
    go(driver, stack, "cohort")
    assert_heading(driver, "Cohorte : reclassement et affectation")
    objective = Select(shown(driver, "#c-obj"))
    assert objective.first_selected_option.text == "D’abord les personnes placées"
    driver.find_element(By.ID, "run-assign").click()
    shown(driver, "#objective-table", seconds=120)
    head, people_first = objective_table(driver)
    assert head[1:] == ["D’abord les personnes placées", "D’abord le score total"], head

    Select(driver.find_element(By.ID, "c-obj")).select_by_value("ASSIGNMENT_OBJECTIVE_MAX_TOTAL_SCORE")
    driver.find_element(By.ID, "run-assign").click()
    wait(driver, 120).until(lambda d: objective_table(d)[0][1:2] == ["D’abord le score total"])
    head, score_first = objective_table(driver)
    assert head[1:] == ["D’abord le score total", "D’abord les personnes placées"], head
    # The same two runs, their columns swapped; people first never places fewer people.
    assert score_first["Personnes placées"] == people_first["Personnes placées"][::-1]
    assert score_first["Score total"] == people_first["Score total"][::-1]
    placed = [int(n) for n in people_first["Personnes placées"]]
    assert placed[0] >= placed[1] > 0, placed
    summary = driver.find_element(By.ID, "assign-summary").text
    assert f"{placed[1]} personnes placées sur 501" in summary, summary


def test_poec_cohorts_show_cohorts_or_left_out_reasons(driver, stack, screenshots):
    go(driver, stack, "cohort")
    assert_heading(driver, "Cohorte : reclassement et affectation")
    assert unlabelled_fields(driver) == []
    # By keyboard: Enter in the POEC fieldset forms cohorts, not an assignment.
    field = shown(driver, "#p-min")
    field.send_keys("2")
    driver.find_element(By.ID, "p-max").send_keys("6" + Keys.ENTER)
    summary = shown(driver, "#poec-summary", seconds=120).text
    assert shown(driver, "#results-title").text == "Cohortes POEC"
    m = re.match(r"(\d+) cohortes, (\d+) personnes placées sur (\d+)", summary)
    assert m, summary
    cohorts, placed, total = (int(n) for n in m.groups())
    assert total == 501, summary
    rows = driver.find_elements(By.CSS_SELECTOR, "#poec-cohorts tbody tr")
    assert len(rows) == cohorts
    members = [int(r.find_elements(By.TAG_NAME, "td")[1].text) for r in rows]
    assert sum(members) == placed and all(2 <= n <= 6 for n in members), members
    reasons = [r.find_elements(By.TAG_NAME, "td")[0].text for r in driver.find_elements(By.CSS_SELECTOR, "#poec-left-out tbody tr")]
    assert len(reasons) == min(total - placed, 100)  # the table lists the first 100
    assert set(reasons) <= {"Aucune offre POEC compatible", "Trop peu de monde pour une cohorte", "Postes pris par d’autres"}, set(reasons)
    assert cohorts > 0 or reasons, summary
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", driver.find_element(By.ID, "results-title"))
    driver.save_screenshot(str(screenshots / "cohort-poec.png"))


def test_cohort_reranking_streams_every_person(driver, stack):
    go(driver, stack, "cohort")
    assert_heading(driver, "Cohorte : reclassement et affectation")
    shown(driver, "#c-dep").send_keys("93")
    driver.find_element(By.ID, "run-rerank").click()
    summary = shown(driver, "#rerank-summary", seconds=120).text
    rows = driver.find_elements(By.CSS_SELECTOR, "#rerank-table tbody tr")
    # The people of Seine-Saint-Denis: the sample's there and the one created above, each ranked once.
    assert rows and PERSON in [r.find_element(By.TAG_NAME, "th").text for r in rows]
    done, total = (int(n) for n in re.match(r"(\d+) personnes reclassées sur (\d+)", summary).groups())
    assert done == total > 0, summary
    assert len(rows) == min(total, 50), (len(rows), summary)  # the table lists the first 50


def french_number(text):
    """'1\u202f234,56' -> 1234.56 (the console formats numbers for fr-FR)."""
    return float(re.sub(r"[\s\u202f\xa0]", "", text).replace(",", "."))


def test_cohort_reranking_reports_exposure_and_the_cost_of_a_minimum_share(driver, stack, screenshots):
    go(driver, stack, "cohort")
    assert_heading(driver, "Cohorte : reclassement et affectation")
    Select(shown(driver, "#f-group")).select_by_value("french_band=A1")
    share = driver.find_element(By.ID, "f-share")
    share.send_keys("1.5")
    driver.find_element(By.ID, "run-rerank").click()
    assert "min_exposure.min_share" in error_text(driver)
    assert share.get_attribute("aria-invalid") == "true"
    share.clear()
    share.send_keys("0.3")
    share.send_keys(Keys.ENTER)  # Enter in the fair-exposure fieldset re-ranks
    summary = shown(driver, "#min-exposure-summary", seconds=120).text
    number = r"(\d[\d\u202f\xa0]*(?:,\d+)?)"
    m = re.search(rf"(\d+) listes modifiées sur (\d+) ; score des premières places {number} avant, {number} après "
                  rf"\(coût {number},", summary)
    assert m, summary
    before, after, cost = (french_number(m.group(i)) for i in (3, 4, 5))
    assert before > 0 and abs(before - after - cost) <= 0.011, summary
    assert int(m.group(1)) <= int(m.group(2))
    # The French band table: shares before and after, the A1 row raised (or already at its minimum).
    rows = driver.find_elements(By.CSS_SELECTOR, "#slot-exposure-french-band tbody tr")
    groups = {r.find_element(By.TAG_NAME, "th").text: [c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in rows}
    assert "A1" in groups and "sous A1" in groups, groups
    a1 = groups["A1"]
    assert french_number(a1[5].rstrip("%")) >= french_number(a1[3].rstrip("%")), a1  # after >= before
    assert driver.find_elements(By.CSS_SELECTOR, "#slot-exposure-housing tbody tr")
    assert unlabelled_fields(driver) == []
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", driver.find_element(By.ID, "fair-title"))
    driver.save_screenshot(str(screenshots / "cohort-exposure.png"))


def test_employer_sees_its_openings_and_only_consenting_people(driver, stack, screenshots):
    sign_in(driver, stack, stack.keys["employer"])
    assert_heading(driver, "Mes offres")
    nav = driver.find_element(By.ID, "nav").text
    assert "Mes offres" in nav and "Personnes" not in nav and "Cohorte" not in nav
    shown(driver, f"#own-openings tr[data-opening='{OPENING}']")
    driver.save_screenshot(str(screenshots / "employer-openings.png"))
    go(driver, stack, f"opening/-/{OPENING}")
    shown(driver, "#best-candidates")
    ids = [tr.get_attribute("data-candidate") for tr in driver.find_elements(By.CSS_SELECTOR, "#best-candidates tbody tr")]
    # No person of the sample consented; the one created above did.
    assert ids == [PERSON], ids
    assert not driver.find_elements(By.CSS_SELECTOR, "#best-candidates a[href*='#/person/']")
    driver.save_screenshot(str(screenshots / "employer-candidates.png"))
    go(driver, stack, "people")
    assert_heading(driver, "Mes offres")  # the counsellor's screens are not offered


def test_another_employer_sees_none_of_them(driver, stack):
    sign_in(driver, stack, stack.keys["other_employer"])
    assert_heading(driver, "Mes offres")
    assert not driver.find_elements(By.CSS_SELECTOR, "#own-openings tbody tr")
    go(driver, stack, f"opening/sample/{OPENING}")
    assert "Introuvable" in error_text(driver)


def test_no_script_error_nor_refused_content(driver):
    """Over all the screens above: no uncaught error and nothing the gateway's Content-Security-Policy
    refused (the console uses no inline script or style). Refused API calls (401, 404...) are expected."""
    entries = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    problems = [m for m in entries if "Failed to load resource" not in m]
    assert problems == [], problems
