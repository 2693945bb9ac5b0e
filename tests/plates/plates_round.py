#!/usr/bin/env python3
"""diachi-plates --round on the sample, read back by tools that share no code with it.

    plates_round.py PLATES DIACHI INDEX SAMPLE_DIR WORKDIR

- The letters: 40 household codes of zone 32107, each found from its
  household's point in the sample's shapefile (GDAL's ogr2ogr, in WGS 84)
  with `diachi reverse`, and 2 letters that name no door (an unregistered
  code and an address that matches nothing), mixed among them.
- The sheet: pdfinfo gives its pages (the map and 30 list lines on the
  first, the rest on the second, its header repeated); pdftotext -layout
  gives its text: each of the 40 codes exactly once, in the order of
  `diachi round`'s CSV for the same letters and start, then the two letters
  under the heading of those not resolved, with their status.
- A letter that is not UTF-8: listed by its row as not printable.
- Bad input: no --start, a letters file with no letters, an output that
  exists, --column naming no column, letters of which none is a door:
  the stable problem name, the exit code, and no file (nor a temporary one).
"""
import csv
import io
import json
import os
import re
import subprocess
import sys

PLATES, DIACHI, INDEX, SAMPLE, WORK = sys.argv[1:6]
SHP = os.path.join(SAMPLE, "households.shp")
START = "21.386,103.017"
CODE = re.compile(r"\b\d{5} [0-9A-Z]{4}\+[0-9A-Z]{2,3}\b")
HEADING = "Letters not resolved (2)"
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


def zone_codes(zone, count):
    """The codes of @count households of @zone, from their points."""
    rc, out, err = run(["ogr2ogr", "-f", "CSV", "/vsistdout/", SHP, "-t_srs", "EPSG:4326",
                        "-lco", "GEOMETRY=AS_XY", "-where", "POSTCODE = '%s'" % zone])
    assert rc == 0, err
    rows = sorted(csv.DictReader(io.StringIO(out)), key=lambda r: r["HH_ID"])
    codes = []
    for r in rows:
        rc, out, err = run([DIACHI, "reverse", r["Y"], r["X"], "--limit", "1", "--json",
                            "--index", INDEX])
        assert rc == 0, err
        hh = json.loads(out)["households"][0]
        if hh["distance_m"] < 0.05 and hh["code"] not in codes:
            codes.append(hh["code"])
        if len(codes) == count:
            return codes
    raise AssertionError("zone %s: only %d codes" % (zone, len(codes)))


def no_stray_files(name):
    stray = [f for f in os.listdir(WORK) if f.startswith(name) and not f.endswith(".csv")]
    check(not stray, "%s: files left: %s" % (name, stray))


def pdf_pages(pdf):
    rc, out, err = run(["pdfinfo", pdf])
    assert rc == 0, err
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def pdf_text(pdf, *pages):
    rc, out, err = run(["pdftotext", "-layout"] + list(pages) + [pdf, "-"])
    assert rc == 0, err
    return out


