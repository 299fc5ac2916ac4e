//! `gemwiki tls show|regenerate`: what the server certificate says, and replacing a generated
//! one when the capsule's hostnames changed.

use std::io::Write;

use super::{format_time, CommandError, Result};
use crate::cli::TlsCommand;
use crate::config::Config;
use crate::tls;

/// `gemwiki tls …`, for the certificate `config` names (its own files, or the generated pair
/// in the data directory).
///
/// # Errors
/// No confirmation for `regenerate`, a configured certificate, unreadable or unwritable files.
pub fn tls(config: &Config, command: TlsCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        TlsCommand::Show => show(config, out),
        TlsCommand::Regenerate { yes, .. } => regenerate(config, yes, out),
    }
}

fn show(config: &Config, out: &mut dyn Write) -> Result<()> {
    let cert = match &config.server.tls.files {
        Some((cert, _key)) => cert.clone(),
        None => tls::generated_paths(&config.server.data_dir).0,
    };
    if config.server.tls.files.is_none() && !cert.exists() {
        writeln!(
            out,
            "no server certificate yet: gemwiki serve generates {} on its first start",
            cert.display()
        )?;
        return Ok(());
    }
    let info = tls::inspect(&cert)?;
    writeln!(out, "file:     {}", cert.display())?;
    writeln!(out, "sha256:   {}", info.fingerprint)?;
    writeln!(out, "names:    {}", info.names.join(", "))?;
    writeln!(
        out,
        "valid:    {} to {}",
        format_time(info.not_before),
        format_time(info.not_after)
    )?;
    for host in info.uncovered(&config.wiki.hostnames) {
        writeln!(out, "warning:  {}", tls::uncovered_warning(host))?;
    }
    Ok(())
}

fn regenerate(config: &Config, yes: bool, out: &mut dyn Write) -> Result<()> {
    if let Some((cert, _key)) = &config.server.tls.files {
        return Err(CommandError::Usage(format!(
            "the certificate is your own ([tls] cert_file = {}): replace that file yourself, \
             or remove cert_file and key_file from config.toml to use a generated one",
            cert.display()
        )));
    }
    if !yes {
        return Err(CommandError::Usage(
            "a new certificate breaks the trust of every client that visited: Gemini clients \
             pin the certificate on first use and will warn their users that it changed. \
             Run gemwiki tls regenerate --yes to do it anyway (the old files are kept as *.old)"
                .into(),
        ));
    }
    let done = tls::regenerate(&config.server.data_dir, &config.wiki.hostnames)?;
    let info = tls::inspect(&done.cert)?;
    writeln!(
        out,
        "warning: clients that pinned the old certificate will warn that it changed"
    )?;
    if let Some((cert, key)) = &done.old {
        writeln!(
            out,
            "kept the old pair as {} and {}",
            cert.display(),
            key.display()
        )?;
    }
    writeln!(out, "new certificate {}", done.cert.display())?;
    writeln!(out, "sha256: {}", info.fingerprint)?;
    writeln!(out, "names:  {}", info.names.join(", "))?;
    writeln!(out, "restart gemwiki serve to use it")?;
    Ok(())
}
