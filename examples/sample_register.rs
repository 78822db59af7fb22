//! Writes the sample SSC register used as a fixture for g8audit.
//!
//! ```text
//! cargo run --example sample_register -- fixtures/sample
//! ```
//!
//! writes `register.xlsx` (sheets Users, Premises, Assessments, Notes) and the same data as
//! `csv/users.csv`, `csv/premises.csv`, `csv/assessments.csv`. The output is deterministic: the
//! same bytes on every run. The program does not use the g8audit library on purpose: the sample
//! is an independent description of a register, and `fixtures/sample/README.md` holds the results
//! worked out by hand from SPEC.md for it.
//!
//! Each User's story is one line of [`PARTIES`]: its roles and links, its premise counts as
//! keypoints (linearly interpolated month by month), its Entry Full, its annual chain as a small
//! token language (see [`expand_chain`]) and its bookings. Extra rows ([`EXTRA_ROWS`]) and the
//! deliberate register mistakes ([`PATCHES`], [`PREMISE_PATCHES`], [`USER_PATCHES`]) are applied on
//! top; the program prints the cell of every patched value.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, Months, NaiveDate};
use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The audit date the sample is written for: nothing is completed, submitted, snapshotted or
/// status-set after it (bookings may be later).
const AUDIT: &str = "2026-11-01";

// ------------------------------------------------------------------------------------------------
// The stories
// ------------------------------------------------------------------------------------------------

/// One User of the register.
///
/// * `dom`, `nondom`: premise-count keypoints `YYYY-MM:count …`; one snapshot on the 1st of every
///   month from the first keypoint to the last, linearly interpolated (integer division) between
///   keypoints. Empty: no snapshots (or, for `nondom`, a blank Non Domestic column).
/// * `entry`: the Entry Full, `completed|status|status set on`; `-` for a missing date;
///   `@DATE` for an Entry Full that is only booked; empty for none.
/// * `chain`: the Annual assessments, see [`expand_chain`].
/// * `next`: bookings and pending rows, see [`expand_next`].
/// * `flags`: `purpose-blank` (Purpose column left empty on every row), `aliases` (type names
///   written as FUSA / VUSA / Self-Assessment), `covered=…` (Roles Covered on every row).
struct Party {
    id: &'static str,
    name: &'static str,
    roles: &'static str,
    srp: &'static str,
    group: &'static str,
    left: &'static str,
    sms: &'static str,
    manager: &'static str,
    dom: &'static str,
    nondom: &'static str,
    entry: &'static str,
    chain: &'static str,
    next: &'static str,
    flags: &'static str,
}

