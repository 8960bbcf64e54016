//! Trained weights out of the process and back: raw bytes (`no_std`, no
//! allocation), Rust source (`alloc`), and safetensors files, the format
//! PyTorch, candle and burn read (feature `safetensors`, on with `std`).
//!
//! Every generated network has the inherent `BYTES`, `to_bytes`,
//! `from_bytes` and `to_rust`; this module holds what they call and the
//! safetensors functions, generic over any generated network:
//!
//! ```
//! use mlp::network;
//! use mlp::rand::{rngs::SmallRng, SeedableRng};
//!
//! network! { struct Net<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>; }
//!
//! let net = Net::new(&mut SmallRng::seed_from_u64(1));
//! // Raw bytes: little-endian, in the flat `Params` order.
//! let bytes: [u8; Net::BYTES] = net.to_bytes();
//! assert_eq!(Net::from_bytes(&bytes), Ok(net.clone()));
//! // safetensors, with PyTorch `nn.Sequential` names: "0.weight", "0.bias", "2.weight", ...
//! let file: Vec<u8> = mlp::weights::to_vec(&net);
//! assert_eq!(mlp::weights::from_slice::<Net>(&file), Ok(net));
//! ```
//!
//! Loading never half-loads: values are decoded and checked into a new
//! network, which is returned only if every check passed.

use crate::scalar::Sealed;
use crate::{Params, Scalar};
use core::fmt;

#[cfg(feature = "alloc")]
use alloc::{string::String, vec::Vec};

/// One parameter of a network, named as its field: `w2[0][3]` (layer 2,
/// unit 0, input 3) or `b2[1]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// Layer, from 1.
    pub layer: usize,
    /// Unit of the layer (row of its weights).
    pub unit: usize,
    /// Input of the unit (column), or `None` for the unit's bias.
    pub input: Option<usize>,
}

impl Param {
    /// The parameter at position `index` of the flat `Params` order of a
    /// network whose layers have `shapes` (units, inputs).
    pub fn at(shapes: &[(usize, usize)], mut index: usize) -> Option<Param> {
        for (l, &(units, inputs)) in shapes.iter().enumerate() {
            let layer = l + 1;
            if index < units * inputs {
                let (unit, input) = (index / inputs, index % inputs);
                return Some(Param {
                    layer,
                    unit,
                    input: Some(input),
                });
            }
            index -= units * inputs;
            if index < units {
                return Some(Param {
                    layer,
                    unit: index,
                    input: None,
                });
            }
            index -= units;
        }
        None
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.input {
            Some(j) => write!(f, "w{}[{}][{}]", self.layer, self.unit, j),
            None => write!(f, "b{}[{}]", self.layer, self.unit),
        }
    }
}

/// Why weights could not be loaded. Each says what a person needs to fix
/// the file; nothing was loaded.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum WeightsError {
    /// A value is NaN or infinite, or too large for the network's scalar.
    NonFinite {
        /// Which parameter.
        param: Param,
        /// The value as stored.
        value: f64,
        /// The network's scalar type, `"f32"` or `"f64"`.
        scalar: &'static str,
    },
    /// The file could not be read or written.
    #[cfg(feature = "alloc")]
    Io {
        /// The path as given.
        path: String,
        /// The system's message.
        message: String,
    },
    /// The bytes are not a valid safetensors file (truncated, corrupt
    /// header, bad offsets).
    #[cfg(feature = "alloc")]
    Format {
        /// What the safetensors parser reported.
        message: String,
    },
    /// The file's metadata names a declaration whose layers differ.
    #[cfg(feature = "alloc")]
    Declaration {
        /// The declaration stored in the file.
        file: String,
        /// The network's declaration.
        network: String,
    },
    /// A tensor's name does not fit the `{prefix}{k}.weight` /
    /// `{prefix}{k}.bias` pattern, or the file has more layers than the
    /// network.
    #[cfg(feature = "alloc")]
    Unexpected {
        /// The tensor's name.
        tensor: String,
        /// Why it does not fit.
        reason: String,
    },
    /// The file lacks a layer's weight, or one bias while it has others.
    #[cfg(feature = "alloc")]
    Missing {
        /// The layer, from 1.
        layer: usize,
        /// `"weight"` or `"bias"`.
        what: &'static str,
        /// The expected shape.
        shape: Vec<usize>,
        /// Every tensor name in the file, in layer order.
        found: Vec<String>,
    },
    /// A tensor has the wrong shape.
    #[cfg(feature = "alloc")]
    Shape {
        /// The tensor's name.
        tensor: String,
        /// The layer it was matched to, from 1.
        layer: usize,
        /// The shape the network needs: (out, in) for weights, (out) for biases.
        expected: Vec<usize>,
        /// The shape in the file.
        found: Vec<usize>,
    },
    /// A tensor's element type is neither F32 nor F64.
    #[cfg(feature = "alloc")]
    Dtype {
        /// The tensor's name.
        tensor: String,
        /// Its dtype as safetensors names it (`F16`, `BF16`, `I8`, ...).
        dtype: String,
    },
}

