#!/usr/bin/env python3
"""diachi-plates on the sample, read back by tools that share no code with it.

    plates_sheet.py PLATES DIACHI INDEX SAMPLE_DIR WORKDIR

- A sheet of zone 32109 (Nà Tấu): pdfinfo gives its page count (8 plates a
  page); pdftotext -bbox-layout places each word, so every plate's code and
  household id are read from its own slot; pdftoppm rasterises each page and
  every plate's slot is cut out and decoded by zbarimg. Each QR payload must
  be its plate's code, each code must resolve with `diachi lookup` to the
  household printed beside it, and the plates must be exactly the zone's
  households as the sample's shapefile lists them (GDAL's ogrinfo).
- The same zone as SVG: one file a page, as many as the PDF's pages, each an
  A4 SVG document.
- One plate a page for a street (7/5 in Nam Thanh): a page the plate's size,
  the street's households all there, house numbers in order.
- --qr geo (checked against lookup's geo_uri) and a URL template on a file of
  codes.
- Bad input: an unknown placeholder, an output that exists, an unknown zone,
  street or code, an empty selection, a missing font: the stable problem
  name, the exit code, and no file.
"""
import json
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

PLATES, DIACHI, INDEX, SAMPLE, WORK = sys.argv[1:6]
SHP = os.path.join(SAMPLE, "households.shp")
MM = 72 / 25.4
# The sheet as docs/CLI.md's diachi-plates section gives it: A4, 2 x 4
# plates of 95 x 60 mm, 8 mm gutters, centred.
PLATE_W, PLATE_H, GUTTER, LEFT, TOP = 95 * MM, 60 * MM, 8 * MM, 6 * MM, 16.5 * MM
DPI = 100
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(args, stdin=None):
    p = subprocess.run(args, input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def plates(*args):
    return run([PLATES, "--index", INDEX] + list(args))


def shapefile_ids(where):
    rc, out, err = run(["ogrinfo", "-ro", "-q", "-sql",
                        "SELECT HH_ID FROM households WHERE " + where, SHP])
    assert rc == 0, err
    return re.findall(r"HH_ID \(String\) = (\S+)", out)


def lookup(codes):
    rc, out, err = run([DIACHI, "lookup", "-", "--json", "--index", INDEX],
                       "\n".join(codes) + "\n")
    answers = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert len(answers) == len(codes), err
    return answers


def slot_of(x, y):
    """The slot (0..7) whose plate holds the point, or None."""
    col = int((x - LEFT) // (PLATE_W + GUTTER))
    row = int((y - TOP) // (PLATE_H + GUTTER))
    if not (0 <= col < 2 and 0 <= row < 4):
        return None
    x0 = LEFT + col * (PLATE_W + GUTTER)
    y0 = TOP + row * (PLATE_H + GUTTER)
    if x0 <= x <= x0 + PLATE_W and y0 <= y <= y0 + PLATE_H:
        return row * 2 + col
    return None


def words_by_slot(pdf):
    """{(page, slot): [words in reading order]} from pdftotext's boxes."""
    rc, out, err = run(["pdftotext", "-bbox-layout", pdf, "-"])
    assert rc == 0, err
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out).replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
    root = ET.fromstring(out)
    slots = {}
    for p, page in enumerate(root.iter("page")):
        for w in page.iter("word"):
            x = (float(w.get("xMin")) + float(w.get("xMax"))) / 2
            y = (float(w.get("yMin")) + float(w.get("yMax"))) / 2
            s = slot_of(x, y)
            if s is not None:
                slots.setdefault((p, s), []).append(w.text)
    return slots


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]


def qr_by_slot(pdf, pages):
    """{(page, slot): payload}: each plate cut out of its page and decoded."""
    ras = os.path.join(WORK, "ras")
    os.makedirs(ras, exist_ok=True)
    for f in os.listdir(ras):
        os.unlink(os.path.join(ras, f))
    rc, _, err = run(["pdftoppm", "-r", str(DPI), "-gray", pdf, os.path.join(ras, "p")])
    assert rc == 0, err
    crops = {}
    px = DPI / 72
    for p in range(pages):
        name = [f for f in os.listdir(ras) if re.fullmatch(r"p-0*%d\.pgm" % (p + 1), f)][0]
        w, h, pix = read_pgm(os.path.join(ras, name))
        for s in range(8):
            x0 = int((LEFT + (s % 2) * (PLATE_W + GUTTER)) * px)
            y0 = int((TOP + (s // 2) * (PLATE_H + GUTTER)) * px)
            cw, ch = int(PLATE_W * px), int(PLATE_H * px)
            rows = b"".join(pix[(y0 + r) * w + x0:(y0 + r) * w + x0 + cw] for r in range(ch))
            path = os.path.join(ras, "c-%03d-%d.pgm" % (p, s))
            with open(path, "wb") as f:
                f.write(b"P5\n%d %d\n255\n" % (cw, ch) + rows)
            crops[path] = (p, s)
    rc, out, err = run(["zbarimg", "-q", "--xml"] + sorted(crops))
    root = ET.fromstring(re.sub(r" xmlns=['\"][^'\"]*['\"]", "", out))
    found = {}
    for src in root.iter("source"):
        key = crops[src.get("href")]
        for sym in src.iter("symbol"):
            found.setdefault(key, []).append(sym.find("data").text)
    return found


def pdf_pages(pdf):
    rc, out, _ = run(["pdfinfo", pdf])
    return int(re.search(r"Pages:\s+(\d+)", out).group(1)), re.search(r"Page size:\s+(.*)", out).group(1)


def test_zone_sheet():
    zone = "32109"
    expected = set(shapefile_ids("POSTCODE = '%s'" % zone))
    check(len(expected) == 793, "the sample's zone %s has %d households, not 793" % (zone, len(expected)))
    pdf = os.path.join(WORK, "zone.pdf")
    rc, _, err = plates("--zone", zone, "-o", pdf)
    check(rc == 0, "the zone's sheet: exit %d: %s" % (rc, err))
    pages, size = pdf_pages(pdf)
    check(pages == math.ceil(len(expected) / 8), "%d pages for %d plates" % (pages, len(expected)))
    check("595.276 x 841.89 pts (A4)" in size, "page size " + size)
    words = words_by_slot(pdf)
    qrs = qr_by_slot(pdf, pages)
    plates_seen = []
    for p in range(pages):
        for s in range(8):
            if p * 8 + s >= len(expected):
                check((p, s) not in words and (p, s) not in qrs, "slot %d of the last page is not empty" % s)
                continue
            w = words.get((p, s), [])
            code = " ".join(w[:2]) if len(w) >= 2 else ""
            hid = [x for x in w if re.fullmatch(r"DBP-\d+", x)]
            payload = qrs.get((p, s), [])
            check(re.fullmatch(r"\d{5} [2-9CFGHJMPQRVWX]{4}\+[2-9CFGHJMPQRVWX]{3}", code) is not None,
                  "page %d slot %d: no code in the text layer (%s)" % (p + 1, s, w[:3]))
            check(len(hid) == 1, "page %d slot %d: no household id" % (p + 1, s))
            check(payload == [code.replace(" ", "").replace("+", "")],
                  "page %d slot %d: QR %s for the code %s" % (p + 1, s, payload, code))
            plates_seen.append((code, hid[0] if hid else ""))
    answers = lookup([c for c, _ in plates_seen])
    for (code, hid), a in zip(plates_seen, answers):
        ids = [h["id"] for h in a.get("households", [])]
        check(a["status"] == "ok" and a["place"]["code"] == code and hid in ids
              and a["zone"]["postcode"] == zone,
              "%s on the plate of %s: lookup says %s %s" % (code, hid, a["status"], ids))
    seen = [h for _, h in plates_seen]
    check(len(seen) == len(set(seen)) and set(seen) == expected,
          "the plates are not the zone's households: %d plates, %d distinct, %d missing, %d extra"
          % (len(seen), len(set(seen)), len(expected - set(seen)), len(set(seen) - expected)))
    print("zone %s: %d plates on %d pages, every QR code read and resolved" % (zone, len(seen), pages))
    return pages


def test_svg(pages):
    svg = os.path.join(WORK, "zone.svg")
    rc, _, err = plates("--zone", "32109", "-o", svg)
    check(rc == 0, "SVG: exit %d: %s" % (rc, err))
    files = sorted(f for f in os.listdir(WORK) if re.fullmatch(r"zone-\d{3}\.svg", f))
    check(len(files) == pages, "%d SVG files for %d pages" % (len(files), pages))
    for f in files:
        root = ET.parse(os.path.join(WORK, f)).getroot()
        w, h = root.get("width"), root.get("height")
        check(w.endswith("pt") and h.endswith("pt") and abs(float(w[:-2]) / MM - 210) < 0.01
              and abs(float(h[:-2]) / MM - 297) < 0.01, "%s is %s x %s" % (f, w, h))
    print("SVG: %d files, A4 each" % len(files))


def house_key(number):
    """House numbers compared as numbers, part by part (independent of plates/)."""
    return [int(re.match(r"\D*(\d+)", part).group(1)) for part in number.split("/")]


def test_one_per_page_street():
    street = "7/5"
    expected = shapefile_ids("POSTCODE = '32105' AND STREET = '%s'" % street)
    pdf = os.path.join(WORK, "street.pdf")
    rc, _, err = plates("--zone", "32105", "--street", street, "--one-per-page", "-o", pdf)
    check(rc == 0, "one a page: exit %d: %s" % (rc, err))
    pages, size = pdf_pages(pdf)
    check(pages == len(expected), "%d pages for %d households of %s" % (pages, len(expected), street))
    check(size.startswith("269.291 x 170.079 pts"), "a sticker page is " + size)
    rc, text, _ = run(["pdftotext", pdf, "-"])
    numbers = re.findall(r"số (\S+), 7/5", text)
    ids = re.findall(r"DBP-\d+", text)
    check(len(numbers) == len(expected) and sorted(ids) == sorted(expected),
          "%d numbers, %d ids for %d households" % (len(numbers), len(ids), len(expected)))
    keys = [house_key(n) for n in numbers]
    check(keys == sorted(keys), "house numbers out of order: %s" % numbers[:20])
    # Conditions intersect; a group named by its proper name ("1" of "Tổ dân phố 1").
    both = shapefile_ids("POSTCODE = '32105' AND STREET = '7/5' AND \"GROUP\" = 'Tổ dân phố 1'")
    rc, _, err = plates("--zone", "32105", "--street", "7/5", "--group", "1", "-o",
                        os.path.join(WORK, "both.pdf"))
    check(rc == 0 and ("%d plates" % len(both)) in err and len(both) > 0,
          "street and group: %d households in the shapefile, %r" % (len(both), err))
    print("street %s: %d plates one a page, numbers %s .. %s in order"
          % (street, len(numbers), numbers[0] if numbers else "-", numbers[-1] if numbers else "-"))


def test_geo_and_template():
    pdf = os.path.join(WORK, "geo.pdf")
    rc, _, err = plates("--zone", "32105", "--group", "Tổ dân phố 1", "--qr", "geo", "-o", pdf)
    check(rc == 0, "--qr geo: exit %d: %s" % (rc, err))
    pages, _ = pdf_pages(pdf)
    words, qrs = words_by_slot(pdf), qr_by_slot(pdf, pages)
    codes, payloads = [], []
    for key in sorted(words):
        codes.append(" ".join(words[key][:2]))
        payloads.append((qrs.get(key) or [""])[0])
    expected = shapefile_ids("POSTCODE = '32105' AND \"GROUP\" = 'Tổ dân phố 1'")
    check(len(codes) == len(expected) and len(codes) > 0, "%d plates for %d households of the group" % (len(codes), len(expected)))
    for code, payload, a in zip(codes, payloads, lookup(codes)):
        uris = [h["geo_uri"] for h in a.get("households", [])]
        check(payload in uris, "%s: QR %s, lookup's doors %s" % (code, payload, uris))
    print("--qr geo: %d plates, each QR the door's geo: URI" % len(codes))

    codes_file = os.path.join(WORK, "codes.txt")
    wanted = codes[:5]
    with open(codes_file, "w") as f:
        f.write("\r\n".join([wanted[0].lower(), ""] + wanted + [""]))
    pdf = os.path.join(WORK, "url.pdf")
    rc, _, err = plates("--codes", codes_file, "--qr", "https://example.vn/c/{code}?d={display}", "-o", pdf)
    check(rc == 0, "--codes with a template: exit %d: %s" % (rc, err))
    got = sorted(p for v in qr_by_slot(pdf, 1).values() for p in v)
    want = sorted("https://example.vn/c/%s?d=%s" % (c.replace(" ", "").replace("+", ""),
                                                     c.replace(" ", "%20").replace("+", "%2B"))
                  for c in wanted)
    check(got == want, "template payloads %s, want %s" % (got, want))
    print("--qr template on --codes: %d plates (a code listed twice printed once)" % len(got))


def test_refusals():
    out = os.path.join(WORK, "bad.pdf")
    codes_file = os.path.join(WORK, "unknown-codes.txt")
    with open(codes_file, "w") as f:
        f.write("32109 G59V+36J\n32109 G59V+36M\n")
    cases = [
        (["--zone", "32109", "--qr", "https://example.vn/c/{cod}"], 2, "unknown_placeholder", "{cod}"),
        (["--zone", "32199"], 1, "unknown_zone", "32199"),
        (["--street", "Phố Không Có"], 1, "unknown_street", "Phố Không Có"),
        (["--street", "7/5", "--group", "Bản Co Mỵ"], 1, "empty_selection", "every condition"),
        (["--zone", "32105", "--group", "Bản Co Mỵ"], 1, "unknown_group", "zone 32105"),
        (["--codes", codes_file], 1, "unknown_code", "line 2"),
        (["--zone", "32109", "--font", "No Such Family"], 3, "font_missing", "No Such Family"),
        (["--zone", "32109", "--font", "Noto Sans Thai"], 3, "font_coverage", "Vietnamese"),
        (["--zone", "32109", "--qr", "https://example.vn/"], 2, "bad_template", "no placeholder"),
    ]
    for args, code, problem, detail in cases:
        rc, _, err = plates(*(args + ["-o", out]))
        check(rc == code and err.startswith("diachi-plates: %s: " % problem) and detail in err,
              "%s: exit %d, %r" % (args, rc, err))
        check(not os.path.exists(out), "%s left %s" % (args, out))
    # An output that exists is refused and left as it was, unless --overwrite.
    pdf = os.path.join(WORK, "zone.pdf")
    before = open(pdf, "rb").read()
    rc, _, err = plates("--zone", "32112", "-o", pdf)
    check(rc == 2 and err.startswith("diachi-plates: output_exists: ") and open(pdf, "rb").read() == before,
          "an existing output: exit %d, %r" % (rc, err))
    svg = os.path.join(WORK, "zone.svg")
    rc, _, err = plates("--zone", "32109", "-o", svg)
    check(rc == 2 and "output_exists" in err and "zone-001.svg" in err, "an existing SVG page: %d %r" % (rc, err))
    rc, _, err = plates("--zone", "32112", "-o", pdf, "--overwrite")
    check(rc == 0 and open(pdf, "rb").read() != before, "--overwrite: exit %d, %r" % (rc, err))
    left = [f for f in os.listdir(WORK) if ".tmp." in f]
    check(not left, "temporary files left: %s" % left)
    print("refusals: %d cases, each with its problem, exit code and no file" % (len(cases) + 3))


def main():
    os.makedirs(WORK, exist_ok=True)
    for f in os.listdir(WORK):
        path = os.path.join(WORK, f)
        if os.path.isfile(path):
            os.unlink(path)
    pages = test_zone_sheet()
    test_svg(pages)
    test_one_per_page_street()
    test_geo_and_template()
    test_refusals()
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("plates_sheet: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
