//! Sides files (`--sides FILE`): which speakers count for which side. See `docs/attribution.md`.
//!
//! ```toml
//! [[side]]
//! name = "Trump campaign"
//! names = ["Donald Trump", "Mike Pence", "Kellyanne Conway"]
//! roles = ["Trump campaign manager", "Trump spokesman"]
//! organizations = ["Trump campaign", "Republican National Committee"]
//! patterns = ["(?i)\\btrump (campaign|aides?|adviser)"]
//! ```

use regex::Regex;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct SideDef {
    pub name: String,
    /// Person names; a speaker matches on the full name or on its last word (surname).
    pub names: Vec<String>,
    /// Role phrases matched (case-insensitively) inside the speaker's role or source phrase.
    pub roles: Vec<String>,
    /// Organization names matched against the speaker's canonical name or inside the source phrase.
    pub organizations: Vec<String>,
    /// Regular expressions matched against the source phrase.
    pub patterns: Vec<Regex>,
}

#[derive(Debug, Clone, Default)]
pub struct Sides {
    pub sides: Vec<SideDef>,
}

#[derive(serde::Deserialize)]
struct RawFile {
    #[serde(default)]
    side: Vec<RawSide>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSide {
    name: String,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    organizations: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
}

/// Read a sides file.
pub fn load_sides(path: &Path) -> crate::Result<Sides> {
    let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?;
    parse_sides(&text, &path.display().to_string())
}

/// Parse the text of a sides file (`origin` names it in errors).
pub fn parse_sides(text: &str, origin: &str) -> crate::Result<Sides> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let (line, col) = e
            .span()
            .map(|s| {
                let before = text.get(..s.start).unwrap_or("");
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (line, col)
            })
            .unwrap_or((1, 1));
        crate::Error::Lexicon {
            location: crate::error::Location {
                file: origin.to_string(),
                line,
                col,
            },
            message: e.message().to_string(),
        }
    })?;
    let mut sides = Vec::new();
    for s in raw.side {
        let mut patterns = Vec::new();
        for p in &s.patterns {
            patterns.push(Regex::new(p).map_err(|e| crate::Error::Lexicon {
                location: crate::error::Location {
                    file: origin.to_string(),
                    line: 1,
                    col: 1,
                },
                message: format!("side {:?}: invalid pattern {p:?}: {e}", s.name),
            })?);
        }
        sides.push(SideDef {
            name: s.name,
            names: s.names,
            roles: s.roles,
            organizations: s.organizations,
            patterns,
        });
    }
    if sides.is_empty() {
        return Err(crate::Error::Usage(format!(
            "{origin}: a sides file needs at least one [[side]]"
        )));
    }
    Ok(Sides { sides })
}

fn last_word(s: &str) -> &str {
    s.split_whitespace().last().unwrap_or(s)
}

impl Sides {
    /// The side of a speaker: by name (full or surname), then role, then organization, then pattern.
    /// `phrase` is the source phrase as written.
    pub fn side_for(&self, name: &str, role: Option<&str>, phrase: &str) -> Option<String> {
        let lname = name.to_lowercase();
        let lphrase = phrase.to_lowercase();
        let lrole = role.map(str::to_lowercase).unwrap_or_default();
        for s in &self.sides {
            for n in &s.names {
                let ln = n.to_lowercase();
                if ln == lname || (!lname.contains(' ') && last_word(&ln) == lname) {
                    return Some(s.name.clone());
                }
            }
        }
        for s in &self.sides {
            if s.roles.iter().any(|r| {
                let r = r.to_lowercase();
                (!lrole.is_empty() && lrole.contains(&r)) || lphrase.contains(&r)
            }) {
                return Some(s.name.clone());
            }
        }
        for s in &self.sides {
            if s.organizations.iter().any(|o| {
                let o = o.to_lowercase();
                o == lname || lphrase.contains(&o)
            }) {
                return Some(s.name.clone());
            }
        }
        for s in &self.sides {
            if s.patterns
                .iter()
                .any(|p| p.is_match(phrase) || p.is_match(name))
            {
                return Some(s.name.clone());
            }
        }
        None
    }
}
