//! Who may do what: roles, the principal behind a request, API keys, the web page's
//! sessions, the identity provider's tokens, and the per-credential rate limit.
//!
//! Every route of the API carries an [`Access`] rule in `api::ROUTES`; the request guard
//! (`api::guard`) authenticates the bearer credential or session cookie, checks the rule
//! and audits the outcome. Handlers learn the caller from [`Principal`].

pub mod authenticate;
pub mod jwt;
pub mod keys;
pub mod limiter;
pub mod secret;
pub mod sessions;
pub mod tls;

use std::fmt;

use serde::Serialize;

/// A role; each grants a fixed set of routes (the matrix in `api::ROUTES`, README and
/// `openapi/mpi.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Register, match, read identifiers and events: an integration engine.
    Integration,
    /// Work the review queue, read persons.
    Reviewer,
    /// A reviewer who may also link, unlink, merge, split and assert non-matches.
    Steward,
    /// Read the audit log, nothing else.
    Auditor,
    /// Credentials, configuration, metrics; no patient data.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Integration,
        Role::Reviewer,
        Role::Steward,
        Role::Auditor,
        Role::Admin,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::Integration => "integration",
            Role::Reviewer => "reviewer",
            Role::Steward => "steward",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == text)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of roles (a credential usually has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Roles(u8);

impl Roles {
    pub fn of(roles: &[Role]) -> Roles {
        Roles(roles.iter().fold(0, |acc, r| acc | r.bit()))
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// The first of `allowed` this set holds: the role a request acts in.
    pub fn first_of(self, allowed: &[Role]) -> Option<Role> {
        allowed.iter().copied().find(|r| self.contains(*r))
    }

    /// `steward,reviewer` → roles; unknown names are errors naming the name.
    pub fn parse_list(text: &str) -> Result<Roles, String> {
        let mut roles = Vec::new();
        for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            roles.push(Role::parse(name).ok_or_else(|| {
                format!(
                    "unknown role '{name}' (roles: integration, reviewer, steward, auditor, admin)"
                )
            })?);
        }
        Ok(Roles::of(&roles))
    }

    /// Comma-separated names, as stored.
    pub fn to_list(self) -> String {
        self.iter().map(Role::name).collect::<Vec<_>>().join(",")
    }
}

impl Serialize for Roles {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Which credentials may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No credential (health checks only).
    Public,
    /// Any valid credential, whatever its role (the API description).
    Authenticated,
    /// A credential holding one of these roles.
    Roles(&'static [Role]),
}

impl Access {
    /// The roles this rule admits (every role for `Authenticated`, none for `Public`).
    pub fn roles(self) -> Vec<Role> {
        match self {
            Access::Public => Vec::new(),
            Access::Authenticated => Role::ALL.to_vec(),
            Access::Roles(r) => r.to_vec(),
        }
    }
}

/// How a request proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API key, by its public id.
    Key(String),
    /// An identity provider's token (JWT), by subject.
    Token { subject: String, expires_at: i64 },
    /// The web page's session cookie, signed in with `via`.
    Session {
        csrf_token: String,
        key_id: Option<String>,
    },
}

/// The caller of a request: the name recorded as actor everywhere, its roles and how it
/// signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// `alice` for an API key named alice; `idp:SUBJECT` for an identity provider's token.
    pub actor: String,
    pub roles: Roles,
    pub credential: Credential,
}

impl Principal {
    /// What the rate limit counts: one bucket per credential (a session shares its key's).
    pub fn limit_key(&self) -> String {
        match &self.credential {
            Credential::Key(id) => format!("key:{id}"),
            Credential::Session {
                key_id: Some(id), ..
            } => format!("key:{id}"),
            _ => format!("actor:{}", self.actor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_refuse_unknown_names() {
        let r = Roles::parse_list("steward, integration").unwrap();
        assert!(r.contains(Role::Steward) && r.contains(Role::Integration));
        assert!(!r.contains(Role::Admin));
        assert_eq!(r.to_list(), "integration,steward");
        assert_eq!(Roles::parse_list(&r.to_list()).unwrap(), r);
        assert!(Roles::parse_list("root").unwrap_err().contains("'root'"));
        assert_eq!(
            r.first_of(&[Role::Reviewer, Role::Steward]),
            Some(Role::Steward)
        );
        assert_eq!(r.first_of(&[Role::Auditor]), None);
    }
}
