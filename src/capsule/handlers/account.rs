//! Accounts (SPEC §2, §3): register a certificate under a user name, show "who am I", link a
//! further certificate with a one-time code and claim it, and revoke one. The decision order
//! (60/62/61) is `guard`'s; the admin page is `admin`'s; names are checked by `wiki::user_name`.

use minijinja::context;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::capsule::error::AppError;
use crate::capsule::handlers::guard::{require, valid_cert, Need, Who};
use crate::capsule::handlers::page::gemtext;
use crate::capsule::handlers::{format_day, format_time};
use crate::capsule::Capsule;
use crate::config::Registration;
use crate::gemini::gemtext::{one_line, Gemtext};
use crate::gemini::{Request, Response};
use crate::identity::ClientCert;
use crate::wiki::model::{
    AccountState, CertRecord, ClaimOutcome, CreateAccount, RevokeOutcome, Role,
};
use crate::wiki::user_name;

/// How long a link code stays valid, in seconds (SPEC §3: 10 minutes).
const LINK_CODE_SECONDS: i64 = 600;

/// Characters in a link code: 50 random bits, short enough to type on a phone.
const CODE_LEN: usize = 10;

/// Crockford's base32 alphabet: no `i`, `l`, `o` or `u`, so a code copied by hand survives.
/// 32 symbols, so five bits of a random byte pick one without bias.
const CODE_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Edits listed on `/do/account`.
const RECENT_EDITS: u32 = 20;

const ACCOUNT: &str = "/do/account";

/// `/do/register`: `10` for a name (suggesting the certificate's CN), then create the account.
///
/// The wiki's very first account becomes an active admin, whatever the policy, so a fresh
/// wiki has someone who can approve others without the CLI.
pub fn register(app: &Capsule, request: &Request) -> Result<Response, AppError> {
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
        .map(|record| cert_line(&who, record))
        .collect();
    let edits: Vec<EditLine> = store
        .edits_by(who.account.id, RECENT_EDITS)?
        .into_iter()
        .map(|e| EditLine {
            target: if e.deleted {
                format!("/history/{}", e.name.encoded())
            } else {
                format!("/page/{}/{}", e.name.encoded(), e.number)
            },
            date: format_day(e.created),
            name: one_line(e.name.as_str()),
            number: e.number,
            deleted: e.deleted,
        })
        .collect();
    // Read before touching, so the list shows when the other certificates were last used.
    store.touch_certificate(&who.cert.fingerprint, app.now())?;
    let account = &who.account;
    let out = app.templates().render(
        "account.gmi",
        context! {
            name => account.name,
            role => account.role.as_str(),
            state => account.state.as_str(),
            state_note => state_note(account.state),
            admin => account.role == Role::Admin && account.state == AccountState::Active,
            fingerprint => who.cert.fingerprint.to_hex(),
            revocable => certs.len() > 1,
            certs,
            edits,
        },
    )?;
    Ok(gemtext(app, out))
}

/// One certificate as listed; the one in use is described from the live certificate, which
/// knows its CN and dates even when an admin bound it by fingerprint alone.
fn cert_line(who: &Who, record: CertRecord) -> CertLine {
    let current = record.fingerprint == who.cert.fingerprint;
    let (cn, not_after) = if current {
        (who.cert.common_name.clone(), who.cert.not_after)
    } else {
        (record.common_name, record.not_after)
    };
    CertLine {
        short: record.fingerprint.short(),
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

/// `/do/account/link`: a fresh one-time code that binds another certificate to this account.
pub fn link(app: &Capsule, request: &Request) -> Result<Response, AppError> {
    let who = require(request, app, Need::Account)?;
    let code = new_code()?;
    let expires = app.now() + LINK_CODE_SECONDS;
    app.store()
        .create_link_code(who.account.id, &code_hash(&code), expires)?;
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
        .link("/do/account/claim", "Claim a certificate with a code")
        .link(ACCOUNT, "Back to your account");
    Ok(gemtext(app, page.finish()))
}

/// `/do/account/claim`: from a new certificate, `10` for a code, then bind the certificate.
pub fn claim(app: &Capsule, request: &Request) -> Result<Response, AppError> {
    let cert = valid_cert(request, app)?;
    let store = app.store();
    if store.account_by_fingerprint(&cert.fingerprint)?.is_some() {
        return Ok(Response::redirect(ACCOUNT));
    }
    let Some(code) = typed(request) else {
        return Ok(Response::input(
            "Type the code shown on /do/account/link of your account",
        ));
    };
    match store.claim_link_code(&code_hash(code), cert, app.now())? {
        ClaimOutcome::Bound(_) | ClaimOutcome::CertificateInUse => Ok(Response::redirect(ACCOUNT)),
        ClaimOutcome::InvalidCode => Ok(Response::input(
            "That code is wrong, used or expired; get a new one at /do/account/link",
        )),
    }
}

/// `/do/account/revoke/<prefix>`: unbind one of your certificates, never the last one.
pub fn revoke(app: &Capsule, request: &Request, prefix: &str) -> Result<Response, AppError> {
    let who = require(request, app, Need::Account)?;
    if prefix.len() != 16 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::BadRequest(
            "A certificate is named by the 16 hex digits shown on /do/account, \
             e.g. /do/account/revoke/0123456789abcdef"
                .into(),
        ));
    }
    match app.store().revoke_certificate(who.account.id, prefix)? {
        RevokeOutcome::Revoked => Ok(Response::redirect(ACCOUNT)),
        RevokeOutcome::NotFound => Err(AppError::NotFound(format!(
            "Your account has no certificate {prefix}; see /do/account"
        ))),
        RevokeOutcome::LastCertificate => Err(AppError::CertNotAuthorised(
            "That is the last certificate of your account, so revoking it would lock you out; \
             add another at /do/account/link first"
                .into(),
        )),
    }
}

/// The trimmed input, if the person typed anything.
fn typed(request: &Request) -> Option<&str> {
    request
        .query
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The message with its first letter capitalised, for the start of a prompt.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn new_code() -> Result<String, AppError> {
    let bytes = crate::tls::random_bytes(CODE_LEN)
        .map_err(|err| AppError::Internal(format!("random link code: {err}")))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(b & 31)]))
        .collect())
}

/// What is stored for a code: the SHA-256 of its canonical form, so a code typed in capitals,
/// with spaces or dashes, or with `i`/`l`/`o` for `1`/`0`, still matches.
fn code_hash(code: &str) -> [u8; 32] {
    let canonical: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_lowercase() {
            'i' | 'l' => '1',
            'o' => '0',
            other => other,
        })
        .collect();
    Sha256::digest(canonical.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_alphabet_and_differ() {
        let a = new_code().unwrap();
        let b = new_code().unwrap();
        assert_eq!(a.len(), CODE_LEN);
        assert!(a.bytes().all(|c| CODE_ALPHABET.contains(&c)), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn code_hash_forgives_case_spacing_and_lookalikes() {
        let canonical = code_hash("0123456789ab");
        for typed in [
            "O123456789AB",
            "o1 23-45 6789ab",
            "0i23456789ab",
            "0L23456789ab",
        ] {
            assert_eq!(code_hash(typed), canonical, "{typed}");
        }
        assert_ne!(code_hash("0123456789ac"), canonical);
    }

    #[test]
    fn sentences_start_with_a_capital() {
        assert_eq!(sentence("a user name"), "A user name");
        assert_eq!(sentence(""), "");
    }
}
