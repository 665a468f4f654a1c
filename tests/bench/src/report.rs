//! Figures, medians, ratios, and the two ways they are shown: a text table and JSON.

use serde::Serialize;

/// Whether smaller or larger is better for a figure, which decides how its aim reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Lower,
    Higher,
}

/// One side of a comparison: every run's value and their median.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    pub median: f64,
    pub runs: Vec<f64>,
}

impl Sample {
    pub fn new(runs: Vec<f64>) -> Self {
        Self { median: median(&runs), runs }
    }
}

/// One line of the table: our figure, its baseline measured in the same run, and the ratio.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub group: &'static str,
    pub name: String,
    /// `ms`, `MiB`, `req/s`, `µs`, `s`.
    pub unit: &'static str,
    pub better: Better,
    pub ours: Sample,
    pub baseline: Option<Sample>,
    /// ours / baseline (of the medians), when there is a baseline.
    pub ratio: Option<f64>,
    /// The ratio we aim for, e.g. `<= 1.10` or `>= 0.90`; `None` when the figure is only reported.
    pub aim: Option<f64>,
    /// True/false when there is an aim.
    pub aim_met: Option<bool>,
    /// Whether `aim` limits the figure itself (in its unit) rather than the ratio.
    pub aim_is_absolute: bool,
    pub note: String,
}

impl Figure {
    /// A figure with a baseline; `aim` is the limit for the ratio (an upper limit when lower is
    /// better, a lower limit when higher is better).
    pub fn compared(group: &'static str, name: impl Into<String>, unit: &'static str, better: Better, ours: Vec<f64>, baseline: Vec<f64>, aim: Option<f64>) -> Self {
        let ours = Sample::new(ours);
        let baseline = Sample::new(baseline);
        let ratio = ratio(ours.median, baseline.median);
        let aim_met = match (aim, ratio) {
            (Some(aim), Some(ratio)) => Some(match better {
                Better::Lower => ratio <= aim,
                Better::Higher => ratio >= aim,
            }),
            _ => None,
        };
        Self { group, name: name.into(), unit, better, ours, baseline: Some(baseline), ratio, aim, aim_met, aim_is_absolute: false, note: String::new() }
    }

    /// A figure reported without a baseline.
    pub fn reported(group: &'static str, name: impl Into<String>, unit: &'static str, ours: Vec<f64>) -> Self {
        Self { group, name: name.into(), unit, better: Better::Lower, ours: Sample::new(ours), baseline: None, ratio: None, aim: None, aim_met: None, aim_is_absolute: false, note: String::new() }
    }

    /// The same figure with an upper limit on its median, in its own unit (`≤ 120 s`).
    pub fn with_limit(mut self, limit: f64) -> Self {
        self.aim = Some(limit);
        self.aim_met = Some(self.ours.median <= limit);
        self.aim_is_absolute = true;
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    fn aim_text(&self) -> String {
        match (self.aim, self.aim_met) {
            (Some(aim), met) => {
                let sign = if self.better == Better::Lower { "≤" } else { "≥" };
                let verdict = match met {
                    Some(true) => " met",
                    Some(false) => " NOT met",
                    None => "",
                };
                if self.aim_is_absolute {
                    format!("{sign} {} {}{verdict}", format_value(aim), self.unit)
                } else {
                    format!("{sign} {aim:.2}{verdict}")
                }
            }
            (None, _) => String::new(),
        }
    }
}

/// The median of `values` (the mean of the two middle values for an even count); NaN when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[middle] } else { (sorted[middle - 1] + sorted[middle]) / 2.0 }
}

/// ours / baseline, or `None` when the baseline is zero or not a number.
pub fn ratio(ours: f64, baseline: f64) -> Option<f64> {
    (baseline.is_finite() && baseline != 0.0 && ours.is_finite()).then(|| ours / baseline)
}

/// A value with three significant digits, without a scientific notation: `1234`, `12.3`, `0.123`.
pub fn format_value(value: f64) -> String {
    if !value.is_finite() {
        return "-".to_owned();
    }
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

/// A ratio as `0.934×`: three decimals, so that a ratio just short of its aim does not print as the aim.
pub fn format_ratio(ratio: Option<f64>) -> String {
    match ratio {
        Some(r) => format!("{r:.3}×"),
        None => "-".to_owned(),
    }
}

/// The table, as GitHub-flavoured Markdown (readable as plain text too).
pub fn table(figures: &[Figure]) -> String {
    let header = ["group", "measurement", "ours", "baseline", "ours/baseline", "aim", "runs", "note"];
    let rows: Vec<[String; 8]> = figures
        .iter()
        .map(|f| {
            [
                f.group.to_owned(),
                f.name.clone(),
                format!("{} {}", format_value(f.ours.median), f.unit),
                f.baseline.as_ref().map(|b| format!("{} {}", format_value(b.median), f.unit)).unwrap_or_else(|| "-".to_owned()),
                format_ratio(f.ratio),
                f.aim_text(),
                f.ours.runs.len().to_string(),
                f.note.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count()))).collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(&header.map(str::to_owned));
    out.push_str(&line(&widths.map(|w| "-".repeat(w))));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

/// Today's date and time in UTC, `YYYY-MM-DDTHH:MM:SSZ`, from the system clock.
pub fn utc_now() -> String {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// Days since 1970-01-01 to a (year, month, day) date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn ratios_and_aims() {
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(format_ratio(ratio(9.0, 10.0)), "0.900×");
        let slower = Figure::compared("g", "n", "ms", Better::Lower, vec![11.0, 12.0, 13.0], vec![10.0; 3], Some(1.1));
        assert_eq!(slower.aim_met, Some(false));
        let throughput = Figure::compared("g", "n", "req/s", Better::Higher, vec![95.0], vec![100.0], Some(0.9));
        assert_eq!(throughput.aim_met, Some(true));
        assert!(table(&[slower, throughput]).contains("≤ 1.10 NOT met"));
    }

    #[test]
    fn values_and_dates_format() {
        assert_eq!(format_value(1234.4), "1234");
        assert_eq!(format_value(12.34), "12.3");
        assert_eq!(format_value(0.1234), "0.123");
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_000), (2024, 10, 4));
    }
}
