//! Finding and starting pages: full-text search (plain words, never a pattern) and the
//! "new page" prompt that leads to the editor.

use serde::Serialize;

use crate::capsule::error::AppError;
use crate::capsule::handlers::page::gemtext;
use crate::capsule::{urls, Capsule};
use crate::gemini::gemtext::one_line;
use crate::gemini::{Request, Response};
use crate::wiki::PageName;

/// Most results shown for one search.
const MAX_HITS: u32 = 50;

#[derive(Serialize)]
struct Hit {
    name: String,
    url: String,
    snippet: String,
}

#[derive(Serialize)]
struct SearchPage {
    words: String,
    hits: Vec<Hit>,
}

/// `/do/search`: a prompt, or `?words` → ranked results with snippets.
pub fn search(app: &Capsule, request: &Request) -> Result<Response, AppError> {
    let words = request.query.as_deref().map(one_line).unwrap_or_default();
    if words.is_empty() {
        return Ok(Response::input("Search the wiki for words"));
    }
    let hits: Vec<Hit> = app
        .store()
        .search(&words, MAX_HITS)?
        .into_iter()
        .map(|hit| Hit {
            url: urls::page(&hit.name),
            name: hit.name.to_string(),
            snippet: one_line(&hit.snippet),
        })
        .collect();
    let out = app
        .templates()
        .render("search.gmi", SearchPage { words, hits })?;
    Ok(gemtext(app, out))
}

/// `/do/new`: ask for a name, then go to its editor; an invalid name is asked again.
pub fn new_page(request: &Request) -> Result<Response, AppError> {
    let Some(input) = request.query.as_deref() else {
        return Ok(Response::input("Name of the new page"));
    };
    // Not trimmed: a name with leading or trailing spaces is refused with the reason, never
    // quietly turned into another page's name.
    match PageName::new(input) {
        Ok(name) => Ok(Response::redirect(urls::edit(&name))),
        Err(err) => Ok(Response::input(format!("{err}. Name of the new page"))),
    }
}
