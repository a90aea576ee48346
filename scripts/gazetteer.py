#!/usr/bin/env python3
"""Writes a place and entity name gazetteer from Debian packages.

    gazetteer.py OUT_FILE

OUT_FILE gets "name<TAB>type" lines, unique, sorted by their UTF-8 bytes (LC_ALL=C order),
LF endings. Types and sources:

  COUNTRY      iso-codes  /usr/share/iso-codes/json/iso_3166-1.json: name, common_name and
                          official_name (an inverted name such as "Korea, Republic of" is
                          left out where a common or official name exists)
  CITY         tzdata     /usr/share/zoneinfo/zone1970.tab and zone.tab: the last part of
                          each zone id, underscores to spaces ("America/Argentina/Buenos_Aires"
                          gives "Buenos Aires")
  SUBDIVISION  iso-codes  iso_3166-2.json: states, provinces, regions... (name)
  LANGUAGE     iso-codes  iso_639-2.json: name and common_name, plain names only (no commas
                          or parentheses: "Greek, Modern (1453-)" is left out)
  CURRENCY     iso-codes  iso_4217.json: name

Exit status 2 with a message naming the file when an input is missing or malformed.
"""

import json
import os
import re
import sys

ISO = "/usr/share/iso-codes/json"
ZONEINFO = "/usr/share/zoneinfo"


def die(msg):
    print("gazetteer: " + msg, file=sys.stderr)
    sys.exit(2)


def load_iso(name, key):
    path = os.path.join(ISO, name)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)[key]
    except (OSError, ValueError, KeyError) as e:
        die("cannot read %s (package iso-codes): %s" % (path, e))


def zone_cities(name):
    path = os.path.join(ZONEINFO, name)
    cities = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 3 or "/" not in cols[2]:
                    die("%s: malformed line %r" % (path, line))
                cities.append(cols[2].rsplit("/", 1)[1].replace("_", " "))
    except OSError as e:
        die("cannot read %s (package tzdata): %s" % (path, e))
    return cities


def main(argv):
    if len(argv) != 2:
        print("usage: gazetteer.py OUT_FILE", file=sys.stderr)
        return 2
    rows = set()

    def add(name, kind):
        name = " ".join(name.split())
        if name:
            rows.add((name, kind))

    for c in load_iso("iso_3166-1.json", "3166-1"):
        others = [c[k] for k in ("common_name", "official_name") if k in c]
        for n in others:
            add(n, "COUNTRY")
        if not (others and ", " in c["name"]):
            add(c["name"], "COUNTRY")
    for tab in ("zone1970.tab", "zone.tab"):
        for city in zone_cities(tab):
            add(city, "CITY")
    for s in load_iso("iso_3166-2.json", "3166-2"):
        add(s["name"], "SUBDIVISION")
    for lang in load_iso("iso_639-2.json", "639-2"):
        for k in ("name", "common_name"):
            if k in lang and re.fullmatch(r"[^,;()]+", lang[k]):
                add(lang[k], "LANGUAGE")
    for cur in load_iso("iso_4217.json", "4217"):
        add(cur["name"], "CURRENCY")

    lines = sorted(("%s\t%s\n" % r).encode("utf-8") for r in rows)
    out = argv[1]
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out + ".tmp", "wb") as f:
        f.write(b"".join(lines))
    os.replace(out + ".tmp", out)
    counts = {}
    for _, kind in rows:
        counts[kind] = counts.get(kind, 0) + 1
    print("gazetteer: %s: %d entries (%s)" % (out, len(lines), ", ".join(
        "%s %d" % (k, counts[k]) for k in sorted(counts))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
