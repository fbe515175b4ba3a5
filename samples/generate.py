#!/usr/bin/env python3
"""Generates the demo city in this folder: zones.geojson, devices.csv and scenario.json.

A few km² around 35.30 N 113.93 E (红旗区, county code 410702) cut into 100 m unit grids
(单元网格, 15-digit codes), two geofences, about 500 devices of the four kinds and a few of each lifeline kind, and the
timeline the simulator plays (a storm that floods one catchment and a handful of incidents). Gauges, covers and
drainage sensors carry the catchment (排水分区) they drain to, lamps the cabinet that feeds them (attributes
catchment= and parent=). Deterministic: running it again gives the same files. Run: python3 samples/generate.py
"""
import csv
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
COUNTY = "410702"
LAT0, LON0 = 35.2950, 113.9200          # south-west corner
COLS, ROWS = 20, 12                     # 20 x 12 grids of about 100 m x 100 m
DLAT = 100 / 111_320
DLON = 100 / (111_320 * math.cos(math.radians(LAT0)))
STREETS = [("001", "西街街道"), ("002", "渠东街道")]      # west / east half
COMMUNITIES = ["001", "002", "003"]                       # south / middle / north third

rnd = random.Random(20260720)


def rnd6(x):
    return round(x, 6)


def corner(col, row):
    return LON0 + col * DLON, LAT0 + row * DLAT


def rect(c0, r0, c1, r1):
    (x0, y0), (x1, y1) = corner(c0, r0), corner(c1, r1)
    return [[[rnd6(x0), rnd6(y0)], [rnd6(x1), rnd6(y0)], [rnd6(x1), rnd6(y1)], [rnd6(x0), rnd6(y1)], [rnd6(x0), rnd6(y0)]]]


