//! `g8audit template -o register.xlsx`: a blank register to start from.

use super::{EXIT_OK, RunError};
use crate::cli::TemplateArgs;
use crate::report::workbook::write_template;

/// Writes the template.
pub fn run(args: &TemplateArgs) -> Result<i32, RunError> {
    write_template(&args.output)?;
    if !args.quiet {
        eprintln!(
            "g8audit: wrote the register template {}",
            args.output.display()
        );
    }
    Ok(EXIT_OK)
}
