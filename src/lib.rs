//! g8audit: the SEC Section G8 User Security Assessment auditor.
//!
//! Data flows one way: [`register`] reads spreadsheets and CSV into a typed [`model::Register`]
//! plus input issues; [`rules`] (pure, no I/O) turns the register into one [`rules::Audit`];
//! [`report`] writes that audit out. A writer never re-derives a rule.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod model;
pub mod register;
pub mod report;
pub mod rules;
pub mod suggest;
