#!/usr/bin/env python3
"""A real Nominatim client, unchanged, against the real `diachi serve`:

    nominatim_geopy.py DIACHI SAMPLE_INDEX LIST_HOUSEHOLDS

geopy's `Nominatim` geocoder (Debian's python3-geopy, as installed by
scripts/install-deps.sh) is pointed at the server on loopback
(domain=127.0.0.1:PORT, scheme=http). 200 households drawn with a fixed
seed from the sample index (listed by LIST_HOUSEHOLDS) are geocoded from
their written address: each answer must be the household's point (within
1e-6 degree), or the point of a household with the very same address; a
quarter of them again as geopy's structured query (a dict: street, city,
county, state, postalcode, country). 200
more are reverse geocoded from their point: each answer must carry the
household's code and its address, under Nominatim's keys and in its
display_name, in Vietnamese or English as asked. Prints the counts; any
failure exits 1.
"""
import random
import re
import subprocess
import sys
from collections import defaultdict

from geopy.geocoders import Nominatim

SAMPLES = 200
SEED = 18
COUNTRY = {"vi": "Việt Nam", "en": "Vietnam"}


def read_index(lister, index):
    """The zones by postcode and the households, as LIST_HOUSEHOLDS gives them."""
    out = subprocess.run([lister, index], check=True, capture_output=True,
                         text=True).stdout
    zones, households = {}, []
    for line in out.splitlines():
        f = line.split("\t")
        if f[0] == "zone":
            zones[f[1]] = dict(name=f[2], kind=f[3], district=f[4], province=f[5])
        elif f[0] == "household":
            households.append(dict(number=int(f[1]), code=f[2], lat_e7=int(f[3]),
                                   lon_e7=int(f[4]), postcode=f[5], house_number=f[6],
                                   street=f[7], group=f[8]))
    return zones, households


def zone_name(z):
    """The zone as people say it, kind first ("phường Mường Thanh")."""
    if z["kind"] and z["name"].lower().startswith(z["kind"].lower() + " "):
        return z["kind"] + z["name"][len(z["kind"]):]
    return (z["kind"] + " " + z["name"]).strip()


def written(h, z):
    """The address as a letter carries it, door to province."""
    parts = ["số " + h["house_number"], h["street"], h["group"], zone_name(z),
             z["district"], z["province"]]
    return ", ".join(p for p in parts if p)


def structured(h, z):
    """The address as Nominatim's structured query: geopy's dict form."""
    return {"street": h["house_number"] + " " + h["street"],
            "city": (h["group"] + ", " + zone_name(z)).strip(", "),
            "county": z["district"], "state": z["province"],
            "postalcode": h["postcode"], "country": "Việt Nam"}


def nominatim_address(h, z, lang):
    """The address Nominatim's keys should hold, door to country."""
    county = z["district"].lower().startswith("huyện ")
    pairs = [("house_number", h["house_number"]), ("road", h["street"]),
             ("quarter", h["group"]), ("suburb", zone_name(z)),
             ("county" if county else "city", z["district"]),
             ("state", z["province"]), ("postcode", h["postcode"]),
             ("country", COUNTRY[lang]), ("country_code", "vn")]
    return {k: v for k, v in pairs if v}


def display_name(address):
    return ", ".join(v for k, v in address.items() if k != "country_code")


def start(diachi, index):
    proc = subprocess.Popen([diachi, "serve", "--index", index, "--listen", "127.0.0.1:0"],
                            stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        sys.exit("the server did not start: " + line)
    return proc, int(m.group(1))


def near(a, b):
    return abs(a - b) <= 1e-6


def geocode_all(geo, sample, zones, by_address, failures):
    """Each household of the sample from its written address; every fourth
    also from the structured form."""
    right = 0
    queries = [(h, written(h, zones[h["postcode"]])) for h in sample]
    queries += [(h, structured(h, zones[h["postcode"]])) for h in sample[::4]]
    for h, query in queries:
        found = geo.geocode(query)
        key = (h["house_number"], h["street"], h["group"], h["postcode"])
        points = [(o["lat_e7"] / 1e7, o["lon_e7"] / 1e7) for o in by_address[key]]
        if found and any(near(found.latitude, la) and near(found.longitude, lo)
                         for la, lo in points):
            right += 1
        else:
            failures.append("geocode %r: %s, want %s (%s)" % (
                query, found and (found.latitude, found.longitude), points[0], h["code"]))
    return right, len(queries)


def reverse_all(geo, sample, zones, by_point, failures):
    right = 0
    for i, h in enumerate(sample):
        lang = "en" if i % 2 else "vi"
        point = "%.7f, %.7f" % (h["lat_e7"] / 1e7, h["lon_e7"] / 1e7)
        found = geo.reverse(point, language=lang)
        raw = found.raw if found else {}
        # households sharing the point: any of them is the answer
        choices = {o["code"]: o for o in by_point[(h["lat_e7"], h["lon_e7"])]}
        o = choices.get(raw.get("code"))
        want = o and nominatim_address(o, zones[o["postcode"]], lang)
        if (o and raw.get("address") == want and found.address == display_name(want)
                and near(found.latitude, o["lat_e7"] / 1e7)
                and near(found.longitude, o["lon_e7"] / 1e7)):
            right += 1
        else:
            failures.append("reverse %s (%s): %s, want %s %s" % (
                point, lang, raw, h["code"],
                display_name(nominatim_address(h, zones[h["postcode"]], lang))))
    return right


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: nominatim_geopy.py DIACHI SAMPLE_INDEX LIST_HOUSEHOLDS")
    diachi, index, lister = sys.argv[1:]
    zones, households = read_index(lister, index)
    by_address, by_point = defaultdict(list), defaultdict(list)
    for h in households:
        by_address[(h["house_number"], h["street"], h["group"], h["postcode"])].append(h)
        by_point[(h["lat_e7"], h["lon_e7"])].append(h)
    rng = random.Random(SEED)
    addressed = [h for h in households if h["house_number"] and h["street"]]
    to_geocode = rng.sample(addressed, SAMPLES)
    to_reverse = rng.sample(households, SAMPLES)

    proc, port = start(diachi, index)
    failures = []
    try:
        geo = Nominatim(domain="127.0.0.1:%d" % port, scheme="http",
                        user_agent="diachi-test", timeout=10)
        geocoded, asked = geocode_all(geo, to_geocode, zones, by_address, failures)
        reversed_ = reverse_all(geo, to_reverse, zones, by_point, failures)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print("geopy %s against diachi serve on port %d: geocode %d/%d right (%d "
          "households, %d of them also as structured queries), reverse %d/%d right" % (
              sys.modules["geopy"].__version__, port, geocoded, asked, SAMPLES,
              asked - SAMPLES, reversed_, SAMPLES))
    for f in failures[:10]:
        print("FAIL: " + f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
