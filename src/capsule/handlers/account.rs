//! Accounts (SPEC §2, §3): register a certificate under a user name, show "who am I", link a
//! further certificate (`link`, the code and its claim), and revoke one. The decision order
//! (60/62/61) is `guard`'s; the admin page is `admin`'s; names are checked by `wiki::user_name`.
//! Register, claim and revoke act only with an action token (SPEC §3.0, `intent`).

use serde::Serialize;

use crate::capsule::error::AppError;
use crate::capsule::handlers::guard::{require, valid_cert, Need, Who};
use crate::capsule::handlers::intent::{account_version, confirmed, refuse, typed, Act, Refusal};
use crate::capsule::handlers::page::gemtext;
use crate::capsule::handlers::{format_day, format_time};
use crate::capsule::router::Route;
use crate::capsule::{urls, Capsule};
use crate::config::Registration;
use crate::gemini::gemtext::one_line;
use crate::gemini::{Request, Response};
use crate::identity::ClientCert;
use crate::wiki::model::{AccountState, CertRecord, CreateAccount, RevokeOutcome, Role};
use crate::wiki::token::TokenState;
use crate::wiki::user_name;

/// Edits listed on `/do/account`.
const RECENT_EDITS: u32 = 20;

const ACCOUNT: &str = urls::ACCOUNT;

/// `/do/register[/<token>]`: `30` to the tokenized prompt, which asks `10` for a name
/// (suggesting the certificate's CN), then creates the account.
///
/// The wiki's very first account becomes an active admin, whatever the policy, so a fresh
/// wiki has someone who can approve others without the CLI.
pub fn register(
    app: &Capsule,
    request: &Request,
    token: Option<&str>,
) -> Result<Response, AppError> {
    let cert = valid_cert(request, app)?;
    let store = app.store();
    if store.account_by_fingerprint(&cert.fingerprint)?.is_some() {
        return Ok(Response::redirect(ACCOUNT));
    }
    let later_state = match app.config().registration {
        Registration::Open => AccountState::Active,
        Registration::Approval => AccountState::Pending,
        Registration::Closed => {
            return Err(AppError::CertNotAuthorised(format!(
                "Registration is closed here: an admin binds certificates with \
                 `gemwiki account add-cert NAME FINGERPRINT`; your certificate's fingerprint \
                 is {}",
                cert.fingerprint
            )))
        }
    };
    // Defends against login forgery: `/do/register?name` written by someone else must not
    // register the visitor's certificate under a name they did not choose.
    let intent = timed(app, "register");
    if !intent.verifies(app, &cert.fingerprint, token) {
        let fresh = urls::register_with(intent.token(app, &cert.fingerprint));
        if token.is_none() {
            return Ok(Response::redirect(fresh));
        }
        let refusal = Refusal {
            fresh: Some((fresh, "Choose a user name".into())),
            ..Refusal::to_menu(urls::REGISTER, EXPIRED)
        };
        return Ok(refuse(app, request, token, refusal));
    }
    let Some(name) = typed(request) else {
        return Ok(Response::input(name_prompt(app, cert)?));
    };
    let name = match user_name::normalise(name) {
        Ok(name) => name,
        // A look-alike of an existing name is "taken", whatever else is wrong with it.
        Err(err) => match store.account_like(name)? {
            Some(existing) => return Ok(ask_again(&user_name::taken(name.trim(), &existing.name))),
            None => return Ok(ask_again(&err)),
        },
    };
    let pick = |first| {
        if first {
            (Role::Admin, AccountState::Active)
        } else {
            (Role::Editor, later_state)
        }
    };
    if let Some(network) = request.network {
        app.site()
            .check_registration_rate(network)
            .map_err(|limited| AppError::TooManyRegistrations(limited.wait_seconds))?;
    }
    match store.create_account_with(&name, cert, app.now(), pick)? {
        CreateAccount::Created(_) | CreateAccount::CertificateInUse => {
            Ok(Response::redirect(ACCOUNT))
        }
        CreateAccount::NameTaken => {
            let existing = store.account_like(&name)?.map_or(name.clone(), |a| a.name);
            Ok(ask_again(&user_name::taken(&name, &existing)))
        }
    }
}

