//! SQL text for statements with many parameters (multi-row inserts, long `IN` lists),
//! written once for both databases.

use super::Backend;

/// A multi-row statement being written. Parameters are written `?` in row templates and
/// bound in the order they appear: SQLite gets them anonymous (binding a numbered one
/// looks its name up, which costs time growing with the statement), PostgreSQL numbered.
pub struct Values {
    text: String,
    backend: Backend,
    rows: usize,
    params: usize,
}

impl Values {
    pub fn new(backend: Backend, head: &str) -> Values {
        let mut sql = Values {
            text: String::new(),
            backend,
            rows: 0,
            params: 0,
        };
        sql.push(head);
        sql
    }

    /// `head` followed by `n` copies of the row tuple `row`.
    pub fn repeated(backend: Backend, head: &str, row: &str, n: usize) -> String {
        let mut sql = Values::new(backend, head);
        for _ in 0..n {
            sql.row(row);
        }
        sql.text
    }

    /// The statement written so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Appends a row tuple (or a list item) whose parameters are written `?`.
    pub fn row(&mut self, template: &str) {
        if self.rows > 0 {
            self.text.push_str(", ");
        }
        self.rows += 1;
        self.push(template);
    }

    /// Appends text whose parameters are written `?`.
    pub fn push(&mut self, template: &str) {
        for c in template.chars() {
            match (c, self.backend) {
                ('?', Backend::Postgres) => {
                    self.params += 1;
                    self.text.push('$');
                    self.text.push_str(&self.params.to_string());
                }
                _ => self.text.push(c),
            }
        }
    }
}