#[rustfmt::skip]
const PARTIES: &[Party] = &[
    // ---- Supplier Parties -------------------------------------------------------------------
    Party { id: "U001", name: "Northwind Energy Ltd", roles: "Import Supplier; Gas Supplier", srp: "", group: "", left: "", sms: "", manager: "A. Patel",
        dom: "2017-01:1050000 2026-11:1420000", nondom: "2017-01:28000 2026-11:41000",
        entry: "2017-03-17|approved|2017-04-27", chain: "F-6 F-4 F-9 F-2 F-7 F-1 F-10 F-5 F-3", next: "", flags: "purpose-blank" },
    Party { id: "U002", name: "Fenland Business Power", roles: "IS", srp: "", group: "", left: "", sms: "", manager: "J. Morgan",
        dom: "2017-01:20000 2026-11:32000", nondom: "2017-01:52000 2026-11:64000",
        entry: "2017-11-20|approved|2017-12-18", chain: "V-5 F-2 F-4 F-3 F-6 F-1 F-8 F-2", next: "F@-5", flags: "" },
    Party { id: "U003", name: "Harbour Gas & Power", roles: "GS", srp: "", group: "", left: "", sms: "", manager: "J. Morgan",
        dom: "2017-01:36000 2026-11:40000", nondom: "2017-01:44000 2026-11:46000",
        entry: "2018-01-15|approved|2018-02-20", chain: "V-2 F-3 F-5 F-2 F-4 F-1 F-6 F-3", next: "", flags: "" },
    Party { id: "U004", name: "Meridian Home Energy", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "S. Okafor",
        dom: "2017-01:150000 2025-11:250000 2026-11:250000", nondom: "",
        entry: "2017-06-12|approved|2017-07-24", chain: "V-4 S-12 F-2 V-5 S-9 F-3 V-1 S-14 F-6", next: "", flags: "" },
    Party { id: "U005", name: "Commerce Supply Co", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "S. Okafor",
        dom: "2017-01:0 2026-11:0", nondom: "2017-01:20000 2026-05:50000 2026-11:50000",
        entry: "2018-04-09|approved|2018-05-21", chain: "V-3 S-10 F-4 V-2 S-8 F-5 V-3 S-11", next: "", flags: "" },
    Party { id: "U006", name: "Ledger Power", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "A. Patel",
        dom: "2017-01:0 2026-11:0", nondom: "2017-01:30000 2026-10:50000 2026-11:50001",
        entry: "2018-10-29|approved|2018-12-10", chain: "V-2 S-8 F-1 V-3 S-10 F-2 V-0", next: "S@-2", flags: "" },
    Party { id: "U007", name: "Stonebridge Gas", roles: "Gas Supplier", srp: "", group: "", left: "", sms: "", manager: "R. Evans",
        dom: "2017-01:80000 2026-05:100000 2026-11:100000", nondom: "2017-01:20000 2026-05:30000 2026-11:30000",
        entry: "2017-11-06|approved|2017-12-20", chain: "V-3 S-7 F-2 V-4 S-9 F-1 V-2 S-6", next: "F@+40", flags: "" },
    Party { id: "U008", name: "Kestrel Energy", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "R. Evans",
        dom: "2017-01:200000 2026-11:241500", nondom: "2017-01:800 2026-11:1200",
        entry: "2017-05-15|approved|2017-06-26", chain: "V-2 S-9 F-4 V-1 S-12 F-3 V-2 S-8", next: "", flags: "" },
    Party { id: "U009", name: "Quayside Energy", roles: "IS/GS", srp: "", group: "", left: "", sms: "", manager: "L. Chen",
        dom: "2017-01:4000 2026-11:5000", nondom: "2017-01:40000 2026-11:48000",
        entry: "2018-03-05|approved|2018-04-16", chain: "V-1 S-9 F-3 V-2 S-7 F-4 V-1 S-10", next: "", flags: "aliases" },
    Party { id: "U010", name: "Brightside Gas", roles: "Gas Supplier", srp: "", group: "", left: "", sms: "", manager: "L. Chen",
        dom: "2017-01:60000 2026-11:85000", nondom: "2017-01:2000 2026-11:3000",
        entry: "2017-11-06|approved|2017-12-18", chain: "V-2 S-8 F-3 V-1 S-9 F-2 V-3 S-7", next: "F@-10", flags: "" },
    Party { id: "U011", name: "Orchard Energy", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "A. Patel",
        dom: "2017-01:110000 2026-11:150000", nondom: "2017-01:3000 2026-11:4000",
        entry: "2017-04-03|approved|2017-05-08", chain: "V-3 S-8o F-2 V-4 S-10s+18 F-1 V-2 S-9 F-3", next: "", flags: "" },
    Party { id: "U012", name: "Valley Power", roles: "IS; GS", srp: "", group: "", left: "", sms: "", manager: "J. Morgan",
        dom: "2017-01:90000 2026-11:120000", nondom: "2017-01:5000 2026-11:7000",
        entry: "2017-01-09|approved|2017-02-20", chain: "V-2 S-8 F-1 V-3 S-10 F-2 V-4 S-7 F-3", next: "", flags: "" },
    Party { id: "U013", name: "Beacon Energy", roles: "Import Supplier, Gas Suplier", srp: "", group: "", left: "", sms: "", manager: "S. Okafor",
        dom: "2017-01:300000 2026-11:390000", nondom: "2017-01:9000 2026-11:14000",
        entry: "2017-12-04|approved|2018-01-15", chain: "F-3 F-2 F-5 F-1 F-4 F-2 F-3 F-1", next: "F@-14", flags: "" },
    Party { id: "U014", name: "Civic Power & Services", roles: "Import Supplier + Other User", srp: "", group: "", left: "", sms: "", manager: "R. Evans",
        dom: "2017-01:30000 2026-11:45000", nondom: "2017-01:1000 2026-11:1500",
        entry: "2018-07-02|approved|2018-08-13", chain: "V-3 S-8 F-2 V-5 S-9 F-1 V-2 S-10", next: "", flags: "covered=IS" },
    Party { id: "U015", name: "Riverside Gas", roles: "Gas Supplier", srp: "", group: "", left: "2025-06-30", sms: "", manager: "L. Chen",
        dom: "2017-01:70000 2025-06:78000", nondom: "2017-01:1500 2025-06:1500",
        entry: "2017-02-06|approved|2017-03-20", chain: "V-2 S-9 F-3 V-1 S-8 F-4 V-2", next: "", flags: "" },
    Party { id: "U016", name: "Lantern Energy", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "J. Morgan",
        dom: "2017-01:40000 2026-06:52000", nondom: "",
        entry: "2018-02-12|approved|2018-03-26", chain: "V-2 S-8 F-3 V-4 S-11 F-2 V-1 S-9", next: "", flags: "" },
    Party { id: "U017", name: "Apex Utilities", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "A. Patel",
        dom: "2017-01:150000 2026-11:180000", nondom: "2017-01:6000 2026-11:7000",
        entry: "2018-04-20|approved subject to steps and follow-up|2018-06-01", chain: "@2018-12-14 V-3 S-9 F-2 V-4 S-8 F-1 V-3", next: "", flags: "" },
    Party { id: "U018", name: "Solstice Power", roles: "Import Supplier; Gas Supplier", srp: "", group: "", left: "", sms: "", manager: "S. Okafor",
        dom: "2017-01:195000 2026-11:230000", nondom: "2017-01:14000 2026-11:18000",
        entry: "2018-02-20|approved|2018-03-06", chain: "V-2b7 F-3 F-1 F-4 F-2 F-5 F-2 F-3", next: "", flags: "" },
    Party { id: "U019", name: "Pioneer Power", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "R. Evans",
        dom: "", nondom: "",
        entry: "2018-06-11|approved|2018-07-23", chain: "V-2 S-7 F-3 V-1 S-9 F-4 V-2 S-8", next: "", flags: "" },
    Party { id: "U020", name: "Granite Energy", roles: "Gas Supplier", srp: "", group: "", left: "", sms: "", manager: "L. Chen",
        dom: "2017-01:520000 2026-11:610000", nondom: "2017-01:0 2026-11:0",
        entry: "2017-08-07|approved|2017-09-18", chain: "F-3 F-2 F-5 F+40 V-4 F-2 F-6 F-1 F-3", next: "", flags: "" },
    Party { id: "U021", name: "Tidewater Supply", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "J. Morgan",
        dom: "2017-01:25000 2026-11:40000", nondom: "2017-01:500 2026-11:800",
        entry: "2017-03-27|approved|2017-05-02", chain: "V-4 S-8 F-2 V-3 S-6o F-1 V-2 S-10sx F-4", next: "", flags: "" },
    Party { id: "U022", name: "Leapday Energy", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "A. Patel",
        dom: "2017-01:50000 2026-11:70000", nondom: "2017-01:1000 2026-11:1000",
        entry: "2017-01-30|approved|2017-03-10", chain: "V-1 S-3s+0 F-1 V-1 S-1s+0 F-1 V=2024-02-29 S=2025-02-21s=2025-03-01 F-0", next: "", flags: "" },
    Party { id: "U023", name: "Copperfield Energy", roles: "Import Supplier", srp: "", group: "GRP-A", left: "", sms: "2026-10-05", manager: "S. Okafor",
        dom: "2017-01:380000 2026-11:420000", nondom: "2017-01:9000 2026-11:10000",
        entry: "2017-05-22|approved|2017-06-30", chain: "F-2 F-4 F-1 F-3 F-5 F-2 F-1 F-4 F-3", next: "", flags: "" },
    Party { id: "U024", name: "Wrenfield Supply", roles: "Gas Supplier", srp: "", group: "grp-a ", left: "", sms: "2026-10-05", manager: "S. Okafor",
        dom: "2017-01:55000 2026-11:62000", nondom: "2017-01:1200 2026-11:1500",
        entry: "2018-01-08|approved|2018-02-19", chain: "F-3 F-2 F-4 F-3 F-2 F-5 F-3 F-3", next: "", flags: "" },
    Party { id: "U025", name: "Marsh Lane Energy", roles: "Import Supplier", srp: "", group: "GRP-B", left: "", sms: "2026-07-20", manager: "R. Evans",
        dom: "2017-01:45000 2026-11:52000", nondom: "2017-01:11500 2026-11:13000",
        entry: "2018-09-03|approved|2018-10-15", chain: "V-2 S-9 F-3 V-2 S-8 F-1 V-4 S-10", next: "", flags: "" },
    Party { id: "U026", name: "Thistle Gas", roles: "Gas Supplier", srp: "", group: "GRP-B", left: "", sms: "", manager: "R. Evans",
        dom: "2017-01:38000 2026-11:42000", nondom: "2017-01:4000 2026-11:5000",
        entry: "2019-01-14|approved|2019-02-25", chain: "V-3 S-8 F-2 V-1 S-9 F-3 V-2", next: "", flags: "" },
    Party { id: "U027", name: "Halcyon Energy", roles: "Import Supplier", srp: "SRP01", group: "", left: "", sms: "2026-09-14", manager: "L. Chen",
        dom: "2017-01:190000 2026-11:205000", nondom: "2017-01:2000 2026-11:2500",
        entry: "2017-07-10|approved|2017-08-21", chain: "V-3 S-9 F-2 V-4 S-8 F-1 V-2 S-11 F-3", next: "", flags: "" },
    Party { id: "U028", name: "Bluebell Supply", roles: "Import Supplier; Gas Supplier", srp: "SRP01", group: "", left: "", sms: "2026-03-31", manager: "L. Chen",
        dom: "2017-01:140000 2026-11:152000", nondom: "2017-01:3000 2026-11:3500",
        entry: "2018-03-19|approved|2018-04-30", chain: "V-2 S-10 F-3 V-1 S-9 F-2 V-4 S-8", next: "", flags: "" },
    Party { id: "U029", name: "Kingfisher Energy", roles: "Gas Supplier", srp: "SRP02", group: "", left: "", sms: "2026-08-03", manager: "J. Morgan",
        dom: "2017-01:70000 2026-11:95000", nondom: "2017-01:1000 2026-11:1200",
        entry: "2018-05-14|approved|2018-06-25", chain: "V-1 S-8 F-2 V-3 S-9 F-4 V-2 S-7", next: "", flags: "" },
    Party { id: "U030", name: "Oakridge Power", roles: "Import Supplier", srp: "SRP09", group: "", left: "", sms: "2026-06-30", manager: "J. Morgan",
        dom: "2019-01:20000 2026-11:33000", nondom: "2019-01:300 2026-11:600",
        entry: "2019-04-01|approved|2019-05-13", chain: "V-2 S-9 F-3 V-1 S-8 F-2 V-3", next: "", flags: "" },
    Party { id: "U031", name: "Summit Supply", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "A. Patel",
        dom: "2017-01:280000 2026-11:330000", nondom: "2017-01:7000 2026-11:9000",
        entry: "2017-10-30|approved|2017-12-11", chain: "F-4 F-2 F-3 F-1 F-5 F-2 F-3 F-1", next: "F@-5", flags: "" },
    // ---- Network Parties --------------------------------------------------------------------
    Party { id: "U032", name: "Northern Grid Distribution", roles: "Electricity Distributor", srp: "", group: "", left: "", sms: "", manager: "M. Byrne",
        dom: "2017-01:1950000 2026-11:2150000", nondom: "",
        entry: "2017-04-24|approved|2017-06-05", chain: "V-3 V-2 F-4 V-1 V-3 F-2 V-5 V-2 F-3", next: "", flags: "purpose-blank" },
    Party { id: "U033", name: "Eastern Gas Networks", roles: "Gas Transporter", srp: "", group: "", left: "", sms: "", manager: "M. Byrne",
        dom: "2017-01:1300000 2026-11:1450000", nondom: "",
        entry: "2017-11-13|approved|2017-12-27", chain: "V-2 V-4 F-1 V-3 V-2 F-5 V-1 V-3", next: "V@-5", flags: "aliases" },
    Party { id: "U034", name: "Westcountry Distribution", roles: "ED", srp: "", group: "", left: "", sms: "", manager: "M. Byrne",
        dom: "2017-01:160000 2026-11:180412", nondom: "",
        entry: "2017-09-25|approved|2017-10-16", chain: "V-1 S-9 F-2 V-1 S-8 F-1 V-2 S-7", next: "", flags: "" },
    Party { id: "U035", name: "Fenwick Gas Transport", roles: "GT", srp: "", group: "", left: "", sms: "", manager: "M. Byrne",
        dom: "2017-01:300000 2025-12:258000 2026-03:246000 2026-11:245000", nondom: "",
        entry: "2017-11-20|approved|2017-12-29", chain: "V-2 V-3 F-1 V-4 V-2 F-3 V-1 V-2", next: "F@-10", flags: "" },
    Party { id: "U036", name: "Border Networks", roles: "Electricity Distributor", srp: "", group: "", left: "", sms: "", manager: "T. Walsh",
        dom: "2017-01:200000 2026-02:250000 2026-11:250000", nondom: "",
        entry: "2018-08-06|approved|2018-09-17", chain: "V-3 S-8 F-2 V-4 S-9 F-1 V-2 S-10", next: "", flags: "" },
    Party { id: "U037", name: "Lakeside Distribution", roles: "Electricity Distributor", srp: "", group: "NET-GRP", left: "", sms: "2026-09-01", manager: "T. Walsh",
        dom: "2017-01:140000 2026-11:150000", nondom: "",
        entry: "2017-03-06|approved|2017-04-13", chain: "V-2 V-3 F-1 V-2 V+3 F-2 V-3 V-1 F-2", next: "", flags: "" },
    Party { id: "U038", name: "Moorland Gas Pipes", roles: "Gas Transporter", srp: "", group: "net-grp", left: "", sms: "2026-09-01", manager: "T. Walsh",
        dom: "2017-01:125000 2026-11:130000", nondom: "",
        entry: "2018-06-04|approved|2018-07-16", chain: "V-3 V-1 F-2 V-4 V-2 F-3 V-1", next: "", flags: "" },
    Party { id: "U039", name: "Central Wires", roles: "Electricity Distributor", srp: "SRP01", group: "", left: "", sms: "2026-10-12", manager: "T. Walsh",
        dom: "2017-01:118000 2026-11:124000", nondom: "",
        entry: "2017-11-27|approved|2018-01-08", chain: "V-1 V-2 F-3 V-1 V-2 F-2 V-1 V-2", next: "", flags: "" },
    Party { id: "U040", name: "Highland Gas Grid", roles: "Gas Transporter", srp: "SRP01", group: "", left: "", sms: "2026-05-15", manager: "T. Walsh",
        dom: "2017-01:135000 2026-11:142000", nondom: "",
        entry: "2018-02-26|approved|2018-04-09", chain: "V-2 V-3 F-1 V-2 V-4 F-2 V-1 V-3", next: "", flags: "" },
    Party { id: "U041", name: "Estuary Gas", roles: "Gas Transporter", srp: "SRP02", group: "", left: "", sms: "2026-08-20", manager: "M. Byrne",
        dom: "2017-01:80000 2026-11:90000", nondom: "",
        entry: "2018-02-05|approved|2018-03-19", chain: "V-2 S-9 F-1 V-3 S-8 F-2 V-1 S-9", next: "", flags: "" },
    Party { id: "U042", name: "Peninsula Networks", roles: "Electricity Distributor", srp: "", group: "", left: "", sms: "", manager: "M. Byrne",
        dom: "2017-01:95000 2026-11:110000", nondom: "",
        entry: "2018-01-22|approved|2018-03-05", chain: "V-1 S-10 F-2 V-3 S-8 F-1 V-2 S-9", next: "", flags: "" },
    // ---- Other Users ------------------------------------------------------------------------
    Party { id: "U043", name: "DataBridge Services", roles: "Other User", srp: "", group: "", left: "", sms: "", manager: "K. Singh",
        dom: "", nondom: "",
        entry: "2018-03-12|approved with conditions|2018-04-23", chain: "V=2019-04-02 S-9 F-2 V-3 S-8 F-1 V-2 S-10", next: "", flags: "" },
    Party { id: "U044", name: "Metering Insights", roles: "Registration Data Provider", srp: "", group: "", left: "", sms: "", manager: "K. Singh",
        dom: "", nondom: "",
        entry: "2017-10-30|approved|2017-12-11", chain: "S-9 F-2 V-3 S-8 F-1 V-2 S-9 F-3", next: "V@+0", flags: "" },
    Party { id: "U045", name: "Legacy Analytics", roles: "OU", srp: "", group: "", left: "", sms: "", manager: "K. Singh",
        dom: "", nondom: "",
        entry: "2016-01-15|approved|2016-02-25", chain: "S-12 S-10 F-6 V-2 S-9 F-1 V-3 S-8 F-2 V-4", next: "", flags: "aliases" },
    Party { id: "U046", name: "Smart Home Hub", roles: "Other User", srp: "SRP03", group: "", left: "", sms: "2026-07-01", manager: "K. Singh",
        dom: "", nondom: "",
        entry: "2018-11-05|approved|2018-12-17", chain: "V-3 S-8 F-2 V-1 S-9 F-3 V-2", next: "S@-5", flags: "" },
    Party { id: "U047", name: "Gridwatch Analytics", roles: "Other User", srp: "", group: "", left: "", sms: "", manager: "K. Singh",
        dom: "", nondom: "",
        entry: "2019-06-10|approved|2019-07-22", chain: "V-2 S-9 F-1 V-3 S-8 F-2", next: "V@2026-12-08 V@", flags: "" },
    Party { id: "U048", name: "Ampere Data", roles: "Other User", srp: "", group: "", left: "", sms: "", manager: "K. Singh",
        dom: "", nondom: "",
        entry: "2018-02-12|deferred|2018-03-20", chain: "@2018-10-25 V-2 S-8 F-3 V-1 S-9 F-2 V-4", next: "", flags: "" },
    Party { id: "U049", name: "Clearview Registration", roles: "RDP", srp: "", group: "", left: "", sms: "", manager: "K. Singh",
        dom: "", nondom: "",
        entry: "-|approved|-", chain: "", next: "", flags: "" },
    Party { id: "U050", name: "Horizon Data", roles: "Other User", srp: "", group: "", left: "", sms: "", manager: "K. Singh",
        dom: "", nondom: "",
        entry: "2019-08-01|provisionally approved|2019-09-05", chain: "", next: "", flags: "" },
    // ---- Entry cases (new and would-be Users) -----------------------------------------------
    Party { id: "U051", name: "Nova Energy", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "A. Patel",
        dom: "2026-01:12000 2026-11:18000", nondom: "2026-01:100 2026-11:250",
        entry: "2026-06-19|deferred|2026-07-16", chain: "", next: "", flags: "" },
    Party { id: "U052", name: "Zenith Gas", roles: "Gas Supplier", srp: "", group: "", left: "", sms: "", manager: "J. Morgan",
        dom: "2025-10:8000 2026-11:9500", nondom: "2025-10:0 2026-11:0",
        entry: "2026-03-20|rejected|2026-05-14", chain: "", next: "", flags: "" },
    Party { id: "U053", name: "Fresh Start Energy", roles: "Import Supplier", srp: "", group: "", left: "", sms: "", manager: "R. Evans",
        dom: "2025-04:2000 2026-11:6000", nondom: "2025-04:0 2026-11:40",
        entry: "", chain: "", next: "", flags: "" },
    Party { id: "U054", name: "Dawn Energy", roles: "Gas Supplier", srp: "", group: "", left: "", sms: "", manager: "R. Evans",
        dom: "2026-07:1500 2026-11:4000", nondom: "",
        entry: "@2026-11-16", chain: "", next: "", flags: "" },
    // ---- Not subject to G8 (G1.7) -----------------------------------------------------------
    Party { id: "U055", name: "Solar Export Co", roles: "Export Supplier", srp: "", group: "", left: "", sms: "", manager: "T. Walsh",
        dom: "", nondom: "", entry: "", chain: "", next: "", flags: "" },
    Party { id: "U056", name: "Agent Metering Services", roles: "Registered Supplier Agent", srp: "", group: "", left: "", sms: "", manager: "T. Walsh",
        dom: "", nondom: "", entry: "", chain: "", next: "", flags: "" },
    Party { id: "U057", name: "Export & Agency Ltd", roles: "ES; RSA", srp: "", group: "", left: "", sms: "", manager: "T. Walsh",
        dom: "", nondom: "", entry: "", chain: "", next: "", flags: "" },
    // ---- Shared Resource Providers ----------------------------------------------------------
    Party { id: "SRP01", name: "Shared Platform Services", roles: "Shared Resource Provider", srp: "", group: "", left: "", sms: "", manager: "M. Byrne",
        dom: "", nondom: "",
        entry: "2017-02-13|approved|2017-03-27", chain: "F-2 F-4 F-1 F-3 F-2 F-5 F-1 F-3 F-2", next: "", flags: "" },
    Party { id: "SRP02", name: "Utility Cloud Ltd", roles: "SRP", srp: "", group: "", left: "", sms: "", manager: "M. Byrne",
        dom: "", nondom: "",
        entry: "2017-11-08|approved|2017-12-20", chain: "V-2 S-9 F-3 V-1 S-8 F-2 V-3 S-7", next: "F@-7", flags: "" },
    Party { id: "SRP03", name: "HomeLink Hosting", roles: "Shared Resource Provider", srp: "", group: "", left: "", sms: "", manager: "K. Singh",
        dom: "", nondom: "",
        entry: "2017-11-06|approved|2017-12-14", chain: "S-11 F-2 V-3 S-8 F-1 V-2 S-9 F-3", next: "", flags: "" },
    Party { id: "SRP04", name: "Idle Hosting Ltd", roles: "Shared Resource Provider", srp: "", group: "", left: "", sms: "", manager: "K. Singh",
        dom: "", nondom: "",
        entry: "2020-06-15|approved|2020-07-27", chain: "V-2 S-9 F-3 V-1 S-8", next: "", flags: "" },
];

