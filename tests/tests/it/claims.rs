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
