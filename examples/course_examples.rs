//! Every worked example of the course notes the formulas come from (a
//! course's lecture notes, kept outside this repository; each line names
//! its note by number and quotes the published value), computed with `network!` networks and printed beside the published value.
//!
//! ```text
//! cargo run --example course_examples
//! ```
//!
//! The same computations are asserted by `tests/it/course_notes.rs`, which
//! includes this file.

use mlp::network;

network! {
    /// 001, first example: relu hidden layer, sigmoid output, bce.
    #[scalar(f64)]
    pub struct ReluSigmoidBce<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;

    /// 001, second example: two sigmoid outputs under ce.
    #[scalar(f64)]
    pub struct SigmoidCe<input 2, dense 2 sigmoid, loss ce>;

    /// 001, third example: the same with softmax.
    #[scalar(f64)]
    pub struct SoftmaxCe<input 2, dense 2 softmax, loss ce>;

    /// 003: a 2-2-1 sigmoid network with bce (biases left at zero: "no biases").
    #[scalar(f64)]
    pub struct TwoLayerBce<input 2, dense 2 sigmoid, dense 1 sigmoid, loss bce>;

    /// 004: a sigmoid hidden layer and two sigmoid outputs, each with bce.
    #[scalar(f64)]
    pub struct TwoOutputBce<input 2, dense 2 sigmoid, dense 2 sigmoid, loss bce>;
}

/// One published number and what the library computes for it.
#[derive(Clone, Debug)]
pub struct Example {
    /// Where it is published and what it is.
    pub name: &'static str,
    /// The value computed by the library.
    pub computed: f64,
    /// The value as the notes print it.
    pub published: f64,
    /// The closed form the notes derive it from, evaluated in f64.
    pub exact: f64,
    /// Decimal places the notes print.
    pub places: i32,
}

impl Example {
    /// The computed value rounded to the published number of places.
    pub fn rounded(&self) -> f64 {
        let scale = 10f64.powi(self.places);
        (self.computed * scale).round() / scale
    }
}

const E: f64 = std::f64::consts::E;

/// 001 (1): W1 = [[0.25, 0.75], [0.75, 0.25]], W2 = [[0.67, 0.33]], x = (1, 1),
/// d = 0, lr 0.1: w31 (our w2[0][0]) becomes 0.67 − 0.1·e/(1+e) = 0.597.
pub fn relu_sigmoid_bce() -> Vec<Example> {
    let mut net = ReluSigmoidBce::zeroed();
    net.w1 = [[0.25, 0.75], [0.75, 0.25]];
    net.w2 = [[0.67, 0.33]];
    net.train_step(&[1.0, 1.0], &[0.0], 0.1);
    vec![Example {
        name: "001 relu/sigmoid/bce: w31 after one step",
        computed: net.w2[0][0],
        published: 0.597,
        exact: 0.67 - 0.1 * E / (1.0 + E),
        places: 3,
    }]
}

/// 001 (2) and (3): input (1, 0), target (0, 1), W = identity, so
/// z = (w11, w21) = (1, 0); lr 0.1, biases 0.
pub fn two_outputs_ce() -> Vec<Example> {
    let (x, d) = ([1.0, 0.0], [0.0, 1.0]);
    let identity = [[1.0, 0.0], [0.0, 1.0]];

    let mut sigmoid = SigmoidCe::zeroed();
    sigmoid.w1 = identity;
    let sigmoid_loss = sigmoid.train_step(&x, &d, 0.1);

    let mut softmax = SoftmaxCe::zeroed();
    softmax.w1 = identity;
    let before = softmax.w1[0][0];
    let softmax_loss = softmax.train_step(&x, &d, 0.1);
    vec![
        Example {
            name: "001 sigmoid/ce: loss = ln 2",
            computed: sigmoid_loss,
            published: 0.693,
            exact: std::f64::consts::LN_2,
            places: 3,
        },
        Example {
            name: "001 sigmoid/ce: w11 after one step",
            computed: sigmoid.w1[0][0],
            published: 1.0,
            exact: 1.0,
            places: 1,
        },
        Example {
            name: "001 softmax/ce: loss = ln(1+e)",
            computed: softmax_loss,
            published: 1.313,
            exact: (1.0 + E).ln(),
            places: 3,
        },
        Example {
            name: "001 softmax/ce: delta w11 = -0.1 e/(1+e)",
            computed: softmax.w1[0][0] - before,
            published: -0.0731,
            exact: -0.1 * E / (1.0 + E),
            places: 4,
        },
    ]
}