/// Rows that are not part of a plain chain: entry Follow-ups, second Entry Fulls, Annual
/// Follow-ups. `key=value; …` with the keys of [`col`]. Labelled `x1`, `x2`, … per User.
#[rustfmt::skip]
const EXTRA_ROWS: &[(&str, &str)] = &[
    ("U017", "type=Follow-up; purpose=Entry; sched=2018-12-10; done=2018-12-14; rdue=2019-01-11; rsub=2019-01-07; comments=Entry follow-up required by the Panel (G8.36(b)(ii))"),
    ("U048", "type=Full; purpose=Entry; sched=2018-09-10; done=2018-09-14; status=approved; set=2018-10-25; rdue=2018-10-12; rsub=2018-10-05; comments=Second Full after the 2018-03 decision"),
    ("U042", "type=Follow-up; purpose=Annual; sched=2024-07-22; done=2024-07-25; comments=Follow-up of the 2024 Full"),
    ("U052", "type=Full; purpose=Entry; sched=2026-11-20; comments=Second Full User Security Assessment (G8.36(d))"),
];

/// Changes to generated Assessments rows: (User, row label, `key=value; …`). Row labels: `e`
/// Entry Full, `a1`… Annual chain rows in order, `b1`… bookings, `x1`… extra rows.
/// Values: an ISO date is a date cell; `t:TEXT` a text cell; `uk:` / `ukl:` / `yy:` the row's
/// current date for that column written as text `14/01/2026` / `1 March 2024` / `14/01/26`
/// (the CSV gets ISO for `uk:` and `ukl:`, which are valid dates); `-` a blank cell.
#[rustfmt::skip]
const PATCHES: &[(&str, &str, &str)] = &[
    // Deliberate register mistakes.
    ("U012", "a9", "user=t:U0l2; comments=Typed by hand"),
    ("U009", "a3", "sched=t:31/02/2021"),
    ("U010", "a3", "rdue=yy:"),
    ("U044", "b1", "type=t:Verificaton"),
    ("U043", "e", "comments=Panel minute says approved with conditions"),
    ("U032", "a9", "done=uk:"),
    ("U027", "a7", "done=ukl:"),
    ("U013", "a8", "sched=uk:"),
    // Responses, remedial steps and follow-ups (G8.24, G8.28, G8.29, G8.36(b)(ii)).
    ("U017", "e", "rdue=2018-05-18; rsub=2018-05-16; mdue=2018-09-30; mdone=2018-09-21; fdue=2018-12-31"),
    ("U031", "a4", "rdue=2022-01-07; rsub=2022-01-21; comments=Response sent two weeks late"),
    ("U031", "a5", "mdue=2023-06-30; mdone=2023-08-04; comments=Remedial plan finished late"),
    ("U031", "a8", "rsub=-; comments=Response chased by the SSC"),
    ("U041", "a7", "fdue=2025-09-30; comments=Follow-up Security Assessment required by 30/09/2025"),
    ("U042", "a6", "fdue=2024-07-05"),
    ("U042", "a7", "mdue=2026-08-31; comments=Remedial timetable agreed with the SSC"),
    ("U020", "a4", "comments=Fieldwork delayed by the provider"),
    ("U020", "a5", "comments=Booked as a Verification in error"),
    ("U037", "a5", "comments=Completed three days after the due date"),
    ("U006", "b1", "comments=Booked per the small-supplier cycle"),
    ("U035", "b1", "comments=Kept the Full although the count has dropped"),
    ("U047", "b2", "comments=Placeholder, date to be agreed"),
    ("U051", "e", "mdue=2026-12-31; comments=Deferred pending remedial steps and a Follow-up"),
    ("U052", "e", "comments=Rejected: second Full required"),
    ("U054", "e", "comments=Entry Full booked"),
    ("U049", "e", "comments=Migrated from the old register without dates"),
    ("U050", "e", "comments=Provisionally approved (old name)"),
    ("U048", "e", "comments=Old-name status: deferred"),
];

