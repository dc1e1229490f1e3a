//! What the course records of each lesson (kept in the progress file) and the report a trainer
//! collects from it: `learn --report`, as a table, or `learn --report --json`, whose shape
//! docs/tutorial.md documents.
//!
//! Times are the simulated clock's, the only clock rootsim has: `first` and `last` are the
//! lesson world's time at the first and the latest tutor event (start, hint, check, solution),
//! and the time spent adds up how far the clock moved in each run of the lesson up to its latest
//! tutor event (`clock advance` counts; real minutes at the keyboard do not).

use crate::lesson::{Lesson, Progress};
use rootsim_model::clock::format_iso;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeSet;

/// What the course recorded of one lesson.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonRecord {
    /// The simulated time (epoch seconds) of the first tutor event in this lesson.
    pub first: Option<i64>,
    /// The simulated time of the latest one.
    pub last: Option<i64>,
    /// How many times `check` ran.
    pub checks: u32,
    /// How many of those found a goal missing.
    pub failed_checks: u32,
    /// How many hints were shown.
    pub hints: u32,
    /// Whether the solution was shown.
    pub solution_viewed: bool,
    /// Simulated seconds spent, summed over the lesson's runs.
    pub seconds: u64,
    /// The seeds of the exams of this lesson that were started.
    pub exams_started: BTreeSet<u64>,
    /// The seeds of the exams of this lesson whose `check` passed.
    pub exams_passed: BTreeSet<u64>,
}

impl LessonRecord {
    /// Notes a tutor event at simulated time `now`.
    pub fn seen_at(&mut self, now: i64) {
        self.first = Some(self.first.map_or(now, |f| f.min(now)));
        self.last = Some(self.last.map_or(now, |l| l.max(now)));
    }
}

/// Where a trainee stands in a lesson, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `check` passed in an exam.
    PassedInExam,
    /// `check` passed.
    Passed,
    /// `check` ran and found something missing, and never passed.
    CheckedFailing,
    /// Started, never checked.
    Started,
    /// Never started.
    NotStarted,
}

impl Status {
    /// The lesson's status from the saved progress.
    pub fn of(progress: &Progress, id: &str) -> Status {
        let record = progress.lessons.get(id);
        if record.is_some_and(|r| !r.exams_passed.is_empty()) {
            Status::PassedInExam
        } else if progress.completed.contains(id) {
            Status::Passed
        } else if record.is_some_and(|r| r.failed_checks > 0) {
            Status::CheckedFailing
        } else if progress.started.contains(id) || record.is_some() {
            Status::Started
        } else {
            Status::NotStarted
        }
    }

    /// The status as the JSON report names it.
    pub fn key(self) -> &'static str {
        match self {
            Status::PassedInExam => "passed-in-exam",
            Status::Passed => "passed",
            Status::CheckedFailing => "checked-failing",
            Status::Started => "started",
            Status::NotStarted => "not-started",
        }
    }
}

/// A duration in words: `0s`, `45s`, `1h 5m`, `10d 2h`.
pub fn duration(seconds: u64) -> String {
    let (d, h, m, s) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "m"), (s, "s")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if parts.is_empty() {
        "0s".into()
    } else {
        parts.join(" ")
    }
}