impl fmt::Display for WeightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeightsError::NonFinite { param, value, scalar } => write!(
                f,
                "parameter `{param}` is {value:?}, which is not a finite {scalar}; weights must be finite numbers"
            ),
            #[cfg(feature = "alloc")]
            WeightsError::Io { path, message } => write!(f, "`{path}`: {message}"),
            #[cfg(feature = "alloc")]
            WeightsError::Format { message } => {
                write!(f, "not a valid safetensors file: {message}")
            }
            #[cfg(feature = "alloc")]
            WeightsError::Declaration { file, network } => write!(
                f,
                "the file was saved from `{file}`, but this network is `{network}`: the layers differ"
            ),
            #[cfg(feature = "alloc")]
            WeightsError::Unexpected { tensor, reason } => {
                write!(f, "tensor `{tensor}` does not fit this network: {reason}")
            }
            #[cfg(feature = "alloc")]
            WeightsError::Missing { layer, what, shape, found } => write!(
                f,
                "the file has no {what} for layer {layer} (a tensor `{{prefix}}{{k}}.{what}` of shape {shape:?}); it holds: {}",
                found.join(", ")
            ),
            #[cfg(feature = "alloc")]
            WeightsError::Shape { tensor, layer, expected, found } => write!(
                f,
                "tensor `{tensor}` has shape {found:?}, but layer {layer} needs {expected:?}"
            ),
            #[cfg(feature = "alloc")]
            WeightsError::Dtype { tensor, dtype } => write!(
                f,
                "tensor `{tensor}` has dtype {dtype}; only F32 and F64 can be loaded (in PyTorch, `.float()` converts)"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for WeightsError {}

/// Writes `net`'s parameters into `out`, little-endian, in flat order.
/// `out` holds exactly `PARAMS` scalars (generated `to_bytes` passes an
/// array of `BYTES`).
#[doc(hidden)]
#[inline]
pub fn write_le<N: Params>(net: &N, out: &mut [u8]) {
    let size = core::mem::size_of::<N::Scalar>();
    for (chunk, &p) in out.chunks_exact_mut(size).zip(net.params()) {
        p.write_le(chunk);
    }
}

/// Reads `bytes` (little-endian, flat order) into `net`; every value must
/// be finite. Generated `from_bytes` calls it on a new network, so a
/// rejected input leaves nothing behind.
///
/// # Errors
/// The first parameter that is not finite, by name.
#[doc(hidden)]
#[inline]
pub fn read_le<N: Params>(
    bytes: &[u8],
    shapes: &[(usize, usize)],
    net: &mut N,
) -> Result<(), WeightsError> {
    let size = core::mem::size_of::<N::Scalar>();
    for (index, (p, chunk)) in net
        .params_mut()
        .iter_mut()
        .zip(bytes.chunks_exact(size))
        .enumerate()
    {
        *p = N::Scalar::read_le(chunk);
        if !p.is_finite() {
            return Err(non_finite::<N::Scalar>(shapes, index, p.to_f64()));
        }
    }
    Ok(())
}

fn non_finite<T: Scalar>(shapes: &[(usize, usize)], index: usize, value: f64) -> WeightsError {
    // Every index passed here is below PARAMS, so `at` finds it; the
    // fallback keeps this total.
    let param = Param::at(shapes, index).unwrap_or(Param {
        layer: 0,
        unit: index,
        input: None,
    });
    WeightsError::NonFinite {
        param,
        value,
        scalar: T::NAME,
    }
}

/// Rust source for `pub const NAME: TYPE = TYPE { .. };`, bit for bit
/// equal to `net` (generated `to_rust` passes its type name).
#[cfg(feature = "alloc")]
#[doc(hidden)]
pub fn to_rust<N: Params>(net: &N, type_name: &str, name: &str) -> String {
    use core::fmt::Write;
    let mut out = String::new();
    let mut values = net.params().iter();
    let _ = writeln!(
        out,
        "/// Weights of `{type_name}`: {}.\n#[rustfmt::skip]\npub const {name}: {type_name} = {type_name} {{",
        N::DECLARATION
    );
    for (l, &(units, inputs)) in N::LAYER_SHAPES.iter().enumerate() {
        let layer = l + 1;
        let _ = writeln!(out, "    w{layer}: [");
        for _ in 0..units {
            let row: Vec<String> = values.by_ref().take(inputs).map(literal).collect();
            let _ = writeln!(out, "        [{}],", row.join(", "));
        }
        let _ = writeln!(out, "    ],");
        let biases: Vec<String> = values.by_ref().take(units).map(literal).collect();
        let _ = writeln!(out, "    b{layer}: [{}],", biases.join(", "));
    }
    out.push_str("};\n");
    out
}

/// A float literal that reads back as exactly `x`: `{:?}` prints the
/// shortest decimal that round-trips (and keeps `-0.0`); non-finite values
/// become the type's constants.
#[cfg(feature = "alloc")]
fn literal<T: Scalar>(x: &T) -> String {
    use alloc::format;
    if x.is_finite() {
        return format!("{x:?}");
    }
    let constant = match x.partial_cmp(&T::ZERO) {
        None => "NAN",
        Some(core::cmp::Ordering::Greater) => "INFINITY",
        Some(_) => "NEG_INFINITY",
    };
    format!("{}::{constant}", T::NAME)
}

#[cfg(feature = "safetensors")]
pub use self::safetensors_format::{decode, from_slice, to_vec};
#[cfg(all(feature = "safetensors", feature = "std"))]
pub use self::safetensors_format::{load, save};

#[cfg(feature = "safetensors")]
mod safetensors_format;