/// Changes to Premises snapshots: (User, snapshot month `YYYY-MM`, column `d`/`n`, value).
/// Column `dup`: a second snapshot for the same User and date with that Domestic count, written
/// right after the first. Values as in [`PATCHES`], or a number.
#[rustfmt::skip]
const PREMISE_PATCHES: &[(&str, &str, &str, &str)] = &[
    ("U025", "2021-03", "n", "t:12,5OO"),
    ("U034", "2020-08", "d", "-171204"),
    ("U034", "2026-11", "d", "t:180,412"),
    ("U033", "2024-05", "dup", "1361500"),
    ("U001", "2022-06", "n", "t:   "),
];

/// Changes to Users rows: (User, column, value); and Users rows appended at the end.
#[rustfmt::skip]
const USER_PATCHES: &[(&str, &str, &str)] = &[
    ("U001", "left", "t:   "),
];

#[rustfmt::skip]
const DUPLICATE_USERS: &[[&str; 8]] = &[
    ["U010", "Brightside Gas Ltd (old entry)", "Gas Supplier; Import Supplier", "", "", "", "", "L. Chen"],
];

const NOTES: &[&str] = &[
    "SSC User Register - sample extract for g8audit (fictitious data)",
    "",
    "Audit date of this extract: 01/11/2026.",
    "Users: one row per SEC User; Premises: monthly DCC snapshots; Assessments: every User Security Assessment, past or booked.",
    "This sheet is not read by g8audit.",
    "",
    "Secretariat notes:",
    "- Counts are taken from the DCC monthly report on the 1st of each month.",
    "- Status names before 27/02/2020: 'provisionally approved' then meant deferred, 'deferred' meant rejected.",
    "- Shared Resources groups are agreed with the SSC (G8.43, G8.46).",
];

