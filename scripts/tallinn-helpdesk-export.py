#!/usr/bin/env python3
"""Writes the demo's ticket export, exports/tallinn-helpdesk/2026-MM.csv (January to
September 2026), that sources/tallinn-helpdesk.yaml computes metric snapshots from.

The tickets are made up, from a fixed seed, so running the script again writes the same
files byte for byte. Response and resolution delays are drawn in working time (the hours and
holidays of the source file) and get shorter month by month, as the team improved.

    python3 scripts/tallinn-helpdesk-export.py [WORKSPACE]
"""

import csv
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 2026
MONTHS = range(1, 10)
# Monday..Saturday opening hours, as in the source file; Sunday is closed.
HOURS = {0: (8, 20), 1: (8, 20), 2: (8, 20), 3: (8, 20), 4: (8, 20), 5: (10, 16)}
# Estonian public holidays of 2026, as in the source file.
HOLIDAYS = {
    date(2026, 1, 1), date(2026, 2, 24), date(2026, 4, 3), date(2026, 4, 5),
    date(2026, 5, 1), date(2026, 5, 24), date(2026, 6, 23), date(2026, 6, 24),
    date(2026, 8, 20), date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26),
}
CHANNELS = [("Email", 0.45), ("Chat", 0.30), ("Phone", 0.15), ("Social", 0.10)]
TOPICS = {
    "Accounts": ["Login", "Password reset", "Profile change"],
    "Technical": ["Outage", "App error", "Setup"],
    "Billing": ["Invoice", "Refund", "Payment plan"],
}
GROUPS = [("Accounts", 0.28), ("Technical", 0.47), ("Billing", 0.25)]
AGENTS = {
    "Accounts": ["Kadri Tamm", "Mart Kask"],
    "Technical": ["Liis Saar", "Toomas Mägi", "Piret Lepp"],
    "Billing": ["Andres Rebane", "Kristi Ilves"],
}
HEADER = ["Ticket ID", "Created", "First reply", "Solved", "Agent replies", "Channel",
          "Group", "Assignee", "Topic", "Rating", "Recommend"]


def pick(rng, weighted):
    x = rng.random()
    for value, weight in weighted:
        x -= weight
        if x < 0:
            return value
    return weighted[-1][0]


def opening(day):
    """The working interval of a day, or None when it is closed."""
    if day in HOLIDAYS or day.weekday() not in HOURS:
        return None
    start, end = HOURS[day.weekday()]
    base = datetime(day.year, day.month, day.day)
    return base + timedelta(hours=start), base + timedelta(hours=end)


def add_working(t, minutes):
    """The moment `minutes` of working time after local time `t`."""
    left = timedelta(minutes=minutes)
    while True:
        hours = opening(t.date())
        if hours is not None:
            start, end = hours
            t = max(t, start)
            if t < end:
                if t + left <= end:
                    return t + left
                left -= end - t
        t = datetime(t.year, t.month, t.day) + timedelta(days=1)


def skipped(t):
    """Local times the clocks skip in Tallinn in 2026 (03:00-03:59 on 29 March)."""
    return t.date() == date(2026, 3, 29) and t.hour == 3


def created_at(rng, month):
    while True:
        day = date(2026, month, 1) + timedelta(days=rng.randrange(31))
        if day.month != month:
            continue
        hours = opening(day)
        if hours is not None and rng.random() < 0.85:
            start, end = hours
            span = int((end - start).total_seconds() // 60)
            t = start + timedelta(minutes=rng.randrange(span))
        else:
            t = datetime(day.year, day.month, day.day) + timedelta(minutes=rng.randrange(1440))
        if not skipped(t):
            return t


def stamp(t):
    return t.strftime("%Y-%m-%d %H:%M")


def tickets(rng, month):
    # 0 in January, 1 in September: how far the team has come.
    progress = (month - 1) / 8
    count = 380 + rng.randrange(60) + 5 * month
    rows = []
    for _ in range(count):
        channel = pick(rng, CHANNELS)
        group = pick(rng, GROUPS)
        agent = rng.choice(AGENTS[group])
        topic = rng.choice(TOPICS[group])
        created = created_at(rng, month)
        # Mean first response in working minutes, per channel.
        mean = {
            "Email": 330 - 240 * progress,
            "Chat": 6 - 2 * progress,
            "Phone": 3,
            "Social": 200 - 130 * progress,
        }[channel]
        first = add_working(created, max(1, round(rng.expovariate(1 / mean))))
        resolve_mean = 26 * 60 - 14 * 60 * progress
        solved = add_working(first, max(5, round(rng.expovariate(1 / resolve_mean))))
        replies = 1 if rng.random() < 0.55 + 0.2 * progress else 2 + rng.randrange(4)
        # The last days' tickets may still be open.
        if month == 9 and created.day >= 28 and rng.random() < 0.5:
            solved = None
            if rng.random() < 0.3:
                first = None
        rating = ""
        if solved is not None and rng.random() < 0.2:
            good = 0.55 + 0.3 * progress
            rating = str(5 if rng.random() < good else rng.choice([1, 2, 3, 3, 4, 4, 4]))
        nps = ""
        if solved is not None and rng.random() < 0.12:
            x = rng.random()
            nps = str(9 + rng.randrange(2) if x < 0.42 + 0.2 * progress
                      else 7 + rng.randrange(2) if x < 0.78 + 0.1 * progress else rng.randrange(7))
        rows.append([created, first, solved, replies, channel, group, agent, topic, rating, nps])
    rows.sort(key=lambda r: r[0])
    return rows


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out = root / "exports" / "tallinn-helpdesk"
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    number = 10000
    for month in MONTHS:
        path = out / f"2026-{month:02}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(HEADER)
            for created, first, solved, replies, *rest in tickets(rng, month):
                number += 1
                w.writerow([
                    f"TLL-{number}", stamp(created),
                    stamp(first) if first else "", stamp(solved) if solved else "",
                    replies if solved else "", *rest,
                ])


if __name__ == "__main__":
    main()