/// 003: δ(2) = y* − y and δ(1)_i = δ(2) w_i z_i (1 − z_i), read off the
/// bias gradients (∂L/∂b = δ) of `backward`, at arbitrary weights.
pub fn two_layer_bce() -> Vec<Example> {
    let mut net = TwoLayerBce::zeroed();
    net.w1 = [[0.4, -0.7], [0.2, 0.9]];
    net.w2 = [[1.3, -0.6]];
    let (x, label) = ([0.8, 0.3], 1.0);
    let z = [0, 1].map(|i| sigmoid(net.w1[i][0] * x[0] + net.w1[i][1] * x[1]));
    let y_star = sigmoid(net.w2[0][0] * z[0] + net.w2[0][1] * z[1]);
    let delta2 = y_star - label;
    let mut grad = TwoLayerBce::zeroed();
    net.backward(&x, &[label], &mut grad);
    let mut out = vec![Example {
        name: "003 delta(2) = y* - y",
        computed: grad.b2[0],
        published: delta2,
        exact: delta2,
        places: 12,
    }];
    for (i, zi) in z.iter().enumerate() {
        let delta1 = delta2 * net.w2[0][i] * zi * (1.0 - zi);
        out.push(Example {
            name: if i == 0 {
                "003 delta(1)_1 = delta(2) w_1 z_1 (1 - z_1)"
            } else {
                "003 delta(1)_2 = delta(2) w_2 z_2 (1 - z_2)"
            },
            computed: grad.b1[i],
            published: delta1,
            exact: delta1,
            places: 12,
        });
    }
    out
}

/// 004: ∂E/∂V11 = Σ_k (Y_k − Q_k) W_1k X_1 Z_1 (1 − Z_1). The notes' V_ij
/// joins input i to hidden j (our w1[j][i]); W_jk joins hidden j to output
/// k (our w2[k][j]).
pub fn two_output_bce() -> Vec<Example> {
    let mut net = TwoOutputBce::zeroed();
    net.w1 = [[0.5, -0.3], [0.8, 0.1]];
    net.b1 = [0.1, -0.2];
    net.w2 = [[0.7, -1.1], [0.4, 0.6]];
    net.b2 = [0.05, -0.05];
    let (x, q) = ([1.5, -0.5], [1.0, 0.0]);
    let z = [0, 1].map(|j| sigmoid(net.w1[j][0] * x[0] + net.w1[j][1] * x[1] + net.b1[j]));
    let y = [0, 1].map(|k| sigmoid(net.w2[k][0] * z[0] + net.w2[k][1] * z[1] + net.b2[k]));
    let closed: f64 = (0..2)
        .map(|k| (y[k] - q[k]) * net.w2[k][0] * x[0] * z[0] * (1.0 - z[0]))
        .sum();
    let mut grad = TwoOutputBce::zeroed();
    net.backward(&x, &q, &mut grad);
    vec![Example {
        name: "004 dE/dV11",
        computed: grad.w1[0][0],
        published: closed,
        exact: closed,
        places: 12,
    }]
}

fn sigmoid(h: f64) -> f64 {
    1.0 / (1.0 + (-h).exp())
}

/// All worked examples, in the order of the notes.
pub fn all() -> Vec<Example> {
    [
        relu_sigmoid_bce(),
        two_outputs_ce(),
        two_layer_bce(),
        two_output_bce(),
    ]
    .concat()
}

#[allow(dead_code)] // the test that includes this file has its own main
fn main() {
    println!(
        "{:<46} {:>16} {:>16}  match",
        "worked example", "computed", "published"
    );
    for ex in all() {
        let ok = (ex.rounded() - ex.published).abs() <= 0.5 * 10f64.powi(-ex.places);
        let places = ex.places.max(4) as usize;
        println!(
            "{:<46} {:>16.*} {:>16.*}  {}",
            ex.name,
            places,
            ex.computed,
            ex.places as usize,
            ex.published,
            if ok { "yes" } else { "NO" }
        );
    }
}
