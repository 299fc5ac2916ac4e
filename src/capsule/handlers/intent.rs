//! Action intent for the Gemini handlers (SPEC §3.0): tokenized links made for the presenting
//! certificate, the check of a request's token, and what a request that fails it gets — `30`
//! to the menu that offers the action, or, when something was typed, a `20` page that keeps
//! the text and offers a fresh link. The HMAC itself is `wiki::token`.

use crate::capsule::handlers::page::gemtext;
use crate::capsule::Capsule;
use crate::gemini::gemtext::Gemtext;
use crate::gemini::{Request, Response};
use crate::identity::Fingerprint;
use crate::wiki::model::Account;
use crate::wiki::token::{Intent, TokenState};

/// One action as a token sees it: what, on what, in which state.
#[derive(Debug, Clone)]
pub struct Act<'a> {
    pub action: &'a str,
    pub target: &'a str,
    pub state: TokenState,
}

impl Act<'_> {
    fn intent<'s>(&'s self, fingerprint: &'s Fingerprint) -> Intent<'s> {
        Intent {
            fingerprint,
            action: self.action,
            target: self.target,
            state: &self.state,
        }
    }

    /// The token for this action made for `fingerprint`.
    pub fn token(&self, app: &Capsule, fingerprint: &Fingerprint) -> String {
        app.site().tokens().token(&self.intent(fingerprint))
    }

    /// Whether `token` authorises this action for `fingerprint`.
    // Defends against cross-site action links: a URL anyone wrote (on a page, another
    // capsule, a `30`) carries no token valid for the visitor's certificate, so it never acts.
    pub fn verifies(&self, app: &Capsule, fingerprint: &Fingerprint, token: Option<&str>) -> bool {
        token.is_some_and(|token| app.site().tokens().verify(&self.intent(fingerprint), token))
    }
}

/// An account's state version, derived from its role and state (there is no version column):
/// a token for an action on the account dies when either changes.
pub fn account_version(account: &Account) -> TokenState {
    TokenState::Version(format!(
        "{}:{}:{}",
        account.id,
        account.role.as_str(),
        account.state.as_str()
    ))
}

/// The trimmed input, if the person typed anything (`None` means: ask).
pub fn typed(request: &Request) -> Option<&str> {
    request
        .query
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// Whether the person confirmed a `10` question by typing `yes`.
pub fn confirmed(request: &Request) -> bool {
    request
        .query
        .as_deref()
        .is_some_and(|q| q.trim().eq_ignore_ascii_case("yes"))
}

/// What a refused action request is told.
pub struct Refusal {
    /// The menu that offers the action (where a tokenless request is sent).
    pub menu: String,
    /// Why nothing happened, one sentence.
    pub why: String,
    /// The diff to read when the page changed meanwhile.
    pub diff: Option<String>,
    /// A freshly tokenized link for the same action, with its label.
    pub fresh: Option<(String, String)>,
}

impl Refusal {
    /// A refusal whose only way on is the menu.
    pub fn to_menu(menu: impl Into<String>, why: impl Into<String>) -> Self {
        Self {
            menu: menu.into(),
            why: why.into(),
            diff: None,
            fresh: None,
        }
    }
}

/// The answer to an action request whose token is missing or does not verify: never acts.
/// Without a token or without typed text, `30` to the menu (the query is dropped); with typed
/// text, a page that says why, keeps the text in a preformatted block (clients such as amfora
/// keep no input history) and links onwards.
pub fn refuse(app: &Capsule, request: &Request, token: Option<&str>, refusal: Refusal) -> Response {
    let typed = request.query.as_deref().filter(|q| !q.is_empty());
    let (Some(_), Some(typed)) = (token, typed) else {
        return Response::redirect(refusal.menu);
    };
    let mut page = Gemtext::new();
    page.heading(1, "Nothing was done")
        .blank()
        .text(&refusal.why)
        .blank()
        .text("What you sent, so nothing you typed is lost:")
        .preformatted("the text you sent", typed)
        .blank();
    if let Some(diff) = &refusal.diff {
        page.link(diff, "What changed meanwhile");
    }
    if let Some((url, label)) = &refusal.fresh {
        page.link(url, label);
    }
    page.link(&refusal.menu, "Back to the menu");
    gemtext(app, page.finish())
}
