"""A headless Chromium with the network off, for testing and screenshotting stepper pages.

``offline_browser()`` starts Chromium through selenium (``pip install selenium``; Debian's
``chromium`` and ``chromium-driver``) in a fresh profile, with every request that is not a
local file sent to a closed proxy and DevTools' offline mode on. ``requests(driver)`` lists
the URLs the page asked for (from the performance log), so a test can check there were none
beyond the file itself. ``browser_missing()`` says why no browser can run (or None).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from typing import Any

__all__ = ["offline_browser", "requests", "browser_missing", "CHROMIUM", "CHROMEDRIVER"]

CHROMIUM = os.environ.get("TGL_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TGL_CHROMEDRIVER", "/usr/bin/chromedriver")


def browser_missing() -> str | None:
    """None if a headless Chromium can be driven here, else the reason why not."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    chromium = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    driver = CHROMEDRIVER if os.path.exists(CHROMEDRIVER) else shutil.which("chromedriver")
    if not chromium or not driver:
        return "no chromium / chromedriver (apt-get install chromium chromium-driver)"
    return None


def offline_browser(width: int = 1400, height: int = 900) -> Any:
    """A selenium Chrome driver on headless Chromium with the network disabled. The caller
    quits it (``driver.quit()``); its profile folder is removed then too."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="tgl-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", "--proxy-server=127.0.0.1:9",
                 "--proxy-bypass-list=<-loopback>", f"--user-data-dir={profile}",
                 f"--window-size={width},{height}"):  # fmt: skip
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    path = CHROMEDRIVER if os.path.exists(CHROMEDRIVER) else shutil.which("chromedriver")
    driver = webdriver.Chrome(service=Service(path), options=opts)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})  # fmt: skip
    quit_ = driver.quit

    def quit_and_clean() -> None:
        try:
            quit_()
        finally:
            shutil.rmtree(profile, ignore_errors=True)

    driver.quit = quit_and_clean
    return driver


def requests(driver: Any) -> list[str]:
    """The URLs the pages requested since the last call (DevTools performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls
