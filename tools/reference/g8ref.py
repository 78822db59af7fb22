#!/usr/bin/env python3
"""Independent reference implementation of the g8audit rules (SPEC.md §2, §4.1, §4.2, §6).

Written from /work/shared/SPEC.md and SEC Section G8 only, without reading the Rust
sources, so that the two can be compared by differential testing.  Standard library only.

Usage:
    python3 g8ref.py REGISTER_DIR --as-of YYYY-MM-DD [--today YYYY-MM-DD]
                     [--warn-days 90] [--stale-days 45]

REGISTER_DIR holds users.csv, premises.csv, assessments.csv (UTF-8, comma, header in row 1,
snake_case column names of SPEC §1.1-1.3, ISO dates).  Prints
    {"schedules": [{user_id, regime, category, next_type, due, status}, ...],
     "findings":  [{user_id, regime, code, due}, ...]}
sorted as SPEC §3.2 says (null regime / null due first).

Input issues (§4.3) are out of scope: clean data is assumed.  FUTURE_DATE is ignored
(--today is accepted and unused).

=============================================================================================
READINGS CHOSEN WHERE SPEC.md LEAVES ROOM (each is a deliberate, documented decision)
=============================================================================================
Audit date and setting aside (§2.9)
 R1  Everything is evaluated "as the register stood at A": completed_on, submitted_on,
     status (via status_set_on), response_submitted_on, remedial_completed_on and premises
     snapshots dated after A are treated as blank/absent.  Due dates set by the SSC
     (response_due_on, remedial_due_on, follow_up_due_on) and scheduled_for count whatever
     their date.
 R2  A row's "completion" is completed_on; for a Self row, completed_on else submitted_on
     (§2.5, §6.9).  A row whose completion is dated after A (and that has no completion on
     or before A) becomes an uncompleted booking if it has scheduled_for, otherwise the whole
     row is dropped (including any deadlines it carries).
 R3  "Of several such bookings in one schedule only the earliest counts": applied per
     schedule to Annual Full/Verification/Self rows whose completion was set aside and that
     have scheduled_for; earliest by scheduled_for, ties by row order; the others are dropped
     from that schedule (they are then neither bookings nor pending rows, and their
     deadlines are not judged in that schedule).  Entry rows and Follow-ups are not thinned.
 R4  "Had not yet joined": the dates looked at are premises as_of, and on assessment rows
     scheduled_for, completed_on, submitted_on (a Self's completion) and status_set_on.
     A User with none of these on or before A and at least one after A is removed from the
     register entirely (no schedule, no findings, not in anyone's sums, not an SRP anyone can
     name, does not make an SRP serve anybody).  A User with no dates at all stays.
 R5  Purpose inference (§1.3, §6.21) runs AFTER setting aside (on the register as at A).
     "Has an assurance_status" looks at the status value itself (a recognised status),
     whatever its status_set_on: a status set after A still makes the row Entry (the row is
     then an Entry Full "awaiting the Panel", §6.18).
 R6  "Earliest Full": over all the User's Full rows (any purpose, all regimes), by
     completion else scheduled_for, undated last, ties by row order; it is Entry only if its
     own purpose is blank (an explicit purpose always wins).
 R7  "First Annual row": the earliest dated row, of any type, whose purpose is Annual
     (explicit, or inferred for a non-Follow-up row); date = completion else scheduled_for.
     A blank-purpose Follow-up is Entry if there is no dated Annual row, or if it has a date
     strictly before that row's date; otherwise Annual.
 R8  roles_covered maps IS/GS->supplier, ED/GT->network, SRP->every srp-*, OU/RDP->other;
     ES and RSA map to no regime, so a row covering only ES/RSA counts for no schedule.
Regimes and links
 R9  Whether an SRP serves a Supplier/Network/other User ignores left_on (regimes are fixed
     by roles and naming; left_on only matters in sums, §6.13, and in filtering findings).
 R10 shared_resource_provider, shared_resources_group and roles are split on , ; / + and
     line breaks.  A User naming itself as its SRP is treated like any other name.
Counts and categories
 R11 A determination is made for every completed Annual chain row (at its T) and for the
     next assessment (T = the booking's scheduled_for if there is a booking, else A) -- but
     only when the schedule's entry is complete.  For an entry-incomplete schedule there is
     no annual assessment to determine: category is null and no PREMISES_MISSING /
     NEAR_THRESHOLD / CATEGORY_CHANGED is made for it.  For status left or undetermined the
     category, next_type and due are still computed normally.
 R12 srp-supplier / srp-network sums use the served Users' OWN counts (no group
     aggregation of the served Users), excluding served Users that left on or before T.
     With no (remaining) served party the sum is 0 (small), not missing.
 R13 A User that had not yet joined at T (but is in the register at A) still enters sums;
     if it has no snapshot at or before T the count is missing (PREMISES_MISSING), per the
     literal text of §2.2.
 R14 Snapshots after A are never used, even for a determination at a T after A (a future
     booking): the latest snapshot on or before min(T, A) is used.
 R15 The rule version in force is chosen by T (T < 2019-02-28 -> pre-SECMP0059).  Network
     categories are the same under both versions.  srp-other and other have category
     "other"; before 2019-02-28 they follow the old Other cycle.
Entry
 R16 Entry is decided per schedule from the Entry Full rows counting for that regime.
     "Deciding" rows = completed at A, or having a status visible at A (status_set_on
     blank or <= A).  "The only Entry Full" in §2.6 means the only deciding Entry Full.
 R17 A status whose status_set_on is after A makes the row "awaiting the Panel" (entry
     incomplete, next_type null, no finding) even when it is the only Entry Full.
 R18 "deferred stays deferred until a new status is recorded": when the latest deciding
     Entry Full has no visible status (blank, or set after A) and the latest deciding row
     that does have a visible status is deferred, the schedule stays deferred
     (ENTRY_DEFERRED); otherwise it is awaiting the Panel.
 R19 The date that decides old status names is status_set_on, else the raw completed_on.
     'deferred' before 2020-02-27 -> rejected; 'provisionally approved' -> deferred always.
 R20 Entry anchor = latest completed Entry Follow-up (counting for the regime) completed on
     or after the deciding Entry Full's completion -- whatever the status; else
     status_set_on of the approval; else the Entry Full's completed_on.  If the deciding
     row has no completion, its status_set_on is the lower bound for the Follow-up (none if
     that is blank too).
 R21 The annual chain is [deciding Entry Full] + every completed Annual F/V/S row counting
     for the regime, in completion order (ties by row order), even rows completed before the
     Entry Full.
Findings
 R22 Annual-chain findings (COMPLETED_LATE, WRONG_TYPE, SELF_*, CATEGORY_CHANGED), and
     OVERDUE / SCHEDULED_LATE / WRONG_TYPE_SCHEDULED / DUE_SOON / NEAR_THRESHOLD are made
     only when the schedule's entry is complete.  Deadline findings (RESPONSE_*, REMEDIAL_*,
     FOLLOW_UP_*) are made on every row counting for the schedule whatever the entry state,
     once per regime the row counts for; Users with no regime get none.
 R23 Finding `due`: OVERDUE, SCHEDULED_LATE, WRONG_TYPE_SCHEDULED, DUE_SOON and
     CATEGORY_CHANGED carry the schedule's next due date; COMPLETED_LATE, WRONG_TYPE and
     SELF_* carry the judged row's due date; RESPONSE/REMEDIAL/FOLLOW_UP carry the
     respective *_due_on; ENTRY_*, NEAR_THRESHOLD and all register-data findings carry null,
     except SMS_NOTIFICATION_OVERDUE (notification + 6 months, or null with none recorded).
 R24 Findings are not de-duplicated beyond what SPEC says ("once per ..."): two rows with
     the same deadline produce two findings with the same identity.
 R25 WRONG_TYPE is judged for every Annual chain row (Self rows included) whose required
     type is known; it needs the category at the row's T (not null).
 R26 SELF_NOT_SUBMITTED: a completed Self row (completed_on <= A) with no submitted_on at A
     and A > its due.  An uncompleted Self row is not "recorded" for this purpose -- the
     schedule's OVERDUE covers it.
 R27 FOLLOW_UP on a non-Follow-up row without a completion: any completed Follow-up
     counting for the regime meets it (no lower bound).
 R28 DUE_SOON, OVERDUE etc. are computed from their conditions, also for schedules whose
     status is 'left'; the §6.25 filter then decides what is kept.
 R29 PREMISES_STALE is judged for any User that has a snapshot on or before A (whatever its
     roles).  SMS_NOTIFICATION_OVERDUE: "names a shared_resource_provider" counts any
     non-blank name, even one that links nobody (SRP_UNKNOWN).
 R30 MULTIPLE_PENDING counts uncompleted Annual Full/Verification/Self rows of a schedule
     (with or without scheduled_for), whatever the entry state.
 R31 "Latest" Entry Full: key = completion at A, else status_set_on, else scheduled_for
     (undated rows count as earliest), ties by row order.
=============================================================================================
"""
import argparse
import calendar
import csv
import datetime as dt
import json
import os
import re
import sys