// ------------------------------------------------------------------------------------------------
// Cells and tables
// ------------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Blank,
    Text(String),
    Num(i64),
    Date(NaiveDate),
    /// A valid date written as text in the workbook (UK style); ISO in the CSV.
    DateText(NaiveDate, String),
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Blank => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Num(n) => n.to_string(),
            Cell::Date(d) | Cell::DateText(d, _) => d.format("%Y-%m-%d").to_string(),
        }
    }
    fn date(&self) -> Option<NaiveDate> {
        match self {
            Cell::Date(d) | Cell::DateText(d, _) => Some(*d),
            _ => None,
        }
    }
}

/// Where a patched value landed: sheet, 0-based data row, 0-based column, and what it is.
struct Placed {
    sheet: &'static str,
    row: usize,
    col: usize,
    what: String,
}

struct Table {
    sheet: &'static str,
    csv: &'static str,
    header: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
    /// Lines written above the header in the workbook (the header then sits below them).
    preamble: Vec<&'static str>,
}

const ASSESSMENT_COLUMNS: [&str; 15] = [
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

/// Column index of a patch key on Assessments.
fn col(key: &str) -> usize {
    match key {
        "user" => 0,
        "type" => 1,
        "purpose" => 2,
        "roles" => 3,
        "sched" => 4,
        "done" => 5,
        "sub" => 6,
        "status" => 7,
        "set" => 8,
        "rdue" => 9,
        "rsub" => 10,
        "mdue" => 11,
        "mdone" => 12,
        "fdue" => 13,
        "comments" => 14,
        _ => panic!("unknown column key {key}"),
    }
}

// ------------------------------------------------------------------------------------------------
// Dates
// ------------------------------------------------------------------------------------------------

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| panic!("bad date {s}"))
}

