//! The findings CSV (SPEC §3.3): the findings table, with every cell that a spreadsheet would read
//! as a formula made inert.

use std::io::Write;

use crate::rules::Audit;

/// Cells beginning with `=`, `+`, `-`, `@`, tab or carriage return are prefixed with `'` so that a
/// spreadsheet shows them as text instead of running them (CSV injection).
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Writes the findings as CSV.
///
/// # Errors
/// Any error of the underlying writer.
pub fn write_findings<W: Write>(audit: &Audit, out: W) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "user_id", "name", "regime", "code", "severity", "clause", "due", "days", "message",
        "source",
    ])?;
    let names: std::collections::HashMap<&str, &str> = audit
        .schedules
        .iter()
        .filter_map(|s| s.name.as_deref().map(|n| (&*s.user_id, n)))
        .collect();
    for f in &audit.findings {
        let due = f.due.map(|d| d.to_string()).unwrap_or_default();
        let days = f.days.map(|d| d.to_string()).unwrap_or_default();
        let source = f.source.as_ref().map(|c| c.to_string()).unwrap_or_default();
        let fields = [
            &*f.user_id,
            names.get(&*f.user_id).copied().unwrap_or(""),
            f.regime.map_or("", |r| r.as_str()),
            f.code.as_str(),
            f.severity().as_str(),
            f.clause,
            &due,
            &days,
            &f.message,
            &source,
        ];
        w.write_record(fields.iter().map(|c| neutralise(c).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("\rx"), "'\rx");
        assert_eq!(neutralise("U001"), "U001");
        assert_eq!(neutralise(""), "");
    }
}
