#!/usr/bin/env python3
"""Expected Open Location Codes of points, by the reference rules.

    make_points.py OLC_TEST_DATA_DIR > points.csv

Writes one row per point: the point as text (as a spreadsheet, a GPS app or
a map app gives it), its 11-digit Plus Code, the code's cell (south, west,
north, east) and centre, all as exact decimals, and `decimal_edge`: 1 when
exact decimal arithmetic on the text would give another cell than the
reference libraries' floating-point conversion does (see below).

The rules are the Open Location Code project's, written here from its
specification and test data (tests/data/olc/README.md), not from diachi:

  * degrees to integers: floor(lat * 2.5e7) + 90 * 2.5e7, clipped to
    [0, 4499999999], and floor(lon * 8.192e6) + 180 * 8.192e6 modulo
    2949120000, where the multiplication is IEEE-754 double arithmetic on
    the value the text parses to, exactly as the reference libraries do it
    (Math.floor(latitude * 2.5e7) in Java, JavaScript and Go). The test
    data's latInt/lngInt are the same formula in exact decimal arithmetic,
    and upstream accepts a result one less: this script checks that its
    integers are within that tolerance on every row of encoding.csv and on
    every decimal row it writes (a double written out in full, one ulp from
    an edge, may also be one more: the product rounds up onto the edge);
  * integers to digits: 5 grid digits from the least significant end
    (row = lat % 5, col = lon % 4, digit = row * 4 + col, then lat //= 5,
    lon //= 4), then 5 pairs in base 20; an 11-digit code keeps the 10
    pair digits and the first grid digit.

Before writing anything it checks its encoder against every row of the
project's encoding.csv ((latInt, lngInt, length) -> code must match
exactly), so a table it writes follows the published vectors.

The points (over 10,000, with a fixed seed): random points over Viet Nam
with 4, 5, 6 and 7 decimals; exact 11-digit cell edges; the doubles one
ulp either side of an edge; points 1 mm either side of an edge; and points
on and near the 21 N parallel and the 103 E meridian, which cross Dien Bien
Phu; and random points over the sample map of Dien Bien Phu.
"""
import csv
import math
import random
import sys
from decimal import Decimal, getcontext
from fractions import Fraction

ALPHABET = "23456789CFGHJMPQRVWX"
LAT_UNITS = 25_000_000  # per degree: 8000 * 5**5
LON_UNITS = 8_192_000  # per degree: 8000 * 4**5
LAT_MAX = 180 * LAT_UNITS
LON_MAX = 360 * LON_UNITS
ROW_UNITS = 625  # latitude units in an 11-digit cell
COL_UNITS = 256  # longitude units in an 11-digit cell

getcontext().prec = 50


def clip_lat(v):
    return min(max(v, 0), LAT_MAX - 1)


def ints_reference(lat, lon):
    """The reference libraries' conversion of doubles."""
    la = clip_lat(math.floor(lat * LAT_UNITS) + 90 * LAT_UNITS)
    lo = (math.floor(lon * LON_UNITS) + 180 * LON_UNITS) % LON_MAX
    return la, lo


def ints_exact(lat_text, lon_text):
    """The test data's conversion: exact decimal arithmetic on the text."""
    la = clip_lat(math.floor(Fraction(lat_text) * LAT_UNITS) + 90 * LAT_UNITS)
    lo = (math.floor(Fraction(lon_text) * LON_UNITS) + 180 * LON_UNITS) % LON_MAX
    return la, lo


def digits_of_ints(la, lo, length):
    grid = []
    for _ in range(5):
        grid.append(ALPHABET[(la % 5) * 4 + lo % 4])
        la //= 5
        lo //= 4
    pairs = []
    for _ in range(5):
        pairs.append(ALPHABET[lo % 20])
        pairs.append(ALPHABET[la % 20])
        la //= 20
        lo //= 20
    digits = "".join(reversed(pairs)) + "".join(reversed(grid))
    return digits[:length]


def code_of_ints(la, lo, length):
    d = digits_of_ints(la, lo, length)
    if length < 8:
        return d + "0" * (8 - length) + "+"
    return d[:8] + "+" + d[8:]


def check_against_test_data(folder):
    """encoding.csv: (latInt, lngInt, length) -> code exactly, and this
    script's (lat, lon) -> integers within the published tolerance."""
    rows = 0
    with open(folder + "/encoding.csv", encoding="ascii") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            lat, lon, lat_int, lon_int, length, code = line.strip().split(",")
            lat_int, lon_int, length = int(lat_int), int(lon_int), int(length)
            length = min(length, 15)
            got = code_of_ints(lat_int, lon_int, length)
            if got != code:
                sys.exit("encoding.csv: %s -> %s, want %s" % (line.strip(), got, code))
            la, lo = ints_reference(float(lat), float(lon))
            if lat_int - la not in (0, 1) or lon_int - lo not in (0, 1):
                sys.exit("encoding.csv: %s -> ints %d %d" % (line.strip(), la, lo))
            rows += 1
    if rows < 300:
        sys.exit("encoding.csv: only %d rows" % rows)