/// Why an account token was refused.
pub(super) const EXPIRED: &str =
    "This link was not made for your certificate, or it has expired, so \
                       nothing was done. Use the fresh link.";

/// An action whose token lives one to two hours (register, claim).
pub(super) fn timed(app: &Capsule, action: &'static str) -> Act<'static> {
    Act {
        action,
        target: "",
        state: TokenState::Time(app.now()),
    }
}

/// The name prompt again, saying why the name was refused.
fn ask_again(refusal: &user_name::UserNameError) -> Response {
    Response::input(format!(
        "{}; choose another user name",
        sentence(&refusal.to_string())
    ))
}

/// The first prompt, suggesting the certificate's common name when it could be taken.
fn name_prompt(app: &Capsule, cert: &ClientCert) -> Result<String, AppError> {
    let candidate = cert
        .common_name
        .as_deref()
        .and_then(|cn| user_name::normalise(cn).ok());
    if let Some(cn) = candidate {
        if app.store().account_like(&cn)?.is_none() {
            return Ok(format!("Choose a user name (suggestion: {cn})"));
        }
    }
    Ok("Choose a user name (letters, digits, '-', '_' and '.')".into())
}

#[derive(Serialize)]
struct CertLine {
    short: String,
    cn: Option<String>,
    expires: String,
    last_used: String,
    current: bool,
    revoke_url: String,
}

#[derive(Serialize)]
struct AccountPage {
    name: String,
    role: &'static str,
    state: &'static str,
    state_note: Option<&'static str>,
    admin: bool,
    fingerprint: String,
    revocable: bool,
    certs: Vec<CertLine>,
    edits: Vec<EditLine>,
    admin_url: &'static str,
    link_url: &'static str,
}

#[derive(Serialize)]
struct EditLine {
    target: String,
    date: String,
    name: String,
    number: u32,
    deleted: bool,
}

/// `/do/account`: who you are, your certificates and your recent edits. Pending and
/// suspended accounts see it too, with their state explained.
pub fn show(app: &Capsule, request: &Request) -> Result<Response, AppError> {
    let who = require(request, app, Need::Account)?;
    let store = app.store();
    let certs: Vec<CertLine> = store
        .certificates(who.account.id)?
        .into_iter()
        .map(|record| cert_line(app, &who, record))
        .collect();
    let edits: Vec<EditLine> = store
        .edits_by(who.account.id, RECENT_EDITS)?
        .into_iter()
        .map(|e| EditLine {
            target: if e.deleted() {
                urls::history(&e.name)
            } else {
                urls::path(&Route::Page {
                    name: e.name.clone(),
                    rev: Some(e.number),
                })
            },
            date: format_day(e.created),
            name: one_line(e.name.as_str()),
            number: e.number,
            deleted: e.deleted(),
        })
        .collect();
    // Read before touching, so the list shows when the other certificates were last used.
    store.touch_certificate(&who.cert.fingerprint, app.now())?;
    let account = &who.account;
    let context = AccountPage {
        name: account.name.clone(),
        role: account.role.as_str(),
        state: account.state.as_str(),
        state_note: state_note(account.state),
        admin: account.role == Role::Admin && account.state == AccountState::Active,
        fingerprint: who.cert.fingerprint.to_hex(),
        revocable: certs.len() > 1,
        certs,
        edits,
        admin_url: urls::ADMIN,
        link_url: urls::ACCOUNT_LINK,
    };
    let out = app.templates().render("account.gmi", context)?;
    Ok(gemtext(app, out))
}

/// One certificate as listed; the one in use is described from the live certificate, which
/// knows its CN and dates even when an admin bound it by fingerprint alone.
fn cert_line(app: &Capsule, who: &Who, record: CertRecord) -> CertLine {
    let current = record.fingerprint == who.cert.fingerprint;
    let short = record.fingerprint.short();
    let (cn, not_after) = if current {
        (who.cert.common_name.clone(), who.cert.not_after)
    } else {
        (record.common_name, record.not_after)
    };
    CertLine {
        revoke_url: urls::revoke(
            &short,
            revoke_act(who, &short).token(app, &who.cert.fingerprint),
        ),
        short,
        cn: cn.map(|cn| one_line(&cn)).filter(|cn| !cn.is_empty()),
        expires: match not_after {
            i64::MAX => "no recorded expiry".into(),
            day => format!("expires {}", format_day(day)),
        },
        last_used: record.last_used.map_or_else(
            || "never used".into(),
            |t| format!("last used {}", format_time(t)),
        ),
        current,
    }
}

fn state_note(state: AccountState) -> Option<&'static str> {
    match state {
        AccountState::Active => None,
        AccountState::Pending => Some(
            "Your account is waiting for an admin's approval. You can read everything now; \
             you can edit once an admin approves it.",
        ),
        AccountState::Suspended => Some(
            "Your account is suspended: you cannot edit. Ask an admin of this wiki if you \
             think this is a mistake.",
        ),
    }
}

