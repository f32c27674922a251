//! What the signature proves is said in the same words wherever the docs
//! make the claim: the README, the security guide and the READMEs of the
//! crates that verify answers.

/// The one wording, as in `docs/security.md`.
const CLAIM: &str = "**What the signature proves.** Smile ID signs an answer's timestamp and \
    your partner id with your API key (HMAC-SHA256); it does not sign the body. A valid \
    signature proves who answered (someone holding your API key) and when (the signed \
    timestamp), not that the body is the one they sent. smileid guards the rest: https only \
    (plain http only to an opted-in loopback test server), so TLS protects the body in \
    transit; callbacks must be fresh (at most 5 minutes old by default, by their signed \
    timestamp); every body read is capped; signatures never appear in logs or errors.";

/// `text` with every run of whitespace made one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_signature_claim_is_worded_the_same_everywhere() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let claim = words(CLAIM);
    for file in [
        "README.md",
        "docs/security.md",
        "crates/smileid-core/README.md",
        "crates/smileid-hyper/README.md",
        "crates/smileid-cli/README.md",
    ] {
        let text = std::fs::read_to_string(format!("{root}/{file}"))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let text = words(&text);
        assert!(
            text.contains(&claim),
            "{file} does not state the claim as worded"
        );
        // And no stronger one.
        assert!(
            !text.contains("verified before you see it"),
            "{file} claims more than the signature proves"
        );
    }
}

#[test]
fn the_default_callback_window_is_the_one_the_claim_names() {
    let window = smileid_sign::Freshness::default();
    assert_eq!(window.max_age, std::time::Duration::from_secs(5 * 60));
}

/// The crate READMEs are the crates' docs on docs.rs and their pages on
/// crates.io, where rustdoc's intra-doc links do not resolve: every
/// ``[`Name`]`` has a link definition to docs.rs, and no link is relative
/// (a relative link points outside the published package).
#[test]
fn crate_readme_links_work_outside_rustdoc() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    for krate in [
        "smileid-types",
        "smileid-sign",
        "smileid-core",
        "smileid-hyper",
        "smileid-emulator",
        "smileid-cli",
    ] {
        let file = format!("{root}/crates/{krate}/README.md");
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut in_code = false;
        let mut defined = std::collections::BTreeSet::new();
        let mut used = std::collections::BTreeSet::new();
        for line in text.lines() {
            if line.starts_with("```") {
                in_code = !in_code;
                continue;
            }
            if in_code {
                continue;
            }
            // A link definition: `[name]: URL` alone on its line.
            if let Some((name, url)) = line.strip_prefix('[').and_then(|l| l.split_once("]: "))
                && !url.contains(char::is_whitespace)
            {
                assert!(
                    url.starts_with("https://"),
                    "{krate}: {name} links to {url}"
                );
                defined.insert(name.to_owned());
                continue;
            }
            let mut rest = line;
            while let Some(start) = rest.find("[`") {
                let after = &rest[start + 1..];
                let Some(end) = after.find("`]") else { break };
                let name = &after[..end + 1];
                let next = after[end + 2..].chars().next();
                match next {
                    // An inline link: it must be absolute.
                    Some('(') => {
                        let target = &after[end + 3..];
                        assert!(
                            target.starts_with("https://") || target.starts_with('#'),
                            "{krate}: relative link {name}({target}"
                        );
                    }
                    Some('[') => {}
                    _ => {
                        used.insert(name.to_owned());
                    }
                }
                rest = &after[end + 2..];
            }
            assert!(
                !line.contains("](../"),
                "{krate}: relative link in {line:?}"
            );
            assert!(
                !line.contains("](docs/"),
                "{krate}: relative link in {line:?}"
            );
        }
        let missing: Vec<_> = used.difference(&defined).collect();
        assert!(
            missing.is_empty(),
            "{krate}: no link definition for {missing:?}"
        );
    }
}
