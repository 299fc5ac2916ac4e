//! How the Gemini front-end says no: each [`Denied`] of the access decision becomes its
//! status (60 no certificate, 62 outside its dates, 61 everything else) and a sentence that
//! tells the person what to do next.

use crate::capsule::error::AppError;
use crate::capsule::handlers::format_time;
use crate::identity::Fingerprint;
use crate::wiki::access::Denied;
use crate::wiki::PageName;

/// What the sentence may name besides the reason itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject<'a> {
    /// The certificate presented, for "this certificate is not registered".
    pub fingerprint: Option<&'a Fingerprint>,
    /// The page acted on, for "this page is locked".
    pub page: Option<&'a PageName>,
}

/// The Gemini refusal for `denied`.
pub fn refusal(denied: &Denied, subject: Subject<'_>) -> AppError {
    match denied {
        Denied::NoCert => AppError::CertRequired(
            "Present a client certificate to continue; use the same one for this whole capsule"
                .into(),
        ),
        Denied::Expired { not_after } => AppError::CertNotValid(format!(
            "Your certificate expired on {}; make a new certificate and ask an admin of this \
             wiki for a link code, or type a code from /do/account/link of another of your \
             certificates at /do/account/claim",
            format_time(*not_after)
        )),
        Denied::NotYetValid { not_before } => AppError::CertNotValid(format!(
            "Your certificate is not valid until {}; check your clock or make a new one",
            format_time(*not_before)
        )),
        Denied::Unregistered => AppError::CertNotAuthorised(match subject.fingerprint {
            Some(fp) => format!(
                "This certificate (SHA-256 {fp}) is not registered here; register it at /do/register"
            ),
            None => "This certificate is not registered here; register it at /do/register".into(),
        }),
        Denied::Pending => AppError::CertNotAuthorised(
            "Your account is waiting for an admin's approval; see /do/account".into(),
        ),
        Denied::Suspended => AppError::CertNotAuthorised(
            "Your account is suspended; ask an admin of this wiki".into(),
        ),
        Denied::NotAdmin => AppError::CertNotAuthorised("Only admins may do this".into()),
        Denied::Locked => AppError::CertNotAuthorised(match subject.page {
            Some(name) => format!(
                "“{name}” is locked; ask an admin of this wiki to change it or unlock it"
            ),
            None => "This page is locked; ask an admin of this wiki to change it".into(),
        }),
    }
}
