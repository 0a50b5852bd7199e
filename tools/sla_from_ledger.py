#!/usr/bin/python3
"""Independent SLA figures for a StatusPage site, from its public ledger and the published formula only.

usage: sla_from_ledger.py LEDGER.ndjson TIME_ZONE NOW

LEDGER.ndjson  the ledger as published (GET /api/v1/ledger or the `export` verb); check it first with verify_ledger.py
TIME_ZONE      the site's time zone, an IANA name (sla.json's `time_zone`, or page.time_zone of /api/v2/status.json)
NOW            the instant the figures are computed at (ISO 8601, e.g. 2026-11-24T12:00:00Z): it ends the current month
               (to date); closed months do not depend on it

Prints JSON: for each calendar month in TIME_ZONE (oldest first) from the month of the first recorded fact to the month
of NOW, each component that has an SLA target at the month's end, with period, maintenance, eligible and downtime
minutes, uptime and target; and the last twelve months per component (Σ downtime ÷ Σ eligible). The rules are the ones
docs/LEDGER.md section 9 states (and sla.json's `formula`, the /uptime and /sla pages); nothing here is taken from
the server's code. Needs only the standard library (zoneinfo, with the system's tz database).
"""

import json
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

PARTIAL_OUTAGE_WEIGHT = 0.3
MONTHS_IN_STATEMENT = 12


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def minutes(span):
    return span.total_seconds() / 60


class Component:
    def __init__(self, cid):
        self.id = cid
        self.declarations = []  # (recorded_at, sla_target), in ledger order
        self.changes = []  # (stated_at, seq, status)

    def target_at(self, end):
        # The target in force at `end`: the newest declaration recorded by then, else the first one.
        recorded = [target for at, target in self.declarations if at <= end]
        return recorded[-1] if recorded else self.declarations[0][1]

    def first_record(self):
        # The declaration, or the earliest stated status change when history was recorded for earlier times.
        declared = self.declarations[0][0]
        earliest = min((at for at, _, _ in self.changes), default=declared)
        return min(declared, earliest)

    def intervals(self, start, end):
        # The status over [start, end): changes in stated-time order, ties in ledger order; operational before the first.
        ordered = sorted(self.changes, key=lambda c: (c[0], c[1]))
        status, cursor = "operational", start
        for at, _, new in ordered:
            if at >= end:
                break
            if at > cursor:
                yield cursor, at, status
                cursor = at
            status = new
        if cursor < end:
            yield cursor, end, status


def read(path):
    components, first_facts = {}, []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            entry = json.loads(line)
            payload = json.loads(entry["payload"])
            kind, seq = entry["kind"], entry["seq"]
            if kind == "component.declared":
                component = components.setdefault(entry["subject"], Component(entry["subject"]))
                component.declarations.append((instant(entry["recorded_at"]), payload["sla_target"]))
            elif kind == "component.status_set":
                components[entry["subject"]].changes.append((instant(payload["stated_at"]), seq, payload["status"]))
            elif kind in ("incident.update_posted", "incident.reopened", "maintenance.update_posted"):
                for cid, status in payload["components"].items():
                    components[cid].changes.append((instant(payload["stated_at"]), seq, status))
            elif kind == "incident.opened":
                first_facts.append(instant(payload["started_at"]))
            elif kind == "maintenance.scheduled":
                first_facts.append(instant(payload["scheduled_for"]))
    # The statement starts at the month of the first recorded fact: a component's first record, an incident's start, a
    # maintenance's scheduled start.
    first_facts.extend(component.first_record() for component in components.values())
    return components, min(first_facts)


def month_start(year, month, zone):
    return datetime(year, month, 1, tzinfo=zone).astimezone(timezone.utc)


def next_month(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_row(component, begin, end, now):
    to = min(end, now)
    start = max(begin, component.first_record())
    period = max(0.0, minutes(to - start))
    down = maintenance = 0.0
    for a, b, status in component.intervals(start, to):
        length = minutes(b - a)
        down += length if status == "major_outage" else length * PARTIAL_OUTAGE_WEIGHT if status == "partial_outage" else 0
        maintenance += length if status == "under_maintenance" else 0
    eligible = period - maintenance
    return {
        "id": component.id,
        "target": component.target_at(to),
        "complete": end <= now,
        "period_minutes": period,
        "maintenance_minutes": maintenance,
        "eligible_minutes": eligible,
        "downtime_minutes": down,
        "uptime": 100 * (1 - down / eligible) if eligible > 0 else None,
    }


def statement(components, first_fact, zone, now):
    local_now, local_first = now.astimezone(zone), first_fact.astimezone(zone)
    months = []
    year, month = local_first.year, local_first.month
    while (year, month) <= (local_now.year, local_now.month):
        months.append((year, month))
        year, month = next_month(year, month)
    months = months[-MONTHS_IN_STATEMENT:]
    result = []
    for year, month in months:
        begin, end = month_start(year, month, zone), month_start(*next_month(year, month), zone)
        rows = [month_row(c, begin, end, now) for c in components.values()]
        # A month lists the components with a target at its end (now for the current one) and a first record before it ends.
        rows = [r for r in rows if r["target"] is not None and min(end, now) > begin]
        result.append({"month": f"{year:04d}-{month:02d}", "components": rows})
    twelve = {}
    for month in result:
        for row in month["components"]:
            total = twelve.setdefault(row["id"], {"id": row["id"], "months": 0, "eligible_minutes": 0.0, "downtime_minutes": 0.0})
            total["months"] += 1
            total["eligible_minutes"] += row["eligible_minutes"]
            total["downtime_minutes"] += row["downtime_minutes"]
    for total in twelve.values():
        eligible = total["eligible_minutes"]
        total["uptime"] = 100 * (1 - total["downtime_minutes"] / eligible) if eligible > 0 else None
    return {"time_zone": zone.key, "now": now.isoformat().replace("+00:00", "Z"), "months": result,
            "twelve_months": list(twelve.values())}


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    components, first_fact = read(argv[1])
    print(json.dumps(statement(components, first_fact, ZoneInfo(argv[2]), instant(argv[3])), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
