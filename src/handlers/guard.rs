//! The identity guard, written once: SPEC §2's decision order for every route that needs an
//! identity — no certificate (60), outside its dates (62), not bound to an account (61),
//! account pending / suspended / lacking the right (61) — then who is asking.

use crate::app::App;
use crate::error::AppError;
use crate::gemini::Request;
use crate::handlers::format_time;
use crate::identity::{ClientCert, Validity};
use crate::store::{Account, AccountState, Role};

/// What a route needs from the person asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// A registered certificate; pending and suspended accounts pass (they may see their state).
    Account,
    /// An active account (editor or admin).
    Edit,
    /// An active admin account.
    Admin,
}

/// A person who passed the guard.
#[derive(Debug, Clone)]
pub struct Who {
    pub cert: ClientCert,
    pub account: Account,
}

/// Steps 1–2: a certificate inside its validity dates.
///
/// # Errors
/// `60` without a certificate, `62` outside its dates (naming the date).
pub fn valid_cert<'r>(request: &'r Request, app: &App) -> Result<&'r ClientCert, AppError> {
    let cert = request.client_cert.as_ref().ok_or_else(|| {
        AppError::CertRequired(
            "Present a client certificate to continue; use the same one for this whole capsule"
                .into(),
        )
    })?;
    match cert.validity_at(app.now()) {
        Validity::Valid => Ok(cert),
        Validity::Expired { not_after } => Err(AppError::CertNotValid(format!(
            "Your certificate expired on {}; create a new one and add it to your account",
            format_time(not_after)
        ))),
        Validity::NotYetValid { not_before } => Err(AppError::CertNotValid(format!(
            "Your certificate is not valid until {}; check your clock or make a new one",
            format_time(not_before)
        ))),
    }
}

/// The whole decision order; on success, who is asking.
///
/// # Errors
/// `60`, `62` or `61` as SPEC §2 orders them, each with a sentence saying what to do.
pub fn require(request: &Request, app: &App, need: Need) -> Result<Who, AppError> {
    let cert = valid_cert(request, app)?;
    let account = app
        .store()
        .account_by_fingerprint(&cert.fingerprint)?
        .ok_or_else(|| {
            AppError::CertNotAuthorised(format!(
                "This certificate (SHA-256 {}) is not registered here; register it at /do/register",
                cert.fingerprint
            ))
        })?;
    if need != Need::Account {
        match account.state {
            AccountState::Active => {}
            AccountState::Pending => {
                return Err(AppError::CertNotAuthorised(
                    "Your account is waiting for an admin's approval; see /do/account".into(),
                ))
            }
            AccountState::Suspended => {
                return Err(AppError::CertNotAuthorised(
                    "Your account is suspended; ask an admin of this wiki".into(),
                ))
            }
        }
    }
    if need == Need::Admin && account.role != Role::Admin {
        return Err(AppError::CertNotAuthorised(
            "Only admins may do this".into(),
        ));
    }
    Ok(Who {
        cert: cert.clone(),
        account,
    })
}
