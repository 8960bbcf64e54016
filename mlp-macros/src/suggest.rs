//! Help lines for misspelt names: the nearest valid name by edit distance,
//! and the list of valid ones.

use crate::ctxt::Ctxt;
use syn::Ident;

/// Reports `unknown {what} `name``, suggesting the nearest of `valid`.
pub fn unknown_name<'a>(
    cx: &Ctxt,
    name: &Ident,
    what: &str,
    valid: impl Iterator<Item = &'a str> + Clone,
) {
    let text = name.to_string();
    let list = backticked(valid.clone());
    let help = match closest(&text, valid) {
        Some(best) => format!("help: did you mean `{best}`? valid names: {list}"),
        None => format!("help: valid names: {list}"),
    };
    cx.error_at(name.span(), format!("unknown {what} `{text}`\n{help}"));
}

/// "`a`, `b`, `c`" for a help line.
pub fn backticked<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    list.join(", ")
}

/// The candidate nearest to `word` by edit distance, if near enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .map(|c| (edit_distance(&word, c), c))
        .filter(|&(d, c)| {
            d <= (c.len().max(word.len()) / 3).max(1) || c.starts_with(&word) || word.starts_with(c)
        })
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance, counting an adjacent swap as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::kw;
    use crate::model::Activation;

    #[test]
    fn suggests_the_nearest_name() {
        let acts = Activation::all_names;
        assert_eq!(closest("rleu", acts()), Some("relu"));
        assert_eq!(closest("sigmod", acts()), Some("sigmoid"));
        assert_eq!(closest("Tanh", acts()), Some("tanh"));
        assert_eq!(closest("softmx", acts()), Some("softmax"));
        assert_eq!(closest("banana", acts()), None);
        assert_eq!(closest("dens", kw::ALL.into_iter()), Some("dense"));
    }

    #[test]
    fn edit_distance_counts_swaps_once() {
        assert_eq!(edit_distance("relu", "rleu"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
