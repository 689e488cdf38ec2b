"""Drives Herald's console in Debian's headless Chromium (Selenium 4.27.1), as
ConsoleBrowserTests asks: logs in, compares a running campaign's counts with
the API, pauses it with the button, searches a message, checks that a forged
CSRF token is refused, and saves a screenshot of each page.

Usage: console_browser.py BASE_URL API_KEY CAMPAIGN_ID MESSAGE_ID SCREENSHOT_DIR
Prints one line per check; exits non-zero at the first that fails.
"""
import json
import os
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, key, campaign, message, shots = sys.argv[1:6]
os.makedirs(shots, exist_ok=True)


def api(path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + key})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        sys.exit(1)


def until(what, condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:
            pass
        time.sleep(0.2)
    check(False, what + " (timed out)")


options = Options()
options.binary_location = "/usr/bin/chromium"
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"):
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    # Without a session every page sends the browser to the login page.
    driver.get(base + "/console/campaigns/" + campaign)
    check(driver.current_url == base + "/console/login", "an unauthenticated page redirects to the login page")
    driver.find_element(By.ID, "key").send_keys("not-a-key")
    driver.find_element(By.ID, "login").click()
    check("not valid" in driver.find_element(By.ID, "login-error").text, "a wrong key is refused")
    driver.save_screenshot(os.path.join(shots, "login.png"))
    driver.find_element(By.ID, "key").send_keys(key)
    driver.find_element(By.ID, "login").click()
    until("the campaigns page opens after logging in", lambda: driver.current_url == base + "/console/campaigns")
    check(campaign in driver.find_element(By.ID, "campaigns").text, "the campaign is listed")
    driver.save_screenshot(os.path.join(shots, "campaigns.png"))

    # The campaign's counts, between two reads of the API (it is running: counts only grow).
    before = api("/v1/campaigns/" + campaign)["counts"]
    driver.get(base + "/console/campaigns/" + campaign)
    shown = {name: int(driver.find_element(By.ID, "count-" + name).text) for name in before}
    after = api("/v1/campaigns/" + campaign)["counts"]
    check(shown["recipients"] == before["recipients"] == after["recipients"], "recipients match the API")
    for name in ("sent", "delivered", "clicked", "failed", "suppressed"):
        check(before[name] <= shown[name] <= after[name],
              "%s on the page (%d) is what the API said around it (%d–%d)" % (name, shown[name], before[name], after[name]))
    check(driver.find_element(By.ID, "campaign-state").text == "running", "the campaign shows running")
    check(len(driver.find_elements(By.CSS_SELECTOR, "#funnel rect")) == 5, "the funnel has five steps")
    driver.save_screenshot(os.path.join(shots, "campaign.png"))

    # A forged CSRF token is refused and changes nothing.
    driver.execute_script("document.querySelector('form[action$=\"/pause\"] input[name=csrf]').value = 'forged';")
    driver.find_element(By.ID, "pause").click()
    check(len(driver.find_elements(By.ID, "csrf-error")) == 1, "a forged CSRF token is refused")
    check(api("/v1/campaigns/" + campaign)["state"] == "running", "the forged pause changed nothing")

    # The real button pauses it.
    driver.get(base + "/console/campaigns/" + campaign)
    driver.find_element(By.ID, "pause").click()
    until("the page shows paused", lambda: driver.find_element(By.ID, "campaign-state").text == "paused")
    check(api("/v1/campaigns/" + campaign)["state"] == "paused", "the API says paused too")

    driver.get(base + "/console/channels")
    check("sms" in driver.find_element(By.ID, "queues").text, "the channels page lists the queues")
    check("twilio" in driver.find_element(By.ID, "providers").text, "the channels page lists the provider")
    driver.save_screenshot(os.path.join(shots, "channels.png"))

    driver.get(base + "/console/messages")
    driver.find_element(By.ID, "message-id").send_keys(message)
    driver.find_element(By.ID, "search").click()
    until("the message is found", lambda: driver.find_element(By.ID, "message-status").text != "")
    check(driver.find_element(By.ID, "message-status").text == api("/v1/messages/" + message)["status"],
          "the message's status matches the API")
    check("queued" in driver.find_element(By.ID, "history").text, "its history is shown")
    driver.save_screenshot(os.path.join(shots, "messages.png"))

    driver.get(base + "/console/events")
    check("evs_" in driver.find_element(By.ID, "subscriptions").text, "the subscriptions are listed")
    driver.save_screenshot(os.path.join(shots, "events.png"))

    # Logging out ends the session: the console sends the browser back to the login page.
    driver.find_element(By.CSS_SELECTOR, "form.logout button").click()
    driver.get(base + "/console/campaigns")
    check(driver.current_url == base + "/console/login", "after logging out the console asks to log in again")
finally:
    driver.quit()
