//! The identity guard of the Gemini handlers: looks up the account of the presented
//! certificate, asks the wiki core's access decision ([`crate::wiki::access`]) and turns a
//! denial into its Gemini refusal ([`crate::capsule::denied`]).

use crate::capsule::denied::{refusal, Subject};
use crate::capsule::error::AppError;
use crate::capsule::Capsule;
use crate::gemini::Request;
use crate::identity::ClientCert;
use crate::wiki::access::{self, Denied};
use crate::wiki::model::Page;
use crate::wiki::PageName;

pub use crate::wiki::access::{Need, Who};

/// Steps 1–2: a certificate inside its validity dates.
///
/// # Errors
/// `60` without a certificate, `62` outside its dates (naming the date).
pub fn valid_cert<'r>(request: &'r Request, app: &Capsule) -> Result<&'r ClientCert, AppError> {
    access::valid_cert(request.client_cert.as_ref(), app.now())
        .map_err(|denied| refusal(&denied, Subject::default()))
}

/// The decision without its Gemini sentence, for callers that fall back to something else
/// (a Titan token) when the person has no usable identity.
///
/// # Errors
/// [`Denied`] as the core decides; store failures as [`AppError`].
pub fn decide(
    request: &Request,
    app: &Capsule,
    need: Need,
) -> Result<Result<Who, Denied>, AppError> {
    let cert = request.client_cert.as_ref();
    let account = match cert {
        Some(cert) => app.store().account_by_fingerprint(&cert.fingerprint)?,
        None => None,
    };
    let decision = access::decide(cert, account.as_ref(), app.now(), need);
    if let Ok(who) = &decision {
        record_use(app, who);
    }
    Ok(decision)
}

/// Keeps a certificate's "last used" current on every authenticated request, written at
/// most once a minute. A failed write (the database busy) never fails the request.
fn record_use(app: &Capsule, who: &Who) {
    let (fp, now) = (&who.cert.fingerprint, app.now());
    if app.site().certificate_use_due(fp, now) {
        if let Err(err) = app.store().touch_certificate(fp, now) {
            tracing::debug!(error = %err, "could not record a certificate's last use");
        }
    }
}

/// The whole decision order; on success, who is asking.
///
/// # Errors
/// `60`, `62` or `61` as SPEC §2 orders them, each with a sentence saying what to do.
pub fn require(request: &Request, app: &Capsule, need: Need) -> Result<Who, AppError> {
    decide(request, app, need)?.map_err(|denied| refuse(&denied, request, None))
}

/// `61` when `page` is locked and `who` is not an admin.
///
/// # Errors
/// [`AppError::CertNotAuthorised`] naming the page.
pub fn refuse_if_locked(name: &PageName, page: Option<&Page>, admin: bool) -> Result<(), AppError> {
    let locked = page.is_some_and(|p| p.locked);
    access::may_change(locked, admin).map_err(|denied| {
        refusal(
            &denied,
            Subject {
                fingerprint: None,
                page: Some(name),
            },
        )
    })
}

/// The Gemini refusal for `denied`, naming the request's certificate or `page` when useful.
pub fn refuse(denied: &Denied, request: &Request, page: Option<&PageName>) -> AppError {
    refusal(
        denied,
        Subject {
            fingerprint: request.client_cert.as_ref().map(|c| &c.fingerprint),
            page,
        },
    )
}
