//! `schedule`: when an operation runs, tagged by its `kind`, and the datetimes and durations
//! it is written with.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

use crate::model::values::Templated;

kind_tagged! {
    /// `schedule`: a cron expression, a fixed interval, or one point in time.
    pub enum V1Schedule {
        "cron" => Cron(V1CronSchedule),
        "interval" => Interval(V1IntervalSchedule),
        "datetime" => DateTime(V1DateTimeSchedule),
    }
}

#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1CronSchedule {
    pub cron: String,
    pub start_at: Option<Templated<DateTime>>,
    pub end_at: Option<Templated<DateTime>>,
    pub max_runs: Option<Templated<i64>>,
    pub depends_on_past: Option<Templated<bool>>,
}

#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1IntervalSchedule {
    pub start_at: Option<Templated<DateTime>>,
    pub end_at: Option<Templated<DateTime>>,
    pub max_runs: Option<Templated<i64>>,
    pub frequency: Templated<Duration>,
    pub depends_on_past: Option<Templated<bool>>,
}

#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1DateTimeSchedule {
    pub start_at: Templated<DateTime>,
}

/// A point in time as Polyaxon reads one: a Unix time, or an ISO 8601 date with an optional
/// time and UTC offset (checked, not kept: plx schedules nothing).
#[derive(Clone, Copy, Debug)]
pub struct DateTime;

/// A length of time as Polyaxon reads one: seconds as a number, `[N days, ]HH:MM:SS`, or an
/// ISO 8601 duration (`P1D`, `PT1H`); not seconds as text (checked, not kept).
#[derive(Clone, Copy, Debug)]
pub struct Duration;

/// Takes `min` to `max` ASCII digits off the front of `rest`.
fn digits(rest: &mut &str, min: usize, max: usize) -> Option<u32> {
    let count = rest
        .bytes()
        .take(max)
        .take_while(u8::is_ascii_digit)
        .count();
    if count < min {
        return None;
    }
    let (taken, tail) = rest.split_at(count);
    *rest = tail;
    // Too many digits for a u32 is a large number: it is only compared with small bounds.
    Some(taken.parse().unwrap_or(u32::MAX))
}

/// Takes `c` off the front of `rest`, if it is there.
fn take(rest: &mut &str, c: char) -> bool {
    rest.strip_prefix(c).map(|tail| *rest = tail).is_some()
}

/// `12`, `-5`, `1700000000.5`: a Unix time, which pydantic reads from text too.
fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    [whole, fraction]
        .iter()
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `HH:MM[:SS[.ffffff]]` and an optional `Z` or `+HH[:MM]` offset: what pydantic reads, and
/// the one-digit hours and offsets of YAML's timestamps (PyYAML turns those into datetimes
/// before Polyaxon sees them).
fn is_time_of_day(mut rest: &str) -> bool {
    let hour = digits(&mut rest, 1, 2);
    let time = hour.is_some_and(|h| h < 24)
        && take(&mut rest, ':')
        && digits(&mut rest, 2, 2).is_some_and(|m| m < 60);
    if !time {
        return false;
    }
    if take(&mut rest, ':') {
        if digits(&mut rest, 2, 2).is_none_or(|s| s >= 60) {
            return false;
        }
        if (take(&mut rest, '.') || take(&mut rest, ',')) && digits(&mut rest, 1, 32).is_none() {
            return false;
        }
    }
    rest = rest.trim_start_matches([' ', '\t']);
    if take(&mut rest, 'Z') || take(&mut rest, 'z') || rest.is_empty() {
        return rest.is_empty();
    }
    (take(&mut rest, '+') || take(&mut rest, '-'))
        && digits(&mut rest, 1, 2).is_some_and(|h| h < 24)
        && (rest.is_empty() || {
            take(&mut rest, ':');
            digits(&mut rest, 2, 2).is_some_and(|m| m < 60) && rest.is_empty()
        })
}

fn is_datetime(text: &str) -> bool {
    if is_decimal(text) {
        return true;
    }
    let mut rest = text;
    let Some(year) = digits(&mut rest, 4, 4) else {
        return false;
    };
    let month = take(&mut rest, '-')
        .then(|| digits(&mut rest, 1, 2))
        .flatten();
    let day = take(&mut rest, '-')
        .then(|| digits(&mut rest, 1, 2))
        .flatten();
    let (Some(month), Some(day)) = (month, day) else {
        return false;
    };
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let separated = take(&mut rest, 'T') || take(&mut rest, 't') || take(&mut rest, '_') || {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        let spaced = trimmed.len() < rest.len();
        rest = trimmed;
        spaced
    };
    separated && is_time_of_day(rest)
}

