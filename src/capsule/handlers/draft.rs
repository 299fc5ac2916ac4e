//! `/do/draft/<id>`: a Titan upload that overlapped with a newer edit (SPEC §4), shown with
//! the three-way merge and the way to resolve it; `/do/draft/<id>/raw` is the upload as sent.
//! Reading only: resolving is a fresh Titan upload, so no link here changes anything.

use serde::Serialize;

use crate::capsule::error::AppError;
use crate::capsule::handlers::guard::{require, Need};
use crate::capsule::handlers::page::gemtext;
use crate::capsule::router::Route;
use crate::capsule::templates::BODY;
use crate::capsule::{urls, Capsule};
use crate::gemini::{Request, Response};
use crate::wiki::merge::Draft;

#[derive(Serialize)]
struct DraftPage<'a> {
    name: &'a str,
    base: u32,
    against: u32,
    body: &'static str,
    titan_url: String,
    mine_url: String,
}

/// Shows a draft to whoever may: its author's account (or an admin); a draft uploaded with a
/// token and no certificate only through its unguessable id.
pub fn show(app: &Capsule, request: &Request, id: &str, raw: bool) -> Result<Response, AppError> {
    let draft = app.store().draft(id)?.ok_or_else(|| {
        AppError::NotFound("No such draft: it may never have existed, or the id is mistyped".into())
    })?;
    if let Some(author) = draft.author_id {
        // Drafts are unpublished text: another account must not read them by a shared link.
        let who = require(request, app, Need::Account)?;
        if who.account.id != author && !who.is_admin() {
            return Err(AppError::CertNotAuthorised(
                "This draft belongs to another account".into(),
            ));
        }
    }
    if raw {
        let mime = format!("{}; charset=utf-8", draft.format.mime());
        return Ok(Response::success(mime, draft.text.into_bytes()));
    }
    let context = DraftPage {
        name: draft.name.as_str(),
        base: draft.base,
        against: draft.against,
        body: BODY,
        titan_url: urls::titan_edit(request, &draft.name, Some(draft.against)),
        mine_url: urls::path(&Route::Draft {
            id: draft.id.clone(),
            raw: true,
        }),
    };
    let out = app
        .templates()
        .render_with_body("draft.gmi", context, &shown_merge(&draft))?;
    Ok(gemtext(app, out))
}

/// The merged text for a preformatted block: a line starting with ``` would end the block,
/// so it gets one leading space (the page says so; the raw link is exact).
fn shown_merge(draft: &Draft) -> String {
    let mut out = String::with_capacity(draft.merged.len() + 16);
    for line in draft.merged.lines() {
        if line.starts_with("```") {
            out.push(' ');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
