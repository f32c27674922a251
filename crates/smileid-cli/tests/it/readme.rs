//! The README documents every flag of every subcommand: compared with the
//! command's own definition (what `--help` prints).

use clap::CommandFactory as _;
use smileid_cli::Cli;

/// `--long` names of `command`'s arguments (global ones included), and the
/// same for each subcommand, as `(subcommand path, flag)`.
fn flags(command: &clap::Command, path: &str, out: &mut Vec<(String, String)>) {
    for arg in command.get_arguments() {
        if arg.is_hide_set() {
            continue;
        }
        if let Some(long) = arg.get_long() {
            if long == "help" || long == "version" {
                continue;
            }
            out.push((path.to_owned(), format!("--{long}")));
        }
    }
    for sub in command.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let path = if path.is_empty() {
            sub.get_name().to_owned()
        } else {
            format!("{path} {}", sub.get_name())
        };
        flags(sub, &path, out);
    }
}

/// The README's section of `subcommand`: from its `` ## `smileid name` ``
/// heading (alone or among others) to the next `## ` heading.
fn section<'a>(readme: &'a str, subcommand: &str) -> Option<&'a str> {
    let first = subcommand.split(' ').next().unwrap_or(subcommand);
    let needle = format!("`{first}`");
    let needle_full = format!("`smileid {first}`");
    let mut start = None;
    for (i, _) in readme.match_indices("\n## ") {
        let line_end = readme[i + 1..]
            .find('\n')
            .map_or(readme.len(), |e| i + 1 + e);
        let heading = &readme[i + 1..line_end];
        if start.is_some() {
            return start.map(|s| &readme[s..i]);
        }
        if heading.contains(&needle_full) || heading.contains(&needle) {
            start = Some(i);
        }
    }
    start.map(|s| &readme[s..])
}

/// The README's `## Configuration` section: the options every command
/// that talks to Smile ID shares.
fn configuration(readme: &str) -> &str {
    let start = readme
        .find("\n## Configuration\n")
        .expect("a Configuration section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    &rest[..end]
}

#[test]
fn every_flag_of_every_subcommand_is_in_the_readme() {
    let readme = include_str!("../../README.md");
    let mut all = Vec::new();
    flags(&Cli::command(), "", &mut all);
    assert!(
        all.len() > 50,
        "the command has more flags than {}",
        all.len()
    );
    let mut missing = Vec::new();
    for (sub, flag) in &all {
        let documented = if sub.is_empty() {
            // Global options: anywhere in the README.
            readme.contains(flag.as_str())
        } else {
            section(readme, sub).is_some_and(|s| s.contains(flag.as_str()))
                // Options shared by every command are documented once, in
                // the configuration section.
                || configuration(readme).contains(flag.as_str())
        };
        if !documented {
            missing.push(format!("smileid {sub} {flag}"));
        }
    }
    assert!(
        missing.is_empty(),
        "not in crates/smileid-cli/README.md: {missing:#?}"
    );
}
