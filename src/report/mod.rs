//! Outputs: one writer per format. A writer reads the [`crate::rules::Audit`]; none of them
//! decides anything.

pub mod compare;
pub mod csv;
pub mod explain;
pub mod json;
pub mod text;
pub mod workbook;
