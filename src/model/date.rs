//! Calendar dates as Exchange prints them, and "today" as the caller gives it.
//!
//! Dates follow the server's culture (`3/15/2017 4:59:59 PM` in en-US, `15.03.2017 16:59:59`
//! in de-DE or ru-RU, `15/03/2017` in en-GB), and exports write ISO 8601 (`Export-Clixml`,
//! PowerShell 7's ConvertTo-Json) or `/Date(1489622399000)/` (Windows PowerShell 5.1's
//! ConvertTo-Json). Parsing is lenient and says when the day and month could be swapped.

use std::fmt;

/// A day of the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let valid =
            (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) && (1900..=9999).contains(&year);
        valid.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`, the form the CLI's `--now` and the page use.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.get(..2)?.parse().ok()?;
        Date::new(year, month, day)
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A date read from output, and whether its day and month could have been the other way round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadDate {
    pub date: Date,
    pub ambiguous: bool,
}

/// Reads a date as Exchange cmdlets and exports print it; `None` when it is not one.
pub fn parse(text: &str) -> Option<ReadDate> {
    let text = text.trim();
    if let Some(ms) = text.strip_prefix("/Date(").or_else(|| text.strip_prefix("\\/Date(")) {
        let digits: String = ms.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
        let ms: i64 = digits.parse().ok()?;
        return Some(ReadDate { date: Date::from_days(ms.div_euclid(86_400_000)), ambiguous: false });
    }
    let date_part = text.split(['T', ' ']).next()?;
    if let Some(date) = Date::parse_iso(date_part).filter(|_| date_part.len() >= 10 && date_part.as_bytes()[4] == b'-')
    {
        return Some(ReadDate { date, ambiguous: false });
    }
    let separator = date_part.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = date_part.trim_end_matches('.').split(separator).collect();
    let [a, b, c] = parts[..] else { return None };
    let (a, b, c): (u32, u32, i32) = (a.parse().ok()?, b.parse().ok()?, c.parse().ok()?);
    if a > 31 {
        // Year first: 2017/03/15 (ja-JP, zh-CN).
        return Date::new(a as i32, b, c as u32).map(|date| ReadDate { date, ambiguous: false });
    }
    let year = if c < 100 { 2000 + c } else { c };
    match separator {
        // Day first: 15.03.2017 (de-DE, ru-RU, and most of Europe).
        '.' => Date::new(year, b, a).map(|date| ReadDate { date, ambiguous: false }),
        // The Exchange Management Shell is mostly en-US (month first); a first number over 12
        // can only be a day (en-GB, fr-FR).
        _ if a > 12 => Date::new(year, b, a).map(|date| ReadDate { date, ambiguous: false }),
        _ => Date::new(year, a, b).map(|date| ReadDate { date, ambiguous: b <= 12 && a != b }),
    }
}
