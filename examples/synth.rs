//! Large, plausible synthetic SSC registers for g8audit's performance benchmark.
//!
//! ```text
//! cargo run --release --example synth -- --users N [--seed S] [--format xlsx|csv] --out DIR
//!                                        [--months M] [--from YYYY-MM-DD] [--as-of YYYY-MM-DD]
//!                                        [--mistakes RATE]
//! ```
//!
//! writes `DIR/register.xlsx` (sheets Users, Premises, Assessments, headings as in SPEC §1 in
//! Title Case, Users under a two-line title as the secretariat keeps it) or, with
//! `--format csv`, `DIR/users.csv`, `DIR/premises.csv`, `DIR/assessments.csv` (UTF-8, comma, ISO
//! dates). The same arguments always give the same bytes: every User is drawn from its own small
//! PRNG stream (splitmix64 of the seed and the User's index), so a User does not depend on the
//! others and changing `--months` or the history length moves dates, not draws.
//!
//! What is in it, per User (see `benches/README.md` for the proportions):
//! * every regime and category: Import/Gas Suppliers large and small (and near the thresholds of
//!   G8.41), Electricity Distributors and Gas Transporters large and small, Other Users and
//!   Registration Data Providers, Shared Resource Providers serving a few nearby Users (and some
//!   serving none), Users not subject to G8 (Export Supplier, Registered Supplier Agent);
//!   Shared Resources groups of two or three Users; Users that left; new entrants whose Entry is
//!   deferred, rejected, only booked or missing;
//! * monthly Premises snapshots for Supplier and Network Parties over the last `--months` months
//!   (default 48), counts drifting month by month; some stale, a few missing;
//! * Assessments from the Entry Full (entries spread from `--from`, default 2015-06-01) to the
//!   audit date (`--as-of`, default 2026-11-01), following each category's cycle, with responses,
//!   remedial steps, Follow-ups, Self-Assessment submissions and bookings — mostly on time, some
//!   late, some of the wrong type, some overdue;
//! * about `--mistakes` (default 1 %) of rows carry a register mistake: dates typed as text (valid
//!   UK dates and impossible ones), mistyped user ids, counts typed as text (`250,000`, `12,5OO`),
//!   negative or fractional counts, role/type/status typos, duplicate Users and snapshots.
//!
//! Excel holds at most 1,048,576 rows per sheet and g8audit reads one sheet per table from a
//! workbook, so for xlsx the generator shortens the history (first the span of entry dates, then
//! the snapshot months) until every table fits, and says so on stderr. CSV has no such limit.
//!
//! Output streams: CSV through a buffered writer; xlsx through rust_xlsxwriter's constant-memory
//! worksheets (its low-memory variant, which keeps a shared string table as Excel does; see
//! `new_sheet`), rows written strictly in order as each User is generated (the first pass that
//! fits an xlsx register to Excel's rows only counts). This program does not use the g8audit library: it depends only on
//! rust_xlsxwriter, csv, chrono and std.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, Months, NaiveDate};
use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Rows an Excel sheet holds.
const EXCEL_ROWS: u64 = 1_048_576;

// ------------------------------------------------------------------------------------------------
// A small PRNG
// ------------------------------------------------------------------------------------------------

fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xorshift64* seeded by splitmix64: one independent stream per (seed, User, purpose).
struct Rng(u64);

impl Rng {
    fn new(seed: u64, user: u64, stream: u64) -> Rng {
        let mut s = seed ^ 0x5DEE_CE66_D1CE_4E5B;
        let a = splitmix64(&mut s);
        let mut t = a ^ user.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ stream.rotate_left(32);
        let mut x = splitmix64(&mut t);
        if x == 0 {
            x = 0x1234_5678;
        }
        Rng(x)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }

    /// Uniform in lo..=hi.
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }

    /// Index into `weights`, drawn by weight.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = (self.next() % u64::from(total)) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    fn date(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        lo + Duration::days(self.int(0, (hi - lo).num_days().max(0)))
    }
}

// ------------------------------------------------------------------------------------------------
// Options
// ------------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fmt {
    Xlsx,
    Csv,
}

#[derive(Clone, Debug)]
struct Opts {
    users: u64,
    seed: u64,
    format: Fmt,
    out: PathBuf,
    /// Months of Premises snapshots, ending in the audit month.
    months: u32,
    /// Earliest Entry date.
    from: NaiveDate,
    as_of: NaiveDate,
    mistakes: f64,
}

const USAGE: &str = "usage: synth --users N [--seed S] [--format xlsx|csv] --out DIR \
[--months M] [--from YYYY-MM-DD] [--as-of YYYY-MM-DD] [--mistakes RATE]";

fn parse_args() -> Res<Opts> {
    let mut o = Opts {
        users: 10_000,
        seed: 1,
        format: Fmt::Xlsx,
        out: PathBuf::new(),
        months: 48,
        from: d(2015, 6, 1),
        as_of: d(2026, 11, 1),
        mistakes: 0.01,
    };
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || {
            args.next()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))
        };
        let date = |s: String| NaiveDate::parse_from_str(&s, "%Y-%m-%d");
        match a.as_str() {
            "--users" => o.users = val()?.replace('_', "").parse()?,
            "--seed" => o.seed = val()?.parse()?,
            "--format" => {
                o.format = match val()?.as_str() {
                    "xlsx" => Fmt::Xlsx,
                    "csv" => Fmt::Csv,
                    f => return Err(format!("unknown format {f}\n{USAGE}").into()),
                }
            }
            "--out" => out = Some(PathBuf::from(val()?)),
            "--months" => o.months = val()?.parse()?,
            "--from" => o.from = date(val()?)?,
            "--as-of" => o.as_of = date(val()?)?,
            "--mistakes" => o.mistakes = val()?.parse()?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(format!("unknown argument {a}\n{USAGE}").into()),
        }
    }
    o.out = out.ok_or(USAGE)?;
    if o.users == 0 || o.months == 0 || o.from >= o.as_of {
        return Err(format!(
            "--users and --months must be positive, --from before --as-of\n{USAGE}"
        )
        .into());
    }
    Ok(o)
}

