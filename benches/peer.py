#!/usr/bin/env python3
"""A Python peer of `g8audit audit REG -o OUT.xlsx`, for the benchmark's side-by-side run.

The performance issue judges g8audit against "a Python peer (pandas reading with the calamine
engine, the same rules in Python, xlsxwriter writing) on the same registers". This is such a
peer, written the way a Python team would write it, so that the comparison can be measured here
rather than guessed:

- reading: `pandas.read_excel(..., sheet_name=None, engine="calamine")`, every sheet;
- rules: the independent Python reference of the rules, `tools/reference/g8ref.py` (written from
  SPEC.md without reading the Rust sources), with its one quadratic step indexed
  ([`IndexedAudit`]), fed the rows pandas read; rows it cannot take (the register mistakes
  g8audit reports as input issues) are listed, not audited;
- writing: `xlsxwriter` in constant-memory mode, the same sheets g8audit's workbook has in the
  same shape — Summary, Findings, Schedule, the input sheets copied with annotation columns,
  Input issues — so that it writes about as many cells.

It is not a second implementation to trust: its results are not compared, only its time.

    python3 benches/peer.py REGISTER.xlsx OUT.xlsx --as-of 2026-11-01

Needs pandas, python-calamine and xlsxwriter (`pip install pandas python-calamine xlsxwriter`).
Prints one line on stderr: `peer: read=… rules=… write=… total=…` (seconds).
"""

import argparse
import datetime as dt
import os
import sys
import time

import pandas as pd
import xlsxwriter

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools", "reference"))
import g8ref  # noqa: E402

TABLES = ("users", "premises", "assessments")


class IndexedAudit(g8ref.Audit):
    """g8ref's rules, with a User's group mates and SRP mates looked up in an index built once
    instead of found by scanning every User at every determination: g8ref is a reference for
    differential testing, written for clarity, and that scan made it quadratic (150 s of rules
    for 10,000 Users). A Python team would index; the peer should be a fair one."""

    def _mates(self, regime, uid):
        if not hasattr(self, "_index"):
            self._index = {}
            for vid in self.order:
                v = self.users[vid]
                for reg in ("supplier", "network"):
                    if reg not in self.regimes[vid]:
                        continue
                    for g in v.groups:
                        self._index.setdefault((reg, "g", g), []).append(vid)
                    if reg == "network":
                        for srp in self.srp_links[vid]:
                            self._index.setdefault((reg, "s", srp), []).append(vid)
        u = self.users[uid]
        mates = set()
        for g in u.groups:
            mates.update(self._index.get((regime, "g", g), ()))
        if regime == "network":
            for srp in self.srp_links[uid]:
                mates.update(self._index.get((regime, "s", srp), ()))
        mates.discard(uid)
        return mates

    def determine(self, uid, regime, T):
        if regime not in ("supplier", "network"):
            return super().determine(uid, regime, T)
        new = T >= g8ref.NEW_RULES_FROM
        members = {uid} | {v for v in self._mates(regime, uid) if not self._left_by(v, T)}
        dsum = nsum = 0
        for m in members:
            snap = self.own_counts(m, T)
            if snap is None:
                self._premises_missing.add(uid)
                return None, new, None
            dsum += snap["domestic"]
            nsum += snap["non_domestic"]
        if regime == "supplier":
            if new:
                large = (dsum > g8ref.LARGE_D or nsum > g8ref.LARGE_N
                         or 5 * nsum + dsum > g8ref.LARGE_5ND)
            else:
                large = dsum > g8ref.LARGE_D
            return ("supplier-large" if large else "supplier-small"), new, (dsum, nsum)
        large = dsum > g8ref.LARGE_D
        return ("network-large" if large else "network-small"), new, (dsum, nsum)


def snake(heading):
    return "_".join(str(heading).strip().lower().replace("-", " ").split())


