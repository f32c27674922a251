//! `smileid web-token`: a token for Smile ID's hosted web page.

use std::io::Write;

use smileid_hyper::WebTokenQuery;

use crate::args::WebTokenArgs;
use crate::exit::{self, Failure};

/// What to try with a demo emulator's tokens.
const HINT: &str = "its tokens are accepted in place of a signature by its \
                    async_id_verification for the same ids, for one hour";

/// Runs `web-token`: the token alone on stdout (so that `$(smileid
/// web-token ...)` works), or `{"token": ...}` with `--json`. The token
/// appears nowhere else: not in errors, logs or the emulator notice.
///
/// # Errors
///
/// A [`Failure`] with the exit code of the error.
pub async fn run(args: &WebTokenArgs) -> Result<(), Failure> {
    let (client, _emulator) = super::read_client(&args.read, HINT).await?;
    let mut query = WebTokenQuery::new(
        args.user_id.clone(),
        args.job_id.clone(),
        args.product.as_str(),
    );
    if let Some(url) = &args.callback_url {
        query = query.with_callback_url(url.clone());
    }
    let token = client
        .send(&query)
        .await
        .map_err(|e| exit::from_client_error(&e))?;
    let mut line = if args.read.json {
        serde_json::json!({"token": token.expose_secret()}).to_string()
    } else {
        token.expose_secret().to_owned()
    };
    line.push('\n');
    let mut out = std::io::stdout().lock();
    out.write_all(line.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::usage(format!("could not write the token: {e}")))
}
