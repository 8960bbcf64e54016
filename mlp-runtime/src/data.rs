//! Loading small labelled data sets from CSV text, one-hot targets,
//! stratified splits and feature standardisation (needs `alloc`).
//!
//! ```
//! use mlp::data::{one_hot, parse_labelled};
//!
//! let text = "x1,x2,label\n0.5,1.0,1\n0.0,-2.0,0\n";
//! let (xs, labels) = parse_labelled::<f32, 2>(text, true).unwrap();
//! assert_eq!(xs, [[0.5, 1.0], [0.0, -2.0]]);
//! let ds = one_hot::<f32, 2>(&labels).unwrap();
//! assert_eq!(ds, [[0.0, 1.0], [1.0, 0.0]]);
//! ```

use crate::train::shuffle;
use crate::Scalar;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use rand::Rng;

/// A malformed row, with its 1-based line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvError {
    /// 1-based line in the text.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CsvError {}

/// Parses comma-separated rows of `IN` numeric features followed by an
/// integer class label (the layout of scikit-learn's `iris.csv` and
/// `digits.csv`). With `header`, the first line is skipped. Blank lines are
/// ignored.
///
/// # Errors
/// A row with the wrong number of fields, a field that is not a finite
/// number, or a label that is not a non-negative integer.
pub fn parse_labelled<T: Scalar, const IN: usize>(
    text: &str,
    header: bool,
) -> Result<(Vec<[T; IN]>, Vec<usize>), CsvError> {
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for (i, line) in text.lines().enumerate().skip(usize::from(header)) {
        let number = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let err = |message: String| CsvError {
            line: number,
            message,
        };
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != IN + 1 {
            return Err(err(format!(
                "expected {} fields ({IN} features and a label), found {}",
                IN + 1,
                fields.len()
            )));
        }
        let mut row = [T::ZERO; IN];
        for (j, (slot, field)) in row.iter_mut().zip(&fields).enumerate() {
            let value: f64 = field
                .parse()
                .map_err(|_| err(format!("field {}: `{field}` is not a number", j + 1)))?;
            if !value.is_finite() {
                return Err(err(format!("field {}: `{field}` is not finite", j + 1)));
            }
            *slot = T::from_f64(value);
        }
        let label_field = fields[IN];
        let label: usize = label_field.parse().map_err(|_| {
            err(format!(
                "label `{label_field}` is not a non-negative integer"
            ))
        })?;
        features.push(row);
        labels.push(label);
    }
    Ok((features, labels))
}

/// One-hot targets for `K` classes.
///
/// # Errors
/// The index and value of the first label that is `K` or more.
pub fn one_hot<T: Scalar, const K: usize>(labels: &[usize]) -> Result<Vec<[T; K]>, String> {
    labels
        .iter()
        .enumerate()
        .map(|(i, &label)| {
            if label >= K {
                return Err(format!(
                    "sample {i}: label {label} is not below the number of classes, {K}"
                ));
            }
            let mut d = [T::ZERO; K];
            d[label] = T::ONE;
            Ok(d)
        })
        .collect()
}

/// Splits sample indices into (train, test), taking `test_fraction` of each
/// class into the test set (rounded to nearest), shuffled with `rng`.
///
/// # Panics
/// If `test_fraction` is not a number in [0, 1] (a programming error: the
/// fraction is a constant of the caller's, not data).
pub fn stratified_split<R: Rng + ?Sized>(
    labels: &[usize],
    test_fraction: f64,
    rng: &mut R,
) -> (Vec<usize>, Vec<usize>) {
    assert!(
        (0.0..=1.0).contains(&test_fraction),
        "stratified_split: test_fraction must be in [0, 1], got {test_fraction}"
    );
    let classes = labels.iter().copied().max().map_or(0, |m| m + 1);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for class in 0..classes {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        shuffle(&mut members, rng);
        let n_test = libm::round(members.len() as f64 * test_fraction) as usize;
        test.extend_from_slice(&members[..n_test]);
        train.extend_from_slice(&members[n_test..]);
    }
    (train, test)
}

/// Per-feature mean and standard deviation, fitted on some rows and applied
/// to any (so test data is scaled with the training set's statistics).
#[derive(Clone, Debug)]
pub struct Standardizer<const IN: usize> {
    /// Mean of each feature.
    pub mean: [f64; IN],
    /// Standard deviation of each feature (1 where it is 0, so constant
    /// features map to 0 rather than NaN).
    pub std: [f64; IN],
}

impl<const IN: usize> Standardizer<IN> {
    /// Fits on `rows`.
    pub fn fit<T: Scalar>(rows: &[[T; IN]]) -> Self {
        let n = rows.len().max(1) as f64;
        let mut mean = [0.0; IN];
        for row in rows {
            for (m, v) in mean.iter_mut().zip(row) {
                *m += v.to_f64() / n;
            }
        }
        let mut var = [0.0; IN];
        for row in rows {
            for ((s, v), m) in var.iter_mut().zip(row).zip(&mean) {
                let e = v.to_f64() - m;
                *s += e * e / n;
            }
        }
        let std = var.map(|v| if v > 0.0 { libm::sqrt(v) } else { 1.0 });
        Standardizer { mean, std }
    }
    /// (x − mean) / std, feature by feature.
    pub fn apply<T: Scalar>(&self, row: &[T; IN]) -> [T; IN] {
        let mut out = *row;
        for ((o, m), s) in out.iter_mut().zip(&self.mean).zip(&self.std) {
            *o = T::from_f64((o.to_f64() - m) / s);
        }
        out
    }
}

/// Picks `indices` out of `items`.
pub fn select<T: Copy>(items: &[T], indices: &[usize]) -> Vec<T> {
    indices.iter().map(|&i| items[i]).collect()
}
