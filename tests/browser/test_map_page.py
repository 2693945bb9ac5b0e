#!/usr/bin/env python3
"""The map page in a real Chromium (headless, Debian's chromium and
chromium-driver through python3-selenium), against `diachi serve` of the
sample index on a loopback port, with every request to anything but that
server refused: names resolve to nothing but 127.0.0.1, and any other
address goes to a proxy that is not there. Chromium's performance log
then shows that no request left for anywhere else.

Asserts: no console error; searching a sample code puts the marker within
1 px of where the API's lat/lon falls on the map; the spoken text is the
API's, in both languages; the link reopens the page on the code; clicking a
known household's door shows its code and address, and a QR code that
zbarimg reads as the link to it; "where am I" at that
door (the position set through DevTools) shows it with its accuracy; a
mistyped code shows the API's own message; at 360 x 640 the page has no
horizontal scroll; and, to show the refusal works, a base map on
another host (by name and by address) is asked for and every request to it
fails. Writes map-desktop.png and map-phone.png into IMAGE_DIR: the
build tree when ctest runs it, docs/img (the README's) when
scripts/render-map-page.sh does, on a fixed PORT so that the QR code in
the picture does not change from one refresh to the next (by default the
server takes any free port).

Usage: test_map_page.py DIACHI SAMPLE_INDEX IMAGE_DIR [PORT]
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.support.ui import WebDriverWait

CODE = "32105 927C+J93"        # household DBP-005602 (docs/CLI.md)
COMPACT = "32105927CJ93"
LINK = "/#32105-927CJ93"
ADDRESS_WORD = "số 1138"
DOOR = (21.3640201, 103.0209141)

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def start_server(diachi, index, extra=(), port=0):
    proc = subprocess.Popen([diachi, "serve", "--index", index, "--listen",
                             "127.0.0.1:%d" % port, *extra],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 20
    while time.time() < deadline:
        line = proc.stderr.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if m:
            return proc, int(m.group(1))
    proc.kill()
    sys.exit("diachi serve did not start")


def api(base, path):
    with urllib.request.urlopen(base + path) as r:
        return json.load(r)


def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1280,800", "--no-first-run", "--no-default-browser-check",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--disable-default-apps", "--disable-extensions",
              "--metrics-recording-only", "--no-pings",
              "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
              # names resolve to nothing but the test server's address
              "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
              # and any other address goes to a proxy that is not there
              # (loopback bypasses proxies by default)
              "--proxy-server=http://127.0.0.1:9"]:
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = ChromeService(executable_path="/usr/bin/chromedriver")
    return webdriver.Chrome(options=o, service=service)


def wait_for(d, script, what, timeout=15):
    try:
        return WebDriverWait(d, timeout, poll_frequency=0.05).until(
            lambda drv: drv.execute_script(script))
    except Exception:
        state = d.execute_script("const m = window.dcMap; return m ? [m.getZoom(), "
                                 "m.getCenter().lat, m.getCenter().lng, window.dcZonesDrawn, "
                                 "document.getElementById('code').textContent] : null")
        check(False, what + " (timed out; zoom, lat, lon, zone answers, code: %s)" % state)
        return None


def settled_marker(d):
    """The marker's tip on the map once the view has stopped moving:
    the icon's box (Leaflet's default icon, anchored 12 px right and 41 px
    down its image) against the map's box, read until two reads agree."""
    script = """
      const m = window.dcMarker, map = window.dcMap;
      if (!m || !m._icon || map._animatingZoom || map._panAnim && map._panAnim._inProgress)
        return null;
      const i = m._icon.getBoundingClientRect(), c = map.getContainer().getBoundingClientRect();
      return [i.left + 12 - c.left, i.top + 41 - c.top];"""
    last = None
    for _ in range(200):
        now = d.execute_script(script)
        if now is not None and now == last:
            return now
        last = now
        time.sleep(0.05)
    return last


def page_text(d, element_id):
    return d.execute_script("return document.getElementById(arguments[0]).textContent",
                            element_id)


