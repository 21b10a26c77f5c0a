"""Grade sheets for course platforms, from a batch's rows and a roster.

The roster is a CSV with a header: folder,id,name,email[,section] (folder:
the submission's name in the submissions folder). Students missing from it
are still graded; the export lists them with their folder name only and
the console warns about them.

  Canvas  (Grades > Import): Student, ID, SIS User ID, SIS Login ID,
          Section, then one column per lab and the total, named
          "Lab N" / "Labs total". Canvas matches rows by ID or SIS ID.
  Moodle  (Grades > Import > CSV file): First name, Last name, Email
          address, ID number, then the lab columns; map "Email address" to
          the user's email when importing.
"""

import csv

from . import report

FIELDS = ("folder", "id", "name", "email")


def read_roster(path):
    """{folder: {id, name, email, section}}; ValueError naming what is wrong."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        missing = [h for h in FIELDS if h not in header]
        if missing:
            raise ValueError("the header must name folder,id,name,email (missing: %s)" % ", ".join(missing))
        roster = {}
        for n, row in enumerate(reader, 2):
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            if not row.get("folder"):
                raise ValueError("line %d has no folder" % n)
            if row["folder"] in roster:
                raise ValueError("line %d: folder %s is listed twice" % (n, row["folder"]))
            roster[row["folder"]] = {k: row.get(k, "") for k in ("id", "name", "email", "section")}
    return roster


def _columns(rows, numbers):
    out = {}
    for name, row in rows.items():
        score, _, by_lab = report.totals(row.results)
        out[name] = [report._points(by_lab.get(n, (0, 0))[0]) for n in numbers] + [report._points(score)]
    return out


def _split_name(full):
    """('First', 'Last') from 'Last, First' or 'First Last'."""
    if "," in full:
        last, first = [p.strip() for p in full.split(",", 1)]
        return first, last
    parts = full.split()
    return (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else (full, "")


def write_canvas(path, rows, numbers, roster):
    cols = _columns(rows, numbers)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
                   + ["Lab %d" % n for n in numbers] + ["Labs total"])
        for name in sorted(rows):
            who = roster.get(name, {})
            w.writerow([who.get("name") or name, who.get("id", ""), who.get("id", ""), who.get("email", ""),
                        who.get("section", "")] + cols[name])


def write_moodle(path, rows, numbers, roster):
    cols = _columns(rows, numbers)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["First name", "Last name", "Email address", "ID number"]
                   + ["Lab %d" % n for n in numbers] + ["Labs total"])
        for name in sorted(rows):
            who = roster.get(name, {})
            first, last = _split_name(who.get("name") or name)
            w.writerow([first, last, who.get("email", ""), who.get("id", "")] + cols[name])


def unknown(rows, roster):
    """Graded folders the roster does not list, and roster folders with no submission."""
    return sorted(set(rows) - set(roster)), sorted(set(roster) - set(rows))
