//! Weights out and back: bytes, safetensors (memory and file), Rust source,
//! for f32 and f64 networks of 1 to 3 layers (one over the unrolling
//! threshold), every error with its message, and files mangled 10^5 ways.
//!
//! Also writes the fixtures `tests/it/weights_baked.rs` compiles against
//! (`tests/fixtures/`): `fixtures_are_fresh` fails if they are stale, and
//! with `MLP_UPDATE_FIXTURES=1` rewrites them.

use crate::common;

use mlp::network;
use mlp::rand::RngExt;
use mlp::weights::{from_slice, load, save, to_vec};
use mlp::{Params, WeightsError};

network! {
    #[scalar(f64)]
    pub struct D1<input 3, dense 2 linear>;
    pub struct F2<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>;
    pub struct F3<input 20, dense 16 relu, dense 8 tanh, dense 3 softmax, loss ce>;
    #[scalar(f64)]
    pub struct D3<input 20, dense 16 relu, dense 8 tanh, dense 3 linear>;
}

macro_rules! round_trips {
    ($($test:ident: $net:ty, $seed:expr;)*) => {$(
        #[test]
        fn $test() {
            let net: $net = common::awkward($seed);
            // Bytes: little-endian, flat order, BYTES long.
            let bytes = net.to_bytes();
            assert_eq!(bytes.len(), <$net>::BYTES);
            assert_eq!(bytes.len(), <$net>::PARAMS * std::mem::size_of::<<$net as Params>::Scalar>());
            let first = <$net as Params>::Scalar::from_le_bytes(bytes[..std::mem::size_of::<<$net as Params>::Scalar>()].try_into().unwrap());
            assert_eq!(first.to_bits(), net.params()[0].to_bits());
            assert!(common::same_bits(&<$net>::from_bytes(&bytes).unwrap(), &net));
            // safetensors in memory and on disk.
            assert!(common::same_bits(&from_slice::<$net>(&to_vec(&net)).unwrap(), &net));
            let path = std::env::temp_dir().join(format!("mlp-{}-{}.safetensors", stringify!($test), std::process::id()));
            save(&net, &path).unwrap();
            let loaded: $net = load(&path).unwrap();
            std::fs::remove_file(&path).unwrap();
            assert!(common::same_bits(&loaded, &net));
        }
    )*};
}

round_trips! {
    one_layer_f64_round_trips: D1, 1;
    two_layers_f32_round_trip: F2, 2;
    three_layers_looped_f32_round_trip: F3, 3;
    three_layers_looped_f64_round_trip: D3, 4;
}

/// Names and shapes as PyTorch's `nn.Sequential` of Linear + activation.
#[test]
fn files_use_pytorch_sequential_names_and_record_the_declaration() {
    let file = to_vec(&common::awkward::<F3>(3));
    let st = safetensors::SafeTensors::deserialize(&file).unwrap();
    let mut names = st.names();
    names.sort_unstable();
    assert_eq!(
        names,
        ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"]
    );
    assert_eq!(st.tensor("2.weight").unwrap().shape(), [8, 16]);
    assert_eq!(st.tensor("4.bias").unwrap().shape(), [3]);
    assert_eq!(
        st.tensor("0.weight").unwrap().dtype(),
        safetensors::Dtype::F32
    );
    let (_, meta) = safetensors::SafeTensors::read_metadata(&file).unwrap();
    let meta = meta.metadata().clone().unwrap();
    assert_eq!(
        meta["mlp"],
        "input 20, dense 16 relu, dense 8 tanh, dense 3 softmax, loss ce"
    );
    assert_eq!(meta["mlp.scalar"], "f32");
}