def test_search(d, base):
    d.get(base + "/")
    wait_for(d, "return window.dcZonesDrawn > 0", "zones drawn")
    d.find_element("id", "q").send_keys(CODE)
    d.find_element("id", "go").click()
    wait_for(d, "return document.getElementById('code').textContent === '%s'" % CODE,
             "search shows the code")
    place = api(base, "/v1/codes/" + COMPACT)["place"]
    lat, lon = place["centre"]["lat"], place["centre"]["lon"]
    tip = settled_marker(d)
    want = d.execute_script("const p = window.dcMap.latLngToContainerPoint([arguments[0], "
                            "arguments[1]]); return [p.x, p.y];", lat, lon)
    check(tip is not None and abs(tip[0] - want[0]) <= 1 and abs(tip[1] - want[1]) <= 1,
          "marker at %s, within 1 px of the API's %.7f, %.7f at %s" % (tip, lat, lon, want))
    check(page_text(d, "spoken") == place["spoken"]["vi"],
          "spoken (vi) shown: %r" % page_text(d, "spoken"))
    href = d.find_element("id", "link").get_attribute("href")
    check(href == base + LINK, "link %s" % href)
    # the screenshot: the same answer at the zoom of a neighbourhood
    drawn = d.execute_script("window.dcMap.setView([arguments[0], arguments[1]], 14, "
                             "{animate: false}); return window.dcZonesDrawn;", lat, lon)
    wait_for(d, "return window.dcZonesDrawn > %d" % drawn, "zones of the new view")
    time.sleep(0.3)
    d.save_screenshot(os.path.join(image_dir, "map-desktop.png"))
    d.find_element("id", "lang").click()
    check(page_text(d, "spoken") == place["spoken"]["en"],
          "spoken (en) shown after switching: %r" % page_text(d, "spoken"))
    d.find_element("id", "lang").click()
    return href


def test_link(d, href):
    d.get("about:blank")
    d.get(href)
    wait_for(d, "return document.getElementById('code').textContent === '%s'" % CODE,
             "the link reopens on the code")


def test_click_door(d, base):
    d.get(base + "/")
    wait_for(d, "return window.dcZonesDrawn > 0", "zones drawn")
    d.execute_script("window.dcMap.setView([arguments[0], arguments[1]], 19, {animate: false});",
                     DOOR[0], DOOR[1])
    wait_for(d, "return document.querySelectorAll('path.leaflet-interactive').length > 20",
             "households drawn at zoom 19")
    x, y = d.execute_script("""
      const p = window.dcMap.latLngToContainerPoint([arguments[0], arguments[1]]),
            c = window.dcMap.getContainer().getBoundingClientRect();
      return [Math.round(c.left + p.x), Math.round(c.top + p.y)];""", DOOR[0], DOOR[1])
    actions = ActionBuilder(d)
    actions.pointer_action.move_to_location(x, y).click()
    actions.perform()
    wait_for(d, "return document.getElementById('code').textContent === '%s'" % CODE,
             "clicking the door shows its code")
    check(ADDRESS_WORD in page_text(d, "details"),
          "the door's household shown: %r" % page_text(d, "details")[:120])
    test_qr(d, base)


def test_qr(d, base):
    """The panel's QR code, as the browser draws it, read by zbarimg: the
    link that reopens the page on the door's code."""
    wait_for(d, "const i = document.getElementById('qr'); "
                "return i.complete && i.naturalWidth > 0 && !i.closest('[hidden]');",
             "the QR code drawn")
    fd, shot = tempfile.mkstemp(suffix=".png")
    with os.fdopen(fd, "wb") as f:
        f.write(d.find_element("id", "qr").screenshot_as_png)
    zbar = subprocess.run(["zbarimg", "-q", "--raw", shot], capture_output=True, text=True)
    os.unlink(shot)
    read = zbar.stdout.strip()
    check(zbar.returncode == 0 and read == base + LINK,
          "the QR code reads %r (zbarimg exit %d)" % (read, zbar.returncode))


def test_where_am_i(d, base):
    """"Where am I" with the browser's position set to the door, 8 m."""
    d.execute_cdp_cmd("Browser.grantPermissions",
                      {"origin": base, "permissions": ["geolocation"]})
    d.execute_cdp_cmd("Emulation.setGeolocationOverride",
                      {"latitude": DOOR[0], "longitude": DOOR[1], "accuracy": 8})
    d.get(base + "/")
    wait_for(d, "return window.dcZonesDrawn > 0", "zones drawn")
    d.find_element("id", "locate").click()
    wait_for(d, "return document.getElementById('code').textContent === '%s'" % CODE,
             "where am I shows the door's code")
    check("Sai số: 8 m" in page_text(d, "details"),
          "the accuracy shown: %r" % page_text(d, "details")[-40:])
    d.execute_cdp_cmd("Emulation.clearGeolocationOverride", {})


