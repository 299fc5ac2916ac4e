//! Titan upload parameters (`;size=N;mime=M;token=T;edit`), split off the raw path of a
//! `titan://` request before it is cut into segments (a MIME value contains a `/`).
//! This module only parses and checks their syntax; whether a size, MIME type or token is
//! acceptable is decided by the upload handler. Unknown parameters are ignored, so clients
//! that send extensions still work; a duplicate or malformed known parameter is a `59`.

use super::request::{clip, decode_percent, DecodeError};
use super::response::Status;

/// The parameters of one Titan request. All absent when the URL carries none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TitanParams {
    /// `size=N`: the number of body bytes that follow the request line.
    pub size: Option<u64>,
    /// `mime=M`: percent-decoded, trimmed and lowercased; `None` means `text/gemini`.
    pub mime: Option<String>,
    /// `token=T`: percent-decoded, otherwise as sent.
    pub token: Option<String>,
    /// `edit`: the client asks for the current text to prefill its editor.
    pub edit: bool,
}

/// A Titan parameter the server cannot read. Every variant is answered with `59`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TitanError {
    /// `size` is not a plain decimal number that fits in 64 bits.
    #[error("the Titan size {0:?} is not a byte count: send size= and a decimal number of bytes, such as size=120")]
    BadSize(String),
    /// A parameter appears more than once.
    #[error("the Titan parameter {0} appears more than once: send each parameter once")]
    Duplicate(&'static str),
    /// `size`, `mime` or `token` without a value.
    #[error("the Titan parameter {0} has no value: send it as {0}=value, or leave it out")]
    MissingValue(&'static str),
    /// A decoded `mime` or `token` value holds a control character (it could end up in a
    /// META line or a log).
    #[error("the Titan {0} value contains a control character: remove it")]
    ControlChar(&'static str),
    /// `edit` is a flag and takes no value.
    #[error("the Titan parameter edit takes no value: send ;edit on its own")]
    EditValue,
    /// The percent-encoding of a `mime` or `token` value is broken.
    #[error("the Titan {name} value has {source}")]
    BadValue {
        /// Which parameter.
        name: &'static str,
        /// What is wrong with its encoding.
        source: DecodeError,
    },
}

impl TitanError {
    /// The Gemini status for this error: always `59` (bad request).
    pub fn status(&self) -> Status {
        Status::BadRequest
    }
}

/// Splits a raw (still percent-encoded) Titan path at its first `;` into the path proper
/// and its parameters. A path without `;` yields default (all-absent) parameters.
///
/// The split is on the raw text, so a page name containing `;` must be sent as `%3B`.
///
/// # Errors
/// A bad `size`, a duplicate known parameter, a missing value or broken percent-encoding
/// in `mime` or `token`.
pub fn split_params(path: &str) -> Result<(&str, TitanParams), TitanError> {
    let Some((path, raw)) = path.split_once(';') else {
        return Ok((path, TitanParams::default()));
    };
    let mut params = TitanParams::default();
    let mut seen_edit = false;
    // Empty pieces (`;;`, a trailing `;`) are skipped rather than refused: they carry nothing.
    for piece in raw.split(';').filter(|p| !p.is_empty()) {
        let (name, value) = match piece.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (piece, None),
        };
        if name.eq_ignore_ascii_case("size") {
            set_once(&mut params.size, "size", parse_size(value)?)?;
        } else if name.eq_ignore_ascii_case("mime") {
            let mime = decode_value("mime", value)?.trim().to_lowercase();
            set_once(&mut params.mime, "mime", mime)?;
        } else if name.eq_ignore_ascii_case("token") {
            set_once(&mut params.token, "token", decode_value("token", value)?)?;
        } else if name.eq_ignore_ascii_case("edit") {
            if value.is_some() {
                return Err(TitanError::EditValue);
            }
            if std::mem::replace(&mut seen_edit, true) {
                return Err(TitanError::Duplicate("edit"));
            }
        }
        // Any other name is an extension we do not know: ignored on purpose (be liberal).
    }
    params.edit = seen_edit;
    Ok((path, params))
}

fn set_once<T>(slot: &mut Option<T>, name: &'static str, value: T) -> Result<(), TitanError> {
    if slot.is_some() {
        return Err(TitanError::Duplicate(name));
    }
    *slot = Some(value);
    Ok(())
}

/// Decimal digits only: no sign, no spaces, no percent-encoding; must fit in a `u64`.
fn parse_size(value: Option<&str>) -> Result<u64, TitanError> {
    let value = value.ok_or(TitanError::MissingValue("size"))?;
    if value.is_empty() {
        return Err(TitanError::MissingValue("size"));
    }
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TitanError::BadSize(clip(value)));
    }
    value.parse().map_err(|_| TitanError::BadSize(clip(value)))
}