/// `P1D`, `PT1H30M`, `P1.5W`: an ISO 8601 duration, after its `P`.
fn is_iso_duration(mut rest: &str) -> bool {
    let mut parts = 0;
    let mut in_time = false;
    while !rest.is_empty() {
        if !in_time && take(&mut rest, 'T') {
            in_time = true;
            continue;
        }
        let number = digits(&mut rest, 1, 32).is_some()
            && (!(take(&mut rest, '.') || take(&mut rest, ','))
                || digits(&mut rest, 1, 32).is_some());
        let units = if in_time { "HMS" } else { "YMWD" };
        let Some(unit) = rest.chars().next().filter(|c| number && units.contains(*c)) else {
            return false;
        };
        rest = &rest[unit.len_utf8()..];
        parts += 1;
    }
    parts > 0
}

fn is_duration(text: &str) -> bool {
    let mut rest = text;
    // A duration may be negative.
    let _ = take(&mut rest, '+') || take(&mut rest, '-');
    if take(&mut rest, 'P') {
        return is_iso_duration(rest);
    }
    // `N days`, `Nd`, then an optional `, HH:MM:SS`.
    let mut days = rest;
    if digits(&mut days, 1, 32).is_some() {
        let unit = days.trim_start_matches(' ');
        let after = ["days", "day", "d"]
            .iter()
            .find_map(|word| unit.strip_prefix(word));
        if let Some(after) = after {
            rest = after
                .strip_prefix(',')
                .unwrap_or(after)
                .trim_start_matches(' ');
            if rest.is_empty() {
                return true;
            }
        }
    }
    digits(&mut rest, 1, 32).is_some()
        && take(&mut rest, ':')
        && digits(&mut rest, 2, 2).is_some_and(|m| m < 60)
        && take(&mut rest, ':')
        && digits(&mut rest, 2, 2).is_some_and(|s| s < 60)
        && (!take(&mut rest, '.') || digits(&mut rest, 1, 32).is_some())
        && rest.is_empty()
}

/// Reads a number or a text that `valid` accepts.
struct TimeVisitor {
    expected: &'static str,
    valid: fn(&str) -> bool,
    /// pydantic reads `true` as 1 second, but not as a point in time.
    takes_bool: bool,
}

impl Visitor<'_> for TimeVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expected)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        if self.takes_bool {
            Ok(())
        } else {
            Err(E::invalid_type(de::Unexpected::Bool(v), &self))
        }
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if (self.valid)(v) {
            Ok(())
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = TimeVisitor {
            expected: "a date and time, such as `2024-01-31T09:00:00Z`, or a Unix time",
            valid: is_datetime,
            takes_bool: false,
        };
        deserializer.deserialize_any(visitor).map(|()| DateTime)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = TimeVisitor {
            expected: "a duration: seconds as a number, `HH:MM:SS`, `N days`, or `P1DT2H`",
            valid: is_duration,
            takes_bool: true,
        };
        deserializer.deserialize_any(visitor).map(|()| Duration)
    }
}

impl schemars::JsonSchema for DateTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DateTime".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": ["number", "string"], "description": "ISO 8601, or a Unix time"})
    }
}

impl schemars::JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": ["number", "boolean", "string"], "description": "seconds, HH:MM:SS, N days, or ISO 8601 (P1D)"})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each answer is pydantic 2's (Polyaxon 2.18's), asked with `TypeAdapter(datetime)`.
    #[test]
    fn datetimes_read_as_polyaxon_reads_them() {
        for text in [
            "2020-01-01",
            "2020-01-01T10:00",
            "2020-01-01 10:00:00",
            "2020-01-01T10:00:00Z",
            "2020-01-01T10:00:00.123456+02:00",
            "2020-01-01T10:00:00+0200",
            "2020-01-01t10:00:00",
            "2020-01-01_10:00",
            "2020-01-01T10:00:00,5",
            "2020-02-29",
            "1700000000",
            "-5",
            "2001-12-14 21:59:43.10 -5",
        ] {
            assert!(is_datetime(text), "{text}");
        }
        for text in [
            "tomorrow",
            "2020-13-01T00:00:00",
            "2021-02-29",
            "2020-01-01T10",
            "2020-01-01T24:00:00",
            "2020-01-01T10:00:60",
            "2020/01/01",
            "1e9",
            "2020-01-01T10:00:00.",
        ] {
            assert!(!is_datetime(text), "{text}");
        }
    }

    /// Each answer is pydantic 2's (Polyaxon 2.18's), asked with `TypeAdapter(timedelta)`.
    #[test]
    fn durations_read_as_polyaxon_reads_them() {
        for text in [
            "2 days",
            "1d",
            "1day",
            "-1 day, 01:00:00",
            "1 day 01:00:00",
            "2d 01:00:00",
            "PT1H",
            "P1DT2H",
            "P1DT",
            "-P1D",
            "P1.5D",
            "10:00:00.5",
            "25:00:00",
            "1 day, 1:00:00",
        ] {
            assert!(is_duration(text), "{text}");
        }
        for text in [
            "3600", "1h", "1:00", "1w", "P", "PT", "P1X", "p1d", "1:70:00", "01:00:60", "0:0:1",
            "1.5 days",
        ] {
            assert!(!is_duration(text), "{text}");
        }
    }
}
