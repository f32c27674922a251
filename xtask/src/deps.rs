//! `cargo xtask deps`: the dependency policy, checked offline.
//!
//! Reads `cargo metadata --format-version 1 --offline --all-features` (online
//! once only when the local cache lacks a package of another platform; every
//! package of the resolved graph, for every target platform, with every
//! feature of the workspace on, dev-dependencies included) and fails with a
//! list of offenders when
//!
//! - a package's licence expression cannot be satisfied with the licences of
//!   [`ALLOWED`] (SPDX `OR`, `AND`, `WITH` and parentheses are evaluated; the
//!   legacy `/` counts as `OR`), or it has no licence expression at all;
//! - a package of [`BANNED`] (OpenSSL and the TLS stacks built on it) is in
//!   the graph: smileid uses rustls only.
//!
//! Run by `cargo xtask ci` before the tests.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

/// Licences a dependency may be used under: permissive ones only, each one
/// in the graph today for a reason.
///
/// | licence | why |
/// |---|---|
/// | MIT, Apache-2.0 | the Rust ecosystem's usual pair |
/// | BSD-2-Clause, BSD-3-Clause | permissive (`subtle`, parts of `aws-lc-sys`) |
/// | ISC | permissive (`ring`, `rustls-webpki`, `aws-lc-rs`) |
/// | Unicode-3.0 | Unicode data tables (`unicode-ident`, ICU crates under `url`) |
/// | CDLA-Permissive-2.0 | Mozilla's root certificate list (`webpki-roots`) |
/// | Zlib | permissive, common in small crates |
///
/// Deliberately absent: copyleft licences (GPL, LGPL, MPL-2.0 with its
/// file-level copyleft), `OpenSSL` (and OpenSSL is banned anyway), and
/// public-domain dedications such as `Unlicense` and `CC0-1.0`, whose
/// effect varies by country (every crate using them here is also MIT).
pub const ALLOWED: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Unicode-3.0",
    "CDLA-Permissive-2.0",
    "Zlib",
];

/// Licence exceptions accepted after `WITH`: they only grant more.
pub const ALLOWED_EXCEPTIONS: &[&str] = &["LLVM-exception"];

/// Packages that must not be in the graph at all. (`openssl-probe`, which
/// only looks for certificate files and links nothing, is not one of them.)
pub const BANNED: &[&str] = &[
    "openssl",
    "openssl-sys",
    "openssl-src",
    "native-tls",
    "tokio-native-tls",
    "hyper-tls",
];

/// Checks the policy; prints a summary, or fails with every offender.
pub fn check() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let metadata_args = ["metadata", "--format-version", "1", "--all-features"];
    println!("\n==> [deps] cargo {} --offline", metadata_args.join(" "));
    let run = |offline: bool| {
        let mut command = Command::new(&cargo);
        command.args(metadata_args);
        if offline {
            command.arg("--offline");
        }
        command
            .output()
            .map_err(|e| format!("could not run cargo metadata: {e}"))
    };
    let mut output = run(true)?;
    if !output.status.success() {
        // Offline, the graph of every platform needs every package in the
        // local cache; a build fetches only the host's (Windows-only crates,
        // for instance, are missing on a fresh Linux machine). Fetch the
        // rest once, then check.
        println!(
            "==> [deps] not every package is in the local cache ({}); fetching them",
            first_line(&String::from_utf8_lossy(&output.stderr))
        );
        output = run(false)?;
    }
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed something that is not JSON: {e}"))?;
    let packages = resolved_packages(&metadata)?;
    let offenders = offenders(&packages);
    if offenders.is_empty() {
        let licences: BTreeSet<&str> = packages.iter().map(|p| p.license.as_str()).collect();
        println!(
            "==> [deps] ok: {} packages, {} distinct licence expressions, all allowed; no OpenSSL",
            packages.len(),
            licences.len()
        );
        Ok(())
    } else {
        let mut message = format!(
            "{} package(s) break the dependency policy (xtask/src/deps.rs):",
            offenders.len()
        );
        for offender in &offenders {
            message.push_str("\n  ");
            message.push_str(offender);
        }
        Err(message)
    }
}

/// The first non-empty line of `text`, for a one-line note.
fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("no message")
}

/// A package of the resolved graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The crate name.
    pub name: String,
    /// The version.
    pub version: String,
    /// The SPDX licence expression; empty when the package has none.
    pub license: String,
}

/// The packages of `metadata`'s resolved graph (`resolve.nodes`).
fn resolved_packages(metadata: &Value) -> Result<Vec<Package>, String> {
    let nodes = metadata
        .pointer("/resolve/nodes")
        .and_then(Value::as_array)
        .ok_or("cargo metadata has no resolve graph")?;
    let ids: BTreeSet<&str> = nodes
        .iter()
        .filter_map(|n| n.get("id").and_then(Value::as_str))
        .collect();
    let all = metadata
        .get("packages")
        .and_then(Value::as_array)
        .ok_or("cargo metadata has no packages")?;
    let text = |p: &Value, key: &str| {
        p.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let packages: Vec<Package> = all
        .iter()
        .filter(|p| {
            p.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| ids.contains(id))
        })
        .map(|p| Package {
            name: text(p, "name"),
            version: text(p, "version"),
            license: text(p, "license"),
        })
        .collect();
    if packages.len() != ids.len() {
        return Err(format!(
            "cargo metadata lists {} resolved ids but {} of their packages",
            ids.len(),
            packages.len()
        ));
    }
    Ok(packages)
}