def as_text(v):
    """A cell as the text g8ref reads: ISO dates, whole numbers without `.0`, blanks empty."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def table(frame):
    """The header row (the first in ten holding `User ID`) and the records below it."""
    rows = frame.itertuples(index=False, name=None)
    header = None
    for i, row in enumerate(rows):
        names = [as_text(v) for v in row]
        if "User ID" in names:
            header = [snake(n) for n in names]
            break
        if i >= 10:
            return [], []
    if header is None:
        return [], []
    records = []
    for row in rows:
        rec = {h: as_text(v) for h, v in zip(header, row) if h}
        if any(rec.values()):
            records.append(rec)
    return header, records


def read(path):
    frames = pd.read_excel(path, sheet_name=None, engine="calamine", header=None)
    found = {}
    for name, frame in frames.items():
        key = snake(name)
        if key in TABLES:
            found[key] = (name, frame, *table(frame))
    return found


def audit(found, as_of):
    """The rules of g8ref on the rows it can read; the others are input issues."""
    issues = []
    users_header, users_rows = found["users"][2], found["users"][3]
    users = []
    for i, r in enumerate(users_rows):
        try:
            users.append(g8ref.User(i, r))
        except (KeyError, ValueError) as e:
            issues.append(("users", i, repr(e)))
    known = {u.id for u in users}
    snaps = []
    for i, r in enumerate(found["premises"][3]):
        try:
            if r["user_id"] not in known:
                raise KeyError(r["user_id"])
            snaps.append({
                "user_id": r["user_id"],
                "as_of": g8ref.parse_date(r["as_of"]),
                "domestic": int((r.get("domestic") or "0").replace(",", "").replace(" ", "")),
                "non_domestic": int(
                    (r.get("non_domestic") or "0").replace(",", "").replace(" ", "")),
            })
        except (KeyError, ValueError) as e:
            issues.append(("premises", i, repr(e)))
    rows = []
    for i, r in enumerate(found["assessments"][3]):
        try:
            if r["user_id"] not in known:
                raise KeyError(r["user_id"])
            rows.append(g8ref.Row(i, r))
        except (KeyError, ValueError) as e:
            issues.append(("assessments", i, repr(e)))
    has_sms = "sms_notified_on" in users_header
    result = IndexedAudit(users, snaps, rows, as_of, has_sms).run()
    return result, issues


def write(found, result, issues, out):
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    bold = wb.add_format({"bold": True})
    red = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    date = wb.add_format({"num_format": "dd mmm yyyy"})

    by_code = {}
    for f in result.findings:
        by_code[f[2]] = by_code.get(f[2], 0) + 1
    ws = wb.add_worksheet("Summary")
    ws.write(0, 0, "SEC Section G8 User Security Assessments: audit summary", bold)
    ws.write(2, 0, "Users")
    ws.write(2, 1, len(result.schedules))
    for i, (code, n) in enumerate(sorted(by_code.items())):
        ws.write(4 + i, 0, code)
        ws.write(4 + i, 1, n)

    ws = wb.add_worksheet("Findings")
    for c, h in enumerate(("Severity", "Code", "Clause", "User ID", "Regime", "Due", "Days",
                           "Message", "Source")):
        ws.write(0, c, h, bold)
    for r, (user, regime, code, due) in enumerate(result.findings, start=1):
        ws.write(r, 0, "breach", red)
        ws.write(r, 1, code, red)
        ws.write(r, 2, "G8", red)
        ws.write(r, 3, user, red)
        ws.write(r, 4, regime or "", red)
        if due:
            ws.write_datetime(r, 5, dt.datetime.combine(due, dt.time()), date)
        ws.write(r, 6, 0, red)
        ws.write(r, 7, f"{code} for {user} ({regime}) due {due}", red)
        ws.write(r, 8, "Assessments!A1", red)

    ws = wb.add_worksheet("Schedule")
    heads = ("User ID", "Regime", "Category", "Next type", "Due", "Status", "Explanation")
    for c, h in enumerate(heads):
        ws.write(0, c, h, bold)
    for r, s in enumerate(result.schedules, start=1):
        ws.write(r, 0, s["user_id"])
        ws.write(r, 1, s["regime"] or "")
        ws.write(r, 2, s["category"] or "")
        ws.write(r, 3, s["next_type"] or "")
        if s["due"]:
            ws.write_datetime(r, 4, dt.datetime.combine(s["due"], dt.time()), date)
        ws.write(r, 5, s["status"])
        ws.write(r, 6, f"{s['category']}: next {s['next_type']} due {s['due']} ({s['status']})")

    status = {}
    for s in result.schedules:
        status.setdefault(s["user_id"], s)
    codes = {}
    for user, _regime, code, _due in result.findings:
        codes.setdefault(user, []).append(code)
    for key in TABLES:
        name, frame = found[key][0], found[key][1]
        ws = wb.add_worksheet(name)
        extra = frame.shape[1]
        for r, row in enumerate(frame.itertuples(index=False, name=None)):
            for c, v in enumerate(row):
                if v is None or (isinstance(v, float) and v != v):
                    continue
                if isinstance(v, (dt.datetime, pd.Timestamp)):
                    ws.write_datetime(r, c, v, date)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(v))
            user = as_text(row[0])
            s = status.get(user)
            if s is not None:
                ws.write(r, extra, s["status"])
                ws.write(r, extra + 1, s["next_type"] or "")
                ws.write(r, extra + 2, ", ".join(codes.get(user, [])[:3]))

    ws = wb.add_worksheet("Input issues")
    for r, (table_name, i, what) in enumerate(issues):
        ws.write(r, 0, table_name)
        ws.write(r, 1, i)
        ws.write(r, 2, what)
    wb.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("register")
    ap.add_argument("out")
    ap.add_argument("--as-of", required=True)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    found = read(a.register)
    t1 = time.perf_counter()
    result, issues = audit(found, dt.date.fromisoformat(a.as_of))
    t2 = time.perf_counter()
    write(found, result, issues, a.out)
    t3 = time.perf_counter()
    print(f"peer: read={t1 - t0:.2f}s rules={t2 - t1:.2f}s write={t3 - t2:.2f}s "
          f"total={t3 - t0:.2f}s schedules={len(result.schedules)} "
          f"findings={len(result.findings)} issues={len(issues)}", file=sys.stderr)


if __name__ == "__main__":
    main()