// ------------------------------------------------------------------------------------------------
// Cells and tables
// ------------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Blank,
    Text(String),
    Num(f64),
    Date(NaiveDate),
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

const USER_COLS: [&str; 8] = [
    "User ID",
    "Name",
    "Roles",
    "Shared Resource Provider",
    "Shared Resources Group",
    "Left On",
    "SMS Notified On",
    "Account Manager",
];
const PREMISES_COLS: [&str; 4] = ["User ID", "As Of", "Domestic", "Non Domestic"];
const ASSESSMENT_COLS: [&str; 15] = [
    "User ID",
    "Type",
    "Purpose",
    "Roles Covered",
    "Scheduled For",
    "Completed On",
    "Submitted On",
    "Assurance Status",
    "Status Set On",
    "Response Due On",
    "Response Submitted On",
    "Remedial Due On",
    "Remedial Completed On",
    "Follow-up Due On",
    "Comments",
];
// Assessments columns.
const A_USER: usize = 0;
const A_TYPE: usize = 1;
const A_PURPOSE: usize = 2;
const A_COVERED: usize = 3;
const A_SCHED: usize = 4;
const A_DONE: usize = 5;
const A_SUB: usize = 6;
const A_STATUS: usize = 7;
const A_SET: usize = 8;
const A_RDUE: usize = 9;
const A_RSUB: usize = 10;
const A_MDUE: usize = 11;
const A_MDONE: usize = 12;
const A_FDUE: usize = 13;
const A_COMMENTS: usize = 14;
const A_DATES: [usize; 9] = [
    A_SCHED, A_DONE, A_SUB, A_SET, A_RDUE, A_RSUB, A_MDUE, A_MDONE, A_FDUE,
];

/// Title lines above the Users heading in the workbook.
const USERS_PREAMBLE: usize = 2;

/// Everything one User puts in the register.
#[derive(Default)]
struct UserRows {
    users: Vec<Vec<Cell>>,
    premises: Vec<Vec<Cell>>,
    assessments: Vec<Vec<Cell>>,
}

// ------------------------------------------------------------------------------------------------
// Dates
// ------------------------------------------------------------------------------------------------

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// 12 months after: same day next year, 29 February going to 28 February.
fn plus_year(x: NaiveDate) -> NaiveDate {
    x.checked_add_months(Months::new(12)).expect("in range")
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn month_index(x: NaiveDate) -> i32 {
    x.year() * 12 + x.month0() as i32
}

fn month_start(idx: i32) -> NaiveDate {
    d(idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1, 1)
}

/// The day G8's current rules (SECMP0059) came into force.
fn secmp0059() -> NaiveDate {
    d(2019, 2, 28)
}

// ------------------------------------------------------------------------------------------------
// The Users
// ------------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Supplier,
    Network,
    Other,
    Srp,
    NotSubject,
}

/// How the User writes its roles, by kind; weights per 1,000 Users (SRPs are placed, below).
const ROLE_MIXES: &[(Kind, &str, u32)] = &[
    (Kind::Supplier, "Import Supplier", 150),
    (Kind::Supplier, "Gas Supplier", 50),
    (Kind::Supplier, "Import Supplier; Gas Supplier", 110),
    (Kind::Supplier, "IS/GS", 30),
    (Kind::Supplier, "IS, ES", 30),
    (Kind::Supplier, "Import Supplier + Other User", 20),
    (Kind::Supplier, "GS", 20),
    (Kind::Network, "Electricity Distributor", 20),
    (Kind::Network, "Gas Transporter", 18),
    (Kind::Network, "ED", 6),
    (Kind::Network, "GT", 6),
    (Kind::Other, "Other User", 240),
    (Kind::Other, "OU", 40),
    (Kind::Other, "Registration Data Provider", 12),
    (Kind::Other, "RDP; OU", 8),
    (Kind::NotSubject, "Export Supplier", 70),
    (Kind::NotSubject, "Registered Supplier Agent", 50),
    (Kind::NotSubject, "ES; RSA", 20),
];
const SRP_ROLES: [&str; 3] = [
    "Shared Resource Provider",
    "SRP",
    "Shared Resource Provider; OU",
];

/// Every 25th User (from the 13th) is a Shared Resource Provider, so that any User can name the
/// ones near it without looking at the others.
fn is_srp(i: u64) -> bool {
    i % 25 == 12
}

const NAME_A: [&str; 24] = [
    "Northwind",
    "Fenland",
    "Harbour",
    "Meridian",
    "Ledger",
    "Stonebridge",
    "Kestrel",
    "Quayside",
    "Brightside",
    "Orchard",
    "Valley",
    "Beacon",
    "Civic",
    "Riverside",
    "Lantern",
    "Apex",
    "Solstice",
    "Granite",
    "Tidewater",
    "Copperfield",
    "Halcyon",
    "Bluebell",
    "Kingfisher",
    "Summit",
];
const NAME_B: [&str; 12] = [
    "Energy",
    "Power",
    "Gas",
    "Supply",
    "Utilities",
    "Networks",
    "Data",
    "Metering",
    "Services",
    "Home Energy",
    "Grid",
    "Analytics",
];
const NAME_C: [&str; 6] = ["Ltd", "plc", "Limited", "& Co", "Group", "UK"];
const MANAGERS: [&str; 8] = [
    "A. Patel",
    "J. Morgan",
    "S. Okafor",
    "R. Evans",
    "L. Chen",
    "M. Byrne",
    "T. Walsh",
    "K. Singh",
];
const COMMENTS: [&str; 8] = [
    "Fieldwork delayed by the provider",
    "Chased by the SSC secretariat",
    "Evidence pack received late",
    "Scope agreed with the User ISASP",
    "Rebooked at the User's request",
    "See SSC minutes",
    "Remedial plan accepted",
    "Moved after a change of provider",
];