/// 12 months after: same day next year, 29 February going to 28 February.
fn plus_year(x: NaiveDate) -> NaiveDate {
    x.checked_add_months(Months::new(12)).unwrap()
}

fn audit() -> NaiveDate {
    d(AUDIT)
}

/// A cell for a plain date, or a blank when it would lie after the audit date (things that
/// happen after it are not in the register yet).
fn past(x: NaiveDate) -> Cell {
    if x <= audit() {
        Cell::Date(x)
    } else {
        Cell::Blank
    }
}

/// The patch value language of [`PATCHES`].
fn value(v: &str, current: &Cell) -> Cell {
    let v = v.trim_start();
    if v == "-" {
        Cell::Blank
    } else if let Some(t) = v.strip_prefix("t:") {
        Cell::Text(t.to_string())
    } else if v == "uk:" || v == "ukl:" || v == "yy:" {
        let x = current
            .date()
            .expect("uk:/ukl:/yy: on a cell without a date");
        match v {
            "uk:" => Cell::DateText(x, x.format("%d/%m/%Y").to_string()),
            "ukl:" => Cell::DateText(x, x.format("%-d %B %Y").to_string()),
            _ => Cell::Text(x.format("%d/%m/%y").to_string()),
        }
    } else if v.len() == 10 && v.as_bytes()[4] == b'-' {
        Cell::Date(d(v))
    } else if let Ok(n) = v.parse::<i64>() {
        Cell::Num(n)
    } else {
        Cell::Text(v.to_string())
    }
}

// ------------------------------------------------------------------------------------------------
// Premises
// ------------------------------------------------------------------------------------------------

fn month_index(ym: &str) -> i32 {
    let (y, m) = ym.split_once('-').unwrap();
    y.parse::<i32>().unwrap() * 12 + m.parse::<i32>().unwrap() - 1
}

fn month_date(idx: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32, 1).unwrap()
}

/// `YYYY-MM:count …` → (first month, last month, count at a month).
fn keypoints(spec: &str) -> Vec<(i32, i64)> {
    spec.split_whitespace()
        .map(|kp| {
            let (ym, n) = kp.split_once(':').unwrap();
            (month_index(ym), n.parse().unwrap())
        })
        .collect()
}

fn interpolate(kps: &[(i32, i64)], m: i32) -> i64 {
    for w in kps.windows(2) {
        let ((m0, v0), (m1, v1)) = (w[0], w[1]);
        if m >= m0 && m <= m1 {
            return v0 + (v1 - v0) * (m - m0) as i64 / (m1 - m0) as i64;
        }
    }
    kps[0].1
}

