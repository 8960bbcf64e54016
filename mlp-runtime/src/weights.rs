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

pub(crate) mod flat;
#[cfg(feature = "safetensors")]
pub use self::safetensors_format::{from_slice, to_vec};
#[cfg(all(feature = "safetensors", feature = "std"))]
pub use self::safetensors_format::{load, save};

#[cfg(feature = "safetensors")]
pub(crate) mod safetensors_format;