/// The cycle a User's annual chain follows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cycle {
    /// supplier-large: Full every year.
    AllFull,
    /// supplier-small, network-small, other: Full, Verification, Self.
    Fvs,
    /// network-large: Full, Verification, Verification, Full …
    Fvv,
}

/// The next type after `chain` (F/V/S, the Entry Full first), for a determination at `t`.
fn next_type(cycle: Cycle, other: bool, chain: &[char], t: NaiveDate) -> char {
    let last = *chain.last().unwrap_or(&'F');
    let run = chain.iter().rev().take_while(|c| **c == last).count();
    if other && t < secmp0059() {
        // The old Other User cycle: Full, then Self, Self, Full …
        return match (last, run) {
            ('S', r) if r >= 2 => 'F',
            _ => 'S',
        };
    }
    match cycle {
        Cycle::AllFull => 'F',
        Cycle::Fvs => match last {
            'F' => 'V',
            'V' => 'S',
            _ => 'F',
        },
        Cycle::Fvv => match (last, run) {
            ('F', _) => 'V',
            ('V', 1) => 'V',
            _ => 'F',
        },
    }
}

fn type_name(t: char, aliases: bool) -> &'static str {
    match (t, aliases) {
        ('F', false) => "Full",
        ('V', false) => "Verification",
        ('S', false) => "Self",
        ('U', false) => "Follow-up",
        ('F', true) => "FUSA",
        ('V', true) => "VUSA",
        ('S', true) => "Self-Assessment",
        ('U', true) => "Follow-up Security Assessment",
        _ => unreachable!("type {t}"),
    }
}

/// Generation parameters that the xlsx row budget may shorten.
#[derive(Clone, Copy, Debug)]
struct Span {
    /// Earliest Entry date of an established User.
    from: NaiveDate,
    /// Premises snapshot months, ending in the audit month.
    months: u32,
}

struct Gen<'a> {
    o: &'a Opts,
    width: usize,
}

