//! RFC 3339 times as `Request-Time` and `Response-Time` carry them: read with any offset,
//! written in UTC with whole seconds. Two functions do not justify a date-time dependency; the
//! civil-date arithmetic is Howard Hinnant's `days_from_civil` / `civil_from_days`, exact for
//! every proleptic Gregorian date, and a property test checks both against chrono.

/// `millis` since the Unix epoch as `2024-05-22T06:42:21+00:00` (the fraction dropped).
pub(crate) fn format_utc(millis: i64) -> String {
    let seconds = millis.div_euclid(1000);
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+00:00",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// Milliseconds since the Unix epoch of `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`T` may
/// be `t` or a space, `Z` may be `z`); `None` for anything else, an impossible date, or a leap
/// second.
pub(crate) fn parse_millis(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let number = |from: usize, to: usize| -> Option<i64> {
        let digits = b.get(from..to)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let punctuated = b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && matches!(b.get(10), Some(b'T' | b't' | b' '))
        && b.get(13) == Some(&b':')
        && b.get(16) == Some(&b':');
    if !punctuated {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut at = 19;
    let mut millis = 0;
    if b.get(at) == Some(&b'.') {
        let digits = b[at + 1..]
            .iter()
            .take_while(|d| d.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        // Whole milliseconds: further digits are truncated, as the epoch-milliseconds form
        // cannot carry them.
        millis = b[at + 1..at + 1 + digits]
            .iter()
            .chain(std::iter::repeat(&b'0'))
            .take(3)
            .fold(0, |n, d| n * 10 + i64::from(d - b'0'));
        at += 1 + digits;
    }
    let offset = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (hours, minutes) = (number(at + 1, at + 3)?, number(at + 4, at + 6)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            if *sign == b'-' { -offset } else { offset }
        }
        _ => return None,
    };
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(seconds * 1000 + millis)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// chrono is the oracle: the same instant from the same text, for any date, offset
        /// and fraction, and what we write reads back as the same second.
        #[test]
        fn agrees_with_chrono(
            seconds in -62_135_596_800_i64..253_402_300_799,
            millis in 0_i64..1000,
            fraction_digits in 0_usize..10,
            offset_minutes in -1439_i32..1440,
            separator in prop::sample::select(vec!['T', 't', ' ']),
            zulu in prop::sample::select(vec!["Z", "z", "+00:00"]),
        ) {
            let instant = chrono::DateTime::from_timestamp(seconds, (millis * 1_000_000) as u32).unwrap();
            let offset = chrono::FixedOffset::east_opt(offset_minutes * 60).unwrap();
            let local = instant.with_timezone(&offset);
            let fraction = if fraction_digits == 0 {
                String::new()
            } else {
                format!(".{:09}", millis * 1_000_000)[..=fraction_digits].to_owned()
            };
            let text = format!(
                "{}{separator}{}{fraction}{}",
                local.format("%Y-%m-%d"),
                local.format("%H:%M:%S"),
                if offset_minutes == 0 { zulu.to_owned() } else { local.format("%:z").to_string() },
            );
            let expected = chrono::DateTime::parse_from_rfc3339(&text).map(|t| t.timestamp_millis()).ok();
            prop_assert_eq!(parse_millis(&text), expected, "{}", text);
            let written = format_utc(seconds * 1000 + millis);
            prop_assert_eq!(written.clone(), instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
            prop_assert_eq!(parse_millis(&written), Some(seconds * 1000));
        }
    }

    #[test]
    fn reads_the_documented_forms() {
        assert_eq!(parse_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_millis("2024-05-22T06:42:21+05:30"),
            Some(1_716_340_341_000)
        );
        assert_eq!(
            parse_millis("2024-05-22 01:12:21.5z"),
            Some(1_716_340_341_500)
        );
        assert!(parse_millis("2024-02-29T00:00:00Z").is_some());
        for bad in [
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-22T24:00:00Z",
            "2024-05-22T06:42:60Z",
            "2024-05-22T06:42:21",
            "2024-05-22T06:42:21+0530",
            "2024-05-22T06:42:21.Z",
            "2024-05-22T06:42:21+05:30 ",
            "",
        ] {
            assert_eq!(parse_millis(bad), None, "{bad}");
        }
    }

    #[test]
    fn writes_utc_with_whole_seconds() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(format_utc(1_716_340_341_999), "2024-05-22T01:12:21+00:00");
        assert_eq!(format_utc(-1), "1969-12-31T23:59:59+00:00");
    }
}
