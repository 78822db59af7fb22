//! What the user typed (clap derive). Validation and defaults that need thought live in
//! [`crate::config`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Audit SEC Section G8 User Security Assessment registers.
#[derive(Debug, Parser)]
#[command(name = "g8audit", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit a register: every User's next assessment, due date, status and findings.
    Audit(AuditArgs),
    /// Read and check a register only: print every input issue.
    Validate(ValidateArgs),
    /// One User's timeline, rule by rule: entry, each annual assessment, findings, what is next.
    Explain(ExplainArgs),
    /// Print the rules in force as TOML.
    Rules(RulesArgs),
    /// Write a blank register workbook to start from.
    Template(TemplateArgs),
}

/// Options that say how to read a register.
#[derive(Debug, Clone, Args)]
pub struct ReadArgs {
    /// The register: one workbook (.xlsx .xlsm .xlsb .xls .ods) or CSV files, one per table.
    #[arg(required = true, value_name = "REGISTER")]
    pub inputs: Vec<PathBuf>,
    /// A TOML file naming the sheets and columns of a register whose headings differ.
    #[arg(long, value_name = "FILE.toml")]
    pub mapping: Option<PathBuf>,
    /// How to read text dates like 01/03/2024: day first (GB) or month first.
    #[arg(long, value_enum, default_value_t = DateOrderArg::Dmy)]
    pub date_order: DateOrderArg,
    /// Use this rule set instead of the embedded one (see `g8audit rules`).
    #[arg(long, value_name = "FILE.toml")]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateOrderArg {
    Dmy,
    Mdy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Breach,
    Warning,
    Info,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Write the annotated workbook to OUT.xlsx.
    #[arg(short = 'o', long = "output", value_name = "OUT.xlsx")]
    pub output: Option<PathBuf>,
    /// Write the JSON report to FILE (`-` for standard output).
    #[arg(long, value_name = "FILE|-")]
    pub json: Option<String>,
    /// Write the findings as CSV to FILE (`-` for standard output).
    #[arg(long, value_name = "FILE|-")]
    pub findings_csv: Option<String>,
    /// The audit date (YYYY-MM-DD); default today. Anything dated later is set aside.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Warn this many days before a due date (DUE_SOON).
    #[arg(long, default_value_t = 90, value_name = "DAYS")]
    pub warn_days: u32,
    /// A Premises snapshot older than this many days is stale (PREMISES_STALE).
    #[arg(long, default_value_t = 45, value_name = "DAYS")]
    pub stale_days: u32,
    /// Compare with last month's JSON report: mark findings new or persisting, list the
    /// resolved ones and the schedules that changed.
    #[arg(long, value_name = "PREVIOUS.json")]
    pub compare_to: Option<PathBuf>,
    /// Exit with code 1 when a finding of this severity or above is found.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Worker threads for the rules (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when standard output is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// The User to explain (its user_id).
    #[arg(long, short = 'u', value_name = "ID", required = true)]
    pub user: String,
    /// The audit date (YYYY-MM-DD); default today. Anything dated later is set aside.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Warn this many days before a due date (DUE_SOON).
    #[arg(long, default_value_t = 90, value_name = "DAYS")]
    pub warn_days: u32,
    /// A Premises snapshot older than this many days is stale (PREMISES_STALE).
    #[arg(long, default_value_t = 45, value_name = "DAYS")]
    pub stale_days: u32,
    /// Print the timeline as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// When to colour the text.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print (and check) this rule set instead of the embedded one.
    #[arg(long, value_name = "FILE.toml")]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Where to write the template workbook.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "register.xlsx",
        required = true
    )]
    pub output: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}