/// A safetensors file from tensors given as (name, dtype, shape, f64 values).
fn file_of(
    tensors: &[(&str, safetensors::Dtype, Vec<usize>, Vec<f64>)],
    declaration: Option<&str>,
) -> Vec<u8> {
    use safetensors::Dtype;
    let data: Vec<Vec<u8>> = tensors
        .iter()
        .map(|(_, dtype, _, v)| match dtype {
            Dtype::F64 => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Dtype::F32 => v.iter().flat_map(|&x| (x as f32).to_le_bytes()).collect(),
            // Two bytes per element; the contents do not matter to the dtype check.
            _ => vec![0u8; 2 * v.len()],
        })
        .collect();
    let views = tensors
        .iter()
        .zip(&data)
        .map(|((name, dtype, shape, _), d)| {
            (
                name.to_string(),
                safetensors::tensor::TensorView::new(*dtype, shape.clone(), d).unwrap(),
            )
        });
    let meta = declaration.map(|d| [("mlp".to_string(), d.to_string())].into_iter().collect());
    safetensors::tensor::serialize(views, meta).unwrap()
}

network! {
    /// The PyTorch side of the examples below: Linear(2, 3), Tanh, Linear(3, 1).
    #[scalar(f64)]
    pub struct Small<input 2, dense 3 tanh, dense 1 linear>;
}

fn ramp(n: usize, from: f64) -> Vec<f64> {
    (0..n).map(|i| from + 0.25 * i as f64).collect()
}

#[test]
fn loads_what_other_tools_write() {
    use safetensors::Dtype::{F32, F64};
    // A prefix, gaps (dropout and activation modules), index 10 after 9.
    let file = file_of(
        &[
            ("model.net.9.weight", F64, vec![3, 2], ramp(6, -1.0)),
            ("model.net.9.bias", F64, vec![3], ramp(3, 0.5)),
            ("model.net.10.weight", F32, vec![1, 3], ramp(3, 2.0)),
            ("model.net.10.bias", F32, vec![1], vec![-0.125]),
        ],
        None,
    );
    let net = from_slice::<Small>(&file).unwrap();
    assert_eq!(net.w1, [[-1.0, -0.75], [-0.5, -0.25], [0.0, 0.25]]);
    assert_eq!(net.b1, [0.5, 0.75, 1.0]);
    assert_eq!(net.w2, [[2.0, 2.25, 2.5]]);
    assert_eq!(net.b2, [-0.125]);
    // No biases anywhere: a network trained without them.
    let file = file_of(
        &[
            ("0.weight", F64, vec![3, 2], ramp(6, 0.0)),
            ("2.weight", F64, vec![1, 3], ramp(3, 0.0)),
        ],
        None,
    );
    let net = from_slice::<Small>(&file).unwrap();
    assert_eq!((net.b1, net.b2), ([0.0; 3], [0.0]));
    // f64 values into an f32 network round to nearest.
    let file = file_of(
        &[("0.weight", F64, vec![1, 2], vec![0.1, 1.0 + 1e-12])],
        None,
    );
    network! { struct One<input 2, dense 1 linear>; }
    assert_eq!(from_slice::<One>(&file).unwrap().w1, [[0.1f32, 1.0]]);
}