D = dt.date
NEW_RULES_FROM = D(2019, 2, 28)      # SECMP0059
NEW_STATUS_NAMES_FROM = D(2020, 2, 27)
LARGE_D = 250_000
LARGE_N = 50_000
LARGE_5ND = 250_000

ROLE_NAMES = {
    "is": "IS", "import supplier": "IS",
    "gs": "GS", "gas supplier": "GS",
    "es": "ES", "export supplier": "ES",
    "ed": "ED", "electricity distributor": "ED",
    "gt": "GT", "gas transporter": "GT",
    "ou": "OU", "other user": "OU",
    "rsa": "RSA", "registered supplier agent": "RSA",
    "rdp": "RDP", "registration data provider": "RDP",
    "srp": "SRP", "shared resource provider": "SRP",
}
TYPE_NAMES = {
    "full": "Full", "full user security assessment": "Full", "fusa": "Full",
    "verification": "Verification", "verification user security assessment": "Verification",
    "vusa": "Verification",
    "self": "Self", "user security self-assessment": "Self", "self-assessment": "Self",
    "sa": "Self",
    "follow-up": "Follow-up", "follow-up security assessment": "Follow-up", "fsa": "Follow-up",
}
STATUSES = {"approved", "approved subject to steps", "approved subject to steps and follow-up",
            "deferred", "rejected", "provisionally approved"}