def exact(v):
    """An exact rational with a finite decimal expansion, as text."""
    d = Decimal(v.numerator) / Decimal(v.denominator)
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def row_for(lat_text, lon_text, kind):
    lat, lon = float(lat_text), float(lon_text)
    la, lo = ints_reference(lat, lon)
    xa, xo = ints_exact(lat_text, lon_text)
    # Upstream's tolerance for decimal text: the reference may be one less.
    # A double written out in full (the ulp rows) may also round up to an
    # edge in the multiplication: one more.
    allowed = (-1, 0, 1) if kind.startswith("ulp") else (0, 1)
    if xa - la not in allowed or xo - lo not in allowed:
        sys.exit("%s %s: reference ints %d %d, exact %d %d" % (lat_text, lon_text, la, lo, xa, xo))
    code = code_of_ints(la, lo, 11)
    edge = int(code != code_of_ints(xa, xo, 11))
    south = Fraction(la // ROW_UNITS * ROW_UNITS, LAT_UNITS) - 90
    west = Fraction(lo // COL_UNITS * COL_UNITS, LON_UNITS) - 180
    north = south + Fraction(ROW_UNITS, LAT_UNITS)
    east = west + Fraction(COL_UNITS, LON_UNITS)
    return [lat_text, lon_text, kind, code, exact(south), exact(west), exact(north),
            exact(east), exact((south + north) / 2), exact((west + east) / 2), edge]


def decimals(rng, lo, hi, places):
    return "%.*f" % (places, rng.uniform(lo, hi))


def edge_text(units_per_degree, cell_units, index, origin):
    """The exact decimal text of cell edge @index (an integer count of
    cells from the south pole or the antimeridian)."""
    return exact(Fraction(index * cell_units, units_per_degree) - origin)


def points(rng):
    vn = (8.4, 23.4, 102.1, 109.5)  # Viet Nam's extent, degrees
    for places in (4, 5, 6, 7):
        for _ in range(1600):
            yield decimals(rng, vn[0], vn[1], places), decimals(rng, vn[2], vn[3], places), \
                "decimals%d" % places
    lat_rows = (int((vn[0] + 90) * LAT_UNITS) // ROW_UNITS, int((vn[1] + 90) * LAT_UNITS) // ROW_UNITS)
    lon_cols = (int((vn[2] + 180) * LON_UNITS) // COL_UNITS, int((vn[3] + 180) * LON_UNITS) // COL_UNITS)
    for i in range(1200):
        r, c = rng.randint(*lat_rows), rng.randint(*lon_cols)
        lat_e = edge_text(LAT_UNITS, ROW_UNITS, r, 90)
        lon_e = edge_text(LON_UNITS, COL_UNITS, c, 180)
        lat_any = decimals(rng, vn[0], vn[1], 6)
        lon_any = decimals(rng, vn[2], vn[3], 6)
        yield (lat_e, lon_e, "edge_both") if i % 3 == 0 else \
            (lat_e, lon_any, "edge_lat") if i % 3 == 1 else (lat_any, lon_e, "edge_lon")
    for i in range(1200):
        r, c = rng.randint(*lat_rows), rng.randint(*lon_cols)
        lat_e = float(edge_text(LAT_UNITS, ROW_UNITS, r, 90))
        lon_e = float(edge_text(LON_UNITS, COL_UNITS, c, 180))
        step = math.inf if i % 2 else -math.inf
        # Written out in full, so that the text is exactly the double.
        yield exact(Fraction(math.nextafter(lat_e, step))), \
            exact(Fraction(math.nextafter(lon_e, step))), "ulp_above" if i % 2 else "ulp_below"
    for i in range(1000):
        r, c = rng.randint(*lat_rows), rng.randint(*lon_cols)
        mm = Fraction(1, 111_320_000)  # about 1 mm of latitude, in degrees
        sign = 1 if i % 2 else -1
        lat = Fraction(r * ROW_UNITS, LAT_UNITS) - 90 + sign * mm
        lon = Fraction(c * COL_UNITS, LON_UNITS) - 180 + sign * mm
        yield "%.12f" % lat, "%.12f" % lon, "mm_above" if i % 2 else "mm_below"
    for i in range(800):  # the sample map's zones, so reverse lookups find a zone
        places = 4 + i % 4
        yield decimals(rng, 21.37, 21.55, places), decimals(rng, 102.99, 103.19, places), \
            "dien_bien"
    for i in range(600):
        lon_any = decimals(rng, 102.9, 103.1, 7)
        lat_any = decimals(rng, 20.9, 21.5, 7)
        on = [("21", lon_any, "n21"), ("20.9999999", lon_any, "n21"),
              ("21.0000001", lon_any, "n21"),
              (exact(Fraction(math.nextafter(21.0, 0))), lon_any, "n21"),
              (lat_any, "103", "e103"), (lat_any, "102.9999999", "e103"),
              (lat_any, "103.0000001", "e103"),
              (lat_any, exact(Fraction(math.nextafter(103.0, 0))), "e103")]
        yield on[i % len(on)]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_points.py OLC_TEST_DATA_DIR > points.csv")
    check_against_test_data(sys.argv[1])
    rng = random.Random(20251206)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["lat", "lon", "kind", "plus_code", "south", "west", "north", "east",
                  "centre_lat", "centre_lon", "decimal_edge"])
    for lat_text, lon_text, kind in points(rng):
        out.writerow(row_for(lat_text, lon_text, kind))


if __name__ == "__main__":
    main()
