"""The web admin page in headless Chromium (Debian's chromium and chromium-driver, driven by selenium).

Creates a room through the page, finds it through the API, joins a test caller (parley-load, built on
ParleyCaller) and waits for the caller to appear live on the page; saves a screenshot. Prints one line per
check and exits non-zero when one fails. Run by Tests/admin/browser.sh, which starts `parley serve`.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE, TOKEN, SIP, LOAD, SHOT = sys.argv[1:6]
EXTENSION, PIN = "4400", "4321"
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("ok   - " if ok else "FAIL - ") + name + ("" if ok or not detail else f"\n       {detail}"), flush=True)
    return ok


def api(path):
    request = urllib.request.Request(BASE + "/api/v1" + path, headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read())


options = webdriver.ChromeOptions()
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,800"):
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
caller = None
try:
    wait = WebDriverWait(driver, 10)
    driver.get(BASE + "/")
    check("the page loads", driver.title == "Parley admin", driver.title)
    driver.find_element(By.ID, "token").send_keys(TOKEN)
    driver.find_element(By.ID, "save-token").click()
    # The demo room appears once the token is in use.
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#rooms tbody tr[data-extension="1000"]'))

    driver.find_element(By.ID, "room-name").send_keys("Browser room")
    driver.find_element(By.ID, "room-extension").send_keys(EXTENSION)
    driver.find_element(By.ID, "room-pin").send_keys(PIN)
    driver.find_element(By.CSS_SELECTOR, "#room-form button[type=submit]").click()
    row = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#rooms tbody tr[data-extension="{EXTENSION}"]'))[0]
    check("the new room is listed on the page with its PIN hidden", "******" in row.text and "Browser room" in row.text, row.text)

    status, room = api("/rooms/" + EXTENSION + "?show_pin=true")
    check("the API finds the room created through the page", status == 200 and room.get("name") == "Browser room"
          and room.get("pin") == PIN, str(room))

    row.find_element(By.XPATH, ".//button[text()='Show']").click()
    wait.until(lambda d: PIN in d.find_element(By.CSS_SELECTOR, f'#rooms tbody tr[data-extension="{EXTENSION}"]').text)
    check("Show reveals the PIN", True)

    driver.find_element(By.CSS_SELECTOR, f'#rooms tbody tr[data-extension="{EXTENSION}"]') \
        .find_element(By.XPATH, ".//button[text()='Live']").click()
    wait.until(lambda d: EXTENSION in d.find_element(By.ID, "live-title").text)

    caller = subprocess.Popen(
        [LOAD, "--server", SIP, "--rooms", EXTENSION, "--pin", PIN, "--callers", "1", "--duration", "20",
         "--check-callers", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    try:
        live = WebDriverWait(driver, 15).until(
            lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#live tbody tr") if "inConference" in r.text
                       or "talking" in r.text])
        check(f"the caller appears live on the page ({time.monotonic() - started:.1f} s after dialling)",
              len(live) == 1, live[0].text)
    except Exception as error:  # a timeout names what the page showed
        check("the caller appears live on the page", False,
              driver.find_element(By.ID, "live").text + " " + driver.find_element(By.ID, "error").text)
    status, view = api("/rooms/" + EXTENSION + "/participants")
    check("the API agrees: one caller in the conference",
          [p["in_conference"] for p in view.get("participants", [])] == [True], str(view))
    os.makedirs(os.path.dirname(SHOT), exist_ok=True)
    check("a screenshot is saved", driver.save_screenshot(SHOT), SHOT)
finally:
    if caller:
        caller.terminate()
        caller.wait(timeout=5)
    driver.quit()

print(f"browser: {results.count(True)} passed, {results.count(False)} failed")
sys.exit(0 if all(results) else 1)