fn decode_value(name: &'static str, value: Option<&str>) -> Result<String, TitanError> {
    match value {
        None | Some("") => Err(TitanError::MissingValue(name)),
        Some(raw) => match decode_percent(raw) {
            Ok(value) if value.chars().any(char::is_control) => Err(TitanError::ControlChar(name)),
            Ok(value) => Ok(value),
            Err(source) => Err(TitanError::BadValue { name, source }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(path: &str) -> TitanParams {
        split_params(path).expect("valid parameters").1
    }

    #[test]
    fn path_without_semicolon_has_default_params() {
        assert_eq!(
            split_params("/raw/Page").unwrap(),
            ("/raw/Page", TitanParams::default())
        );
    }

    #[test]
    fn all_parameters_are_read_and_the_path_is_cut_at_the_first_semicolon() {
        let (path, p) = split_params("/raw/Page%20Name;size=12;mime=text/plain;token=abc").unwrap();
        assert_eq!(path, "/raw/Page%20Name");
        assert_eq!(p.size, Some(12));
        assert_eq!(p.mime.as_deref(), Some("text/plain"));
        assert_eq!(p.token.as_deref(), Some("abc"));
        assert!(!p.edit);
    }

    #[test]
    fn parameters_come_in_any_order() {
        let p = params("/raw/P;token=t;edit;mime=text/markdown;size=0");
        assert_eq!(p.size, Some(0));
        assert_eq!(p.mime.as_deref(), Some("text/markdown"));
        assert_eq!(p.token.as_deref(), Some("t"));
        assert!(p.edit);
    }

    #[test]
    fn edit_flag_alone() {
        let p = params("/raw/P;edit");
        assert!(p.edit);
        assert_eq!(p.size, None);
    }

    #[test]
    fn mime_is_decoded_trimmed_and_lowercased() {
        assert_eq!(
            params("/raw/P;mime=%20Text%2FMarkdown%20").mime.as_deref(),
            Some("text/markdown")
        );
    }

    #[test]
    fn token_is_decoded_but_keeps_its_case() {
        assert_eq!(
            params("/raw/P;token=Ab%3Dc%2Bd").token.as_deref(),
            Some("Ab=c+d")
        );
    }

    #[test]
    fn size_accepts_leading_zeros_and_u64_max() {
        assert_eq!(params("/raw/P;size=007").size, Some(7));
        assert_eq!(
            params("/raw/P;size=18446744073709551615").size,
            Some(u64::MAX)
        );
    }

    #[test]
    fn bad_sizes_are_rejected() {
        for bad in [
            "-1",
            "+1",
            "1.5",
            "12a",
            "0x10",
            " 1",
            "%31",
            "18446744073709551616",
        ] {
            let path = format!("/raw/P;size={bad}");
            assert_eq!(
                split_params(&path),
                Err(TitanError::BadSize(bad.to_owned())),
                "{path}"
            );
        }
    }

    #[test]
    fn missing_values_are_rejected() {
        for (path, name) in [
            ("/raw/P;size", "size"),
            ("/raw/P;size=", "size"),
            ("/raw/P;mime=", "mime"),
            ("/raw/P;token", "token"),
        ] {
            assert_eq!(
                split_params(path),
                Err(TitanError::MissingValue(name)),
                "{path}"
            );
        }
    }

    #[test]
    fn duplicates_are_rejected() {
        for (path, name) in [
            ("/raw/P;size=1;size=1", "size"),
            ("/raw/P;mime=a/b;MIME=a/b", "mime"),
            ("/raw/P;token=a;size=1;token=b", "token"),
            ("/raw/P;edit;edit", "edit"),
        ] {
            assert_eq!(
                split_params(path),
                Err(TitanError::Duplicate(name)),
                "{path}"
            );
        }
    }

    #[test]
    fn edit_with_a_value_is_rejected() {
        assert_eq!(split_params("/raw/P;edit=1"), Err(TitanError::EditValue));
    }

    #[test]
    fn unknown_and_empty_parameters_are_ignored() {
        let p = params("/raw/P;;size=3;charset=utf-8;x;");
        assert_eq!(p.size, Some(3));
        assert_eq!(
            p,
            TitanParams {
                size: Some(3),
                ..TitanParams::default()
            }
        );
    }

    #[test]
    fn names_are_case_insensitive() {
        let p = params("/raw/P;SIZE=1;Mime=text/plain;Edit");
        assert_eq!(p.size, Some(1));
        assert!(p.edit);
    }

    #[test]
    fn broken_escapes_in_values_are_rejected() {
        assert!(matches!(
            split_params("/raw/P;token=%G1"),
            Err(TitanError::BadValue {
                name: "token",
                source: DecodeError::BadEscape(_)
            })
        ));
        assert!(matches!(
            split_params("/raw/P;mime=%FF"),
            Err(TitanError::BadValue {
                name: "mime",
                source: DecodeError::NotUtf8
            })
        ));
    }

    #[test]
    fn control_characters_in_values_are_rejected() {
        assert_eq!(
            split_params("/raw/P;mime=text/plain%0A"),
            Err(TitanError::ControlChar("mime"))
        );
        assert_eq!(
            split_params("/raw/P;token=a%00b"),
            Err(TitanError::ControlChar("token"))
        );
    }

    #[test]
    fn long_bad_size_is_clipped_in_the_message() {
        let path = format!("/raw/P;size={}", "9x".repeat(400));
        let message = split_params(&path).unwrap_err().to_string();
        assert!(message.len() < 250, "{message}");
    }

    #[test]
    fn every_error_is_status_59() {
        assert_eq!(TitanError::EditValue.status().code(), 59);
        assert_eq!(TitanError::Duplicate("size").status().code(), 59);
    }
}