THOROUGH = {"Full": 3, "Verification": 2, "Self": 1}
SRP_REGIMES = ("srp-supplier", "srp-network", "srp-other")


# ----------------------------------------------------------------------------- dates
def parse_date(s):
    s = (s or "").strip()
    if not s:
        return None
    return dt.date.fromisoformat(s)


def add_months(d, n):
    """Same day n months later, clamped to the month's end (29 Feb + 12 months = 28 Feb)."""
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    return D(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def iso(d):
    return d.isoformat() if d else None


def split_list(s):
    return [t.strip() for t in re.split(r"[,;/+\r\n]", s or "") if t.strip()]


# ----------------------------------------------------------------------------- input
def read_csv(path):
    if not os.path.exists(path):
        return [], []
    with open(path, newline="", encoding="utf-8-sig") as f:
        rd = csv.reader(f)
        rows = list(rd)
    if not rows:
        return [], []
    header = [h.strip() for h in rows[0]]
    out = []
    for r in rows[1:]:
        if not any(c.strip() for c in r):
            continue
        out.append({h: (r[i].strip() if i < len(r) else "") for i, h in enumerate(header)})
    return header, out


class User:
    def __init__(self, idx, rec):
        self.idx = idx
        self.id = rec["user_id"]
        self.roles = set()
        for t in split_list(rec.get("roles", "")):
            r = ROLE_NAMES.get(t.lower())
            if r:
                self.roles.add(r)
        self.srp_names = split_list(rec.get("shared_resource_provider", ""))
        self.groups = {g.lower() for g in split_list(rec.get("shared_resources_group", ""))}
        self.left_on = parse_date(rec.get("left_on"))
        self.sms = parse_date(rec.get("sms_notified_on"))

    @property
    def is_supplier(self):
        return bool(self.roles & {"IS", "GS"})

    @property
    def is_network(self):
        return bool(self.roles & {"ED", "GT"})


class Row:
    def __init__(self, idx, rec):
        self.idx = idx
        self.user_id = rec["user_id"]
        self.type = TYPE_NAMES[rec["type"].strip().lower()]
        p = rec.get("purpose", "").strip().lower()
        self.purpose_raw = {"entry": "Entry", "annual": "Annual"}.get(p)
        rc = split_list(rec.get("roles_covered", ""))
        rc = {ROLE_NAMES[t.lower()] for t in rc if t.lower() in ROLE_NAMES}
        self.roles_covered = rc or None
        g = lambda k: parse_date(rec.get(k))
        self.scheduled_for = g("scheduled_for")
        self.completed_on_raw = g("completed_on")
        self.submitted_on_raw = g("submitted_on")
        st = rec.get("assurance_status", "").strip().lower()
        self.status_raw = st if st in STATUSES else None
        self.status_set_on = g("status_set_on")
        self.response_due_on = g("response_due_on")
        self.response_submitted_on_raw = g("response_submitted_on")
        self.remedial_due_on = g("remedial_due_on")
        self.remedial_completed_on_raw = g("remedial_completed_on")
        self.follow_up_due_on = g("follow_up_due_on")

    def at(self, A):
        """Apply §2.9 (R1/R2). Returns False if the row is left out at A."""
        f = lambda d: d if (d is not None and d <= A) else None
        self.completed_on = f(self.completed_on_raw)
        self.submitted_on = f(self.submitted_on_raw)
        self.response_submitted_on = f(self.response_submitted_on_raw)
        self.remedial_completed_on = f(self.remedial_completed_on_raw)
        self.completion = self.completed_on
        if self.completion is None and self.type == "Self":
            self.completion = self.submitted_on
        raw_completion = self.completed_on_raw
        if raw_completion is None and self.type == "Self":
            raw_completion = self.submitted_on_raw
        self.set_aside_booking = False
        if self.completion is None and raw_completion is not None:
            # completed after A: not done at A
            if self.scheduled_for is None:
                return False
            self.set_aside_booking = True
        # status visible at A?
        if self.status_raw is not None and self.status_set_on is not None \
                and self.status_set_on > A:
            self.status = None
            self.status_pending = True
        else:
            self.status = self.status_raw
            self.status_pending = False
        return True

    @property
    def infer_date(self):
        return self.completion or self.scheduled_for

    def covers(self, regime):
        if self.roles_covered is None:
            return True
        rc = self.roles_covered
        if regime == "supplier":
            return bool(rc & {"IS", "GS"})
        if regime == "network":
            return bool(rc & {"ED", "GT"})
        if regime in SRP_REGIMES:
            return "SRP" in rc
        if regime == "other":
            return bool(rc & {"OU", "RDP"})
        return False


def infer_purposes(rows):
    """§1.3 + §6.21 (R5-R7) over one User's rows (as at A)."""
    fulls = [r for r in rows if r.type == "Full"]
    earliest = None
    if fulls:
        earliest = min(fulls, key=lambda r: (r.infer_date is None, r.infer_date or D.min, r.idx))
    for r in rows:
        r.purpose = r.purpose_raw
    for r in rows:
        if r.purpose is None and r.type != "Follow-up":
            if r is earliest or r.status_raw is not None:
                r.purpose = "Entry"
            else:
                r.purpose = "Annual"
    annual_dates = [r.infer_date for r in rows
                    if r.purpose == "Annual" and r.infer_date is not None]
    first_annual = min(annual_dates) if annual_dates else None
    for r in rows:
        if r.purpose is None:   # blank-purpose Follow-up
            if r.status_raw is not None:
                r.purpose = "Entry"
            elif first_annual is None:
                r.purpose = "Entry"
            elif r.infer_date is not None and r.infer_date < first_annual:
                r.purpose = "Entry"
            else:
                r.purpose = "Annual"


# ----------------------------------------------------------------------------- the audit
class Audit:
    def __init__(self, users, snaps, rows, A, has_sms_col, warn=90, stale=45):
        self.A = A
        self.warn = warn
        self.stale = stale
        self.has_sms_col = has_sms_col
        self.schedules = []
        self.findings = []
        self._premises_missing = set()

        # R4: Users that had not yet joined at A
        dates_by_user = {u.id: [] for u in users}
        for s in snaps:
            if s["user_id"] in dates_by_user:
                dates_by_user[s["user_id"]].append(s["as_of"])
        for r in rows:
            if r.user_id in dates_by_user:
                dates_by_user[r.user_id] += [d for d in (r.scheduled_for, r.completed_on_raw,
                                                         r.submitted_on_raw, r.status_set_on) if d]
        joined = []
        for u in users:
            ds = dates_by_user[u.id]
            if ds and not any(d <= A for d in ds):
                continue
            joined.append(u)
        self.users = {u.id: u for u in joined}
        self.order = [u.id for u in joined]

        # snapshots as at A (R14), sorted by date
        self.snaps = {}
        for s in snaps:
            if s["user_id"] in self.users and s["as_of"] <= A:
                self.snaps.setdefault(s["user_id"], []).append(s)
        for v in self.snaps.values():
            v.sort(key=lambda s: s["as_of"])

        # rows as at A (R1-R3 part 1), then purpose inference (R5-R7)
        self.rows = {uid: [] for uid in self.users}
        for r in rows:
            if r.user_id in self.users and r.at(A):
                self.rows[r.user_id].append(r)
        for uid, rs in self.rows.items():
            infer_purposes(rs)

        # SRP links (§6.14)
        self.srp_links = {uid: [] for uid in self.users}
        self.srp_unknown = set()
        self.served = {uid: [] for uid in self.users}
        for uid in self.order:
            u = self.users[uid]
            for name in u.srp_names:
                p = self.users.get(name)
                if p is not None and "SRP" in p.roles:
                    if name not in self.srp_links[uid]:
                        self.srp_links[uid].append(name)
                        self.served[name].append(uid)
                else:
                    self.srp_unknown.add(uid)

        self.regimes = {uid: self._regimes(self.users[uid]) for uid in self.order}

    # --- §2.1
    def _regimes(self, u):
        out = []
        if u.is_supplier:
            out.append("supplier")
        if u.is_network:
            out.append("network")
        if "SRP" in u.roles:
            served = [self.users[v] for v in self.served[u.id]]
            if any(v.is_supplier for v in served):
                out.append("srp-supplier")
            if any(v.is_network for v in served):
                out.append("srp-network")
            if not served or any(not v.is_supplier and not v.is_network for v in served):
                out.append("srp-other")
        if not out and (u.roles & {"OU", "RDP"}):
            out.append("other")
        return out

    # --- §2.2 counts
    def own_counts(self, uid, T):
        best = None
        for s in self.snaps.get(uid, []):
            if s["as_of"] <= T:
                best = s
            else:
                break
        return best

    def _left_by(self, uid, T):
        lo = self.users[uid].left_on
        return lo is not None and lo <= T

    def determine(self, uid, regime, T):
        """Returns (category, version_is_new, figures) ; category None when a count is missing."""
        new = T >= NEW_RULES_FROM
        if regime in ("other", "srp-other"):
            return "other", new, None
        u = self.users[uid]
        if regime == "supplier":
            members = {uid}
            for vid in self.order:
                if vid == uid or "supplier" not in self.regimes[vid]:
                    continue
                if u.groups & self.users[vid].groups and not self._left_by(vid, T):
                    members.add(vid)
        elif regime == "network":
            members = {uid}
            mysrp = set(self.srp_links[uid])
            for vid in self.order:
                if vid == uid or "network" not in self.regimes[vid]:
                    continue
                v = self.users[vid]
                if (u.groups & v.groups or mysrp & set(self.srp_links[vid])) \
                        and not self._left_by(vid, T):
                    members.add(vid)
        elif regime == "srp-supplier":
            members = {v for v in self.served[uid]
                       if self.users[v].is_supplier and not self._left_by(v, T)}
        elif regime == "srp-network":
            members = {v for v in self.served[uid]
                       if self.users[v].is_network and not self._left_by(v, T)}
        else:
            raise AssertionError(regime)
        dsum = nsum = 0
        for m in members:
            s = self.own_counts(m, T)
            if s is None:
                self._premises_missing.add(uid)
                return None, new, None
            dsum += s["domestic"]
            nsum += s["non_domestic"]
        if regime in ("supplier", "srp-supplier"):
            if new:
                large = dsum > LARGE_D or nsum > LARGE_N or 5 * nsum + dsum > LARGE_5ND
            else:
                large = dsum > LARGE_D
            return ("supplier-large" if large else "supplier-small"), new, (dsum, nsum)
        large = dsum > LARGE_D
        return ("network-large" if large else "network-small"), new, (dsum, nsum)

    # --- §2.4
    @staticmethod
    def next_type(category, new, chain_types):
        if category is None or not chain_types:
            return None
        P = chain_types[-1]
        r = 0
        for t in reversed(chain_types):
            if t == P:
                r += 1
            else:
                break
        if category == "supplier-large":
            return "Full"
        if category == "network-large":
            return {"Full": "Verification",
                    "Verification": "Verification" if r == 1 else "Full",
                    "Self": "Full"}[P]
        if category == "other" and not new:
            return {"Full": "Self", "Verification": "Self",
                    "Self": "Self" if r == 1 else "Full"}[P]
        # supplier-small, network-small, other (current)
        return {"Full": "Verification", "Verification": "Self", "Self": "Full"}[P]

    # --- findings helper
    def add(self, uid, regime, code, due):
        self.findings.append((uid, regime, code, due))

    # --- §2.6 / §6.17-6.20
    @staticmethod
    def status_meaning(r):
        st = r.status
        if st is None:
            return None
        date_for_names = r.status_set_on or r.completed_on_raw
        if st == "provisionally approved":
            return "deferred"
        if st == "deferred":
            if date_for_names is not None and date_for_names < NEW_STATUS_NAMES_FROM:
                return "rejected"
            return "deferred"
        if st == "rejected":
            return "rejected"
        return "approved"

    def entry_state(self, rows, regime):
        """Returns (state, deciding_row, anchor). state in
        missing|booked|deferred|rejected|awaiting|approved."""
        efs = [r for r in rows if r.type == "Full" and r.purpose == "Entry"]
        if not efs:
            return "missing", None, None
        deciding = [r for r in efs if r.completion is not None or r.status is not None]
        if not deciding:
            return "booked", None, None

        def key(r):
            d = r.completion or r.status_set_on or r.scheduled_for
            return (d is not None, d or D.min, r.idx)
        deciding.sort(key=key)
        latest = deciding[-1]
        meaning = self.status_meaning(latest)
        if meaning is None:
            if len(deciding) == 1 and not latest.status_pending:
                meaning = "approved-blank"
            else:
                with_status = [r for r in deciding if r.status is not None]
                if with_status and self.status_meaning(with_status[-1]) == "deferred":
                    return "deferred", latest, None
                return "awaiting", latest, None
        if meaning in ("deferred", "rejected"):
            return meaning, latest, None
        # approved
        if meaning == "approved-blank":
            approval = latest.completion
        else:
            approval = latest.status_set_on or latest.completion
        lower = latest.completion or latest.status_set_on
        fus = [r for r in rows if r.type == "Follow-up" and r.purpose == "Entry"
               and r.completion is not None and (lower is None or r.completion >= lower)]
        if fus:
            anchor = max(r.completion for r in fus)
        else:
            anchor = approval
        return "approved", latest, anchor

    # --- one schedule
    def schedule(self, uid, regime):
        A = self.A
        u = self.users[uid]
        rows = [r for r in self.rows[uid] if r.covers(regime)]
        # R3: thin set-aside bookings of Annual F/V/S rows
        sab = [r for r in rows if r.set_aside_booking and r.purpose == "Annual"
               and r.type in THOROUGH]
        if len(sab) > 1:
            keep = min(sab, key=lambda r: (r.scheduled_for, r.idx))
            drop = {id(r) for r in sab if r is not keep}
            rows = [r for r in rows if id(r) not in drop]

        # deadlines (§4.1, §6.22) -- whatever the entry state (R22)
        for r in rows:
            if r.response_due_on:
                if r.response_submitted_on:
                    if r.response_submitted_on > r.response_due_on:
                        self.add(uid, regime, "RESPONSE_LATE", r.response_due_on)
                elif A > r.response_due_on:
                    self.add(uid, regime, "RESPONSE_OVERDUE", r.response_due_on)
            if r.remedial_due_on:
                if r.remedial_completed_on:
                    if r.remedial_completed_on > r.remedial_due_on:
                        self.add(uid, regime, "REMEDIAL_LATE", r.remedial_due_on)
                elif A > r.remedial_due_on:
                    self.add(uid, regime, "REMEDIAL_OVERDUE", r.remedial_due_on)
            if r.follow_up_due_on:
                if r.type == "Follow-up":
                    met = r.completion
                else:
                    cands = [f.completion for f in rows
                             if f.type == "Follow-up" and f.completion is not None
                             and (r.completion is None or f.completion >= r.completion)]
                    met = min(cands) if cands else None
                if met is not None:
                    if met > r.follow_up_due_on:
                        self.add(uid, regime, "FOLLOW_UP_LATE", r.follow_up_due_on)
                elif A > r.follow_up_due_on:
                    self.add(uid, regime, "FOLLOW_UP_OVERDUE", r.follow_up_due_on)

        annual = [r for r in rows if r.purpose == "Annual" and r.type in THOROUGH]
        pending = [r for r in annual if r.completion is None]
        if len(pending) > 1:
            self.multiple_pending = True
        booking = None
        booked = [r for r in pending if r.scheduled_for is not None]
        if booked:
            booking = min(booked, key=lambda r: (r.scheduled_for, r.idx))

        sched = {"user_id": uid, "regime": regime, "category": None, "next_type": None,
                 "due": None, "status": None}
        left = u.left_on is not None and u.left_on <= A

        state, entry_row, anchor = self.entry_state(rows, regime)
        if state != "approved":
            if state == "missing":
                self.add(uid, regime, "ENTRY_MISSING", None)
            elif state == "rejected":
                self.add(uid, regime, "ENTRY_REJECTED", None)
            elif state == "deferred":
                self.add(uid, regime, "ENTRY_DEFERRED", None)
            sched["next_type"] = "Full" if state in ("missing", "rejected", "booked") else None
            sched["status"] = "left" if left else "entry-incomplete"
            return sched

        # annual chain (§2.4, R21)
        done = sorted([r for r in annual if r.completion is not None],
                      key=lambda r: (r.completion, r.idx))
        chain_types = ["Full"]
        prev_completion = None   # None -> first row, due from anchor
        last_cat = None
        for r in done:
            if prev_completion is not None:
                due_k = add_months(prev_completion, 12)
            elif anchor is not None:
                due_k = add_months(anchor, 12)
            else:
                due_k = None
            T = r.scheduled_for or r.completion
            cat, new, _fig = self.determine(uid, regime, T)
            req = self.next_type(cat, new, chain_types)
            if req is not None and THOROUGH[r.type] < THOROUGH[req]:
                self.add(uid, regime, "WRONG_TYPE", due_k)
            if due_k is not None:
                if r.type == "Self":
                    if r.submitted_on is None:
                        if A > due_k:
                            self.add(uid, regime, "SELF_NOT_SUBMITTED", due_k)
                    elif r.submitted_on > due_k:
                        self.add(uid, regime, "SELF_SUBMITTED_LATE", due_k)
                elif r.completion > due_k:
                    self.add(uid, regime, "COMPLETED_LATE", due_k)
            chain_types.append(r.type)
            prev_completion = r.completion
            last_cat = cat
        if prev_completion is not None:
            due = add_months(prev_completion, 12)
        else:
            due = add_months(anchor, 12) if anchor else None

        # next determination (R11)
        Tn = booking.scheduled_for if booking else A
        cat, new, fig = self.determine(uid, regime, Tn)
        nt = self.next_type(cat, new, chain_types)
        sched.update(category=cat, next_type=nt, due=due)

        if done and last_cat is not None and cat is not None and last_cat != cat:
            self.add(uid, regime, "CATEGORY_CHANGED", due)
        if cat in ("supplier-small", "network-small") and fig is not None:
            dsum, nsum = fig
            near = lambda x, thr: 20 * x >= 19 * thr and x <= thr
            hit = near(dsum, LARGE_D)
            if cat == "supplier-small" and new:
                hit = hit or near(nsum, LARGE_N) or near(5 * nsum + dsum, LARGE_5ND)
            if hit:
                self.add(uid, regime, "NEAR_THRESHOLD", None)

        if due is None:
            status = "undetermined"
        elif A > due:
            status = "overdue"
            self.add(uid, regime, "OVERDUE", due)
        elif booking is not None:
            status = "scheduled-late" if booking.scheduled_for > due else "scheduled"
            if booking.scheduled_for > due:
                self.add(uid, regime, "SCHEDULED_LATE", due)
        elif 0 <= (due - A).days <= self.warn:
            status = "due-soon"
            self.add(uid, regime, "DUE_SOON", due)
        else:
            status = "ok"
        if booking is not None and nt is not None and THOROUGH[booking.type] < THOROUGH[nt]:
            self.add(uid, regime, "WRONG_TYPE_SCHEDULED", due)
        sched["status"] = "left" if left else status
        return sched

    def run(self):
        A = self.A
        for uid in self.order:
            u = self.users[uid]
            start = len(self.findings)
            self.multiple_pending = False
            regs = self.regimes[uid]
            left = u.left_on is not None and u.left_on <= A
            if not regs:
                self.schedules.append({"user_id": uid, "regime": None, "category": None,
                                       "next_type": None, "due": None,
                                       "status": "left" if left else "not-subject"})
            for reg in regs:
                self.schedules.append(self.schedule(uid, reg))
            # user-level register-data findings (§4.2, §6.24)
            if uid in self._premises_missing:
                self.add(uid, None, "PREMISES_MISSING", None)
            sn = self.snaps.get(uid)
            if sn and (A - sn[-1]["as_of"]).days > self.stale:
                self.add(uid, None, "PREMISES_STALE", None)
            if uid in self.srp_unknown:
                self.add(uid, None, "SRP_UNKNOWN", None)
            if "SRP" in u.roles and not self.served[uid]:
                self.add(uid, None, "SRP_NO_USERS", None)
            if self.multiple_pending:
                self.add(uid, None, "MULTIPLE_PENDING", None)
            if self.has_sms_col and regs and (u.srp_names or u.groups):
                if u.sms is None:
                    self.add(uid, None, "SMS_NOTIFICATION_OVERDUE", None)
                elif u.sms <= A:
                    sdue = add_months(u.sms, 6)
                    if A > sdue:
                        self.add(uid, None, "SMS_NOTIFICATION_OVERDUE", sdue)
            # §6.25 filter for this User's findings
            if u.left_on is not None:
                mine = self.findings[start:]
                if u.left_on <= A:
                    mine = [f for f in mine if f[3] is not None and f[3] <= u.left_on]
                else:
                    mine = [f for f in mine if f[3] is None or f[3] <= u.left_on]
                self.findings[start:] = mine
        return self


def load(regdir):
    uh, users = read_csv(os.path.join(regdir, "users.csv"))
    _ph, prem = read_csv(os.path.join(regdir, "premises.csv"))
    _ah, ass = read_csv(os.path.join(regdir, "assessments.csv"))
    U = [User(i, r) for i, r in enumerate(users)]
    snaps = []
    for r in prem:
        snaps.append({"user_id": r["user_id"], "as_of": parse_date(r["as_of"]),
                      "domestic": int((r.get("domestic") or "0").replace(",", "")),
                      "non_domestic": int((r.get("non_domestic") or "0").replace(",", ""))})
    R = [Row(i, r) for i, r in enumerate(ass)]
    return U, snaps, R, ("sms_notified_on" in uh)


def sort_key_sched(s):
    return (s["user_id"], s["regime"] is not None, s["regime"] or "")


def sort_key_find(f):
    return (f["user_id"], f["regime"] is not None, f["regime"] or "", f["code"],
            f["due"] is not None, f["due"] or "")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("register_dir")
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--today", default=None, help="accepted, unused (FUTURE_DATE not modelled)")
    ap.add_argument("--warn-days", type=int, default=90)
    ap.add_argument("--stale-days", type=int, default=45)
    a = ap.parse_args(argv)
    A = dt.date.fromisoformat(a.as_of)
    users, snaps, rows, has_sms = load(a.register_dir)
    au = Audit(users, snaps, rows, A, has_sms, a.warn_days, a.stale_days).run()
    schedules = [dict(s, due=iso(s["due"])) for s in au.schedules]
    findings = [{"user_id": f[0], "regime": f[1], "code": f[2], "due": iso(f[3])}
                for f in au.findings]
    schedules.sort(key=sort_key_sched)
    findings.sort(key=sort_key_find)
    json.dump({"schedules": schedules, "findings": findings}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
