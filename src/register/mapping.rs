//! The `--mapping FILE.toml` file: sheet and column names for registers whose headings differ
//! from the template (SPEC §1).
//!
//! ```toml
//! [sheets]
//! users = "Parties"                 # or a list: ["Parties", "Party list"]
//! premises = "DCC counts"
//! assessments = "USA history"
//!
//! [columns.users]
//! user_id = "Party Ref"
//! roles = "User Roles"
//!
//! [columns.assessments]
//! completed_on = "Fieldwork end"
//! ```
//!
//! A sheet named here for a table replaces the built-in sheet aliases of that table; a column
//! named here is tried before the built-in aliases, which still apply. Names compare forgivingly
//! ([`super::normalise_heading`]). This module only parses and checks the file.

use std::collections::BTreeMap;
use std::path::Path;

use super::headers::normalise_heading;
use super::{Field, ReadError, Table};

/// Sheet and column names from a mapping file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    sheets: BTreeMap<Table, Vec<String>>,
    columns: BTreeMap<(Table, Field), Vec<String>>,
}

impl Mapping {
    /// Parses a mapping from TOML text.
    ///
    /// # Errors
    /// [`ReadError::MappingSyntax`] when the text is not TOML; [`ReadError::MappingInvalid`] for
    /// an unknown section, table or column key (with a did-you-mean), a column that is not in the
    /// table, an empty or non-text name, or one sheet named for two tables.
    ///
    /// # Examples
    /// ```
    /// use g8audit::register::{Mapping, Table, Field};
    /// let m = Mapping::from_toml_str("[sheets]\nusers = \"Parties\"\n[columns.users]\nuser_id = \"Party Ref\"\n")?;
    /// assert_eq!(m.sheet_names(Table::Users), ["Parties".to_string()]);
    /// assert_eq!(m.column_names(Table::Users, Field::UserId), ["Party Ref".to_string()]);
    /// # Ok::<(), g8audit::register::ReadError>(())
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Mapping, ReadError> {
        parse(text, "(mapping)")
    }