/// Every loading error, with its exact message.
#[test]
fn each_problem_is_named() {
    use safetensors::Dtype::{F16, F64};
    let good = |extra: Vec<(&'static str, safetensors::Dtype, Vec<usize>, Vec<f64>)>| {
        let mut t = vec![
            ("0.weight", F64, vec![3, 2], ramp(6, 0.0)),
            ("0.bias", F64, vec![3], ramp(3, 0.0)),
            ("2.weight", F64, vec![1, 3], ramp(3, 0.0)),
            ("2.bias", F64, vec![1], ramp(1, 0.0)),
        ];
        t.extend(extra);
        t
    };
    let err = |tensors: &[(&str, safetensors::Dtype, Vec<usize>, Vec<f64>)], decl: Option<&str>| {
        from_slice::<Small>(&file_of(tensors, decl))
            .unwrap_err()
            .to_string()
    };
    let mut t = good(vec![]);
    t[2].2 = vec![3, 1];
    assert_eq!(
        err(&t, None),
        "tensor `2.weight` has shape [3, 1], but layer 2 needs [1, 3]"
    );
    let mut t = good(vec![]);
    t[0].1 = F16;
    assert_eq!(
        err(&t, None),
        "tensor `0.weight` has dtype F16; only F32 and F64 can be loaded (in PyTorch, `.float()` converts)"
    );
    let t = good(vec![("4.weight", F64, vec![1, 1], vec![1.0])]);
    assert_eq!(
        err(&t, None),
        "tensor `4.weight` does not fit this network: the network has 2 layers, but the file has tensors for 3"
    );
    let t = good(vec![("head.weight", F64, vec![1, 1], vec![1.0])]);
    assert_eq!(
        err(&t, None),
        "tensor `head.weight` does not fit this network: no layer index before `.weight` or `.bias` (as in `0.weight`)"
    );
    let t = good(vec![("5.running_mean", F64, vec![1], vec![1.0])]);
    assert_eq!(
        err(&t, None),
        "tensor `5.running_mean` does not fit this network: its name does not end in `.weight` or `.bias`"
    );
    let mut t = good(vec![]);
    t[2].0 = "net.2.weight";
    t[3].0 = "net.2.bias";
    assert_eq!(
        err(&t, None),
        "tensor `net.2.bias` does not fit this network: its prefix `net.` differs from `` of `0.bias`"
    );
    let t = &good(vec![])[..2];
    assert_eq!(
        err(t, None),
        "the file has no weight for layer 2 (a tensor `{prefix}{k}.weight` of shape [1, 3]); it holds: 0.weight, 0.bias"
    );
    let t: Vec<_> = good(vec![])
        .into_iter()
        .filter(|t| t.0 != "2.bias")
        .collect();
    assert_eq!(
        err(&t, None),
        "the file has no bias for layer 2 (a tensor `{prefix}{k}.bias` of shape [1]); it holds: 0.weight, 0.bias, 2.weight"
    );
    assert_eq!(
        err(&good(vec![]), Some("input 2, dense 3 relu, dense 1 linear")),
        "the file was saved from `input 2, dense 3 relu, dense 1 linear`, but this network is `input 2, dense 3 tanh, dense 1 linear`: the layers differ"
    );
    let mut t = good(vec![]);
    t[1].3[2] = f64::NAN;
    assert_eq!(
        err(&t, None),
        "parameter `b1[2]` is NaN, which is not a finite f64; weights must be finite numbers"
    );
    // f64 → f32 overflow is caught after conversion.
    network! { struct Narrow<input 2, dense 3 tanh, dense 1 linear>; }
    let mut t = good(vec![]);
    t[0].3[5] = 1e300;
    assert_eq!(
        from_slice::<Narrow>(&file_of(&t, None))
            .unwrap_err()
            .to_string(),
        "parameter `w1[2][1]` is 1e300, which is not a finite f32; weights must be finite numbers"
    );
    // Not a safetensors file at all.
    assert_eq!(
        from_slice::<Small>(b"GIF89a").unwrap_err().to_string(),
        "not a valid safetensors file: header too small"
    );
    let whole = file_of(&good(vec![]), None);
    assert!(matches!(
        from_slice::<Small>(&whole[..whole.len() - 1]),
        Err(WeightsError::Format { .. })
    ));
    // A missing file.
    let e = load::<Small>("/nonexistent/dir/x.safetensors")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("`/nonexistent/dir/x.safetensors`: No such file or directory"),
        "{e}"
    );
}

#[test]
fn from_bytes_rejects_every_non_finite_position() {
    let net: F3 = common::awkward(5);
    let bytes = net.to_bytes();
    for index in 0..F3::PARAMS {
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let mut b = bytes;
            b[4 * index..4 * index + 4].copy_from_slice(&bad.to_le_bytes());
            let err = F3::from_bytes(&b).unwrap_err();
            let WeightsError::NonFinite { param, .. } = err else {
                panic!("{err:?}")
            };
            assert_eq!(
                mlp::weights::Param::at(F3::LAYER_SHAPES, index),
                Some(param)
            );
        }
    }
    let mut b = bytes;
    b[4 * 330..4 * 331].copy_from_slice(&f32::NAN.to_le_bytes());
    assert_eq!(
        F3::from_bytes(&b).unwrap_err().to_string(),
        "parameter `b1[10]` is NaN, which is not a finite f32; weights must be finite numbers"
    );
}

