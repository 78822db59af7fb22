//! Tests of the rules on small registers built in memory. Each test is named after the clause it
//! checks and asserts exact categories, types, due dates, statuses and codes.

mod support;

mod as_of;
mod categories;
mod cycle_and_due;
mod entry;
mod findings;
mod order;
mod status;
