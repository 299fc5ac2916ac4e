//! The access decision, written once and pure: SPEC §2's decision order for every action that
//! needs an identity — no certificate, outside its dates, not bound to an account, account
//! pending / suspended / lacking the right — and the page lock. It returns who is asking or
//! why not, as values; each front-end turns a [`Denied`] into its own status and sentence.

use crate::identity::{ClientCert, Validity};
use crate::wiki::model::{Account, AccountState, Role};

/// What an action needs from the person asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// A registered certificate; pending and suspended accounts pass (they may see their state).
    Account,
    /// An active account (editor or admin).
    Edit,
    /// An active admin account.
    Admin,
}

/// A person who passed the decision.
#[derive(Debug, Clone)]
pub struct Who {
    pub cert: ClientCert,
    pub account: Account,
}

impl Who {
    pub fn is_admin(&self) -> bool {
        self.account.role == Role::Admin
    }
}

/// Why the person may not go on, in SPEC §2's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// No client certificate was presented.
    NoCert,
    /// The certificate expired at this time (Unix seconds).
    Expired { not_after: i64 },
    /// The certificate is valid only from this time (Unix seconds).
    NotYetValid { not_before: i64 },
    /// The certificate is not bound to any account.
    Unregistered,
    /// The account waits for an admin's approval.
    Pending,
    /// The account is suspended.
    Suspended,
    /// The action needs an admin.
    NotAdmin,
    /// The page is locked and the person is not an admin.
    Locked,
}

/// Steps 1–2 of the decision: a certificate inside its validity dates at `now`.
///
/// # Errors
/// [`Denied::NoCert`], [`Denied::Expired`] or [`Denied::NotYetValid`].
pub fn valid_cert(cert: Option<&ClientCert>, now: i64) -> Result<&ClientCert, Denied> {
    let cert = cert.ok_or(Denied::NoCert)?;
    match cert.validity_at(now) {
        Validity::Valid => Ok(cert),
        Validity::Expired { not_after } => Err(Denied::Expired { not_after }),
        Validity::NotYetValid { not_before } => Err(Denied::NotYetValid { not_before }),
    }
}

/// The whole decision: `account` is the account `cert` is bound to, if any.
///
/// # Errors
/// The first [`Denied`] reason in SPEC §2's order.
pub fn decide(
    cert: Option<&ClientCert>,
    account: Option<&Account>,
    now: i64,
    need: Need,
) -> Result<Who, Denied> {
    let cert = valid_cert(cert, now)?;
    let account = account.ok_or(Denied::Unregistered)?;
    if need != Need::Account {
        match account.state {
            AccountState::Active => {}
            AccountState::Pending => return Err(Denied::Pending),
            AccountState::Suspended => return Err(Denied::Suspended),
        }
    }
    if need == Need::Admin && account.role != Role::Admin {
        return Err(Denied::NotAdmin);
    }
    Ok(Who {
        cert: cert.clone(),
        account: account.clone(),
    })
}

/// Whether someone who may edit (`admin` or not) may change a page that is `locked` or not.
///
/// # Errors
/// [`Denied::Locked`] for a locked page and a non-admin.
pub fn may_change(locked: bool, admin: bool) -> Result<(), Denied> {
    if locked && !admin {
        Err(Denied::Locked)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Fingerprint;

    fn cert(not_before: i64, not_after: i64) -> ClientCert {
        ClientCert {
            fingerprint: Fingerprint::of_der(b"c"),
            common_name: None,
            not_before,
            not_after,
        }
    }

    fn account(role: Role, state: AccountState) -> Account {
        Account {
            id: 1,
            name: "ann".into(),
            role,
            state,
            created: 0,
        }
    }

    #[test]
    fn the_order_is_certificate_then_dates_then_binding_then_state_then_right() {
        let ok = cert(0, 100);
        let admin = account(Role::Admin, AccountState::Active);
        assert_eq!(
            decide(None, Some(&admin), 50, Need::Edit).unwrap_err(),
            Denied::NoCert
        );
        // Dates come before the binding: an expired bound certificate is 62, not 61.
        assert_eq!(
            decide(Some(&cert(0, 10)), Some(&admin), 50, Need::Edit).unwrap_err(),
            Denied::Expired { not_after: 10 }
        );
        assert_eq!(
            decide(Some(&cert(60, 100)), None, 50, Need::Edit).unwrap_err(),
            Denied::NotYetValid { not_before: 60 }
        );
        assert_eq!(
            decide(Some(&ok), None, 50, Need::Account).unwrap_err(),
            Denied::Unregistered
        );
        let pending = account(Role::Admin, AccountState::Pending);
        assert_eq!(
            decide(Some(&ok), Some(&pending), 50, Need::Admin).unwrap_err(),
            Denied::Pending
        );
        let suspended = account(Role::Editor, AccountState::Suspended);
        assert_eq!(
            decide(Some(&ok), Some(&suspended), 50, Need::Edit).unwrap_err(),
            Denied::Suspended
        );
        let editor = account(Role::Editor, AccountState::Active);
        assert_eq!(
            decide(Some(&ok), Some(&editor), 50, Need::Admin).unwrap_err(),
            Denied::NotAdmin
        );
        assert!(decide(Some(&ok), Some(&admin), 50, Need::Admin)
            .unwrap()
            .is_admin());
    }

    #[test]
    fn pending_and_suspended_accounts_may_still_see_themselves() {
        let ok = cert(0, 100);
        for state in [AccountState::Pending, AccountState::Suspended] {
            let who = decide(
                Some(&ok),
                Some(&account(Role::Editor, state)),
                50,
                Need::Account,
            );
            assert_eq!(who.unwrap().account.state, state);
        }
    }

    #[test]
    fn only_admins_change_locked_pages() {
        assert_eq!(may_change(true, false), Err(Denied::Locked));
        assert_eq!(may_change(true, true), Ok(()));
        assert_eq!(may_change(false, false), Ok(()));
    }
}
