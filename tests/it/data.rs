//! CSV loading: the shipped files parse, and malformed rows get errors that
//! name the line and the problem.

use mlp::data::{one_hot, parse_labelled, stratified_split, Standardizer};

#[test]
fn shipped_data_sets_parse() {
    let (x, y) = parse_labelled::<f64, 4>(include_str!("../../data/iris.csv"), true).unwrap();
    assert_eq!((x.len(), y.len()), (150, 150));
    assert_eq!(x[0], [5.1, 3.5, 1.4, 0.2]);
    assert_eq!(
        (0..3)
            .map(|c| y.iter().filter(|&&l| l == c).count())
            .collect::<Vec<_>>(),
        [50, 50, 50]
    );
    let (x, y) = parse_labelled::<f32, 64>(include_str!("../../data/digits.csv"), false).unwrap();
    assert_eq!(x.len(), 1797);
    assert!(y.iter().all(|&l| l < 10));
    assert!(x.iter().flatten().all(|&v| (0.0..=16.0).contains(&v)));
}

#[test]
fn malformed_rows_are_reported_with_their_line() {
    let err = |text: &str| {
        parse_labelled::<f64, 2>(text, true)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("a,b,label\n1,2,0\n1,2\n"),
        "line 3: expected 3 fields (2 features and a label), found 2"
    );
    assert_eq!(
        err("h\n1,2,0\n\n1,x,1\n"),
        "line 4: field 2: `x` is not a number"
    );
    assert_eq!(
        err("h\n1,2,-1\n"),
        "line 2: label `-1` is not a non-negative integer"
    );
    assert_eq!(err("h\nNaN,2,0\n"), "line 2: field 1: `NaN` is not finite");
    assert_eq!(
        one_hot::<f32, 3>(&[0, 3]).unwrap_err(),
        "sample 1: label 3 is not below the number of classes, 3"
    );
}

#[test]
fn stratified_split_keeps_class_proportions() {
    let labels: Vec<usize> = (0..150).map(|i| i / 50).collect();
    let mut rng = mlp::rand::SeedableRng::seed_from_u64(3);
    let (train, test) = stratified_split::<mlp::rand::rngs::SmallRng>(&labels, 0.3, &mut rng);
    assert_eq!((train.len(), test.len()), (105, 45));
    for c in 0..3 {
        assert_eq!(test.iter().filter(|&&i| labels[i] == c).count(), 15);
    }
    let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..150).collect::<Vec<_>>());
}

#[test]
fn stratified_split_takes_the_whole_range_of_fractions() {
    let labels = [0, 0, 1, 1];
    let mut rng: mlp::rand::rngs::SmallRng = mlp::rand::SeedableRng::seed_from_u64(3);
    assert_eq!(stratified_split(&labels, 0.0, &mut rng).1.len(), 0);
    assert_eq!(stratified_split(&labels, 1.0, &mut rng).0.len(), 0);
}

#[test]
#[should_panic(expected = "test_fraction must be in [0, 1], got 1.5")]
fn stratified_split_refuses_a_fraction_above_one() {
    let mut rng: mlp::rand::rngs::SmallRng = mlp::rand::SeedableRng::seed_from_u64(3);
    let _ = stratified_split(&[0, 0, 1], 1.5, &mut rng);
}

#[test]
#[should_panic(expected = "test_fraction must be in [0, 1], got NaN")]
fn stratified_split_refuses_nan() {
    let mut rng: mlp::rand::rngs::SmallRng = mlp::rand::SeedableRng::seed_from_u64(3);
    let _ = stratified_split(&[0, 0, 1], f64::NAN, &mut rng);
}

#[test]
fn standardizer_centres_and_scales() {
    let rows = [[1.0f64, 5.0], [3.0, 5.0]];
    let s = Standardizer::fit(&rows);
    assert_eq!(s.apply(&rows[0]), [-1.0, 0.0]);
    assert_eq!(
        s.apply(&rows[1]),
        [1.0, 0.0],
        "constant feature maps to 0, not NaN"
    );
}
