//! Interop with an independent implementation: files written by Python's
//! `safetensors` package (tests/interop/make_fixtures.py, with numpy's
//! forward values) load here and give the same outputs; files written here
//! are read back by Python (tests/interop/check_crate_files.py), which
//! checks names, shapes, dtypes, metadata and values.
//!
//! The committed fixtures in tests/interop/ always run. `.ci/run` also
//! regenerates them with the real package into `MLP_INTEROP_FIXTURES` and
//! sets `MLP_PYTHON` to a Python with `safetensors` and `numpy`, which runs
//! the read-back check (required when `CI` is set).

use crate::common;

use mlp::network;
use mlp::rand::RngExt;
use mlp::weights::{load, save, to_vec};
use mlp::Params;
use safetensors::SafeTensors;
use std::path::{Path, PathBuf};

network! {
    /// PyTorch's Sequential(Linear(2, 4), Tanh(), Dropout(), Linear(4, 1), Sigmoid()).
    struct Seq<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>;
    /// Linear layers at indices 0, 2, 10, float64.
    #[scalar(f64)]
    struct Deep<input 3, dense 5 relu, dense 4 tanh, dense 2 linear, loss mse>;
}

fn fixtures() -> PathBuf {
    std::env::var_os("MLP_INTEROP_FIXTURES").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop"),
        PathBuf::from,
    )
}

/// The `inputs` and `outputs` numpy computed, as f64 rows.
fn expected(stem: &str) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let bytes = std::fs::read(fixtures().join(format!("{stem}_expected.safetensors"))).unwrap();
    let st = SafeTensors::deserialize(&bytes).unwrap();
    let rows = |name: &str| -> Vec<Vec<f64>> {
        let t = st.tensor(name).unwrap();
        let values: Vec<f64> = match t.dtype() {
            safetensors::Dtype::F32 => t
                .data()
                .chunks_exact(4)
                .map(|c| f64::from(f32::from_le_bytes(c.try_into().unwrap())))
                .collect(),
            _ => t
                .data()
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
                .collect(),
        };
        values.chunks(t.shape()[1]).map(<[f64]>::to_vec).collect()
    };
    (rows("inputs"), rows("outputs"))
}

fn max_rel_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs() / y.abs().max(1.0))
        .fold(0.0, f64::max)
}

#[test]
fn pytorch_style_f32_file_with_prefix_and_gap_loads() {
    let net: Seq = load(fixtures().join("sequential_f32.safetensors")).unwrap();
    let (xs, ys) = expected("sequential_f32");
    assert_eq!(xs.len(), 16);
    for (x, y) in xs.iter().zip(&ys) {
        let out = net.forward(&[x[0] as f32, x[1] as f32]);
        // numpy in f64 from the same f32 weights; ours in f32 (fast exp, tanh).
        assert!(
            max_rel_diff(&[f64::from(out[0])], y) < 1e-5,
            "{out:?} vs {y:?}"
        );
    }
}

#[test]
fn f64_file_with_indices_past_nine_loads() {
    let net: Deep = load(fixtures().join("deep_f64.safetensors")).unwrap();
    let (xs, ys) = expected("deep_f64");
    for (x, y) in xs.iter().zip(&ys) {
        let out = net.forward(&[x[0], x[1], x[2]]);
        assert!(max_rel_diff(&out, y) < 1e-12, "{out:?} vs {y:?}");
    }
}

/// A safetensors file of the flat parameters and some forward values,
/// for the Python side to compare against.
fn reference<N: Params, const IN: usize, const OUT: usize>(
    net: &N,
    forward: impl Fn(&[N::Scalar; IN]) -> [N::Scalar; OUT],
    rng: &mut mlp::rand::rngs::SmallRng,
) -> Vec<u8> {
    use safetensors::tensor::TensorView;
    let size = std::mem::size_of::<N::Scalar>();
    let dtype = if size == 4 {
        safetensors::Dtype::F32
    } else {
        safetensors::Dtype::F64
    };
    let le = |v: &[N::Scalar]| -> Vec<u8> {
        let mut out = vec![0u8; std::mem::size_of_val(v)];
        for (chunk, x) in out.chunks_exact_mut(size).zip(v) {
            let x = mlp::Scalar::to_f64(*x);
            if size == 4 {
                chunk.copy_from_slice(&(x as f32).to_le_bytes());
            } else {
                chunk.copy_from_slice(&x.to_le_bytes());
            }
        }
        out
    };
    let xs: Vec<[N::Scalar; IN]> = (0..8)
        .map(|_| std::array::from_fn(|_| mlp::Scalar::from_f64(rng.random_range(-2.0..2.0))))
        .collect();
    let ys: Vec<[N::Scalar; OUT]> = xs.iter().map(&forward).collect();
    let data = [le(net.params()), le(&xs.concat()), le(&ys.concat())];
    let shapes = [vec![N::PARAMS], vec![xs.len(), IN], vec![ys.len(), OUT]];
    let views = ["params", "inputs", "outputs"]
        .into_iter()
        .zip(data.iter().zip(shapes))
        .map(|(name, (d, s))| (name, TensorView::new(dtype, s, d).unwrap()));
    safetensors::tensor::serialize(views, None).unwrap()
}

#[test]
fn python_reads_the_crates_files() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop");
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = common::rng(31);
    let seq: Seq = common::awkward(32);
    save(&seq, dir.join("crate_f32.safetensors")).unwrap();
    let r = reference(&seq, |x| seq.forward(x), &mut rng);
    std::fs::write(dir.join("crate_f32_expected.safetensors"), r).unwrap();
    let deep: Deep = common::awkward(33);
    std::fs::write(dir.join("crate_f64.safetensors"), to_vec(&deep)).unwrap();
    let r = reference(&deep, |x| deep.forward(x), &mut rng);
    std::fs::write(dir.join("crate_f64_expected.safetensors"), r).unwrap();

    let Some(python) = std::env::var_os("MLP_PYTHON") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set MLP_PYTHON to a Python with safetensors and numpy"
        );
        eprintln!(
            "MLP_PYTHON not set: skipped the Python read-back of {}",
            dir.display()
        );
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/check_crate_files.py");
    let out = std::process::Command::new(python)
        .arg(script)
        .arg(&dir)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "Python rejected the crate's files:\n{text}"
    );
    eprintln!("{text}");
}