fn premises_rows(p: &Party, out: &mut Vec<Vec<Cell>>, placed: &mut Vec<Placed>) {
    if p.dom.is_empty() {
        return;
    }
    let dk = keypoints(p.dom);
    let nk = keypoints(p.nondom);
    let (first, last) = (dk[0].0, dk[dk.len() - 1].0);
    for m in first..=last {
        let ym = month_date(m).format("%Y-%m").to_string();
        let mut row = vec![
            Cell::Text(p.id.to_string()),
            Cell::Date(month_date(m)),
            Cell::Num(interpolate(&dk, m)),
            if nk.is_empty() {
                Cell::Blank
            } else {
                Cell::Num(interpolate(&nk, m))
            },
        ];
        let mut dup = None;
        for (u, month, which, v) in PREMISE_PATCHES {
            if *u == p.id && *month == ym {
                let c = match *which {
                    "d" => 2,
                    "n" => 3,
                    "dup" => {
                        dup = Some(v.parse::<i64>().unwrap());
                        continue;
                    }
                    _ => panic!("bad premises patch column"),
                };
                row[c] = value(v, &row[c]);
                placed.push(Placed {
                    sheet: "Premises",
                    row: out.len(),
                    col: c,
                    what: format!("{u} {month}-01: {:?}", row[c]),
                });
            }
        }
        let copy = row.clone();
        out.push(row);
        if let Some(n) = dup {
            let mut r2 = copy;
            r2[2] = Cell::Num(n);
            placed.push(Placed {
                sheet: "Premises",
                row: out.len(),
                col: 2,
                what: format!("{} {ym}-01: duplicate snapshot, Domestic {n}", p.id),
            });
            out.push(r2);
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Assessments
// ------------------------------------------------------------------------------------------------

/// One generated Assessments row with its label and a sort key within the User.
struct ARow {
    label: String,
    order: (u8, NaiveDate),
    cells: Vec<Cell>,
}

fn blank_row(user: &str) -> Vec<Cell> {
    let mut r = vec![Cell::Blank; ASSESSMENT_COLUMNS.len()];
    r[0] = Cell::Text(user.to_string());
    r
}

fn type_name(t: char, aliases: bool) -> &'static str {
    match (t, aliases) {
        ('F', false) => "Full",
        ('V', false) => "Verification",
        ('S', false) => "Self",
        ('F', true) => "FUSA",
        ('V', true) => "VUSA",
        ('S', true) => "Self-Assessment",
        _ => panic!("bad type {t}"),
    }
}

/// Response dates for a completed Full/Verification: due 28 days after completion, submitted
/// after 21 (the submission only if it is on or before the audit date).
fn responses(r: &mut [Cell], done: NaiveDate) {
    r[col("rdue")] = Cell::Date(done + Duration::days(28));
    r[col("rsub")] = past(done + Duration::days(21));
}

fn entry_row(p: &Party, aliases: bool) -> Option<ARow> {
    if p.entry.is_empty() {
        return None;
    }
    let mut r = blank_row(p.id);
    r[col("type")] = Cell::Text(type_name('F', aliases).into());
    r[col("purpose")] = Cell::Text("Entry".into());
    if let Some(at) = p.entry.strip_prefix('@') {
        r[col("sched")] = Cell::Date(d(at));
        return Some(ARow {
            label: "e".into(),
            order: (0, d(at)),
            cells: r,
        });
    }
    let parts: Vec<&str> = p.entry.split('|').collect();
    let (done, status, set) = (parts[0], parts[1], parts[2]);
    let mut key = NaiveDate::MIN;
    if done != "-" {
        let x = d(done);
        key = x;
        r[col("sched")] = Cell::Date(x - Duration::days(4));
        r[col("done")] = Cell::Date(x);
        responses(&mut r, x);
    }
    r[col("status")] = Cell::Text(status.into());
    if set != "-" {
        r[col("set")] = Cell::Date(d(set));
    }
    Some(ARow {
        label: "e".into(),
        order: (0, key),
        cells: r,
    })
}

/// The Entry anchor the generator uses to lay out the chain: an `@DATE` at the start of the chain,
/// else the Entry status date, else the Entry completion.
fn anchor(p: &Party) -> Option<NaiveDate> {
    if let Some(first) = p.chain.split_whitespace().next()
        && let Some(a) = first.strip_prefix('@')
    {
        return Some(d(a));
    }
    let parts: Vec<&str> = p.entry.split('|').collect();
    if parts.len() == 3 {
        if parts[2] != "-" {
            return Some(d(parts[2]));
        }
        if parts[0] != "-" {
            return Some(d(parts[0]));
        }
    }
    None
}

/// Expands the chain tokens. Each token is one Annual assessment, due 12 months after the
/// previous completion (the first 12 months after the anchor):
///
/// * `F-6` / `V+40` / `S-12`: Full, Verification or Self completed 6 days before / 40 days after
///   its due date; `F=2023-03-02`: completed on that date.
/// * Full and Verification: Scheduled For 3 days before completion (`b7`: 7 days), response due
///   28 days and submitted 21 days after completion.
/// * Self: Submitted On 5 days after completion; `s+18`: submitted 18 days after the due date;
///   `s=DATE`: on that date; `sx`: never submitted; `o`: only Submitted On (no Completed On).
///
/// Returns the rows and the due date of the next assessment.
fn expand_chain(p: &Party, aliases: bool) -> (Vec<ARow>, Option<NaiveDate>) {
    let mut rows = Vec::new();
    let Some(mut prev) = anchor(p) else {
        return (rows, None);
    };
    let mut n = 0;
    for tok in p.chain.split_whitespace().filter(|t| !t.starts_with('@')) {
        n += 1;
        let due = plus_year(prev);
        let t = tok.chars().next().unwrap();
        let rest = &tok[1..];
        // completion
        let (done, mut rest) = if let Some(x) = rest.strip_prefix('=') {
            (d(&x[..10]), &x[10..])
        } else {
            let end = rest[1..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(rest.len(), |i| i + 1);
            let off: i64 = rest[..end].parse().unwrap();
            (due + Duration::days(off), &rest[end..])
        };
        let mut lead = 3;
        let default_sub = !rest.contains('s');
        let mut sub = Some(done + Duration::days(5));
        let mut only_sub = false;
        while !rest.is_empty() {
            if let Some(x) = rest.strip_prefix("sx") {
                sub = None;
                rest = x;
            } else if let Some(x) = rest.strip_prefix("s=") {
                sub = Some(d(&x[..10]));
                rest = &x[10..];
            } else if let Some(x) = rest.strip_prefix('s') {
                let end = x[1..]
                    .find(|c: char| !c.is_ascii_digit())
                    .map_or(x.len(), |i| i + 1);
                sub = Some(due + Duration::days(x[..end].parse().unwrap()));
                rest = &x[end..];
            } else if let Some(x) = rest.strip_prefix('b') {
                let end = x.find(|c: char| !c.is_ascii_digit()).unwrap_or(x.len());
                lead = x[..end].parse().unwrap();
                rest = &x[end..];
            } else if let Some(x) = rest.strip_prefix('o') {
                only_sub = true;
                rest = x;
            } else {
                panic!("bad chain token {tok} for {}", p.id);
            }
        }
        assert!(
            done <= audit(),
            "{} {tok}: completion {done} after the audit date",
            p.id
        );
        if t == 'S' && default_sub && !only_sub {
            assert!(
                done + Duration::days(5) <= due,
                "{} {tok}: default submission would be late",
                p.id
            );
        }
        let mut r = blank_row(p.id);
        r[col("type")] = Cell::Text(type_name(t, aliases).into());
        r[col("purpose")] = Cell::Text("Annual".into());
        if t == 'S' {
            if only_sub {
                r[col("sub")] = Cell::Date(done);
            } else {
                r[col("done")] = Cell::Date(done);
                if let Some(s) = sub {
                    assert!(
                        s <= audit(),
                        "{} {tok}: submission after the audit date",
                        p.id
                    );
                    r[col("sub")] = Cell::Date(s);
                }
            }
        } else {
            r[col("sched")] = Cell::Date(done - Duration::days(lead));
            r[col("done")] = Cell::Date(done);
            responses(&mut r, done);
        }
        rows.push(ARow {
            label: format!("a{n}"),
            order: (1, done),
            cells: r,
        });
        prev = done;
    }
    (rows, Some(plus_year(prev)))
}

/// Bookings: `F@-5` Full booked 5 days before the next due date, `F@+40` 40 days after it,
/// `V@2026-12-08` on that date, `V@` pending with no date.
fn expand_next(p: &Party, next_due: Option<NaiveDate>, aliases: bool) -> Vec<ARow> {
    let mut rows = Vec::new();
    for (i, tok) in p.next.split_whitespace().enumerate() {
        let t = tok.chars().next().unwrap();
        let at = &tok[2..];
        let when = if at.is_empty() {
            None
        } else if at.len() == 10 {
            Some(d(at))
        } else {
            Some(
                next_due.expect("relative booking without a due date")
                    + Duration::days(at.parse().unwrap()),
            )
        };
        let mut r = blank_row(p.id);
        r[col("type")] = Cell::Text(type_name(t, aliases).into());
        r[col("purpose")] = Cell::Text("Annual".into());
        if let Some(w) = when {
            r[col("sched")] = Cell::Date(w);
        }
        rows.push(ARow {
            label: format!("b{}", i + 1),
            order: (2, when.unwrap_or(NaiveDate::MAX)),
            cells: r,
        });
    }
    rows
}

fn extra_rows(p: &Party) -> Vec<ARow> {
    let mut rows = Vec::new();
    for (i, (_, spec)) in EXTRA_ROWS.iter().filter(|(u, _)| *u == p.id).enumerate() {
        let mut r = blank_row(p.id);
        for kv in spec.split("; ") {
            let (k, v) = kv.split_once('=').unwrap();
            let c = col(k);
            r[c] = value(v, &r[c]);
        }
        let key = r[col("done")]
            .date()
            .or(r[col("sched")].date())
            .unwrap_or(NaiveDate::MAX);
        let group = match &r[col("purpose")] {
            Cell::Text(s) if s == "Entry" && r[col("done")].date().is_none() => 2,
            Cell::Text(s) if s == "Entry" => 0,
            _ => 1,
        };
        rows.push(ARow {
            label: format!("x{}", i + 1),
            order: (group, key),
            cells: r,
        });
    }
    rows
}

fn assessment_rows(p: &Party, out: &mut Vec<Vec<Cell>>, placed: &mut Vec<Placed>) {
    let aliases = p.flags.contains("aliases");
    let mut rows: Vec<ARow> = entry_row(p, aliases).into_iter().collect();
    let (chain, next_due) = expand_chain(p, aliases);
    rows.extend(chain);
    rows.extend(expand_next(p, next_due, aliases));
    rows.extend(extra_rows(p));
    rows.sort_by_key(|r| r.order);
    for mut r in rows {
        if p.flags.contains("purpose-blank") {
            r.cells[col("purpose")] = Cell::Blank;
        }
        if let Some(c) = p
            .flags
            .split_whitespace()
            .find_map(|f| f.strip_prefix("covered="))
        {
            r.cells[col("roles")] = Cell::Text(c.to_string());
        }
        for (u, label, spec) in PATCHES {
            if *u == p.id && *label == r.label {
                for kv in spec.split("; ") {
                    let (k, v) = kv.split_once('=').unwrap();
                    let c = col(k);
                    r.cells[c] = value(v, &r.cells[c]);
                    placed.push(Placed {
                        sheet: "Assessments",
                        row: out.len(),
                        col: c,
                        what: format!("{u} row {label}: {:?}", r.cells[c]),
                    });
                }
            }
        }
        out.push(r.cells);
    }
}

// ------------------------------------------------------------------------------------------------
// Users
// ------------------------------------------------------------------------------------------------

fn opt_date(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Blank
    } else {
        Cell::Date(d(s))
    }
}

fn opt_text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Blank
    } else {
        Cell::Text(s.to_string())
    }
}

