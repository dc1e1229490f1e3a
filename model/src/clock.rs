//! The simulated clock.
//!
//! Time in rootsim never comes from the operating system: every timestamp, expiry and grace period
//! is read from this clock, which only moves when a command advances it. That is what makes a
//! transcript the same on every run.

use serde::{Deserialize, Serialize};

/// 2026-01-05T09:00:00Z, a Monday morning: where a new world's clock starts.
pub const DEFAULT_START: i64 = 1_767_603_600;

/// 9999-12-31T23:59:59Z: the last second an ISO 8601 timestamp with a four-digit year (as AWS
/// writes them) can name, and so the latest the clock may read.
pub const LATEST: i64 = 253_402_300_799;

/// Seconds since the Unix epoch, moved only by commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    now: i64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock { now: DEFAULT_START }
    }
}

impl Clock {
    /// A clock that reads `epoch_seconds`.
    pub fn at(epoch_seconds: i64) -> Self {
        Clock { now: epoch_seconds }
    }

    /// The current time in seconds since the epoch.
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Moves the clock forward, stopping at [`LATEST`]; time never runs backwards.
    pub fn advance(&mut self, seconds: u64) {
        self.now = self.now.saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX)).min(LATEST.max(self.now));
    }

    /// Moves the clock forward by `seconds`, or, when that would pass [`LATEST`] (the last second
    /// an AWS timestamp can write), leaves it where it is and says so.
    pub fn try_advance(&mut self, seconds: u64) -> Result<(), String> {
        let to = i64::try_from(seconds).ok().and_then(|s| self.now.checked_add(s)).filter(|&t| t <= LATEST);
        match to {
            Some(t) => {
                self.now = t;
                Ok(())
            }
            None => Err(format!(
                "the clock cannot pass {}, the last time AWS's timestamps can write; it stays at {}",
                format_cli(LATEST),
                format_cli(self.now)
            )),
        }
    }

    /// The time as the AWS CLI prints timestamps: `2026-01-05T09:00:00+00:00`.
    pub fn cli(&self) -> String {
        format_cli(self.now)
    }
}

/// Splits epoch seconds into (year, month, day, hour, minute, second) in UTC.
pub fn civil(epoch: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (y, m, d, (secs / 3600) as u32, ((secs % 3600) / 60) as u32, (secs % 60) as u32)
}

/// Days since the epoch of a civil date (the inverse of [`civil`]'s date part).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-01-05T09:00:00+00:00`, the AWS CLI's form.
pub fn format_cli(epoch: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(epoch);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00")
}

/// `2026-01-05T09:00:00Z`, the form of CloudTrail and `aws:CurrentTime`.
pub fn format_iso(epoch: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(epoch);
    if !(0..=9999).contains(&y) {
        return format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
    }
    // Digit by digit rather than `format!`: every authorization sets aws:CurrentTime, and the
    // formatting machinery cost a good part of a decision.
    let mut out = String::with_capacity(20);
    let mut push = |n: i64, width: u32, sep: char| {
        for p in (0..width).rev() {
            out.push(char::from(b'0' + ((n / 10_i64.pow(p)) % 10) as u8));
        }
        out.push(sep);
    };
    push(y, 4, '-');
    push(i64::from(mo), 2, '-');
    push(i64::from(d), 2, 'T');
    push(i64::from(h), 2, ':');
    push(i64::from(mi), 2, ':');
    push(i64::from(s), 2, 'Z');
    out
}

/// The inverse of [`format_iso`]: `2026-01-05T09:00:00Z` as epoch seconds, for reading back the
/// times CloudTrail's events were recorded with. Anything else is `None`.
pub fn parse_iso(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = text.get(r)?;
        t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok())?
    };
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some(days_from_civil(y, mo as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + s)
}

/// Parses a duration such as `90s`, `15m`, `1h30m`, `2d` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("a duration is needed, such as 90s, 15m, 1h30m or 2d".into());
    }
    if let Ok(n) = text.parse::<u64>() {
        return Ok(n);
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(format!("unknown unit '{ch}' in duration '{text}' (use s, m, h, d or w)")),
        };
        let n: u64 = digits.parse().map_err(|_| format!("a number must come before '{ch}' in duration '{text}'"))?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("duration '{text}' is too long"))?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(format!("duration '{text}' ends without a unit (use s, m, h, d or w)"));
    }
    Ok(total)
}

/// Renders seconds as a short human duration: `1h 30m`.
pub fn human_duration(seconds: u64) -> String {
    let (d, h, m, s) = (seconds / 86_400, seconds % 86_400 / 3600, seconds % 3600 / 60, seconds % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}m"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s}s"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_iso_reads_back_format_iso() {
        for t in [0, 1_767_603_600, 1_767_603_600 + 86_399, 4_102_444_799] {
            assert_eq!(parse_iso(&format_iso(t)), Some(t));
        }
        assert_eq!(parse_iso("2026-01-05T09:00:00Z"), Some(1_767_603_600));
        for bad in [
            "",
            "2026-01-05T09:00:00",
            "2026-01-05T09:00:00+00:00",
            "2026-13-05T09:00:00Z",
            "2026-01-05T24:00:00Z",
            "+026-01-05T09:00:00Z",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn default_start_is_a_monday_morning() {
        assert_eq!(format_cli(DEFAULT_START), "2026-01-05T09:00:00+00:00");
        assert_eq!(format_iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_iso(951_782_400), "2000-02-29T00:00:00Z");
        // The digit-by-digit form agrees with `format!` across days, years and edge seconds.
        for epoch in (-90_000_i64..4_200_000_000).step_by(7_777_777).chain([-1, 59, 3599, 86_399, 253_402_300_799]) {
            let (y, mo, d, h, mi, s) = civil(epoch);
            assert_eq!(format_iso(epoch), format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"), "{epoch}");
        }
    }

    #[test]
    fn the_clock_stops_at_the_last_writable_second() {
        assert_eq!(format_cli(LATEST), "9999-12-31T23:59:59+00:00");
        let mut c = Clock::default();
        assert!(c.try_advance(u64::MAX).is_err());
        assert!(c.try_advance((LATEST - DEFAULT_START + 1) as u64).is_err());
        assert_eq!(c.now(), DEFAULT_START, "a refused advance leaves the clock where it was");
        c.try_advance((LATEST - DEFAULT_START) as u64).expect("up to the last second");
        assert_eq!(c.now(), LATEST);
        c.advance(10);
        assert_eq!(c.now(), LATEST);
    }

    #[test]
    fn civil_round_trips() {
        for epoch in [0_i64, 951_782_400, DEFAULT_START, 4_102_444_800, -86_400] {
            let (y, m, d, ..) = civil(epoch);
            assert_eq!(days_from_civil(y, m, d), epoch.div_euclid(86_400));
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("2d"), Ok(172_800));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("10").is_ok());
        assert!(parse_duration("3m7").is_err());
        assert!(parse_duration("99999999999999999999w").is_err());
        assert_eq!(human_duration(5400), "1h 30m");
        assert_eq!(human_duration(0), "0s");
    }
}
