//! Accounts: register a certificate under a user name, show "who am I", link and claim
//! further certificates, revoke one, and the admin page.

use crate::app::App;
use crate::error::AppError;
use crate::gemini::{Request, Response};
use crate::handlers::guard::{require, Need};
use crate::router::AdminAction;

pub fn register(app: &App, request: &Request) -> Result<Response, AppError> {
    require(request, app, Need::Account).map(|_| Response::redirect("/do/account"))
}

pub fn show(app: &App, request: &Request) -> Result<Response, AppError> {
    require(request, app, Need::Account)?;
    Err(AppError::NotFound("Accounts are not available yet".into()))
}

pub fn link(app: &App, request: &Request) -> Result<Response, AppError> {
    show(app, request)
}

pub fn claim(app: &App, request: &Request) -> Result<Response, AppError> {
    show(app, request)
}

pub fn revoke(app: &App, request: &Request, _prefix: &str) -> Result<Response, AppError> {
    show(app, request)
}

pub fn admin(app: &App, request: &Request, _action: AdminAction) -> Result<Response, AppError> {
    require(request, app, Need::Admin)?;
    Err(AppError::NotFound(
        "Administration is not available yet".into(),
    ))
}
