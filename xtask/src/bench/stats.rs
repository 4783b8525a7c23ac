//! Summary statistics of repeated measurements.

use std::time::Duration;

/// The median; the mean of the middle two for an even count.
pub(crate) fn median(samples: &[Duration]) -> Option<Duration> {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

pub(crate) fn min(samples: &[Duration]) -> Option<Duration> {
    samples.iter().copied().min()
}

/// Geometric mean of positive ratios; None when there are none.
pub(crate) fn geomean(ratios: &[f64]) -> Option<f64> {
    let positive: Vec<f64> = ratios
        .iter()
        .copied()
        .filter(|r| r.is_finite() && *r > 0.0)
        .collect();
    if positive.is_empty() {
        return None;
    }
    let log_sum: f64 = positive.iter().map(|r| r.ln()).sum();
    Some((log_sum / positive.len() as f64).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&ms(&[5, 1, 3])), Some(Duration::from_millis(3)));
        assert_eq!(
            median(&ms(&[4, 1, 3, 2])),
            Some(Duration::from_micros(2500))
        );
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn min_picks_the_fastest() {
        assert_eq!(min(&ms(&[5, 1, 3])), Some(Duration::from_millis(1)));
    }

    #[test]
    fn geomean_ignores_unusable_ratios() {
        let g = geomean(&[2.0, 8.0, f64::NAN, 0.0]).expect("two usable ratios");
        assert!((g - 4.0).abs() < 1e-12);
        assert_eq!(geomean(&[]), None);
    }
}