fn user_rows(placed: &mut Vec<Placed>) -> Vec<Vec<Cell>> {
    let mut out = Vec::new();
    for p in PARTIES {
        let mut row = vec![
            Cell::Text(p.id.into()),
            Cell::Text(p.name.into()),
            Cell::Text(p.roles.into()),
            opt_text(p.srp),
            opt_text(p.group),
            opt_date(p.left),
            opt_date(p.sms),
            opt_text(p.manager),
        ];
        for (u, k, v) in USER_PATCHES {
            if *u == p.id {
                let c = match *k {
                    "left" => 5,
                    "sms" => 6,
                    _ => panic!("bad user patch"),
                };
                row[c] = value(v, &row[c]);
                placed.push(Placed {
                    sheet: "Users",
                    row: out.len(),
                    col: c,
                    what: format!("{u}: {:?}", row[c]),
                });
            }
        }
        out.push(row);
    }
    for dup in DUPLICATE_USERS {
        placed.push(Placed {
            sheet: "Users",
            row: out.len(),
            col: 0,
            what: format!("duplicate row for {}", dup[0]),
        });
        out.push(dup.iter().map(|s| opt_text(s)).collect());
    }
    out
}

// ------------------------------------------------------------------------------------------------
// Writers
// ------------------------------------------------------------------------------------------------

fn excel_date(x: NaiveDate) -> Res<ExcelDateTime> {
    Ok(ExcelDateTime::from_ymd(
        x.year() as u16,
        x.month() as u8,
        x.day() as u8,
    )?)
}

fn write_sheet(ws: &mut Worksheet, t: &Table) -> Res<()> {
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7));
    let title = Format::new().set_bold().set_font_size(14);
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let count = Format::new().set_num_format("#,##0");
    ws.set_name(t.sheet)?;
    let mut r0 = 0u32;
    for (i, line) in t.preamble.iter().enumerate() {
        if !line.is_empty() {
            ws.write_string_with_format(i as u32, 0, *line, &title)?;
        }
        r0 += 1;
    }
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(r0, c as u16, *h, &header)?;
        let width = match *h {
            "Name" | "Comments" | "Roles" | "Assurance Status" => 34.0,
            "Roles Covered" | "Shared Resource Provider" | "Shared Resources Group" => 16.0,
            _ => 14.0,
        };
        ws.set_column_width(c as u16, width)?;
    }
    ws.set_freeze_panes(r0 + 1, 0)?;
    for (i, row) in t.rows.iter().enumerate() {
        let r = r0 + 1 + i as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Blank => {}
                Cell::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                Cell::Num(n) => {
                    ws.write_number_with_format(r, c, *n as f64, &count)?;
                }
                Cell::Date(x) => {
                    ws.write_date_with_format(r, c, &excel_date(*x)?, &date)?;
                }
                Cell::DateText(_, s) => {
                    ws.write_string(r, c, s)?;
                }
            }
        }
    }
    Ok(())
}

fn write_workbook(path: &Path, tables: &[Table]) -> Res<()> {
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_title("SSC User Register - sample extract")
        .set_author("SSC secretariat (sample)")
        .set_comment("Generated by examples/sample_register.rs; fictitious data")
        .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 11, 1)?);
    wb.set_properties(&props);
    for t in tables {
        let ws = wb.add_worksheet();
        write_sheet(ws, t)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("Notes")?;
    ws.set_column_width(0, 110)?;
    for (i, line) in NOTES.iter().enumerate() {
        ws.write_string(i as u32, 0, *line)?;
    }
    wb.save(path)?;
    Ok(())
}

fn write_csv(path: &Path, t: &Table) -> Res<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(path)?;
    w.write_record(&t.header)?;
    for row in &t.rows {
        w.write_record(row.iter().map(Cell::csv))?;
    }
    w.flush()?;
    Ok(())
}

fn column_letters(c: usize) -> String {
    let mut n = c + 1;
    let mut s = Vec::new();
    while n > 0 {
        s.push((b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    s.iter().rev().collect()
}

fn main() -> Res<()> {
    let out: PathBuf = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fixtures/sample".into())
        .into();
    fs::create_dir_all(out.join("csv"))?;

    let mut placed = Vec::new();
    let users = user_rows(&mut placed);
    let mut premises = Vec::new();
    let mut assessments = Vec::new();
    for p in PARTIES {
        premises_rows(p, &mut premises, &mut placed);
        assessment_rows(p, &mut assessments, &mut placed);
    }

    let tables = [
        Table {
            sheet: "Users",
            csv: "users.csv",
            header: vec![
                "User ID",
                "Name",
                "Roles",
                "Shared Resource Provider",
                "Shared Resources Group",
                "Left On",
                "SMS Notified On",
                "Account manager",
            ],
            rows: users,
            preamble: vec!["SSC User Register \u{2014} extract 2026-11-01", ""],
        },
        Table {
            sheet: "Premises",
            csv: "premises.csv",
            header: vec!["User ID", "As Of", "Domestic", "Non Domestic"],
            rows: premises,
            preamble: vec![],
        },
        Table {
            sheet: "Assessments",
            csv: "assessments.csv",
            header: ASSESSMENT_COLUMNS.to_vec(),
            rows: assessments,
            preamble: vec![],
        },
    ];

    write_workbook(&out.join("register.xlsx"), &tables)?;
    for t in &tables {
        write_csv(&out.join("csv").join(t.csv), t)?;
    }

    // Where every deliberate change landed, as a person reads the cell.
    println!(
        "wrote {} and {}",
        out.join("register.xlsx").display(),
        out.join("csv").display()
    );
    for p in &placed {
        let t = tables.iter().find(|t| t.sheet == p.sheet).unwrap();
        let cell = format!(
            "{}!{}{}",
            p.sheet,
            column_letters(p.col),
            t.preamble.len() + 2 + p.row
        );
        println!("  {cell:<17} ({} line {:>4})  {}", t.csv, p.row + 2, p.what);
    }
    Ok(())
}