def test_sheet():
    codes = zone_codes("32107", 40)
    letters = codes[:13] + ["3210192P9G54"] + codes[13:29] + ["nowhere 999"] + codes[29:]
    path = os.path.join(WORK, "letters.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("code\n" + "\n".join(letters) + "\n")
    rc, out, err = run([DIACHI, "round", path, "--start", START, "--index", INDEX, "--quiet"])
    check(rc == 1, "diachi round: exit %d: %s" % (rc, err))
    expected = [r["code"] for r in csv.DictReader(io.StringIO(out)) if r["stop"] != "return"]
    check(sorted(expected) == sorted(codes), "diachi round's stops are not the 40 codes")

    pdf = os.path.join(WORK, "round.pdf")
    rc, _, err = plates("--round", path, "--start", START, "-o", pdf)
    check(rc == 1, "the sheet: exit %d (want 1: two letters name no door): %s" % (rc, err))
    check(re.search(r"40 stops, \d+ m, on 2 pages, .*round\.pdf; 2 unresolved", err),
          "the summary: %r" % err)
    pages = pdf_pages(pdf)
    check(pages == 2, "pdfinfo: %d pages, want 2 (the map and 30 lines, then 15)" % pages)
    text = pdf_text(pdf)
    check(text.count(HEADING) == 1, "the heading %r: %d times" % (HEADING, text.count(HEADING)))
    stops, _, unresolved = text.partition(HEADING)
    printed = CODE.findall(stops)
    check(printed == expected,
          "the list is not diachi round's order:\n%s\n%s" % (printed, expected))
    check(not CODE.findall(unresolved), "a code under the unresolved heading")
    check(re.search(r"row 14\s+3210192P9G54\s+unregistered", unresolved),
          "the unregistered code is not listed: %r" % unresolved)
    check(re.search(r"row 31\s+nowhere 999\s+no_match", unresolved),
          "the unmatched address is not listed: %r" % unresolved)
    page2 = pdf_text(pdf, "-f", "2", "-l", "2")
    check(re.search(r"#\s+Code\s+Address\s+Leg m\s+Total m", page2),
          "page 2 does not repeat the list's header")
    check(re.search(r"page 2 of 2", page2), "page 2 is not numbered")
    first = pdf_text(pdf, "-f", "1", "-l", "1")
    check("Start" in first and re.search(r"\b\d+ k?m\b", first) and "N" in first,
          "the map has no start, scale bar or north arrow")
    check(re.search(r"back to the start", page2), "the walk back is not listed")
    print("round sheet: %d stops in diachi round's order on %d pages, 2 unresolved listed"
          % (len(printed), pages))
    return path


def test_refusals(letters):
    header_only = os.path.join(WORK, "empty.csv")
    with open(header_only, "w") as f:
        f.write("code\n")
    none_door = os.path.join(WORK, "nodoor.csv")
    with open(none_door, "w") as f:
        f.write("code\n3210192P9G54\nnowhere 999\n")
    exists = os.path.join(WORK, "exists.pdf")
    with open(exists, "w") as f:
        f.write("kept")
    cases = [
        ("nostart", ["--round", letters], 2, "usage", "--start"),
        ("badstart", ["--round", letters, "--start", "99,200"], 2, "round_start", "99,200"),
        ("empty", ["--round", header_only, "--start", START], 3, "round_empty", "no letters"),
        ("nodoor", ["--round", none_door, "--start", START], 1, "round_empty",
         "none of the 2 letters"),
        ("column", ["--round", letters, "--start", START, "--column", "nope"], 2, "usage",
         "--column nope"),
        ("keep", ["--round", letters, "--start", START, "--keep", "street"], 2, "usage",
         "--keep"),
        ("svg", ["--round", letters, "--start", START], 2, "usage", "PDF"),
    ]
    for name, args, want_rc, problem, words in cases:
        out = os.path.join(WORK, name + (".svg" if name == "svg" else ".pdf"))
        rc, _, err = plates(*(args + ["-o", out]))
        check(rc == want_rc and err.startswith("diachi-plates: %s: " % problem) and words in err,
              "%s: exit %d, %r (want %d, %s, %r)" % (name, rc, err, want_rc, problem, words))
        no_stray_files(name)
    rc, _, err = plates("--round", letters, "--start", START, "-o", exists)
    check(rc == 2 and "output_exists" in err, "an existing output: exit %d: %s" % (rc, err))
    check(open(exists).read() == "kept", "the existing output was touched")
    check(not [f for f in os.listdir(WORK) if ".tmp." in f], "a temporary file was left")
    rc, _, err = plates("--round", letters, "--start", START, "-o", exists, "--overwrite")
    check(rc == 1 and pdf_pages(exists) == 2, "--overwrite: exit %d: %s" % (rc, err))


def test_unprintable(letters):
    """A letter that is not UTF-8 is listed by its row, not dropped and not
    breaking the sheet."""
    with open(letters, encoding="utf-8") as f:
        code = f.read().splitlines()[1]
    path = os.path.join(WORK, "bytes.csv")
    with open(path, "wb") as f:
        f.write(b"code\n" + code.encode() + b"\nbad \xff\xfe letter\n")
    pdf = os.path.join(WORK, "bytes.pdf")
    rc, _, err = plates("--round", path, "--start", START, "-o", pdf)
    check(rc == 1 and "1 stop," in err and "1 unresolved" in err,
          "a letter not UTF-8: exit %d: %s" % (rc, err))
    if os.path.exists(pdf):
        text = pdf_text(pdf)
        check(re.search(r"row 2\s+\(not printable\)\s+bad_address", text),
              "the letter not UTF-8 is not listed: %r" % text)


def main():
    os.makedirs(WORK, exist_ok=True)
    for f in os.listdir(WORK):
        os.unlink(os.path.join(WORK, f))
    letters = test_sheet()
    test_refusals(letters)
    test_unprintable(letters)
    if failures:
        print("%d failures" % len(failures))
        sys.exit(1)
    print("ok")


main()