/// `1 hint`, `2 hints`.
fn plural(n: u64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The counts of the summary line.
#[derive(Default)]
struct Summary {
    passed: usize,
    in_exam: usize,
    failing: usize,
    started: usize,
    not_started: usize,
    checks: u64,
    hints: u64,
    solutions: usize,
    seconds: u64,
}

fn summarize(progress: &Progress, lessons: &[Lesson]) -> Summary {
    let mut s = Summary::default();
    for l in lessons {
        match Status::of(progress, &l.id) {
            Status::PassedInExam => {
                s.passed += 1;
                s.in_exam += 1;
            }
            Status::Passed => s.passed += 1,
            Status::CheckedFailing => s.failing += 1,
            Status::Started => s.started += 1,
            Status::NotStarted => s.not_started += 1,
        }
        if let Some(r) = progress.lessons.get(&l.id) {
            s.checks += u64::from(r.checks);
            s.hints += u64::from(r.hints);
            s.solutions += usize::from(r.solution_viewed);
            s.seconds += r.seconds;
        }
    }
    s
}

/// The report as a table, one row per lesson in course order, then the summary line.
pub fn text(progress: &Progress, lessons: &[Lesson]) -> String {
    let mut out = format!(
        "Progress report (times on the simulated clock):\n  {:>2}  {:<34} {:<26} {:>6} {:>5} {:<8} {:>9}  {:<20}  {}\n",
        "#", "lesson", "status", "checks", "hints", "solution", "time", "first", "last"
    );
    let when = |t: Option<i64>| t.map_or_else(|| "-".to_string(), format_iso);
    for (i, l) in lessons.iter().enumerate() {
        let status = Status::of(progress, &l.id);
        let record = progress.lessons.get(&l.id).cloned().unwrap_or_default();
        let words = match status {
            Status::PassedInExam => {
                let seeds: Vec<String> = record.exams_passed.iter().map(u64::to_string).collect();
                format!("passed in exam (seed {})", seeds.join(", "))
            }
            Status::Passed => "passed".into(),
            Status::CheckedFailing => "checked, failing".into(),
            Status::Started => "started".into(),
            Status::NotStarted => "not started".into(),
        };
        out.push_str(&format!(
            "  {:>2}. {:<34} {:<26} {:>6} {:>5} {:<8} {:>9}  {:<20}  {}\n",
            i + 1,
            l.id,
            words,
            record.checks,
            record.hints,
            if record.solution_viewed { "viewed" } else { "no" },
            duration(record.seconds),
            when(record.first),
            when(record.last)
        ));
    }
    let s = summarize(progress, lessons);
    out.push_str(&format!(
        "Summary: {} of {} passed ({} in an exam), {} checked and failing, {} started, {} not started; {}, {}, {} viewed, {} on the simulated clock.",
        s.passed,
        lessons.len(),
        s.in_exam,
        s.failing,
        s.started,
        s.not_started,
        plural(s.checks, "check"),
        plural(s.hints, "hint"),
        plural(s.solutions as u64, "solution"),
        duration(s.seconds)
    ));
    out
}

/// The report as JSON (the shape docs/tutorial.md documents): `version`, `lessons` in course
/// order, `summary`.
pub fn json(progress: &Progress, lessons: &[Lesson]) -> serde_json::Value {
    let when = |t: Option<i64>| t.map(format_iso);
    let rows: Vec<serde_json::Value> = lessons
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let r = progress.lessons.get(&l.id).cloned().unwrap_or_default();
            json!({
                "number": i + 1,
                "id": l.id,
                "title": l.title,
                "status": Status::of(progress, &l.id).key(),
                "checks": r.checks,
                "failed_checks": r.failed_checks,
                "hints": r.hints,
                "solution_viewed": r.solution_viewed,
                "simulated_seconds": r.seconds,
                "first": when(r.first),
                "last": when(r.last),
                "exam_seeds_started": r.exams_started,
                "exam_seeds_passed": r.exams_passed,
            })
        })
        .collect();
    let s = summarize(progress, lessons);
    json!({
        "version": crate::lesson::PROGRESS_VERSION,
        "lessons": rows,
        "summary": {
            "lessons": lessons.len(),
            "passed": s.passed,
            "passed_in_exam": s.in_exam,
            "checked_failing": s.failing,
            "started": s.started,
            "not_started": s.not_started,
            "checks": s.checks,
            "hints": s.hints,
            "solutions_viewed": s.solutions,
            "simulated_seconds": s.seconds,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(3900), "1h 5m");
        assert_eq!(duration(10 * 86_400 + 7200), "10d 2h");
    }
}
