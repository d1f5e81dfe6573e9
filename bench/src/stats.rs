//! Medians, spreads and ratios of interleaved samples, and their formatting.

/// The summary of one series of samples.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub median: f64,
    pub p25: f64,
    pub p75: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

/// Median, quartiles and range of `samples` (any unit). An empty series summarises to NaN.
pub fn summarize(samples: &[f64]) -> Summary {
    let mut sorted: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    Summary {
        median: quantile(&sorted, 0.5),
        p25: quantile(&sorted, 0.25),
        p75: quantile(&sorted, 0.75),
        min: sorted.first().copied().unwrap_or(f64::NAN),
        max: sorted.last().copied().unwrap_or(f64::NAN),
        n: sorted.len(),
    }
}

/// Linear-interpolated quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let pos = q * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = pos.ceil() as usize;
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

/// Per-round ratios `a[i] / b[i]` of two series measured in the same rounds.
pub fn paired_ratios(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x / y).collect()
}

/// A duration given in nanoseconds, in a readable unit.
pub fn dur(ns: f64) -> String {
    if !ns.is_finite() {
        return "–".into();
    }
    let (value, unit) = if ns >= 1e9 {
        (ns / 1e9, "s")
    } else if ns >= 1e6 {
        (ns / 1e6, "ms")
    } else if ns >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$} {unit}")
}

/// Median and quartiles of a duration series: `12.3 µs (IQR 12.1–12.6)`.
pub fn dur_iqr(s: &Summary) -> String {
    format!("{} (IQR {}–{})", dur(s.median), dur(s.p25), dur(s.p75))
}

/// Median and range of a duration series: `1.23 s (1.20–1.31)`.
pub fn dur_range(s: &Summary) -> String {
    format!("{} ({}–{})", dur(s.median), dur(s.min), dur(s.max))
}

/// A ratio: `1.04×`.
pub fn ratio(r: f64) -> String {
    if r.is_finite() {
        format!("{r:.2}×")
    } else {
        "–".into()
    }
}

/// Median of paired ratios with their quartiles: `1.04× (IQR 1.01–1.07)`.
pub fn ratio_iqr(s: &Summary) -> String {
    format!("{} (IQR {}–{})", ratio(s.median), ratio(s.p25), ratio(s.p75))
}

/// KiB as MiB: `12.3 MiB`.
pub fn mib(kib: f64) -> String {
    if kib.is_finite() {
        format!("{:.1} MiB", kib / 1024.0)
    } else {
        "–".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_interpolate() {
        let s = summarize(&[4.0, 1.0, 3.0, 2.0, f64::NAN]);
        assert_eq!((s.n, s.min, s.max, s.median), (4, 1.0, 4.0, 2.5));
        assert_eq!((s.p25, s.p75), (1.75, 3.25));
        assert!(summarize(&[]).median.is_nan());
    }

    #[test]
    fn units() {
        assert_eq!(dur(999.0), "999 ns");
        assert_eq!(dur(12_345.0), "12.3 µs");
        assert_eq!(dur(1.5e9), "1.50 s");
        assert_eq!(ratio(1.0449), "1.04×");
        assert_eq!(paired_ratios(&[2.0, 3.0], &[1.0, 2.0]), vec![2.0, 1.5]);
    }
}