/// One line per package that breaks the policy, sorted.
pub fn offenders(packages: &[Package]) -> Vec<String> {
    let mut out: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let id = format!("{} {}", p.name, p.version);
            if BANNED.contains(&p.name.as_str()) {
                return Some(format!("{id}: banned package (no OpenSSL: use rustls)"));
            }
            if p.license.trim().is_empty() {
                return Some(format!(
                    "{id}: no licence expression (only a licence file?)"
                ));
            }
            match allowed(&p.license) {
                Ok(true) => None,
                Ok(false) => Some(format!("{id}: licence `{}` is not allowed", p.license)),
                Err(e) => Some(format!("{id}: licence `{}` cannot be read: {e}", p.license)),
            }
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether the SPDX expression `expr` can be satisfied with [`ALLOWED`]
/// licences (and [`ALLOWED_EXCEPTIONS`]).
///
/// `OR` needs one side allowed, `AND` both; `WITH` needs the licence and the
/// exception allowed; `+` ("or later") is read as the licence itself; `/`
/// is the legacy spelling of `OR`. Precedence: `WITH`, then `AND`, then `OR`.
pub fn allowed(expr: &str) -> Result<bool, String> {
    let tokens = tokenize(expr)?;
    let mut parser = Parser { tokens, pos: 0 };
    let value = parser.or()?;
    match parser.tokens.get(parser.pos) {
        None => Ok(value),
        Some(token) => Err(format!("unexpected `{token}`")),
    }
}

fn tokenize(expr: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in expr.chars() {
        match c {
            '(' | ')' | '/' => {
                if !word.is_empty() {
                    tokens.push(std::mem::take(&mut word));
                }
                tokens.push(if c == '/' {
                    "OR".to_owned()
                } else {
                    c.to_string()
                });
            }
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    tokens.push(std::mem::take(&mut word));
                }
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+' | ':') => word.push(c),
            other => return Err(format!("unexpected character `{other}`")),
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    if tokens.is_empty() {
        return Err("empty expression".to_owned());
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<String>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(String::as_str)
    }

    fn next(&mut self) -> Option<String> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn or(&mut self) -> Result<bool, String> {
        let mut value = self.and()?;
        while self.peek() == Some("OR") {
            self.pos += 1;
            // Evaluate both sides, so that errors anywhere are reported.
            let right = self.and()?;
            value = value || right;
        }
        Ok(value)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut value = self.with()?;
        while self.peek() == Some("AND") {
            self.pos += 1;
            let right = self.with()?;
            value = value && right;
        }
        Ok(value)
    }

    fn with(&mut self) -> Result<bool, String> {
        let value = self.primary()?;
        if self.peek() == Some("WITH") {
            self.pos += 1;
            let exception = self.next().ok_or("`WITH` without an exception")?;
            return Ok(value && ALLOWED_EXCEPTIONS.contains(&exception.as_str()));
        }
        Ok(value)
    }

    fn primary(&mut self) -> Result<bool, String> {
        match self.next().as_deref() {
            Some("(") => {
                let value = self.or()?;
                match self.next().as_deref() {
                    Some(")") => Ok(value),
                    _ => Err("missing `)`".to_owned()),
                }
            }
            Some(op @ ("AND" | "OR" | "WITH" | ")")) => Err(format!("unexpected `{op}`")),
            Some(id) => Ok(ALLOWED.contains(&id.trim_end_matches('+'))),
            None => Err("unexpected end".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions() {
        for (expr, ok) in [
            ("MIT", true),
            ("MIT OR Apache-2.0", true),
            ("MIT/Apache-2.0", true),
            ("Apache-2.0 / MIT", true),
            ("Apache-2.0 AND ISC", true),
            ("(MIT OR Apache-2.0) AND Unicode-3.0", true),
            ("Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT", true),
            ("Apache-2.0 WITH LLVM-exception", true),
            ("Apache-2.0 WITH Classpath-exception-2.0", false),
            ("MIT OR Apache-2.0 OR LGPL-2.1-or-later", true),
            ("LGPL-2.1-or-later", false),
            ("MIT AND LGPL-2.1-or-later", false),
            ("Unlicense OR MIT", true),
            ("Unlicense", false),
            ("MPL-2.0", false),
            ("OpenSSL", false),
            ("ISC AND (Apache-2.0 OR ISC) AND OpenSSL", false),
            ("GPL-3.0 OR (MIT AND BSD-3-Clause)", true),
            ("GPL-2.0+", false),
            ("Apache-2.0+", true),
            ("MIT OR GPL-3.0 AND Zlib", true),
            ("GPL-3.0 OR MIT AND GPL-2.0", false),
        ] {
            assert_eq!(allowed(expr), Ok(ok), "{expr}");
        }
    }

    #[test]
    fn malformed_expressions_are_errors() {
        for expr in [
            "",
            "MIT OR",
            "(MIT",
            "MIT)",
            "AND MIT",
            "MIT WITH",
            "MIT, Apache-2.0",
        ] {
            assert!(allowed(expr).is_err(), "{expr}");
        }
    }

    #[test]
    fn offenders_are_listed() {
        let package = |name: &str, license: &str| Package {
            name: name.to_owned(),
            version: "1.0.0".to_owned(),
            license: license.to_owned(),
        };
        let offenders = offenders(&[
            package("fine", "MIT OR Apache-2.0"),
            package("openssl-sys", "MIT"),
            package("copyleft", "GPL-3.0"),
            package("no-licence", ""),
            package("broken", "MIT OR"),
            package("openssl-probe", "MIT/Apache-2.0"),
        ]);
        assert_eq!(
            offenders,
            [
                "broken 1.0.0: licence `MIT OR` cannot be read: unexpected end",
                "copyleft 1.0.0: licence `GPL-3.0` is not allowed",
                "no-licence 1.0.0: no licence expression (only a licence file?)",
                "openssl-sys 1.0.0: banned package (no OpenSSL: use rustls)",
            ]
        );
    }
}