def test_bad_search(d, base):
    """A mistyped code (I is not in the alphabet) shows the API's own words."""
    text = "32105 927C+J9I"
    message = None
    try:
        urllib.request.urlopen(base + "/v1/codes/" + urllib.parse.quote(text))
    except urllib.error.HTTPError as e:
        message = json.load(e)["error"]["message"]
    d.get(base + "/")
    wait_for(d, "return window.dcZonesDrawn > 0", "zones drawn")
    q = d.find_element("id", "q")
    q.clear()
    q.send_keys(text)
    d.find_element("id", "go").click()
    wait_for(d, "return !document.getElementById('banner').hidden", "a banner for a bad search")
    shown = page_text(d, "banner")
    check(message is not None and message in shown, "the API's message shown: %r" % shown)
    # the browser itself logs the 400 as a failed load; nothing else
    others = [e for e in d.get_log("browser") if e["level"] == "SEVERE" and
              not ("/v1/codes/" in e["message"] and "status of 400" in e["message"])]
    check(not others, "no console error but the 400's %s" % others[:3])


def test_phone(d, base):
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 360, "height": 640, "deviceScaleFactor": 1, "mobile": True})
    d.get(base + "/")
    d.get(base + LINK)
    wait_for(d, "return document.getElementById('code').textContent === '%s'" % CODE,
             "the phone page opens on the code")
    wait_for(d, "return window.dcZonesDrawn > 0", "zones drawn on the phone")
    time.sleep(0.3)
    widths = d.execute_script("""const e = document.documentElement;
      return [e.scrollWidth, e.clientWidth, document.body.scrollWidth, window.innerWidth];""")
    check(widths[3] == 360 and widths[0] <= widths[1] and widths[2] <= widths[1],
          "no horizontal scroll at 360 px (scroll, client, body, inner: %s)" % widths)
    d.save_screenshot(os.path.join(image_dir, "map-phone.png"))
    d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_logs(d, base):
    errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
    check(not errors, "no console error %s" % errors[:3])
    outside = set()
    requests = 0
    for entry in d.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        url = message["params"]["request"]["url"]
        requests += 1
        if not (url.startswith(base + "/") or url.startswith("data:") or url == "about:blank"):
            outside.add(url)
    check(requests > 10 and not outside,
          "%d requests, none outside the test server %s" % (requests, sorted(outside)[:5]))


def test_outside_refused(d, diachi, index):
    """The refusal itself: a page whose base map (--tiles) lies on another
    host, by name and by address, asks for tiles and every such request
    fails in the browser, never reaching a network."""
    for tiles in ["http://tiles.example.com/{z}/{x}/{y}.png", "http://192.0.2.7/{z}/{x}/{y}.png"]:
        server, port = start_server(diachi, index, ["--tiles", tiles])
        try:
            d.get_log("performance")  # drop what came before
            d.get("http://127.0.0.1:%d/" % port)
            wait_for(d, "return window.dcZonesDrawn > 0", "zones drawn with --tiles")
            time.sleep(1)
            asked, failed = {}, {}
            for entry in d.get_log("performance"):
                m = json.loads(entry["message"])["message"]
                if m["method"] == "Network.requestWillBeSent":
                    asked[m["params"]["requestId"]] = m["params"]["request"]["url"]
                elif m["method"] == "Network.loadingFailed":
                    failed[m["params"]["requestId"]] = m["params"]["errorText"]
            tiles_asked = [r for r, u in asked.items() if u.startswith(tiles.split("{")[0])]
            check(tiles_asked and all(r in failed for r in tiles_asked),
                  "%d tile requests to %s, all refused (%s)" %
                  (len(tiles_asked), tiles[:22], sorted(set(failed.values()))))
        finally:
            server.terminate()
            server.wait(20)
    d.get_log("browser")  # the refused tiles' errors are expected here


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: test_map_page.py DIACHI SAMPLE_INDEX IMAGE_DIR [PORT]")
    diachi, index, image_dir = sys.argv[1:4]
    os.makedirs(image_dir, exist_ok=True)
    started = time.time()
    server, port = start_server(diachi, index, port=int(sys.argv[4]) if len(sys.argv) == 5 else 0)
    base = "http://127.0.0.1:%d" % port
    driver = None
    try:
        driver = browser()
        href = test_search(driver, base)
        test_link(driver, href)
        test_click_door(driver, base)
        test_where_am_i(driver, base)
        test_phone(driver, base)
        test_logs(driver, base)
        test_bad_search(driver, base)
        test_outside_refused(driver, diachi, index)
    finally:
        if driver:
            driver.quit()
        server.terminate()
        server.wait(20)
    print("%d failures, %.1f s" % (len(failures), time.time() - started))
    sys.exit(1 if failures else 0)