/// 10^5 mangled files: flipped bytes, edited headers, changed length
/// fields, truncations. Each is an error or a network that is finite and
/// round-trips; none panics.
#[test]
fn mangled_files_never_panic() {
    let valid = [
        to_vec(&common::awkward::<Small>(6)),
        to_vec(&Small::zeroed()),
    ];
    let mut rng = common::rng(7);
    let (mut ok, mut err) = (0, 0);
    for case in 0..100_000 {
        let mut f = valid[case % 2].clone();
        let header_len = 8 + u64::from_le_bytes(f[..8].try_into().unwrap()) as usize;
        match rng.random_range(0..6) {
            // A byte anywhere.
            0 => {
                let i = rng.random_range(0..f.len());
                f[i] ^= 1 << rng.random_range(0..8);
            }
            // A byte of the JSON header, to a character JSON cares about.
            1 => {
                let i = rng.random_range(8..header_len);
                f[i] = *b"{}[]\",:0123456789-.eE abcFIUwbt"
                    .get(rng.random_range(0..31))
                    .unwrap();
            }
            // The length field.
            2 => {
                let n = rng.random_range(0..header_len as u64 * 2);
                f[..8].copy_from_slice(&n.to_le_bytes());
            }
            3 => f.truncate(rng.random_range(0..f.len())),
            4 => f.extend((0..rng.random_range(1..16)).map(|_| rng.random::<u8>())),
            // Data bytes only: a valid file with other values.
            _ => {
                let i = rng.random_range(header_len..f.len());
                f[i] = rng.random();
            }
        }
        match std::panic::catch_unwind(|| from_slice::<Small>(&f)) {
            Ok(Ok(net)) => {
                ok += 1;
                assert!(net.params().iter().all(|p| p.is_finite()));
                assert!(common::same_bits(
                    &from_slice::<Small>(&to_vec(&net)).unwrap(),
                    &net
                ));
            }
            Ok(Err(_)) => err += 1,
            Err(_) => panic!("from_slice panicked on case {case}"),
        }
    }
    assert!(ok > 10_000 && err > 10_000, "ok {ok}, err {err}");
}

fn f16_file() -> Vec<u8> {
    let data = [0u8; 4];
    let view =
        safetensors::tensor::TensorView::new(safetensors::Dtype::F16, vec![1, 2], &data).unwrap();
    safetensors::tensor::serialize([("0.weight", view)], None).unwrap()
}

/// Writes or checks the fixtures `tests/it/weights_baked.rs` compiles against.
#[test]
fn fixtures_are_fresh() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let source = format!(
        "// Written by tests/it/weights.rs (`MLP_UPDATE_FIXTURES=1 cargo test --test it weights`)\n// from `to_rust`; compiled by tests/it/weights_baked.rs.\n\n{}\n{}\n{}\n{}",
        common::awkward::<D1>(1).to_rust("D1_TRAINED"),
        common::awkward::<F2>(2).to_rust("F2_TRAINED"),
        common::awkward::<F3>(3).to_rust("F3_TRAINED"),
        common::awkward::<D3>(4).to_rust("D3_TRAINED"),
    );
    let files = [
        ("trained.rs", source.into_bytes()),
        ("f2.safetensors", to_vec(&common::awkward::<F2>(2))),
        ("d3.safetensors", to_vec(&common::awkward::<D3>(4))),
        // For tests/ui/weights-f16.rs: one F16 tensor, as `model.half()` saves it.
        ("f16.safetensors", f16_file()),
    ];
    let update = std::env::var_os("MLP_UPDATE_FIXTURES").is_some();
    for (name, bytes) in files {
        let path = format!("{dir}/{name}");
        if update {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        let stored = std::fs::read(&path).unwrap_or_default();
        assert!(
            stored == bytes,
            "{path} is stale: rerun with MLP_UPDATE_FIXTURES=1"
        );
    }
}

/// The generated source is what rustfmt leaves alone.
#[test]
fn generated_source_is_rustfmt_clean() {
    let Ok(out) = std::process::Command::new("rustfmt")
        .args([
            "--check",
            "--edition",
            "2021",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/trained.rs"),
        ])
        .output()
    else {
        assert!(std::env::var_os("CI").is_none(), "rustfmt is part of CI");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
