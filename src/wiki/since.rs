//! A point in time as an admin types it, for "undo this account's edits since…": a date
//! (`2026-12-01`, UTC midnight), Unix seconds, or a time ago (`90m`, `6h`, `3 days`, `2w`).
//! Pure: the current time is handed in.

/// The Unix time `text` names, or `None` when it is none of the accepted forms.
pub fn parse_since(text: &str, now: i64) -> Option<i64> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return Some(seconds);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(date) = time::Date::parse(text, &format) {
        return Some(date.midnight().assume_utc().unix_timestamp());
    }
    ago(text).and_then(|seconds| now.checked_sub(seconds))
}

/// `6h`, `3 days`, `2w`: how many seconds ago (at most about 100 years).
fn ago(text: &str) -> Option<i64> {
    let digits = text.find(|c: char| !c.is_ascii_digit())?;
    let count: i64 = text[..digits].parse().ok()?;
    let unit = match text[digits..].trim().to_ascii_lowercase().as_str() {
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hour" | "hours" => 3_600,
        "d" | "day" | "days" => 86_400,
        "w" | "week" | "weeks" => 604_800,
        _ => return None,
    };
    count
        .checked_mul(unit)
        .filter(|seconds| *seconds <= 100 * 366 * 86_400)
}

/// How the accepted forms are described to the person typing one.
pub const FORMS: &str =
    "a date such as 2026-12-01 (UTC), Unix seconds, or a time ago such as 6h or 3d";

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_547_200; // 2025-12-01T00:00:00Z

    #[test]
    fn dates_are_utc_midnight() {
        assert_eq!(parse_since("2025-12-01", NOW), Some(NOW));
        assert_eq!(parse_since(" 2025-11-30 ", NOW), Some(NOW - 86_400));
    }

    #[test]
    fn seconds_are_taken_as_they_are() {
        assert_eq!(parse_since("1700000000", NOW), Some(1_700_000_000));
    }

    #[test]
    fn times_ago_count_back_from_now() {
        assert_eq!(parse_since("90m", NOW), Some(NOW - 5_400));
        assert_eq!(parse_since("6h", NOW), Some(NOW - 21_600));
        assert_eq!(parse_since("3 days", NOW), Some(NOW - 259_200));
        assert_eq!(parse_since("2W", NOW), Some(NOW - 1_209_600));
    }

    #[test]
    fn other_text_is_refused() {
        for text in [
            "",
            "yesterday",
            "6",
            "h",
            "6 fortnights",
            "2025-13-01",
            "-3d",
            "99999999999999999999d",
            "3d ago",
        ] {
            if text == "6" {
                continue; // bare digits are Unix seconds
            }
            assert_eq!(parse_since(text, NOW), None, "{text:?}");
        }
    }
}
