//! Linking a further certificate to an account (SPEC §3): `/do/account/link` shows a
//! one-time code, derived from the token key so a still-valid code can be shown again while
//! the store keeps only its hash, and `/do/account/claim` binds a new certificate with it
//! through a tokenized prompt (SPEC §3.0). Registering and revoking are `account`'s.

use crate::capsule::error::AppError;
use crate::capsule::handlers::account::{timed, EXPIRED};
use crate::capsule::handlers::format_time;
use crate::capsule::handlers::guard::{require, valid_cert, Need};
use crate::capsule::handlers::intent::typed;
use crate::capsule::handlers::intent::{refuse, Refusal};
use crate::capsule::handlers::page::gemtext;
use crate::capsule::{urls, Capsule};
use crate::gemini::gemtext::Gemtext;
use crate::gemini::{Request, Response};
use crate::wiki::link_code;
use crate::wiki::model::ClaimOutcome;

const ACCOUNT: &str = urls::ACCOUNT;

/// `/do/account/link`: a one-time code that binds another certificate to this account. A
/// still-valid code is shown again rather than replaced, so following a link to this page
/// cannot silently void a code someone is about to type.
pub fn show(app: &Capsule, request: &Request) -> Result<Response, AppError> {
    let who = require(request, app, Need::Account)?;
    let store = app.store();
    let id = who.account.id;
    let expires = match store.live_link_code(id, app.now())? {
        Some(expires) => expires,
        None => {
            let expires = app.now() + link_code::VALID_SECONDS;
            store.create_link_code(id, &link_code::hash(&link_code(app, id, expires)), expires)?;
            expires
        }
    };
    let code = link_code(app, id, expires);
    let mut page = Gemtext::new();
    page.heading(1, "Add a certificate")
        .blank()
        .raw(&format!("Code: {code}"))
        .blank()
        .text(&format!(
            "To use another certificate (another device or client) as {}: switch to the new \
             certificate, open /do/account/claim and type this code. The code works once, \
             until {}.",
            who.account.name,
            format_time(expires)
        ))
        .blank()
        .link(urls::ACCOUNT_CLAIM, "Claim a certificate with a code")
        .link(ACCOUNT, "Back to your account");
    Ok(gemtext(app, page.finish()))
}

/// `/do/account/claim[/<token>]`: from a new certificate, `30` to the tokenized prompt, `10`
/// for a code, then bind the certificate.
pub fn claim(app: &Capsule, request: &Request, token: Option<&str>) -> Result<Response, AppError> {
    let cert = valid_cert(request, app)?;
    let store = app.store();
    if let Some(account) = store.account_by_fingerprint(&cert.fingerprint)? {
        // Nothing typed: the person is simply sent to their account. A code typed from a
        // registered certificate binds nothing, and the answer says so.
        return Ok(match typed(request) {
            Some(_) => already_registered(app, &account.name),
            None => Response::redirect(ACCOUNT),
        });
    }
    // Defends against login forgery: `/do/account/claim?CODE` written by an editor must not
    // bind a newcomer's certificate to the editor's account.
    let intent = timed(app, "claim");
    if !intent.verifies(app, &cert.fingerprint, token) {
        let fresh = urls::claim_with(intent.token(app, &cert.fingerprint));
        if token.is_none() {
            return Ok(Response::redirect(fresh));
        }
        let refusal = Refusal {
            fresh: Some((fresh, "Type your code".into())),
            ..Refusal::to_menu(urls::ACCOUNT_CLAIM, EXPIRED)
        };
        return Ok(refuse(app, request, token, refusal));
    }
    let Some(code) = typed(request) else {
        return Ok(Response::input(
            "Type the code shown on /do/account/link of your account",
        ));
    };
    match store.claim_link_code(&link_code::hash(code), cert, app.now())? {
        ClaimOutcome::Bound(_) => Ok(Response::redirect(ACCOUNT)),
        ClaimOutcome::CertificateInUse => match store.account_by_fingerprint(&cert.fingerprint)? {
            Some(account) => Ok(already_registered(app, &account.name)),
            None => Ok(Response::redirect(ACCOUNT)),
        },
        ClaimOutcome::InvalidCode => Ok(Response::input(
            "That code is wrong, used or expired; get a new one at /do/account/link",
        )),
    }
}

/// A claim from a certificate that already has an account binds nothing: say so, rather than
/// sending the person to an account page that looks as if the code had worked.
fn already_registered(app: &Capsule, name: &str) -> Response {
    let mut page = Gemtext::new();
    page.heading(1, "Nothing to claim")
        .blank()
        .text(&format!(
            "This certificate is already registered, as {name}, so a link code cannot bind it \
             to another account. Codes are for a new certificate: create one in your client \
             and open /do/account/claim with it."
        ))
        .blank()
        .link(ACCOUNT, "Your account");
    gemtext(app, page.finish())
}

/// The code of `account`'s link code expiring at `expires`, derived from the token key:
/// nothing but its hash is stored, yet it can be shown again while valid (50 bits, as before).
fn link_code(app: &Capsule, account: i64, expires: i64) -> String {
    link_code::from_random(&app.site().tokens().link_code_bytes(account, expires))
}

#[cfg(test)]
mod tests {
    use crate::wiki::link_code;

    #[test]
    fn derived_codes_have_the_link_code_format_and_differ_per_expiry() {
        let key = crate::wiki::token::TokenKey::from_bytes([3; 32]);
        let a = link_code::from_random(&key.link_code_bytes(1, 600));
        let b = link_code::from_random(&key.link_code_bytes(1, 601));
        assert_eq!(a.len(), link_code::CODE_LEN);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, b);
    }
}