/// Revoking `prefix`: tied to the account's state version.
fn revoke_act<'a>(who: &Who, prefix: &'a str) -> Act<'a> {
    Act {
        action: "revoke",
        target: prefix,
        state: account_version(&who.account),
    }
}

/// `/do/account/revoke/<prefix>/<token>`: asks to confirm, then unbinds one of your
/// certificates, never the last one.
pub fn revoke(
    app: &Capsule,
    request: &Request,
    prefix: &str,
    token: Option<&str>,
) -> Result<Response, AppError> {
    let who = require(request, app, Need::Account)?;
    if prefix.len() != 16 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::BadRequest(
            "A certificate is named by the 16 hex digits shown on /do/account, \
             e.g. /do/account/revoke/0123456789abcdef"
                .into(),
        ));
    }
    // Refusals that change nothing come before the token, so they read the same either way.
    let certs = app.store().certificates(who.account.id)?;
    if !certs.iter().any(|c| c.fingerprint.short() == prefix) {
        return Err(no_such_certificate(prefix));
    }
    if certs.len() == 1 {
        return Err(last_certificate());
    }
    let intent = revoke_act(&who, prefix);
    if !intent.verifies(app, &who.cert.fingerprint, token) {
        let fresh = urls::revoke(prefix, intent.token(app, &who.cert.fingerprint));
        let refusal = Refusal {
            fresh: Some((fresh, format!("Revoke {prefix}"))),
            ..Refusal::to_menu(ACCOUNT, EXPIRED)
        };
        return Ok(refuse(app, request, token, refusal));
    }
    if !confirmed(request) {
        return Ok(Response::input(format!(
            "Type yes to revoke certificate {prefix} of your account {}",
            who.account.name
        )));
    }
    match app.store().revoke_certificate(who.account.id, prefix)? {
        RevokeOutcome::Revoked => Ok(Response::redirect(ACCOUNT)),
        RevokeOutcome::NotFound => Err(no_such_certificate(prefix)),
        RevokeOutcome::LastCertificate => Err(last_certificate()),
    }
}

fn no_such_certificate(prefix: &str) -> AppError {
    AppError::NotFound(format!(
        "Your account has no certificate {prefix}; see /do/account"
    ))
}

fn last_certificate() -> AppError {
    AppError::CertNotAuthorised(
        "That is the last certificate of your account, so revoking it would lock you out; \
         add another at /do/account/link first"
            .into(),
    )
}

/// The message with its first letter capitalised, for the start of a prompt.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_start_with_a_capital() {
        assert_eq!(sentence("a user name"), "A user name");
        assert_eq!(sentence(""), "");
    }
}
