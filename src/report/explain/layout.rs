//! The terminal layout of `explain`: ANSI colours (or none), and word wrapping to 80 columns
//! that never splits a figure such as `5 × N 7,000`. Knows nothing of the audit.

use std::fmt::Write as _;

use crate::rules::findings::Severity;
use crate::rules::schedule::Status;

/// The width the text is laid out for.
pub(super) const WIDTH: usize = 80;

/// ANSI styles, or none.
#[derive(Debug, Clone, Copy)]
pub(super) struct Paint(pub(super) bool);

impl Paint {
    pub(super) fn code(self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub(super) fn bold(self, s: &str) -> String {
        self.code("1", s)
    }
    pub(super) fn dim(self, s: &str) -> String {
        self.code("2", s)
    }
    pub(super) fn red(self, s: &str) -> String {
        self.code("31", s)
    }
    pub(super) fn green(self, s: &str) -> String {
        self.code("32", s)
    }
    pub(super) fn yellow(self, s: &str) -> String {
        self.code("33", s)
    }
    pub(super) fn cyan(self, s: &str) -> String {
        self.code("36", s)
    }

    pub(super) fn severity(self, sev: Severity) -> String {
        let s = format!("{:<7}", sev.as_str());
        match sev {
            Severity::Breach => self.red(&s),
            Severity::Warning => self.yellow(&s),
            Severity::Info => self.cyan(&s),
        }
    }

    pub(super) fn status(self, st: Status) -> String {
        let s = st.as_str();
        match st {
            Status::Overdue | Status::ScheduledLate => self.red(s),
            Status::DueSoon | Status::EntryIncomplete | Status::Undetermined => self.yellow(s),
            Status::Ok | Status::Scheduled => self.green(s),
            Status::Left | Status::NotSubject => self.dim(s),
        }
    }
}

/// The visible width of `s`: characters, not counting ANSI escape sequences.
pub(super) fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

/// Writes `text` word-wrapped to [`WIDTH`]: the first line after `first` (already indented), the
/// others indented by `indent` spaces.
pub(super) fn wrap(out: &mut String, first: &str, indent: usize, text: &str) {
    let mut line = first.to_string();
    let mut empty = true;
    for word in glue(text) {
        let word = word.as_str();
        let needed = visible_len(word) + usize::from(!empty);
        if !empty && visible_len(&line) + needed > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// The words of `text`, keeping together what reads as one term: `D 180,412`, `5 × N 7,000`.
pub(super) fn glue(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut join_next = false;
    for w in text.split(' ').filter(|w| !w.is_empty()) {
        match words.last_mut() {
            Some(last) if join_next || w == "×" => {
                last.push(' ');
                last.push_str(w);
            }
            _ => words.push(w.to_string()),
        }
        join_next = matches!(w, "×" | "D" | "N");
    }
    words
}

pub(super) fn rule(out: &mut String, p: Paint, title: &str) {
    let fill = WIDTH.saturating_sub(visible_len(title) + 4);
    let _ = writeln!(out, "{} {title} {}", p.dim("──"), p.dim(&"─".repeat(fill)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_within_80_columns() {
        let mut out = String::new();
        let words = "word ".repeat(60);
        wrap(&mut out, "  why: ", 4, &words);
        assert!(out.lines().all(|l| visible_len(l) <= WIDTH), "{out}");
        assert!(out.lines().skip(1).all(|l| l.starts_with("    w")), "{out}");
    }

    #[test]
    fn figures_are_not_broken_inside_a_term() {
        assert_eq!(
            glue("D 180,000 + 5 × N 7,000 = 215,000"),
            ["D 180,000", "+", "5 × N 7,000", "=", "215,000"]
        );
    }

    #[test]
    fn escape_sequences_take_no_width() {
        assert_eq!(visible_len("\x1b[31mbreach\x1b[0m"), 6);
    }
}
