#!/usr/bin/env python3
"""Drive leaderboard's HTML page in headless Chromium (Playwright) and print TAP.

  leaderboard_browser.py CHROMIUM PAGE.html SHOT_DIR

The page is the bench50 fixture's: its first table is the accuracy board
(50 models, 5 without a value). Screenshots go to SHOT_DIR.
"""
import os
import sys

from playwright.sync_api import sync_playwright

chromium, page_path, shot_dir = sys.argv[1:4]
n = 0
failed = 0


def check(ok, what, detail=""):
    global n, failed
    n += 1
    if not ok:
        failed += 1
        print("not ok %d - %s" % (n, what))
        for line in str(detail).splitlines()[:20]:
            print("#   " + line)
    else:
        print("ok %d - %s" % (n, what))
    sys.stdout.flush()


TABLE = "#board-1-t"


def column(page, col):
    """Cells of column `col` of the first table, in row order: (data-sort, text)."""
    return page.eval_on_selector_all(
        TABLE + " tbody tr",
        "(rows, c) => rows.map(r => [r.cells[c].getAttribute('data-sort'), r.cells[c].textContent])",
        col,
    )


def numbers(cells):
    """data-sort values as floats, None where missing."""
    return [float(s) if s not in (None, "") else None for s, _ in cells]


def numeric_sorted(vals, reverse=False):
    have = [v for v in vals if v is not None]
    return sorted(have, reverse=reverse) + [None] * (len(vals) - len(have))


def header(page, name):
    return page.locator(TABLE + " thead th", has_text=name).first


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    messages, dialogs = [], []
    page.on("console", lambda m: messages.append("%s: %s" % (m.type, m.text)))
    page.on("pageerror", lambda e: messages.append("pageerror: %s" % e))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith("file:") else messages.append("request: " + r.url))
    page.goto("file://" + os.path.abspath(page_path))
    page.wait_for_load_state("load")

    check(messages == [], "the page loads without console errors or outside requests", "\n".join(messages))
    check(dialogs == [] and page.evaluate("typeof window.pwned") == "undefined",
          "no script from the input ran", dialogs)
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    check(hrefs and all(h.lower().startswith(("https://", "http://", "#board-")) for h in hrefs),
          "every link is http(s) or within the page", [h for h in hrefs if not h.startswith("https://")])
    check(page.locator("script").count() == 1 and page.locator("img, iframe, object, embed").count() == 0,
          "the page's own script is its only script; no images or frames")
    names = [t for _, t in column(page, 1)]
    check(len(names) == 50 and '<script>alert("x")</script>' in names and "line one\nline two" in names
          and "pipe|model|name" in names, "hostile model names show as plain text", names)

    ranks = numbers(column(page, 0))
    check(ranks[:9] == [1, 2, 3, 4, 5, 6, 6, 6, 9] and ranks[-5:] == [None] * 5,
          "rows start in rank order, ties share a rank, unranked rows last", ranks)

    os.makedirs(shot_dir, exist_ok=True)
    shot = os.path.join(shot_dir, "leaderboard.png")
    page.screenshot(path=shot, full_page=True)
    check(os.path.getsize(shot) > 20000, "a full-page screenshot is written: " + shot)

    value = header(page, "Accuracy")
    value.locator("button").click()
    vals = numbers(column(page, 2))
    texts = [s for s, _ in column(page, 2) if s]
    check(vals == numeric_sorted(vals) and vals[0] == 0.0 and vals[-6] == 91.0,
          "a click on the value heading sorts ascending, numerically, missing values last", vals)
    check(sorted(texts) != texts, "(the same values sorted as text would be in another order)")
    check(value.get_attribute("aria-sort") == "ascending" and
          header(page, "Rank").get_attribute("aria-sort") is None, "the sorted column is marked")

    value.locator("button").click()
    vals = numbers(column(page, 2))
    check(vals == numeric_sorted(vals, reverse=True) and vals[0] == 91.0 and vals[-5:] == [None] * 5,
          "a second click sorts descending, missing values still last", vals)

    header(page, "Model").locator("button").click()
    keys = [s for s, _ in column(page, 1)]
    check(keys == sorted(keys), "a click on Model sorts the names as text", keys)

    header(page, "Rank").locator("button").focus()
    page.keyboard.press("Enter")
    ranks = numbers(column(page, 0))
    check(ranks == numeric_sorted(ranks) and ranks[:3] == [1, 2, 3],
          "the headings are buttons: Enter on Rank sorts by rank again", ranks)
    page.keyboard.press("Enter")
    ranks = numbers(column(page, 0))
    check(ranks == numeric_sorted(ranks, reverse=True) and ranks[0] == 45, "and Enter again reverses it", ranks)

    bars = page.eval_on_selector_all("#board-1 svg rect.bar", "rs => rs.map(r => r.getBBox().width)")
    check(len(bars) == 30 and bars[0] > bars[-1] > 0 and bars == sorted(bars, reverse=True),
          "the chart has the best 30 models, longest bar first", bars)
    lower = page.eval_on_selector_all("#board-2 svg rect.bar", "rs => rs.map(r => r.getBBox().width)")
    check(len(lower) == 12 and lower == sorted(lower), "on the lower-is-better board the best bar is the shortest",
          lower)

    page.emulate_media(color_scheme="dark")
    page.reload()
    page.evaluate("window.scrollTo(0, 0)")
    dark = os.path.join(shot_dir, "leaderboard-dark.png")
    page.screenshot(path=dark, full_page=False)
    check(os.path.getsize(dark) > 20000 and messages == [], "dark colour scheme: a screenshot, no errors: " + dark,
          "\n".join(messages))
    browser.close()

print("1..%d" % n)
sys.exit(1 if failed else 0)
