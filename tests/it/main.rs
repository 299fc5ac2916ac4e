//! The integration test binary: every module starts a real server on 127.0.0.1:0 and talks
//! real TLS to it, with or without a client certificate.

/// Register, account page, link/claim/revoke, trust policies, admin page (SPEC §2).
mod accounts;
/// Issue 16: page tools for any page and undoing an account's edits from /do/admin.
mod admin_tools;
/// Issue 11 cost bounds on the wire: busy database, large diffs (SPEC §1.3, §7).
mod bounds;
/// The admin command line against a running server's store (SPEC §6).
mod cli;
/// Input-driven edits, locks and edit rate limits (SPEC §3 edit routes).
mod editing;
/// Uploaded files in the list of files and in recent changes (issue 16).
mod files;
/// Issue 11: crafted client chains and look-alike names cost nothing and impersonate no one.
mod hardening;
/// Moving in and out: Phoebe import, backup, export and its import (SPEC §9, issue 14).
mod import;
/// Issue 11: per-network connection and registration limits, shedding, the render cache.
mod limits;
/// Phoebe's URLs keep working after a move (SPEC §9, issue 14).
mod moved;
/// Issue 16: CLI listings and wording, the last-admin guard, link-code recovery.
mod operating;
/// Issue 15: cached page answers are never stale past the store's change stamp.
mod page_cache;
/// SPEC §1: TLS, client certificates, request lines, close_notify, timeouts.
mod protocol;
/// Every reading route over a seeded wiki (SPEC §3, §5).
mod reading;
/// Golden, line-exact renders of every page kind (SPEC §3, §5).
mod renders;
mod support;
/// Titan uploads (SPEC §4).
mod titan;
/// Editing as Lagrange and amfora users do it: `;edit`, merges, drafts, feeds (issue 12).
mod titan_edit;
/// Issue 10: action tokens — no link anyone wrote acts with a visitor's certificate (SPEC §3.0).
mod tokens;
/// The read-only HTML view over HTTPS, plain HTTP and the Gemini port (SPEC §8, issue 13).
mod web;