impl Gen<'_> {
    fn id(&self, i: u64) -> String {
        format!("U{:0w$}", i + 1, w = self.width)
    }

    /// A nearby Shared Resource Provider (never `i` itself).
    fn srp_near(&self, i: u64, rng: &mut Rng) -> Option<u64> {
        let block = (i / 25) as i64 + rng.int(-2, 2);
        let j = (block.max(0) as u64) * 25 + 12;
        (j < self.o.users && j != i).then_some(j)
    }

    fn user(&self, i: u64, span: Span) -> UserRows {
        let o = self.o;
        let a = o.as_of;
        let mut rng = Rng::new(o.seed, i, 1);
        let mut out = UserRows::default();
        let id = self.id(i);

        // ---- who it is
        let (kind, roles) = if is_srp(i) {
            (Kind::Srp, rng.pick(&SRP_ROLES).to_string())
        } else {
            let w: Vec<u32> = ROLE_MIXES.iter().map(|m| m.2).collect();
            let m = &ROLE_MIXES[rng.weighted(&w)];
            (m.0, m.1.to_string())
        };
        let name = format!(
            "{} {} {}",
            rng.pick(&NAME_A),
            rng.pick(&NAME_B),
            rng.pick(&NAME_C)
        );
        let manager = rng.pick(&MANAGERS).to_string();
        let subject = kind != Kind::NotSubject;
        let party = matches!(kind, Kind::Supplier | Kind::Network);

        // ---- when it joined, whether it left
        let new_entrant = subject && rng.chance(0.05);
        let wave = rng.chance(0.25);
        let u = rng.f();
        let latest = a - days(45);
        let join = if new_entrant {
            a - days(10 + (u * 290.0) as i64)
        } else if wave {
            span.from + days((u * 540.0) as i64)
        } else {
            span.from + days((u * (latest - span.from).num_days() as f64) as i64)
        }
        .min(latest.max(span.from));
        let left = (!new_entrant && rng.chance(0.03)).then(|| {
            let lo = join + days(400);
            if lo >= a - days(10) {
                a - days(10)
            } else {
                rng.date(lo, a - days(10))
            }
        });

        // ---- Shared Resources
        let mut srp = String::new();
        if subject
            && kind != Kind::Srp
            && rng.chance(0.10)
            && let Some(j) = self.srp_near(i, &mut rng)
        {
            srp = self.id(j);
            if rng.chance(0.1)
                && let Some(k) = self.srp_near(i, &mut rng).filter(|k| *k != j)
            {
                srp = format!("{srp}; {}", self.id(k));
            }
        }
        let mut group = String::new();
        if party && rng.chance(0.06) {
            let g = format!("SRG-{:04}", i / 40);
            group = match rng.int(0, 5) {
                0 => g.to_lowercase(),
                1 => format!(" {g} "),
                _ => g,
            };
        }
        let shares = !srp.is_empty() || !group.is_empty();
        let sms = (shares && rng.chance(0.85)).then(|| a - days(rng.int(0, 270)));

        // ---- counts and cycle
        let mut cycle = Cycle::Fvs;
        let mut counts: Option<Model> = None;
        match kind {
            Kind::Supplier => {
                let class = rng.weighted(&[12, 80, 8]);
                let (dd, nn) = match class {
                    0 => (
                        rng.int(260_000, 3_000_000) as f64,
                        rng.int(0, 80_000) as f64,
                    ),
                    1 => {
                        let n = rng.int(0, 30_000);
                        (rng.int(0, 220_000 - 5 * n) as f64, n as f64)
                    }
                    _ => {
                        if rng.chance(0.5) {
                            (rng.int(236_000, 249_000) as f64, rng.int(0, 1_500) as f64)
                        } else {
                            let n = rng.int(10_000, 47_000);
                            ((rng.int(236_000, 249_000) - 5 * n) as f64, n as f64)
                        }
                    }
                };
                if class == 0 {
                    cycle = Cycle::AllFull;
                }
                let growth = if class == 2 {
                    rng.int(-1, 3)
                } else {
                    rng.int(-3, 5)
                };
                counts = Some(Model {
                    d: dd,
                    n: nn,
                    growth: growth as f64 / 1000.0,
                    n_blank: rng.chance(0.2),
                    supplier: true,
                });
            }
            Kind::Network => {
                let large = rng.chance(0.55);
                let dd = if large {
                    rng.int(300_000, 4_000_000)
                } else {
                    rng.int(20_000, 235_000)
                };
                cycle = if large { Cycle::Fvv } else { Cycle::Fvs };
                counts = Some(Model {
                    d: dd as f64,
                    n: 0.0,
                    growth: rng.int(-2, 5) as f64 / 1000.0,
                    n_blank: true,
                    supplier: false,
                });
            }
            Kind::Srp if rng.chance(0.5) => cycle = Cycle::AllFull,
            _ => {}
        }
        let other = kind == Kind::Other;
        let aliases = rng.chance(0.05);
        let purpose_blank = rng.chance(0.08);
        let covered = (roles.contains(';') && rng.chance(0.05))
            .then(|| roles.split(';').next().unwrap_or("").trim().to_string());

        // ---- Users row
        let opt_date = |x: Option<NaiveDate>| x.map_or(Cell::Blank, Cell::Date);
        let opt_text = |s: &str| if s.is_empty() { Cell::Blank } else { text(s) };
        out.users.push(vec![
            text(id.clone()),
            text(name.clone()),
            text(roles.clone()),
            opt_text(&srp),
            opt_text(&group),
            opt_date(left),
            opt_date(sms),
            text(manager),
        ]);

        // ---- Premises
        let first = month_index(a) - span.months as i32 + 1;
        if let Some(model) = counts {
            let mut prng = Rng::new(o.seed, i, 2);
            let missing = prng.chance(0.005);
            let stale = if prng.chance(0.02) { prng.int(2, 6) } else { 0 };
            let start = first.max(month_index(join) - prng.int(0, 3) as i32);
            let end = month_index(left.unwrap_or(a)) - stale as i32;
            if !missing {
                // Before the window the register keeps one snapshot a year (January), back to
                // the User's entry, so that past determinations have counts.
                let mut months: Vec<i32> = (month_index(join) / 12 + 1..=(first - 1) / 12)
                    .map(|y| y * 12)
                    .filter(|m| *m < first && *m <= end)
                    .collect();
                months.extend(start..=end);
                for m in months {
                    let noise = 1.0 + (prng.f() - 0.5) * 0.004;
                    let (dm, nm) = model.at(m, a);
                    let (dm, nm) = ((dm * noise).round(), (nm * noise).round());
                    out.premises.push(vec![
                        text(id.clone()),
                        Cell::Date(month_start(m)),
                        Cell::Num(dm),
                        if model.n_blank {
                            Cell::Blank
                        } else {
                            Cell::Num(nm)
                        },
                    ]);
                }
            }
        }

        // ---- Assessments
        if subject || rng.chance(0.2) {
            self.assessments(
                i,
                &id,
                &mut out.assessments,
                Story {
                    join,
                    left,
                    new_entrant,
                    cycle,
                    other,
                    aliases,
                    purpose_blank,
                    covered,
                    model: counts,
                    first,
                },
            );
        }

        self.mistakes(i, &mut out, party);
        out
    }

    fn assessments(&self, i: u64, id: &str, rows: &mut Vec<Vec<Cell>>, s: Story) {
        let a = self.o.as_of;
        let mut rng = Rng::new(self.o.seed, i, 3);
        let blank = || {
            let mut r = vec![Cell::Blank; ASSESSMENT_COLS.len()];
            r[A_USER] = text(id);
            r
        };
        let past = |x: NaiveDate| if x <= a { Cell::Date(x) } else { Cell::Blank };
        let purpose = |p: &str| {
            if s.purpose_blank {
                Cell::Blank
            } else {
                text(p)
            }
        };
        let end = s.left.unwrap_or(a);

        // Responses (G8.24) and remedial steps (G8.28) after a Full or Verification.
        let aftermath = |r: &mut Vec<Cell>, done: NaiveDate, rng: &mut Rng| {
            r[A_RDUE] = Cell::Date(done + days(28));
            let x = rng.f();
            if x < 0.96 {
                r[A_RSUB] = past(done + days(rng.int(7, 27)));
            } else if x < 0.985 {
                r[A_RSUB] = past(done + days(rng.int(29, 60)));
            }
            if rng.chance(0.12) {
                let due = done + days(rng.int(90, 180));
                r[A_MDUE] = Cell::Date(due);
                let y = rng.f();
                if y < 0.88 {
                    r[A_MDONE] = past(due - days(rng.int(1, 40)));
                } else if y < 0.95 {
                    r[A_MDONE] = past(due + days(rng.int(1, 45)));
                }
            }
            if rng.chance(0.03) {
                r[A_COMMENTS] = text(*rng.pick(&COMMENTS));
            }
        };

        // ---- Entry
        let entry_done = s.join;
        let mut e = blank();
        e[A_TYPE] = text(type_name('F', s.aliases));
        e[A_PURPOSE] = purpose("Entry");
        if let Some(c) = &s.covered {
            e[A_COVERED] = text(c.clone());
        }
        if s.new_entrant {
            match rng.weighted(&[30, 20, 20, 15, 15]) {
                0 | 1 => {
                    // Deferred, or rejected (with a second Full booked half the time).
                    let rejected = rng.chance(0.4);
                    e[A_SCHED] = Cell::Date(entry_done - days(rng.int(3, 10)));
                    e[A_DONE] = Cell::Date(entry_done);
                    let set = (entry_done + days(rng.int(10, 40))).min(a);
                    e[A_STATUS] = text(if rejected { "rejected" } else { "deferred" });
                    e[A_SET] = Cell::Date(set);
                    aftermath(&mut e, entry_done, &mut rng);
                    rows.push(e);
                    if rejected && rng.chance(0.5) {
                        let mut b = blank();
                        b[A_TYPE] = text(type_name('F', s.aliases));
                        b[A_PURPOSE] = purpose("Entry");
                        b[A_SCHED] = Cell::Date(a + days(rng.int(5, 90)));
                        rows.push(b);
                    }
                }
                2 => {
                    e[A_SCHED] = Cell::Date(a + days(rng.int(3, 60)));
                    rows.push(e);
                }
                3 => {
                    // Completed, the Panel not yet decided: blank status on the only Entry Full.
                    e[A_SCHED] = Cell::Date(entry_done - days(rng.int(3, 10)));
                    e[A_DONE] = Cell::Date(entry_done);
                    aftermath(&mut e, entry_done, &mut rng);
                    rows.push(e);
                }
                _ => {} // no Entry Full at all
            }
            return;
        }
        // An early rejection under the old names (before 2020-02-27) and a second Full.
        let mut entry_done = entry_done;
        if entry_done < d(2019, 9, 1) && rng.chance(0.03) {
            let mut r = blank();
            r[A_TYPE] = text(type_name('F', s.aliases));
            r[A_PURPOSE] = purpose("Entry");
            r[A_SCHED] = Cell::Date(entry_done - days(5));
            r[A_DONE] = Cell::Date(entry_done);
            r[A_STATUS] = text(*rng.pick(&["deferred", "provisionally approved"]));
            r[A_SET] = Cell::Date(entry_done + days(30));
            aftermath(&mut r, entry_done, &mut rng);
            rows.push(r);
            entry_done += days(rng.int(90, 150));
        }
        let status = match rng.weighted(&[80, 10, 6, 4]) {
            0 => "approved",
            1 => "approved subject to steps",
            2 => "approved subject to steps and follow-up",
            _ => "",
        };
        let set = entry_done + days(rng.int(20, 60));
        e[A_SCHED] = Cell::Date(entry_done - days(rng.int(3, 10)));
        e[A_DONE] = Cell::Date(entry_done);
        if !status.is_empty() {
            e[A_STATUS] = text(status);
            e[A_SET] = Cell::Date(set);
        }
        aftermath(&mut e, entry_done, &mut rng);
        let mut anchor = if status.is_empty() { entry_done } else { set };
        let mut follow = None;
        if status.ends_with("follow-up") {
            let fdue = set + days(120);
            e[A_FDUE] = Cell::Date(fdue);
            let fdone = fdue - days(rng.int(-10, 60));
            if fdone <= a {
                let mut f = blank();
                f[A_TYPE] = text(type_name('U', s.aliases));
                f[A_PURPOSE] = purpose("Entry");
                f[A_SCHED] = Cell::Date(fdone - days(3));
                f[A_DONE] = Cell::Date(fdone);
                follow = Some(f);
                anchor = fdone;
            }
        }
        rows.push(e);
        rows.extend(follow);

        // ---- The annual chain
        let overdue = rng.chance(0.04);
        let mut chain = vec!['F'];
        let mut prev = anchor;
        loop {
            let due = plus_year(prev);
            if due > end && s.left.is_some() {
                break;
            }
            // The cycle of the category at the determination (the counts the register will
            // hold then: monthly in the window, January's before it).
            let cycle = match &s.model {
                Some(m) => {
                    let mut mm = month_index(due).min(month_index(a));
                    if mm < s.first {
                        mm = mm.div_euclid(12) * 12;
                    }
                    m.cycle(mm, a, due)
                }
                None => s.cycle,
            };
            let required = next_type(cycle, s.other, &chain, due);
            let mut t = required;
            if rng.chance(0.02) {
                t = match t {
                    'F' => 'V',
                    _ => 'S',
                };
            }
            let x = rng.f();
            let offset = if x < 0.90 {
                -rng.int(1, 45)
            } else if x < 0.98 {
                rng.int(1, 30)
            } else {
                rng.int(31, 120)
            };
            let done = due + days(offset);
            if done > a || (overdue && due + days(200) > a) {
                // The next one: booked (mostly on time), pending without a date, or nothing.
                if s.left.is_none() && (done > a || due > a) {
                    let y = rng.f();
                    if y < 0.5 {
                        let mut b = blank();
                        let bt = if rng.chance(0.03) && required != 'S' {
                            'S'
                        } else {
                            required
                        };
                        b[A_TYPE] = text(type_name(bt, s.aliases));
                        b[A_PURPOSE] = purpose("Annual");
                        let when = if rng.chance(0.9) {
                            due - days(rng.int(5, 60))
                        } else {
                            due + days(rng.int(1, 40))
                        };
                        b[A_SCHED] = Cell::Date(when);
                        rows.push(b);
                    } else if y < 0.52 {
                        let mut b = blank();
                        b[A_TYPE] = text(type_name(required, s.aliases));
                        b[A_PURPOSE] = purpose("Annual");
                        rows.push(b);
                    }
                }
                break;
            }
            let mut r = blank();
            r[A_TYPE] = text(type_name(t, s.aliases));
            r[A_PURPOSE] = purpose("Annual");
            if let Some(c) = &s.covered {
                r[A_COVERED] = text(c.clone());
            }
            r[A_DONE] = Cell::Date(done);
            if t == 'S' {
                let y = rng.f();
                if y < 0.93 {
                    r[A_SUB] = past((done + days(rng.int(3, 14))).min(due));
                } else if y < 0.98 {
                    r[A_SUB] = past(due + days(rng.int(1, 30)));
                }
                if rng.chance(0.03) {
                    r[A_COMMENTS] = text(*rng.pick(&COMMENTS));
                }
                rows.push(r);
            } else {
                r[A_SCHED] = Cell::Date(done - days(rng.int(2, 10)));
                aftermath(&mut r, done, &mut rng);
                let fu = rng.chance(0.02).then(|| done + days(120));
                if let Some(fdue) = fu {
                    r[A_FDUE] = Cell::Date(fdue);
                }
                rows.push(r);
                if let Some(fdue) = fu {
                    let fdone = fdue + days(rng.int(-60, 20));
                    if fdone <= a {
                        let mut f = blank();
                        f[A_TYPE] = text(type_name('U', s.aliases));
                        f[A_PURPOSE] = purpose("Annual");
                        f[A_SCHED] = Cell::Date(fdone - days(3));
                        f[A_DONE] = Cell::Date(fdone);
                        rows.push(f);
                    }
                }
            }
            chain.push(t);
            prev = done;
        }
    }

    /// About `--mistakes` of the rows get one register mistake each.
    fn mistakes(&self, i: u64, out: &mut UserRows, party: bool) {
        let p = self.o.mistakes;
        if p <= 0.0 {
            return;
        }
        let mut rng = Rng::new(self.o.seed, i, 4);
        let id = self.id(i);

        // Users
        if rng.chance(p) {
            let row = &mut out.users[0];
            match rng.int(0, 3) {
                0 => {
                    if let Cell::Text(r) = &row[2] {
                        let typo = r
                            .replacen("Supplier", "Suplier", 1)
                            .replacen("Other User", "Othr User", 1)
                            .replacen("Distributor", "Distributer", 1);
                        row[2] = text(typo);
                    }
                }
                1 => {
                    // A duplicate row, e.g. an old entry not deleted.
                    let mut dup = row.clone();
                    dup[1] = text(format!("{} (old entry)", cell_text(&row[1])));
                    out.users.push(dup);
                }
                2 => {
                    for c in [5, 6] {
                        if let Cell::Date(x) = row[c] {
                            row[c] = text(x.format("%d/%m/%Y").to_string());
                        }
                    }
                }
                _ => {
                    if party {
                        row[3] = text(format!("SRP-{}", rng.int(1, 99)));
                    }
                }
            }
        }

        // Premises
        let n = out.premises.len();
        let mut dups = Vec::new();
        for (k, row) in out.premises.iter_mut().enumerate() {
            if !rng.chance(p) {
                continue;
            }
            let x = rng.f();
            if x < 0.30 {
                if let Cell::Num(v) = row[2] {
                    row[2] = text(thousands(v as i64));
                }
            } else if x < 0.45 {
                row[2] = text(thousands(rng.int(10, 999) * 1000).replace('0', "O"));
            } else if x < 0.55 {
                if let Cell::Num(v) = row[2] {
                    row[2] = Cell::Num(-v);
                }
            } else if x < 0.65 {
                if let Cell::Num(v) = row[2] {
                    row[2] = Cell::Num(v + 0.5);
                }
            } else if x < 0.70 {
                row[3] = text(*rng.pick(&["n/a", "tbc", "   "]));
            } else if x < 0.85 {
                if let Cell::Date(m) = row[1] {
                    row[1] = text(m.format("%d/%m/%Y").to_string());
                }
            } else if x < 0.95 {
                row[0] = text(typo_id(&id, &mut rng));
            } else if k + 1 < n {
                let mut dup = row.clone();
                if let Cell::Num(v) = dup[2] {
                    dup[2] = Cell::Num(v + 100.0);
                }
                dups.push((k + 1, dup));
            }
        }
        for (at, dup) in dups.into_iter().rev() {
            out.premises.insert(at, dup);
        }

        // Assessments
        for row in out.assessments.iter_mut() {
            if !rng.chance(p) {
                continue;
            }
            let dated: Vec<usize> = A_DATES
                .iter()
                .copied()
                .filter(|c| matches!(row[*c], Cell::Date(_)))
                .collect();
            let x = rng.f();
            if x < 0.40 && !dated.is_empty() {
                // A valid date typed as text, UK style.
                let c = *rng.pick(&dated);
                if let Cell::Date(v) = row[c] {
                    row[c] = text(match rng.int(0, 2) {
                        0 => v.format("%d/%m/%Y").to_string(),
                        1 => v.format("%-d %B %Y").to_string(),
                        _ => v.format("%d-%b-%Y").to_string(),
                    });
                }
            } else if x < 0.55 && !dated.is_empty() {
                // An impossible date, or a two-digit year.
                let c = *rng.pick(&dated);
                if let Cell::Date(v) = row[c] {
                    row[c] = text(if rng.chance(0.5) {
                        format!("31/02/{}", v.year())
                    } else {
                        v.format("%d/%m/%y").to_string()
                    });
                }
            } else if x < 0.70 {
                row[A_USER] = text(typo_id(&id, &mut rng));
            } else if x < 0.80 {
                let t = cell_text(&row[A_TYPE]).to_string();
                row[A_TYPE] = text(match t.as_str() {
                    "Verification" => "Verificaton",
                    "Full" => "Ful",
                    "Self" => "Slef",
                    other => other,
                });
            } else if x < 0.87 {
                if !matches!(row[A_STATUS], Cell::Blank) {
                    row[A_STATUS] = text("aproved");
                } else {
                    row[A_COMMENTS] = text("Evidence pack received late");
                }
            } else if x < 0.92 {
                if !matches!(row[A_PURPOSE], Cell::Blank) {
                    row[A_PURPOSE] = text("Anual");
                }
            } else {
                row[A_COMMENTS] = text(*rng.pick(&COMMENTS));
            }
        }
    }
}