def grid_features():
    features, seq = [], {}
    for row in range(ROWS):
        for col in range(COLS):
            street, street_name = STREETS[0] if col < COLS // 2 else STREETS[1]
            community = COMMUNITIES[min(row * 3 // ROWS, 2)]
            key = street + community
            seq[key] = seq.get(key, 0) + 1
            code = f"{COUNTY}{street}{community}{seq[key]:03d}"
            features.append({
                "type": "Feature",
                "properties": {"id": code, "type": "grid", "code": code, "name": f"{street_name}{community}社区{seq[key]:03d}网格",
                               "unit": f"{street_name}城市管理中队"},
                "geometry": {"type": "Polygon", "coordinates": rect(col, row, col + 1, row + 1)},
            })
    return features


# The permitted muck-truck route: from a construction site in the south-west, east along a
# main road (row 2.5), north along another (col 15.5), to a disposal site in the north-east.
ROUTE = [corner(1, 2.5), corner(15.5, 2.5), corner(15.5, 11)]
ROUTE_HALF_WIDTH = 0.4                 # in grid widths: a 80 m corridor


def route_polygon():
    w = ROUTE_HALF_WIDTH
    pts = [corner(1 - w, 2.5 - w), corner(15.5 + w, 2.5 - w), corner(15.5 + w, 11 + w),
           corner(15.5 - w, 11 + w), corner(15.5 - w, 2.5 + w), corner(1 - w, 2.5 + w), corner(1 - w, 2.5 - w)]
    return [[[rnd6(x), rnd6(y)] for x, y in pts]]


# Two low underpasses (下穿通道) where water gathers first.
UNDERPASSES = [(6, 4), (13, 8)]

# Four catchments (排水分区), each draining to its own outfall: the quarters of the area. The storm overwhelms one.
FLOODED = "西南排水分区"


def catchment(col, row):
    return ("西" if col < COLS / 2 else "东") + ("南" if row < ROWS / 2 else "北") + "排水分区"


# The lamps (by index) each cabinet feeds: the east-west main road, the north-south main road, the side streets.
CABINETS = [("LC-0002", range(0, 49)), ("LC-0001", range(49, 78)), ("LC-0003", range(78, 120))]


def geofences():
    return [
        {"type": "Feature", "properties": {"id": "muck-routes", "type": "geofence", "name": "渣土车核准线路"},
         "geometry": {"type": "Polygon", "coordinates": route_polygon()}},
        {"type": "Feature", "properties": {"id": "flood-underpasses", "type": "geofence", "name": "易涝下穿通道"},
         "geometry": {"type": "MultiPolygon", "coordinates": [rect(c, r, c + 1, r + 1) for c, r in UNDERPASSES]}},
    ]


def point(col, row):
    lon, lat = corner(col, row)
    return rnd6(lat), rnd6(lon)


def devices():
    rows = []
    # Waterlogging gauges: both underpasses, then low points spread over the area.
    for i in range(60):
        if i < len(UNDERPASSES) * 2:
            c, r = UNDERPASSES[i % 2]
            col, row = c + 0.3 + 0.4 * (i // 2), r + 0.5
            name = f"下穿通道积水监测 {i + 1}"
        else:
            col, row = rnd.uniform(0.2, COLS - 0.2), rnd.uniform(0.2, ROWS - 0.2)
            name = f"路面积水监测 {i + 1}"
        lat, lon = point(col, row)
        # 部件 2101: the gauge itself, a local class (not 04/06)
        rows.append((f"WL-{i + 1:04d}", "waterlog", name, lat, lon, f"{COUNTY}2101{i + 1:06d}", f"catchment={catchment(col, row)}"))
    # Manhole covers along every other grid line, of the kinds a city has most of.
    cover_kinds = [("03", "雨水井盖"), ("02", "污水井盖"), ("01", "上水井盖"), ("05", "电力井盖"), ("07", "通讯井盖"), ("11", "燃气井盖")]
    for i in range(300):
        minor, name = cover_kinds[min(int(rnd.expovariate(0.6)), len(cover_kinds) - 1)]
        if rnd.random() < 0.5:
            col = rnd.uniform(0.1, COLS - 0.1)
            row = 2 * rnd.randint(1, ROWS // 2 - 1) + rnd.uniform(-0.05, 0.05)
        else:
            col = 2 * rnd.randint(1, COLS // 2 - 1) + rnd.uniform(-0.05, 0.05)
            row = rnd.uniform(0.1, ROWS - 0.1)
        lat, lon = point(col, row)
        rows.append((f"MH-{i + 1:04d}", "manhole", f"{name} {i + 1}", lat, lon, f"{COUNTY}01{minor}{i + 1:06d}", f"catchment={catchment(col, row)}"))
    # Streetlights every 40 m along the two main roads and a side street.
    lights = [(c / 2.5, 2.5 + 0.15) for c in range(1, 50)] + [(15.5 + 0.15, r / 2.5) for r in range(1, 30)] + \
             [(4.5, r / 2.5) for r in range(1, 30)] + [(c / 2.5, 9.5) for c in range(1, 14)]
    for i, (c, r) in enumerate(lights[:120]):
        lat, lon = point(c, r)
        parent = next(cabinet for cabinet, lamps in CABINETS if i in lamps)
        rows.append((f"SL-{i + 1:04d}", "streetlight", f"单灯控制器 {i + 1}", lat, lon, f"{COUNTY}0118{i + 1:06d}", f"parent={parent}"))
    # Muck trucks start spread along the route; the simulator moves them.
    for i in range(20):
        lat, lon = point(1 + i * 0.7, 2.5)
        rows.append((f"VH-{i + 1:04d}", "vehicle", f"渣土车 豫G{23500 + i * 7}", lat, lon, "", ""))
    # Lifelines (kinds of rules/kinds.yaml), three of each: drainage and rain gauges in the flooded catchment, under the
    # storm; each lamp cabinet beside the first lamp it feeds.
    lifelines = [("GS", "gas", "燃气监测"), ("WS", "watersupply", "供水管网监测"), ("DR", "drainage", "排水监测"),
                 ("BR", "bridge", "桥梁监测"), ("HT", "heating", "热力管网监测"), ("LC", "lampcabinet", "路灯控制箱")]
    for prefix, kind, name in lifelines:
        for i in range(3):
            attributes = ""
            if kind == "drainage":
                col, row = 7.5 + i * 0.5, 4.5 + i * 0.3
                attributes = f"catchment={catchment(col, row)}"
            elif kind == "lampcabinet":
                c, r = lights[next(lamps for cabinet, lamps in CABINETS if cabinet == f"LC-{i + 1:04d}")[0]]
                col, row = c + 0.2, r + 0.2
            else:
                col, row = rnd.uniform(0.5, COLS - 0.5), rnd.uniform(0.5, ROWS - 0.5)
            lat, lon = point(col, row)
            code = f"{COUNTY}0118{900 + i:06d}" if kind == "lampcabinet" else ""
            rows.append((f"{prefix}-{i + 1:04d}", kind, f"{name} {i + 1}", lat, lon, code, attributes))
    return rows


def scenario():
    return {
        "description": "A storm, already a minute old when the demo starts, overwhelms the south-west catchment: its gauges "
                       "flood within a minute and its covers surcharge, then it recedes; one cover is knocked askew, "
                       "another lifted; a lamp loses its supply, another goes dark; a truck speeds, one drives with its "
                       "lid open, one leaves its route; a cover goes silent; gas leaks next to a pipeline; a lamp cabinet "
                       "loses its supply for good, darkening its 29 lamps; a gauge froze hours ago and uploads what it "
                       "stored; drainage fills under the storm.",
        "cycleSeconds": 1800,
        "storm": {"lat": rnd6(corner(5, 3)[1]), "lon": rnd6(corner(5, 3)[0]), "radiusMeters": 900,
                  "startSeconds": -60, "peakSeconds": 90, "endSeconds": 900, "peakDepthCm": 58, "catchment": FLOODED,
                  "lowGauges": [f"WL-{i + 1:04d}" for i in range(len(UNDERPASSES) * 2) if i % 2 == 0], "lowGaugeFactor": 1.15},
        "route": [[rnd6(lon), rnd6(lat)] for lon, lat in ROUTE],
        "incidents": [
            {"device": "MH-0042", "type": "tilt", "atSeconds": 15, "value": 25},
            {"device": "MH-0107", "type": "open", "atSeconds": 40, "forSeconds": 600},
            {"device": "SL-0013", "type": "undervoltage", "atSeconds": 20, "value": 150},
            {"device": "SL-0021", "type": "dark", "atSeconds": 20},
            {"device": "SL-0034", "type": "lit-by-day", "atSeconds": 20},
            {"device": "VH-0003", "type": "speeding", "atSeconds": 10, "forSeconds": 120, "value": 75},
            {"device": "VH-0007", "type": "lid-open", "atSeconds": 20, "forSeconds": 300},
            {"device": "VH-0011", "type": "off-route", "atSeconds": 30, "forSeconds": 300, "value": 350},
            {"device": "MH-0200", "type": "silent", "atSeconds": 30},
            {"device": "GS-0002", "type": "gas-leak", "atSeconds": 25, "forSeconds": 600, "value": 32},
            {"device": "LC-0001", "type": "power-loss", "atSeconds": 20},
            {"device": "WL-0005", "type": "frozen", "atSeconds": -21900, "value": 11.5},
        ],
    }


def main():
    with open(os.path.join(HERE, "zones.geojson"), "w", encoding="utf-8") as f:
        features = grid_features() + geofences()
        f.write('{"type": "FeatureCollection", "features": [\n')
        f.write(",\n".join(json.dumps(feature, ensure_ascii=False) for feature in features))
        f.write("\n]}\n")
    with open(os.path.join(HERE, "devices.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "kind", "name", "lat", "lon", "code", "attributes"])
        w.writerows(devices())
    with open(os.path.join(HERE, "scenario.json"), "w", encoding="utf-8") as f:
        json.dump(scenario(), f, ensure_ascii=False, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
