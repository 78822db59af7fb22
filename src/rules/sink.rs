//! Where rules put their findings: one sink per User, so a rule names only what it found.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::model::CellRef;
use crate::rules::counts::Category;
use crate::rules::findings::{ClauseOf, Finding, FindingCode};
use crate::rules::regime::Regime;

/// Collects one User's findings.
#[derive(Debug)]
pub struct Sink<'a> {
    pub user_id: &'a str,
    /// The same id, shared by every finding and schedule of the User.
    pub shared_id: Arc<str>,
    pub findings: Vec<Finding>,
}

/// What a rule found, before the sink adds the User.
#[derive(Debug, Clone)]
pub struct Found {
    pub code: FindingCode,
    pub regime: Option<Regime>,
    /// For codes whose clause is the category's: the category that applied, if known.
    pub category: Option<Category>,
    pub due: Option<NaiveDate>,
    pub days: Option<i64>,
    pub message: String,
    pub source: Option<CellRef>,
    pub assessment: Option<usize>,
}

impl Found {
    pub fn new(code: FindingCode, regime: Option<Regime>, message: impl Into<String>) -> Found {
        Found {
            code,
            regime,
            category: None,
            due: None,
            days: None,
            message: message.into(),
            source: None,
            assessment: None,
        }
    }

    pub fn category(mut self, category: Option<Category>) -> Found {
        self.category = category;
        self
    }

    pub fn due(mut self, due: Option<NaiveDate>, days: Option<i64>) -> Found {
        self.due = due;
        self.days = days;
        self
    }

    pub fn at(mut self, source: Option<CellRef>, assessment: Option<usize>) -> Found {
        self.source = source;
        self.assessment = assessment;
        self
    }
}

impl<'a> Sink<'a> {
    pub fn new(user_id: &'a str) -> Sink<'a> {
        Sink {
            user_id,
            shared_id: Arc::from(user_id),
            findings: Vec::new(),
        }
    }

    /// An empty sink for the same User (its id shared).
    pub fn for_same_user(&self) -> Sink<'a> {
        Sink {
            user_id: self.user_id,
            shared_id: Arc::clone(&self.shared_id),
            findings: Vec::new(),
        }
    }

    pub fn push(&mut self, found: Found) {
        let clause = match found.code.clause_of() {
            ClauseOf::Fixed(c) | ClauseOf::Data(c) => c,
            // Without a category (counts missing) the obligation is still G8.40's.
            ClauseOf::Category => found.category.map_or("G8.40", Category::clause),
        };
        self.findings.push(Finding {
            user_id: Arc::clone(&self.shared_id),
            regime: found.regime,
            code: found.code,
            clause,
            due: found.due,
            days: found.days,
            message: found.message,
            source: found.source,
            assessment: found.assessment,
        });
    }

    /// True when a User-level finding with this code is already recorded (once per User).
    pub fn has_user_level(&self, code: FindingCode) -> bool {
        self.findings
            .iter()
            .any(|f| f.code == code && f.regime.is_none())
    }
}