/// A Party's premise counts: those of the audit month, drifting by `growth` a month.
#[derive(Clone, Copy, Debug)]
struct Model {
    d: f64,
    n: f64,
    growth: f64,
    n_blank: bool,
    supplier: bool,
}

impl Model {
    /// (Domestic, Non-Domestic) in month `m`.
    fn at(&self, m: i32, a: NaiveDate) -> (f64, f64) {
        let f = (1.0 + self.growth).powf(f64::from(m - month_index(a)));
        ((self.d * f).max(0.0), (self.n * f).max(0.0))
    }

    /// The cycle G8.41–G8.46 require with the counts of month `m`, under the rules in force at
    /// `t`.
    fn cycle(&self, m: i32, a: NaiveDate, t: NaiveDate) -> Cycle {
        let (dd, nn) = self.at(m, a);
        let nn = if self.n_blank { 0.0 } else { nn };
        let large = if self.supplier && t >= secmp0059() {
            dd > 250_000.0 || nn > 50_000.0 || 5.0 * nn + dd > 250_000.0
        } else {
            dd > 250_000.0
        };
        match (self.supplier, large) {
            (true, true) => Cycle::AllFull,
            (false, true) => Cycle::Fvv,
            _ => Cycle::Fvs,
        }
    }
}

struct Story {
    join: NaiveDate,
    left: Option<NaiveDate>,
    new_entrant: bool,
    cycle: Cycle,
    other: bool,
    aliases: bool,
    purpose_blank: bool,
    covered: Option<String>,
    model: Option<Model>,
    /// First month of monthly snapshots.
    first: i32,
}

