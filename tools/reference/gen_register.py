#!/usr/bin/env python3
"""Random but plausible g8audit registers for differential testing (standard library only).

Usage:
    python3 gen_register.py --users N --seed S --out DIR [--as-of YYYY-MM-DD]
                            [--future | --no-future] [--no-sms-column]

Writes DIR/users.csv, DIR/premises.csv, DIR/assessments.csv (UTF-8, comma, header row 1,
snake_case columns of SPEC §1.1-1.3, ISO dates, roles as `;`-separated abbreviations).
The same arguments always give byte-identical files.

--future (the default) lets completions, submissions, snapshots and statuses fall after the
as-of date (the audit date is in the past; "today" is later), so the §2.9 "set aside" rules
are exercised.  --no-future keeps every such date on or before the as-of date; bookings
(scheduled_for) and SSC due dates may still be later, as they are plans.

What is covered on purpose (see README.md): every role mix, SRPs named by several Users,
names that are not SRPs, SRPs named by nobody, shared-resources groups (with case/space
variants of the same label), Users that left, a sms_notified_on column with blanks;
monthly snapshots on the 1st with counts at and around every threshold (250,000 D;
50,000 N; 5N+D = 250,000; the 95 % near-threshold edges) and gaps; entry Fulls with every
status (old names before 2020-02-27), rejected/deferred re-runs, entry Follow-ups; annual
chains that follow or deviate from the cycles (wrong types, late/early completions, Self
rows with and without submitted_on, late submissions, Feb-29 anchors); bookings on time,
late and of the wrong type; several pending rows; response/remedial/follow-up deadlines met,
late and open; rows completed or statuses set after the as-of date, snapshots after it, and
Users whose every date is after it.
"""
import argparse
import calendar
import csv
import datetime as dt
import os
import random

D = dt.date
UC = ["user_id", "name", "roles", "shared_resource_provider", "shared_resources_group",
      "left_on", "sms_notified_on"]
PC = ["user_id", "as_of", "domestic", "non_domestic"]
AC = ["user_id", "type", "purpose", "roles_covered", "scheduled_for", "completed_on",
      "submitted_on", "assurance_status", "status_set_on", "response_due_on",
      "response_submitted_on", "remedial_due_on", "remedial_completed_on", "follow_up_due_on"]

ROLE_MIXES = [  # (roles, weight)
    (["IS"], 8), (["GS"], 5), (["IS", "GS"], 8), (["IS", "ES"], 3), (["IS", "GS", "ES"], 2),
    (["ED"], 4), (["GT"], 4), (["ED", "GT"], 1), (["IS", "ED"], 1), (["GS", "GT"], 1),
    (["OU"], 6), (["RDP"], 2), (["OU", "RDP"], 1), (["IS", "OU"], 2), (["ED", "OU"], 1),
    (["SRP"], 4), (["SRP", "OU"], 2), (["SRP", "IS"], 1),
    (["ES"], 2), (["RSA"], 2), (["ES", "RSA"], 1), (["RSA", "OU"], 1),
]
STATUSES = [("approved", 50), ("approved subject to steps", 10),
            ("approved subject to steps and follow-up", 10), ("", 8), ("deferred", 7),
            ("rejected", 7), ("provisionally approved", 5)]
NEXT = {
    "large": {"Full": "Full", "Verification": "Full", "Self": "Full"},
    "small": {"Full": "Verification", "Verification": "Self", "Self": "Full"},
}