    /// Reads and parses a mapping file.
    ///
    /// # Errors
    /// [`ReadError::Io`] when the file cannot be read, else as [`Mapping::from_toml_str`].
    pub fn load(path: &Path) -> Result<Mapping, ReadError> {
        let label = path.display().to_string();
        let io = |source| ReadError::Io {
            path: label.clone(),
            source,
        };
        // A mapping file is a few lines of TOML: refuse anything big before reading it.
        const MAX_MAPPING_BYTES: u64 = 1024 * 1024;
        let len = std::fs::metadata(path).map_err(io)?.len();
        if len > MAX_MAPPING_BYTES {
            return Err(ReadError::MappingInvalid {
                path: label,
                problem: format!(
                    "the file is {len} bytes; a mapping file is a few lines of TOML (at most {MAX_MAPPING_BYTES} bytes) — is this the right file?"
                ),
            });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        parse(&text, &label)
    }

    /// The sheet names (CSV file stems) given for `table`; empty when none were.
    pub fn sheet_names(&self, table: Table) -> &[String] {
        self.sheets.get(&table).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The headings given for `field` of `table`; empty when none were.
    pub fn column_names(&self, table: Table, field: Field) -> &[String] {
        self.columns
            .get(&(table, field))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Names a sheet for `table` (as `[sheets]` does).
    pub fn add_sheet(&mut self, table: Table, name: impl Into<String>) -> &mut Self {
        self.sheets.entry(table).or_default().push(name.into());
        self
    }

    /// Names a heading for `field` of `table` (as `[columns.TABLE]` does).
    pub fn add_column(
        &mut self,
        table: Table,
        field: Field,
        heading: impl Into<String>,
    ) -> &mut Self {
        self.columns
            .entry((table, field))
            .or_default()
            .push(heading.into());
        self
    }

    /// The table a sheet name is mapped to, if any.
    pub(crate) fn table_of_sheet(&self, name: &str) -> Option<Table> {
        let n = normalise_heading(name);
        self.sheets
            .iter()
            .find(|(_, names)| names.iter().any(|s| normalise_heading(s) == n))
            .map(|(t, _)| *t)
    }
}

fn parse(text: &str, path: &str) -> Result<Mapping, ReadError> {
    let invalid = |problem: String| ReadError::MappingInvalid {
        path: path.to_string(),
        problem,
    };
    let doc: toml::Table = text.parse().map_err(|source| ReadError::MappingSyntax {
        path: path.to_string(),
        source: Box::new(source),
    })?;
    let mut mapping = Mapping::default();
    for (key, value) in &doc {
        match key.as_str() {
            "sheets" => {
                let table = value
                    .as_table()
                    .ok_or_else(|| invalid("[sheets] must be a table of names".into()))?;
                for (tkey, names) in table {
                    let t = table_of_key(tkey).map_err(|p| invalid(format!("[sheets]: {p}")))?;
                    let names =
                        names_of(names).map_err(|p| invalid(format!("[sheets] {tkey}: {p}")))?;
                    mapping.sheets.entry(t).or_default().extend(names);
                }
            }
            "columns" => {
                let tables = value.as_table().ok_or_else(|| {
                    invalid(
                        "[columns] must hold one table per register table, e.g. [columns.users]"
                            .into(),
                    )
                })?;
                for (tkey, fields) in tables {
                    let t = table_of_key(tkey).map_err(|p| invalid(format!("[columns]: {p}")))?;
                    let fields = fields.as_table().ok_or_else(|| {
                        invalid(format!("[columns.{tkey}] must be a table of column names"))
                    })?;
                    for (fkey, names) in fields {
                        let f = field_of_key(t, fkey)
                            .map_err(|p| invalid(format!("[columns.{tkey}]: {p}")))?;
                        let names = names_of(names)
                            .map_err(|p| invalid(format!("[columns.{tkey}] {fkey}: {p}")))?;
                        mapping.columns.entry((t, f)).or_default().extend(names);
                    }
                }
            }
            other => {
                let hint = suggest(other, ["sheets", "columns"]);
                return Err(invalid(format!(
                    "unknown section \"{other}\"{hint}; a mapping file has [sheets] and [columns.TABLE]"
                )));
            }
        }
    }
    // One sheet cannot be two tables.
    let mut seen: Vec<(String, Table)> = Vec::new();
    for (t, names) in &mapping.sheets {
        for name in names {
            let n = normalise_heading(name);
            if let Some((_, other)) = seen.iter().find(|(s, o)| *s == n && o != t) {
                return Err(invalid(format!(
                    "sheet \"{name}\" is named for both {} and {}",
                    other.key(),
                    t.key()
                )));
            }
            seen.push((n, *t));
        }
    }
    Ok(mapping)
}

fn names_of(value: &toml::Value) -> Result<Vec<String>, String> {
    let one = |v: &toml::Value| -> Result<String, String> {
        let s = v
            .as_str()
            .ok_or_else(|| format!("expected a name in quotes, found {}", v.type_str()))?;
        if normalise_heading(s).is_empty() {
            return Err(format!(
                "\"{s}\" is not a usable name (it has no letters or digits)"
            ));
        }
        Ok(s.to_string())
    };
    match value {
        toml::Value::Array(items) if !items.is_empty() => items.iter().map(one).collect(),
        toml::Value::Array(_) => Err("the list of names is empty".into()),
        v => Ok(vec![one(v)?]),
    }
}

fn table_of_key(key: &str) -> Result<Table, String> {
    let n = normalise_heading(key);
    Table::ALL
        .into_iter()
        .find(|t| normalise_heading(t.key()) == n)
        .ok_or_else(|| {
            let hint = suggest(key, Table::ALL.map(Table::key));
            format!("unknown table \"{key}\"{hint}; the tables are users, premises, assessments")
        })
}

fn field_of_key(table: Table, key: &str) -> Result<Field, String> {
    let n = normalise_heading(key);
    let found = if n == "fieldworkend" {
        Some(Field::CompletedOn)
    } else {
        Field::ALL
            .into_iter()
            .find(|f| normalise_heading(f.key()) == n)
    };
    match found {
        Some(f) if table.fields().contains(&f) => Ok(f),
        Some(f) => Err(format!(
            "{} is not a column of {}; its columns are {}",
            f.key(),
            table.key(),
            table
                .fields()
                .iter()
                .map(|f| f.key())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => {
            let hint = suggest(key, table.fields().iter().map(|f| f.key()));
            Err(format!(
                "unknown column \"{key}\"{hint}; the columns of {} are {}",
                table.key(),
                table
                    .fields()
                    .iter()
                    .map(|f| f.key())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }
}

/// ` (did you mean "x"?)` or nothing.
fn suggest<'a>(key: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    super::value::closest(key, candidates, 0.6)
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sheets_and_columns() {
        let m = Mapping::from_toml_str(
            r#"
            [sheets]
            users = "Parties"
            premises = ["DCC counts", "Counts 2"]
            assessments = "USA history"

            [columns.users]
            user_id = "Party Ref"
            roles = "User Roles"

            [columns.assessments]
            fieldwork_end = "Fieldwork end"
            "#,
        )
        .expect("a valid mapping");
        assert_eq!(m.sheet_names(Table::Users), ["Parties".to_string()]);
        assert_eq!(
            m.sheet_names(Table::Premises),
            ["DCC counts".to_string(), "Counts 2".to_string()]
        );
        assert_eq!(
            m.column_names(Table::Users, Field::UserId),
            ["Party Ref".to_string()]
        );
        assert_eq!(
            m.column_names(Table::Assessments, Field::CompletedOn),
            ["Fieldwork end".to_string()]
        );
        assert_eq!(
            m.column_names(Table::Premises, Field::UserId),
            [] as [String; 0]
        );
        assert_eq!(m.table_of_sheet("dcc COUNTS"), Some(Table::Premises));
        assert_eq!(m.table_of_sheet("Users"), None);
    }

    #[test]
    fn empty_mapping_is_valid() {
        assert_eq!(Mapping::from_toml_str("").ok(), Some(Mapping::default()));
    }

    fn problem(text: &str) -> String {
        match Mapping::from_toml_str(text) {
            Err(e) => e.to_string(),
            Ok(m) => format!("unexpectedly valid: {m:?}"),
        }
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        assert_eq!(
            problem("[sheets]\nuser = \"Parties\""),
            "mapping file (mapping): [sheets]: unknown table \"user\" (did you mean \"users\"?); the tables are users, premises, assessments"
        );
        assert_eq!(
            problem("[columns.users]\nuser_idd = \"Ref\""),
            "mapping file (mapping): [columns.users]: unknown column \"user_idd\" (did you mean \"user_id\"?); the columns of users are user_id, name, roles, shared_resource_provider, shared_resources_group, left_on, sms_notified_on"
        );
        assert!(
            problem("[columns.users]\nas_of = \"Date\"").contains("as_of is not a column of users")
        );
        assert!(
            problem("[sheet]\nusers = \"x\"")
                .contains("unknown section \"sheet\" (did you mean \"sheets\"?)")
        );
        assert!(
            problem("[sheets]\nusers = 3").contains("expected a name in quotes, found integer")
        );
        assert!(problem("[sheets]\nusers = \"--\"").contains("not a usable name"));
        assert!(problem("[sheets]\nusers = []").contains("the list of names is empty"));
        assert!(
            problem("[sheets]\nusers = \"Data\"\npremises = \"data\"")
                .contains("sheet \"data\" is named for both users and premises")
        );
        assert_eq!(
            problem("[sheets"),
            "mapping file (mapping) is not valid TOML"
        );
    }

    #[test]
    fn load_names_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("map.toml");
        std::fs::write(&p, "[sheets]\nusers = 1\n").expect("write");
        let e = Mapping::load(&p).expect_err("invalid");
        assert!(
            e.to_string()
                .starts_with(&format!("mapping file {}: ", p.display()))
        );
        let missing = dir.path().join("nope.toml");
        assert!(matches!(Mapping::load(&missing), Err(ReadError::Io { .. })));
    }
}