fn cell_text(c: &Cell) -> &str {
    match c {
        Cell::Text(s) => s,
        _ => "",
    }
}

/// `250000` → `250,000`.
fn thousands(v: i64) -> String {
    let s = v.abs().to_string();
    let mut out = String::new();
    for (k, ch) in s.chars().enumerate() {
        if k > 0 && (s.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if v < 0 { format!("-{out}") } else { out }
}

/// A mistyped user id: a letter O for a zero, a digit dropped, or another case.
fn typo_id(id: &str, rng: &mut Rng) -> String {
    match rng.int(0, 9) {
        0..=3 => match id.rfind('0') {
            Some(k) => format!("{}O{}", &id[..k], &id[k + 1..]),
            None => id.replacen('1', "l", 1),
        },
        4..=6 => {
            let k = rng.int(1, id.len() as i64 - 1) as usize;
            format!("{}{}", &id[..k], &id[k + 1..])
        }
        _ => id.to_lowercase(),
    }
}

// ------------------------------------------------------------------------------------------------
// Fitting an xlsx register into Excel's rows
// ------------------------------------------------------------------------------------------------

#[derive(Default, Clone, Copy)]
struct Counts {
    users: u64,
    premises: u64,
    assessments: u64,
}

fn count(g: &Gen<'_>, span: Span) -> Counts {
    let mut c = Counts::default();
    for i in 0..g.o.users {
        let r = g.user(i, span);
        c.users += r.users.len() as u64;
        c.premises += r.premises.len() as u64;
        c.assessments += r.assessments.len() as u64;
    }
    c
}

/// The longest history whose tables fit in Excel's rows: first later `from` (shorter assessment
/// histories), then fewer snapshot months.
fn fit(g: &Gen<'_>) -> Res<Span> {
    let o = g.o;
    let full = Span {
        from: o.from,
        months: o.months,
    };
    let max_data = EXCEL_ROWS - 1;
    let c = count(g, full);
    if c.users + USERS_PREAMBLE as u64 > max_data {
        return Err(format!(
            "{} Users rows do not fit in one Excel sheet: use --format csv",
            c.users
        )
        .into());
    }
    let mut span = full;
    if c.assessments > max_data {
        // Binary search on the number of days of entry dates kept.
        let total = (o.as_of - o.from).num_days();
        let (mut lo, mut hi) = (0i64, total); // days cut from the start
        while lo < hi {
            let mid = (lo + hi) / 2;
            let s = Span {
                from: o.from + days(mid),
                months: o.months,
            };
            if count(g, s).assessments > max_data {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        span.from = o.from + days(lo);
    }
    let c = count(g, span);
    if c.assessments > max_data {
        return Err(
            "the Assessments table does not fit in one Excel sheet: use --format csv".into(),
        );
    }
    if c.premises > max_data {
        let (mut lo, mut hi) = (1u32, o.months);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            let s = Span {
                months: mid,
                ..span
            };
            if count(g, s).premises > max_data {
                hi = mid - 1;
            } else {
                lo = mid;
            }
        }
        span.months = lo;
    }
    if span.from != full.from || span.months != full.months {
        eprintln!(
            "synth: note: an Excel sheet holds {EXCEL_ROWS} rows; to fit, entries start {} \
             (asked {}) and snapshots cover {} months (asked {})",
            span.from, full.from, span.months, full.months
        );
    }
    Ok(span)
}

// ------------------------------------------------------------------------------------------------
// Writers
// ------------------------------------------------------------------------------------------------

trait Sink {
    fn row(&mut self, table: usize, cells: &[Cell]) -> Res<()>;
    fn finish(self: Box<Self>) -> Res<()>;
}

struct CsvSink {
    writers: Vec<csv::Writer<BufWriter<File>>>,
}

impl CsvSink {
    fn new(dir: &Path) -> Res<CsvSink> {
        let mut writers = Vec::new();
        for (name, header) in [
            ("users.csv", &USER_COLS[..]),
            ("premises.csv", &PREMISES_COLS[..]),
            ("assessments.csv", &ASSESSMENT_COLS[..]),
        ] {
            let file = BufWriter::with_capacity(1 << 20, File::create(dir.join(name))?);
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(file);
            w.write_record(header)?;
            writers.push(w);
        }
        Ok(CsvSink { writers })
    }
}

impl Sink for CsvSink {
    fn row(&mut self, table: usize, cells: &[Cell]) -> Res<()> {
        let w = &mut self.writers[table];
        for c in cells {
            match c {
                Cell::Blank => w.write_field("")?,
                Cell::Text(s) => w.write_field(s)?,
                Cell::Num(n) => w.write_field(format_num(*n))?,
                Cell::Date(x) => w.write_field(x.format("%Y-%m-%d").to_string())?,
            }
        }
        w.write_record(None::<&[u8]>)?;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Res<()> {
        for w in self.writers {
            w.into_inner().map_err(|e| e.to_string())?.flush()?;
        }
        Ok(())
    }
}

fn format_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

struct XlsxSink {
    wb: Workbook,
    sheets: Vec<Worksheet>,
    next_row: Vec<u32>,
    date: Format,
    count: Format,
}

/// A new worksheet for the generated tables, streamed: each row goes to a temporary file as the
/// next starts, so memory stays flat whatever the size. Rows are only ever appended, in order, as
/// that mode needs; the three sheets are filled side by side, User after User.
///
/// This is rust_xlsxwriter's "low memory" variant of its constant-memory mode: the same streaming
/// of cells, but text goes to the shared string table, as Excel and LibreOffice save it, rather
/// than inline in each cell — so g8audit reads what a secretariat's workbook holds. Only the
/// distinct strings stay in memory (about 100 bytes a User).
fn new_sheet(wb: &mut Workbook) -> Res<Worksheet> {
    Ok(wb.new_worksheet_with_low_memory()?)
}

impl XlsxSink {
    fn new(o: &Opts) -> Res<XlsxSink> {
        let mut wb = Workbook::new();
        let props = DocProperties::new()
            .set_title("SSC User Register - synthetic")
            .set_author("examples/synth.rs")
            .set_comment(format!(
                "synthetic register: --users {} --seed {}; fictitious data",
                o.users, o.seed
            ))
            .set_creation_datetime(&excel_date(o.as_of)?);
        wb.set_properties(&props);
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7));
        let mut sheets = Vec::new();
        let mut next_row = Vec::new();
        for (name, cols) in [
            ("Users", &USER_COLS[..]),
            ("Premises", &PREMISES_COLS[..]),
            ("Assessments", &ASSESSMENT_COLS[..]),
        ] {
            let mut ws = new_sheet(&mut wb)?;
            ws.set_name(name)?;
            let mut r = 0;
            if name == "Users" {
                let title = Format::new().set_bold().set_font_size(14);
                ws.write_string_with_format(
                    0,
                    0,
                    format!("SSC User Register \u{2014} extract {}", o.as_of),
                    &title,
                )?;
                r = USERS_PREAMBLE as u32;
            }
            for (c, h) in cols.iter().enumerate() {
                ws.set_column_width(
                    c as u16,
                    if *h == "Name" || *h == "Roles" {
                        30
                    } else {
                        14
                    },
                )?;
            }
            for (c, h) in cols.iter().enumerate() {
                ws.write_string_with_format(r, c as u16, *h, &header)?;
            }
            ws.set_freeze_panes(r + 1, 0)?;
            sheets.push(ws);
            next_row.push(r + 1);
        }
        Ok(XlsxSink {
            wb,
            sheets,
            next_row,
            date: Format::new().set_num_format("dd/mm/yyyy"),
            count: Format::new().set_num_format("#,##0"),
        })
    }
}

fn excel_date(x: NaiveDate) -> Res<ExcelDateTime> {
    Ok(ExcelDateTime::from_ymd(
        x.year() as u16,
        x.month() as u8,
        x.day() as u8,
    )?)
}

impl Sink for XlsxSink {
    fn row(&mut self, table: usize, cells: &[Cell]) -> Res<()> {
        let r = self.next_row[table];
        self.next_row[table] += 1;
        let ws = &mut self.sheets[table];
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Blank => {}
                Cell::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                Cell::Num(n) => {
                    ws.write_number_with_format(r, c, *n, &self.count)?;
                }
                Cell::Date(x) => {
                    ws.write_datetime_with_format(r, c, excel_date(*x)?, &self.date)?;
                }
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Res<()> {
        Err("XlsxSink::finish needs the output path: use save".into())
    }
}

impl XlsxSink {
    fn save(mut self, path: &Path) -> Res<()> {
        for ws in self.sheets.drain(..) {
            self.wb.push_worksheet(ws);
        }
        self.wb.save(path)?;
        Ok(())
    }
}

// ------------------------------------------------------------------------------------------------

fn main() -> Res<()> {
    let o = parse_args()?;
    fs::create_dir_all(&o.out)?;
    let width = (o.users.to_string().len()).max(3);
    let g = Gen { o: &o, width };
    let span = match o.format {
        Fmt::Xlsx => fit(&g)?,
        Fmt::Csv => Span {
            from: o.from,
            months: o.months,
        },
    };
    let started = std::time::Instant::now();
    let mut totals = Counts::default();
    let mut emit = |sink: &mut dyn FnMut(usize, &[Cell]) -> Res<()>| -> Res<()> {
        for i in 0..o.users {
            let rows = g.user(i, span);
            for r in &rows.users {
                sink(0, r)?;
            }
            for r in &rows.premises {
                sink(1, r)?;
            }
            for r in &rows.assessments {
                sink(2, r)?;
            }
            totals.users += rows.users.len() as u64;
            totals.premises += rows.premises.len() as u64;
            totals.assessments += rows.assessments.len() as u64;
        }
        Ok(())
    };
    let written: Vec<PathBuf> = match o.format {
        Fmt::Csv => {
            let mut sink = CsvSink::new(&o.out)?;
            emit(&mut |t, r| sink.row(t, r))?;
            Box::new(sink).finish()?;
            ["users.csv", "premises.csv", "assessments.csv"]
                .iter()
                .map(|n| o.out.join(n))
                .collect()
        }
        Fmt::Xlsx => {
            let mut sink = XlsxSink::new(&o)?;
            emit(&mut |t, r| sink.row(t, r))?;
            let path = o.out.join("register.xlsx");
            sink.save(&path)?;
            vec![path]
        }
    };
    let bytes: u64 = written
        .iter()
        .filter_map(|p| fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    eprintln!(
        "synth: {} Users (seed {}): {} Users rows, {} Premises rows ({} months from {}), \
         {} Assessments rows (entries from {}); {:.1} MB in {:.1}s: {}",
        o.users,
        o.seed,
        totals.users,
        totals.premises,
        span.months,
        month_start(month_index(o.as_of) - span.months as i32 + 1),
        totals.assessments,
        span.from,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok(())
}