def add_months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    return D(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def add_days(d, n):
    return d + dt.timedelta(days=n)


def month_start(d):
    return D(d.year, d.month, 1)


class Gen:
    def __init__(self, n, seed, as_of, future, sms_column=True):
        self.rng = random.Random(seed)
        self.n = n
        self.A = as_of
        self.future = future
        self.sms_column = sms_column
        self.users = []
        self.snaps = []
        self.rows = []
        self.snap_index = {}

    # ------------------------------------------------------------------ helpers
    def r(self):
        return self.rng.random()

    def pick(self, weighted):
        items, weights = zip(*weighted)
        return self.rng.choices(items, weights)[0]

    def date_between(self, a, b):
        if b <= a:
            return a
        return add_days(a, self.rng.randint(0, (b - a).days))

    def ok_after_A(self, d):
        """May a completion/submission/snapshot/status be dated d?"""
        return d is not None and (self.future or d <= self.A)

    # ------------------------------------------------------------------ users
    def make_users(self):
        rng = self.rng
        width = max(3, len(str(self.n)))
        ids = [f"U{i:0{width}d}" for i in range(1, self.n + 1)]
        mixes = [self.pick(ROLE_MIXES) for _ in ids]
        # make sure the interesting mixes appear in small registers too
        for i, m in enumerate([["SRP"], ["IS"], ["ED"], ["OU"], ["IS", "GS"], ["GT"],
                               ["ES", "RSA"], ["SRP", "OU"]]):
            if i < len(ids) and i * 3 < len(ids):
                mixes[i * 3] = m
        srps = [u for u, m in zip(ids, mixes) if "SRP" in m]
        groups = ["grpA", "grpB", "grpC", "net1"]
        for uid, roles in zip(ids, mixes):
            u = {"user_id": uid, "name": f"User {uid}", "roles": ";".join(roles),
                 "shared_resource_provider": "", "shared_resources_group": "",
                 "left_on": "", "sms_notified_on": ""}
            # join date: mostly 2015-2024; some after the audit date (every date after A)
            if self.r() < 0.06:
                join = self.date_between(add_days(self.A, 1), add_days(self.A, 300))
            else:
                join = self.date_between(D(2015, 9, 1), min(add_days(self.A, -30),
                                                             D(2024, 6, 1)))
            u["_join"] = join
            u["_roles"] = roles
            if "SRP" not in roles and srps and self.r() < 0.3:
                names = rng.sample(srps, k=min(len(srps), 1 if self.r() < 0.8 else 2))
                u["shared_resource_provider"] = ";".join(names)
            if self.r() < 0.05:   # a name that is not an SRP (unknown id, or a non-SRP User)
                bad = rng.choice(["X999", rng.choice(ids)])
                u["shared_resource_provider"] = ";".join(
                    x for x in [u["shared_resource_provider"], bad] if x)
            if self.r() < 0.25:
                g = rng.choice(groups)
                g = rng.choice([g, g.upper(), g.lower(), " " + g])
                if self.r() < 0.15:
                    g += ";" + rng.choice(groups)
                u["shared_resources_group"] = g
            if self.r() < 0.12:
                lo = self.date_between(add_days(join, 200), add_days(self.A, 400))
                u["left_on"] = lo.isoformat()
            x = self.r()
            if x < 0.55:
                sms = self.date_between(add_months(self.A, -14), add_days(self.A, 90))
                if x < 0.05:
                    sms = self.A          # exactly A
                elif x < 0.1:
                    sms = add_months(self.A, -6)   # due exactly on A
                if sms > self.A and not self.future:
                    sms = self.A
                u["sms_notified_on"] = sms.isoformat()
            self.users.append(u)

    # ------------------------------------------------------------------ premises
    def count_phase(self, network):
        """One (D, N) pair around a threshold, or plain small/large."""
        rng = self.rng
        if network:
            kind = self.pick([("exact", 3), ("just_over", 2), ("near", 3), ("near_edge", 2),
                              ("small", 4), ("large", 3)])
            d = {"exact": 250000, "just_over": 250001, "near": rng.randint(237500, 250000),
                 "near_edge": rng.choice([237500, 237499]), "small": rng.randint(0, 150000),
                 "large": rng.randint(260000, 3000000)}[kind]
            return d, 0, kind != "near" and kind != "small" and kind != "large"
        kind = self.pick([("d_exact", 2), ("d_over", 1), ("n_exact", 2), ("n_over", 1),
                          ("n_near", 2), ("n_edge", 1), ("5nd_exact", 3), ("5nd_over", 2),
                          ("5nd_near", 2), ("5nd_edge", 1), ("d_near", 2), ("small", 5),
                          ("large", 3), ("n_large_only", 1)])
        if kind == "d_exact":
            return 250000, 0, True
        if kind == "d_over":
            return 250001, 0, True
        if kind == "d_near":
            return rng.choice([237500, 237499, rng.randint(237500, 249999)]), 0, True
        if kind == "n_exact":
            return rng.randint(0, 1000), 50000, True      # 5N+D > 250,000 too
        if kind == "n_over":
            return 0, 50001, True
        if kind == "n_near":
            return 0, rng.randint(47500, 49999), True
        if kind == "n_edge":
            return 0, rng.choice([47500, 47499]), True
        if kind == "5nd_exact":
            n = rng.randint(1, 49999)
            return 250000 - 5 * n, n, True
        if kind == "5nd_over":
            n = rng.randint(1, 49999)
            return 250001 - 5 * n, n, True
        if kind == "5nd_near":
            n = rng.randint(1, 40000)
            return rng.randint(237500, 250000) - 5 * n, n, True
        if kind == "5nd_edge":
            n = rng.randint(1, 40000)
            return rng.choice([237500, 237499]) - 5 * n, n, True
        if kind == "large":
            return rng.randint(260000, 5000000), rng.randint(0, 80000), False
        if kind == "n_large_only":
            return rng.randint(0, 20000), rng.randint(50001, 90000), False
        return rng.randint(0, 120000), rng.randint(0, 15000), False

    def make_premises(self, u):
        roles = u["_roles"]
        sup = bool({"IS", "GS"} & set(roles))
        net = bool({"ED", "GT"} & set(roles))
        if not (sup or net):
            return
        rng = self.rng
        join = u["_join"]
        x = self.r()
        if x < 0.08:
            return                                            # no snapshots at all
        if x < 0.2:
            start = month_start(add_months(join, rng.randint(12, 30)))   # starts late
        elif join > self.A:
            start = add_months(month_start(join), 1)          # every date after A
        else:
            start = month_start(add_months(join, -rng.randint(0, 6)))
        end_limit = add_months(self.A, 4) if self.future else self.A
        end = month_start(end_limit)
        if self.r() < 0.1:
            end = month_start(add_months(self.A, -rng.randint(2, 8)))   # stale
        months = []
        m = start
        while m <= end:
            months.append(m)
            m = add_months(m, 1)
        if not months:
            return
        nph = rng.choice([1, 1, 2, 3])
        cuts = sorted(rng.sample(range(len(months)), k=min(nph - 1, max(0, len(months) - 1))))
        phases = [self.count_phase(net and not sup) for _ in range(nph)]
        pi = 0
        for i, m in enumerate(months):
            while pi < len(cuts) and i >= cuts[pi]:
                pi += 1
            d, n, exact = phases[min(pi, len(phases) - 1)]
            if not exact and self.r() < 0.7:
                d = max(0, int(d * (1 + rng.uniform(-0.03, 0.03))))
                n = max(0, int(n * (1 + rng.uniform(-0.03, 0.03))))
            if self.r() < 0.04 and 0 < i < len(months) - 1:
                continue                                      # a missing month
            nd = "" if (n == 0 and self.r() < 0.5) else str(n)
            self.snaps.append({"user_id": u["user_id"], "as_of": m.isoformat(),
                               "domestic": str(d), "non_domestic": nd})
            self.snap_index.setdefault(u["user_id"], []).append((m, d, n))

    def approx_large(self, u, when):
        roles = set(u["_roles"])
        s = None
        for m, d, n in self.snap_index.get(u["user_id"], []):
            if m <= when:
                s = (d, n)
        if s is None:
            return self.r() < 0.3
        d, n = s
        if roles & {"IS", "GS"}:
            return d > 250000 or n > 50000 or 5 * n + d > 250000
        if roles & {"ED", "GT"}:
            return d > 250000
        return False

    # ------------------------------------------------------------------ assessments
    def row(self, uid, typ, **kw):
        rec = {"user_id": uid, "type": typ}
        for k, v in kw.items():
            rec[k] = v.isoformat() if isinstance(v, D) else (v or "")
        self.rows.append(rec)
        return rec

    def purpose(self, explicit):
        return explicit if self.r() < 0.3 else ""

    def roles_covered(self, u):
        roles = u["_roles"]
        if len(roles) > 1 and self.r() < 0.12:
            k = self.rng.randint(1, len(roles))
            return ";".join(self.rng.sample(roles, k))
        return ""

    def deadlines(self, rec, comp, p=0.25):
        """Response / remedial deadlines on a row completed on comp."""
        rng = self.rng
        if comp is None:
            return
        if self.r() < p:
            due = add_days(comp, rng.choice([30, 42, 60]))
            rec["response_due_on"] = due.isoformat()
            x = self.r()
            sub = None
            if x < 0.6:
                sub = add_days(due, -rng.randint(0, 20))
            elif x < 0.85:
                sub = add_days(due, rng.randint(1, 40))
            if sub and self.ok_after_A(sub):
                rec["response_submitted_on"] = sub.isoformat()
        if self.r() < p * 0.8:
            due = add_days(comp, rng.choice([90, 120, 180]))
            rec["remedial_due_on"] = due.isoformat()
            x = self.r()
            done = None
            if x < 0.55:
                done = add_days(due, -rng.randint(0, 40))
            elif x < 0.8:
                done = add_days(due, rng.randint(1, 90))
            if done and self.ok_after_A(done):
                rec["remedial_completed_on"] = done.isoformat()

    def follow_up(self, u, base_comp, due, purpose_word):
        """A Follow-up answering a follow_up_due_on: met, late, or open."""
        rng = self.rng
        x = self.r()
        if x < 0.55:
            c = self.date_between(base_comp, due)
        elif x < 0.8:
            c = add_days(due, rng.randint(1, 90))
        else:
            if self.r() < 0.5:
                self.row(u["user_id"], "Follow-up", purpose=self.purpose(purpose_word),
                         scheduled_for=add_days(due, rng.randint(-20, 40)))
            return None
        if not self.ok_after_A(c):
            if self.r() < 0.5:
                self.row(u["user_id"], "Follow-up", purpose=self.purpose(purpose_word),
                         scheduled_for=add_days(c, -rng.randint(0, 20)))
            return None
        rec = self.row(u["user_id"], "Follow-up", purpose=self.purpose(purpose_word),
                       roles_covered=self.roles_covered(u), completed_on=c,
                       scheduled_for=add_days(c, -rng.randint(0, 15)) if self.r() < 0.3 else None)
        self.deadlines(rec, c, 0.1)
        return c

    def make_history(self, u):
        rng = self.rng
        uid = u["user_id"]
        join = u["_join"]
        left = D.fromisoformat(u["left_on"]) if u["left_on"] else None
        x = self.r()
        if x < 0.05:
            return                                           # no Entry Full at all
        if x < 0.1 and x >= 0.09:                            # status only, no dates
            self.row(uid, "Full", assurance_status="approved")
            return
        if x < 0.09:                                         # only booked
            self.row(uid, "Full", purpose=self.purpose("Entry"),
                     scheduled_for=self.date_between(add_days(self.A, -60), add_days(self.A, 90)))
            return
        # ---- entry
        e_comp = add_days(join, rng.randint(0, 25))
        if rng.random() < 0.04:
            e_comp = D(2020, 2, 29) if e_comp.year == 2020 else e_comp
        status = self.pick(STATUSES)
        if status == "provisionally approved" and self.r() < 0.8:
            e_comp = self.date_between(D(2015, 9, 1), D(2020, 1, 31))
            join = e_comp
        set_on = add_days(e_comp, rng.randint(5, 80)) if status else None
        if set_on and self.r() < 0.1:
            set_on = None                                    # names dated by completion
        if set_on and self.r() < 0.04 and set_on.year in (2016, 2020, 2024):
            set_on = D(set_on.year, 2, 29)                   # 29 Feb + 12 months = 28 Feb
            e_comp = min(e_comp, set_on)
        if set_on and self.r() < 0.03:
            set_on = D(2020, 2, 27) if self.r() < 0.5 else D(2020, 2, 26)
            e_comp = add_days(set_on, -30)
        if set_on and set_on > self.A and not self.future:
            status, set_on = "", None
        if not self.ok_after_A(e_comp):
            # entry Full completed after A (future) or still booked
            self.row(uid, "Full", purpose=self.purpose("Entry"), scheduled_for=join,
                     completed_on=e_comp if self.future else None,
                     assurance_status=status if self.future else "",
                     status_set_on=set_on if self.future else None)
            return
        rec = self.row(uid, "Full", purpose=self.purpose("Entry"),
                       roles_covered=self.roles_covered(u) if self.r() < 0.3 else "",
                       scheduled_for=join if self.r() < 0.4 else None, completed_on=e_comp,
                       assurance_status=status, status_set_on=set_on)
        self.deadlines(rec, e_comp, 0.4)
        anchor = set_on or e_comp
        if status == "approved subject to steps and follow-up" and set_on:
            fdue = add_days(set_on, rng.choice([90, 120, 180]))
            rec["follow_up_due_on"] = fdue.isoformat()
            c = self.follow_up(u, e_comp, fdue, "Entry")
            if c:
                anchor = c
        elif status in ("rejected", "deferred", "provisionally approved") or \
                (status == "" and self.r() < 0.4) or \
                (status == "approved" and self.r() < 0.05):
            y = self.r()
            second = add_days(set_on or e_comp, rng.randint(60, 200))
            if status == "deferred" and self.r() < 0.5:
                c = self.follow_up(u, e_comp, add_days(e_comp, 150), "Entry")
                return
            if y < 0.25:
                return                                        # stays as it is
            if y < 0.45 or not self.ok_after_A(second):
                self.row(uid, "Full", purpose="Entry" if self.r() < 0.7 else "",
                         scheduled_for=second)
                return
            st2 = self.pick([("approved", 6), ("", 2), ("approved subject to steps", 2),
                             ("rejected", 1), ("deferred", 1)])
            so2 = add_days(second, rng.randint(5, 60)) if st2 else None
            if so2 and not self.ok_after_A(so2):
                so2, st2 = (so2, st2) if self.future else (None, "")
            self.row(uid, "Full", purpose="Entry" if (self.r() < 0.6 or not st2) and
                     self.r() < 0.8 else "", completed_on=second, assurance_status=st2,
                     status_set_on=so2)
            if st2 not in ("approved", "approved subject to steps"):
                return
            anchor = so2 or second
        if set_on and set_on > self.A:
            return
        # ---- annual chain
        cyc_small = NEXT["small"]
        chain = ["Full"]
        prev = anchor
        kind_other = not ({"IS", "GS", "ED", "GT"} & set(u["_roles"]))
        for _step in range(15):
            due = add_months(prev, 12)
            large = self.approx_large(u, due)
            P = chain[-1]
            r = 1
            while r < len(chain) and chain[-1 - r] == P:
                r += 1
            if kind_other and due < D(2019, 2, 28):
                req = {"Full": "Self", "Verification": "Self",
                       "Self": "Self" if r == 1 else "Full"}[P]
            elif large and {"ED", "GT"} & set(u["_roles"]) and not {"IS", "GS"} & set(u["_roles"]):
                req = {"Full": "Verification", "Verification": "Verification" if r == 1 else "Full",
                       "Self": "Full"}[P]
            elif large:
                req = "Full"
            else:
                req = cyc_small[P]
            typ = req if self.r() < 0.85 else rng.choice(["Full", "Verification", "Self"])
            b = self.pick([("early", 45), ("ontime", 15), ("late", 20), ("verylate", 5),
                           ("stop", 3), ("feb29", 2)])
            if b == "stop":
                break
            comp = {"early": add_days(due, -rng.randint(1, 75)), "ontime": due,
                    "feb29": (D(due.year, 2, 29) if calendar.isleap(due.year) and
                              abs((D(due.year, 2, 29) - due).days) < 60 else due),
                    "late": add_days(due, rng.randint(1, 60)),
                    "verylate": add_days(due, rng.randint(61, 400))}[b]
            sched = None
            if self.r() < 0.5:
                sched = add_days(comp, -rng.randint(0, 30))
                if self.r() < 0.1:
                    sched = add_days(due, rng.randint(1, 40))   # booked late
            if left and comp > left:
                break
            if comp > self.A:
                self.tail(u, typ, req, due, comp, sched)
                return
            rec = {"purpose": self.purpose("Annual"), "roles_covered": self.roles_covered(u),
                   "scheduled_for": sched}
            if typ == "Self":
                y = self.r()
                sub = add_days(comp, rng.randint(0, 40)) if y < 0.75 else None
                if y < 0.15:
                    sub = add_days(due, rng.randint(1, 60))      # submitted late
                if sub and not self.ok_after_A(sub):
                    sub = None
                if self.r() < 0.15 and sub:
                    rec["completed_on"] = None                   # only submitted_on
                    comp = sub
                else:
                    rec["completed_on"] = comp
                rec["submitted_on"] = sub
            else:
                rec["completed_on"] = comp
            row = self.row(uid, typ, **rec)
            self.deadlines(row, comp)
            if self.r() < 0.1:
                fdue = add_days(comp, rng.choice([90, 150]))
                row["follow_up_due_on"] = fdue.isoformat()
                self.follow_up(u, comp, fdue, "Annual")
            chain.append(typ)
            prev = comp

    def tail(self, u, typ, req, due, comp, sched):
        """The assessment falling due around or after the audit date."""
        rng = self.rng
        uid = u["user_id"]
        x = self.r()
        purpose = self.purpose("Annual")
        if x < 0.2 and self.future:
            # completed after A: a booking at A if scheduled_for, else left out
            self.row(uid, typ, purpose=purpose, completed_on=comp, scheduled_for=sched,
                     submitted_on=add_days(comp, 3) if typ == "Self" else None)
            if self.r() < 0.3:   # and a second such row
                c2 = add_days(comp, rng.randint(1, 60))
                self.row(uid, rng.choice(["Full", "Verification", "Self"]), purpose=purpose,
                         completed_on=c2, scheduled_for=add_days(c2, -rng.randint(0, 40)))
            return
        if x < 0.6:
            b = self.pick([("ontime", 5), ("late", 2), ("past", 1)])
            s = {"ontime": add_days(due, -rng.randint(0, 60)),
                 "late": add_days(due, rng.randint(1, 90)),
                 "past": add_days(self.A, -rng.randint(1, 30))}[b]
            t = typ if self.r() < 0.8 else rng.choice(["Verification", "Self", "Full"])
            self.row(uid, t, purpose=purpose, scheduled_for=s)
            if self.r() < 0.15:
                self.row(uid, rng.choice(["Full", "Self"]), purpose=purpose,
                         scheduled_for=add_days(s, rng.randint(-30, 30)))
            return
        if x < 0.7:
            self.row(uid, typ, purpose=purpose)          # pending, not booked
            if self.r() < 0.3:
                self.row(uid, req, purpose=purpose)
            return
        # nothing recorded

    # ------------------------------------------------------------------ all
    def generate(self):
        self.make_users()
        for u in self.users:
            self.make_premises(u)
            self.make_history(u)
        # give SRPs and group members a jumbled row order, as real registers have
        self.rng.shuffle(self.rows)
        return self

    def write(self, out):
        os.makedirs(out, exist_ok=True)

        def w(name, cols, recs):
            with open(os.path.join(out, name), "w", newline="", encoding="utf-8") as f:
                wr = csv.writer(f, lineterminator="\n")
                wr.writerow(cols)
                for r in recs:
                    wr.writerow([r.get(c) or "" for c in cols])
        w("users.csv", UC if self.sms_column else UC[:-1], self.users)
        w("premises.csv", PC, self.snaps)
        w("assessments.csv", AC, self.rows)


def main():
    ap = argparse.ArgumentParser(description="Generate a random g8audit register (CSV).")
    ap.add_argument("--users", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--as-of", default="2025-06-30")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--future", dest="future", action="store_true", default=True,
                   help="allow completions/submissions/snapshots/statuses after the as-of "
                        "date (default)")
    g.add_argument("--no-future", dest="future", action="store_false",
                   help="keep those dates on or before the as-of date")
    ap.add_argument("--no-sms-column", action="store_true",
                    help="leave the sms_notified_on column out of users.csv")
    a = ap.parse_args()
    Gen(a.users, a.seed, D.fromisoformat(a.as_of), a.future,
        not a.no_sms_column).generate().write(a.out)


if __name__ == "__main__":
    main()
