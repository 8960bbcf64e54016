/// Learns XOR.
///
///# Layers
///
///| layer | units | activation | weights | biases | code | training |
///|---:|---:|---|---|---|---|---|
///| 1 | 2 | `relu` | `w1`: 2 × 2 | `b1`: 2 | unrolled | trains |
///| 2 | 1 | `sigmoid` | `w2`: 1 × 2 | `b2`: 1 | unrolled | trains |
///
///2 inputs, 9 parameters, 36 bytes (f32).
///
///# Loss: `bce`
///
///L = Σₖ softplus(h²ₖ) − dₖ·h²ₖ, which is −Σₖ [dₖ ln y²ₖ + (1 − dₖ) ln(1 − y²ₖ)] computed from the logits: finite for any h², per sample; over a batch, the mean.
///
///# Backpropagation (as generated)
///
///- δ² = y² − d (sigmoid + bce, fused: the loss's derivative cancels f′)
///- δ¹ = relu′(h¹) ⊙ (W²)ᵀ δ²
///- ∂L/∂W^l = δ^l (y^(l−1))ᵀ and ∂L/∂b^l = δ^l for every layer that trains, with y⁰ = x; `train_step` subtracts `lr` times them.
///
///# Gradients from any objective (`backward_from`, `input_gradient`)
///
///For an output gradient dy = ∂J/∂y of any objective J:
///
///- δ² = sigmoid′(h²) ⊙ dy
///- δ¹ = relu′(h¹) ⊙ (W²)ᵀ δ²
///- dx = (W¹)ᵀ δ¹, returned; `backward_from` also adds δ^l (y^(l−1))ᵀ and δ^l into the gradient of every layer that is not `frozen`.
///
///`backward_with`, `input_gradient_with` and `backward_with_batch` take dy from a closure of the outputs of their own forward pass.
///
///# Real-time contract
///
///Every call of the methods below does the same work for any input (loops over the declared sizes only, no branch but the activations' selects), allocates nothing, takes no lock, makes no system call and, in a release build with fat LTO, has no panic path (proven in CI for networks of each kind, not for this exact type). Scope, Cortex-M4F stack figures and measured worst-case latency: [`mlp::realtime`].
#[derive(Clone, Debug, PartialEq)]
#[repr(C)]
pub struct Xor {
    ///Layer 1 weights (2 -> 2, relu): `w1[i][j]` joins input `j` to unit `i`.
    pub w1: [[f32; 2]; 2],
    ///Layer 1 biases: `b1[i]` is added to unit `i`'s weighted sum.
    pub b1: [f32; 2],
    ///Layer 2 weights (2 -> 1, sigmoid): `w2[i][j]` joins input `j` to unit `i`.
    pub w2: [[f32; 2]; 1],
    ///Layer 2 biases: `b2[i]` is added to unit `i`'s weighted sum.
    pub b2: [f32; 1],
}
#[allow(clippy::all, clippy::pedantic, clippy::nursery)]
const _: () = {
    use ::mlp::__private as mlp;
    #[automatically_derived]
    impl Xor {
        /// Number of inputs.
        pub const INPUTS: usize = 2;
        /// Number of outputs.
        pub const OUTPUTS: usize = 1;
        ///Count of all weights and biases: 9.
        pub const PARAMS: usize = 9;
        /// A network whose every weight and bias is zero (also a zeroed gradient buffer).
        #[must_use]
        pub const fn zeroed() -> Self {
            Self {
                w1: [[0.0; 2]; 2],
                b1: [0.0; 2],
                w2: [[0.0; 2]; 1],
                b2: [0.0; 1],
            }
        }
        ///A freshly initialised network: weights drawn from uniform initialisation chosen per layer by its activation (layer 1 (relu): He; layer 2 (sigmoid): Glorot), biases zero.
        #[must_use]
        pub fn new<R: mlp::rand::Rng + ?Sized>(rng: &mut R) -> Self {
            let mut net = Self::zeroed();
            <Self as mlp::Params>::init(&mut net, rng);
            net
        }
        /// The network's output for input `x`.
        #[inline]
        #[must_use]
        pub fn forward(&self, x: &[f32; 2]) -> [f32; 1] {
            let Trace { h2, .. } = trace(self, x);
            let y2: [f32; 1] = mlp::Activation::layer(mlp::Sigmoid, &h2);
            y2
        }
        /**The outputs for a fixed batch of `B` inputs, computed across the batch (vectorised over samples), with several times the throughput of `forward` per sample.

Every layer of this network has fewer than four inputs, so each unit's sum runs in `forward`'s order: the results equal `forward`'s bit for bit.*/
        #[inline]
        #[must_use]
        pub fn forward_batch<const B: usize>(
            &self,
            xs: &[[f32; 2]; B],
        ) -> [[f32; 1]; B] {
            let BatchTrace { y2, .. } = batch_trace(self, xs);
            mlp::batch::transpose(&y2).0
        }
        ///Size of [`Self::to_bytes`]: 9 parameters of 4 bytes.
        pub const BYTES: usize = 36;
        /// The parameters as bytes: each scalar little-endian, in the flat
        /// [`Params`](::mlp::Params) order (`w1` row by row, `b1`, `w2`, ...).
        /// For flash or EEPROM; [`Self::from_bytes`] reads them back.
        #[must_use]
        pub fn to_bytes(&self) -> [u8; 36] {
            let mut out = [0u8; 36];
            mlp::weights::write_le(self, &mut out);
            out
        }
        /// The network [`Self::to_bytes`] wrote.
        ///
        /// # Errors
        /// A NaN or infinite value, named by parameter (`w2[0][3]`).
        pub fn from_bytes(
            bytes: &[u8; 36],
        ) -> ::core::result::Result<Self, mlp::WeightsError> {
            let mut net = Self::zeroed();
            mlp::weights::read_le(bytes, <Self as mlp::Params>::LAYER_SHAPES, &mut net)?;
            ::core::result::Result::Ok(net)
        }
        mlp::if_alloc! {
            #[doc = r" Rust source for `pub const NAME: Type = Type { .. };` holding"]
            #[doc = r" exactly these weights (floats printed so they read back bit"]
            #[doc = r" for bit), to compile into a program with no file at all."]
            #[must_use] pub fn to_rust(& self, name : & str) -> mlp::String {
            mlp::weights::to_rust(self, "Xor", name) }
        }
        /// The input gradient of the sample's loss, ∂L/∂x (input `x`,
        /// target `d`), with no parameter-gradient work: `backward`'s δs,
        /// then dx = (W¹)ᵀ δ¹. For saliency, adversarial inputs, or a
        /// network that feeds this one (`mlp::Chain` trains through it).
        #[inline]
        #[must_use]
        pub fn loss_input_gradient(&self, x: &[f32; 2], d: &[f32; 1]) -> [f32; 2] {
            let Trace { h1, y1, h2 } = trace(self, x);
            let y2: [f32; 1] = mlp::Activation::layer(mlp::Sigmoid, &h2);
            let delta2: [f32; 1] = [y2[0] - d[0]];
            let delta1: [f32; 2] = [
                mlp::Elementwise::df(mlp::Relu, h1[0], y1[0])
                    * (self.w2[0][0] * delta2[0]),
                mlp::Elementwise::df(mlp::Relu, h1[1], y1[1])
                    * (self.w2[0][1] * delta2[0]),
            ];
            let __dx: [f32; 2] = [
                self.w1[0][0] * delta1[0] + self.w1[1][0] * delta1[1],
                self.w1[0][1] * delta1[0] + self.w1[1][1] * delta1[1],
            ];
            __dx
        }
        /// `backward` and `loss_input_gradient` from one forward pass: adds
        /// this sample's gradient into `grad` and returns its loss and
        /// ∂L/∂x, the same values as the two calls (what a network that
        /// feeds this one needs: `mlp::Chain` trains through it).
        #[inline]
        pub fn backward_and_input_gradient(
            &self,
            x: &[f32; 2],
            d: &[f32; 1],
            grad: &mut Self,
        ) -> (f32, [f32; 2]) {
            let Trace { h1, y1, h2 } = trace(self, x);
            let y2: [f32; 1] = mlp::Activation::layer(mlp::Sigmoid, &h2);
            let loss: f32 = mlp::bce_logits(&h2, d);
            let delta2: [f32; 1] = [y2[0] - d[0]];
            let delta1: [f32; 2] = [
                mlp::Elementwise::df(mlp::Relu, h1[0], y1[0])
                    * (self.w2[0][0] * delta2[0]),
                mlp::Elementwise::df(mlp::Relu, h1[1], y1[1])
                    * (self.w2[0][1] * delta2[0]),
            ];
            grad.w1[0][0] += delta1[0] * x[0];
            grad.w1[0][1] += delta1[0] * x[1];
            grad.w1[1][0] += delta1[1] * x[0];
            grad.w1[1][1] += delta1[1] * x[1];
            grad.b1[0] += delta1[0];
            grad.b1[1] += delta1[1];
            grad.w2[0][0] += delta2[0] * y1[0];
            grad.w2[0][1] += delta2[0] * y1[1];
            grad.b2[0] += delta2[0];
            (
                loss,
                {
                    let __dx: [f32; 2] = [
                        self.w1[0][0] * delta1[0] + self.w1[1][0] * delta1[1],
                        self.w1[0][1] * delta1[0] + self.w1[1][1] * delta1[1],
                    ];
                    __dx
                },
            )
        }
        /// `backward_batch` and each sample's input gradient of the batch's
        /// mean loss, ∂(mean L)/∂xₖ = (1/B) ∂Lₖ/∂xₖ, from one forward pass
        /// over the batch: adds the mean gradient into `grad` and returns
        /// the mean loss and the B input gradients (what a network that
        /// feeds this one needs: `mlp::Chain`'s `backward_batch`).
        #[inline]
        pub fn backward_batch_and_input_gradients<const B: usize>(
            &self,
            xs: &[[f32; 2]; B],
            ds: &[[f32; 1]; B],
            grad: &mut Self,
        ) -> (f32, [[f32; 2]; B]) {
            if B == 0 {
                return (0.0, [[0.0; 2]; B]);
            }
            let BatchTrace { h1, y1, h2, y2 } = batch_trace(self, xs);
            let __d = mlp::batch::transpose(ds);
            let __inv: f32 = 1.0 / (B as f32);
            let loss: f32 = mlp::batch::loss_sum(
                &h2,
                &__d,
                |a, b| mlp::bce_logits(a, b),
            );
            let delta2 = mlp::batch::zip_map(&y2, &__d, |y, d| y - d);
            let delta1 = mlp::batch::hidden_delta(
                mlp::Relu,
                &self.w2,
                &delta2,
                &h1,
                &y1,
            );
            mlp::batch::accumulate(
                &mut grad.w1,
                &mut grad.b1,
                &delta1,
                &mlp::batch::aligned(xs),
                __inv,
            );
            mlp::batch::accumulate(
                &mut grad.w2,
                &mut grad.b2,
                &delta2,
                &mlp::batch::transpose(&y1),
                __inv,
            );
            (
                loss * __inv,
                mlp::batch::transpose(&mlp::batch::back(&self.w1, &delta1))
                    .0
                    .map(|dx| dx.map(|v| v * __inv)),
            )
        }
        /// The loss of one sample: input `x`, target `d`.
        #[inline]
        #[must_use]
        pub fn loss(&self, x: &[f32; 2], d: &[f32; 1]) -> f32 {
            let Trace { h2, .. } = trace(self, x);
            mlp::bce_logits(&h2, d)
        }
        /// Adds (`grad += ∇L`) this sample's gradient into `grad` (a buffer of
        /// the network's own type, e.g. from `zeroed()`) and returns the
        /// sample's loss.
        #[inline]
        pub fn backward(&self, x: &[f32; 2], d: &[f32; 1], grad: &mut Self) -> f32 {
            let Trace { h1, y1, h2 } = trace(self, x);
            let y2: [f32; 1] = mlp::Activation::layer(mlp::Sigmoid, &h2);
            let loss: f32 = mlp::bce_logits(&h2, d);
            let delta2: [f32; 1] = [y2[0] - d[0]];
            let delta1: [f32; 2] = [
                mlp::Elementwise::df(mlp::Relu, h1[0], y1[0])
                    * (self.w2[0][0] * delta2[0]),
                mlp::Elementwise::df(mlp::Relu, h1[1], y1[1])
                    * (self.w2[0][1] * delta2[0]),
            ];
            grad.w1[0][0] += delta1[0] * x[0];
            grad.w1[0][1] += delta1[0] * x[1];
            grad.w1[1][0] += delta1[1] * x[0];
            grad.w1[1][1] += delta1[1] * x[1];
            grad.b1[0] += delta1[0];
            grad.b1[1] += delta1[1];
            grad.w2[0][0] += delta2[0] * y1[0];
            grad.w2[0][1] += delta2[0] * y1[1];
            grad.b2[0] += delta2[0];
            loss
        }
        /// Adds (`grad += mean ∇L`) the mean gradient of a fixed batch of `B`
        /// samples into `grad` and returns the batch's mean loss: the same as `B` calls
        /// of `backward` scaled by 1/B, up to the order of summation. Each
        /// layer is computed for the whole batch at once (held
        /// feature-major), so loaded weights serve every sample.
        #[inline]
        pub fn backward_batch<const B: usize>(
            &self,
            xs: &[[f32; 2]; B],
            ds: &[[f32; 1]; B],
            grad: &mut Self,
        ) -> f32 {
            if B == 0 {
                return 0.0;
            }
            let BatchTrace { h1, y1, h2, y2 } = batch_trace(self, xs);
            let __d = mlp::batch::transpose(ds);
            let __inv: f32 = 1.0 / (B as f32);
            let loss: f32 = mlp::batch::loss_sum(
                &h2,
                &__d,
                |a, b| mlp::bce_logits(a, b),
            );
            let delta2 = mlp::batch::zip_map(&y2, &__d, |y, d| y - d);
            let delta1 = mlp::batch::hidden_delta(
                mlp::Relu,
                &self.w2,
                &delta2,
                &h1,
                &y1,
            );
            mlp::batch::accumulate(
                &mut grad.w1,
                &mut grad.b1,
                &delta1,
                &mlp::batch::aligned(xs),
                __inv,
            );
            mlp::batch::accumulate(
                &mut grad.w2,
                &mut grad.b2,
                &delta2,
                &mlp::batch::transpose(&y1),
                __inv,
            );
            loss * __inv
        }
        /// One step of stochastic gradient descent on one sample with
        /// learning rate `lr`; returns the loss before the step.
        ///
        /// Inputs or targets that are not finite make the weights NaN or
        /// infinite; check data first (all gradients are computed before any
        /// weight changes, so the step is otherwise exact SGD).
        #[inline]
        pub fn train_step(&mut self, x: &[f32; 2], d: &[f32; 1], lr: f32) -> f32 {
            let Trace { h1, y1, h2 } = trace(self, x);
            let y2: [f32; 1] = mlp::Activation::layer(mlp::Sigmoid, &h2);
            let loss: f32 = mlp::bce_logits(&h2, d);
            let delta2: [f32; 1] = [y2[0] - d[0]];
            let delta1: [f32; 2] = [
                mlp::Elementwise::df(mlp::Relu, h1[0], y1[0])
                    * (self.w2[0][0] * delta2[0]),
                mlp::Elementwise::df(mlp::Relu, h1[1], y1[1])
                    * (self.w2[0][1] * delta2[0]),
            ];
            self.w1[0][0] -= lr * delta1[0] * x[0];
            self.w1[0][1] -= lr * delta1[0] * x[1];
            self.w1[1][0] -= lr * delta1[1] * x[0];
            self.w1[1][1] -= lr * delta1[1] * x[1];
            self.b1[0] -= lr * delta1[0];
            self.b1[1] -= lr * delta1[1];
            self.w2[0][0] -= lr * delta2[0] * y1[0];
            self.w2[0][1] -= lr * delta2[0] * y1[1];
            self.b2[0] -= lr * delta2[0];
            loss
        }
        /// `train_step` and `loss_input_gradient` from one forward pass: one
        /// SGD step on this sample, returning the loss and ∂L/∂x, both at
        /// the weights before the step (what a network that feeds this one
        /// needs: `mlp::Chain`'s `train_step`).
        #[inline]
        pub fn train_step_and_input_gradient(
            &mut self,
            x: &[f32; 2],
            d: &[f32; 1],
            lr: f32,
        ) -> (f32, [f32; 2]) {
            let Trace { h1, y1, h2 } = trace(self, x);
            let y2: [f32; 1] = mlp::Activation::layer(mlp::Sigmoid, &h2);
            let loss: f32 = mlp::bce_logits(&h2, d);
            let delta2: [f32; 1] = [y2[0] - d[0]];
            let delta1: [f32; 2] = [
                mlp::Elementwise::df(mlp::Relu, h1[0], y1[0])
                    * (self.w2[0][0] * delta2[0]),
                mlp::Elementwise::df(mlp::Relu, h1[1], y1[1])
                    * (self.w2[0][1] * delta2[0]),
            ];
            let __input_gradient: [f32; 2] = {
                let __dx: [f32; 2] = [
                    self.w1[0][0] * delta1[0] + self.w1[1][0] * delta1[1],
                    self.w1[0][1] * delta1[0] + self.w1[1][1] * delta1[1],
                ];
                __dx
            };
            self.w1[0][0] -= lr * delta1[0] * x[0];
            self.w1[0][1] -= lr * delta1[0] * x[1];
            self.w1[1][0] -= lr * delta1[1] * x[0];
            self.w1[1][1] -= lr * delta1[1] * x[1];
            self.b1[0] -= lr * delta1[0];
            self.b1[1] -= lr * delta1[1];
            self.w2[0][0] -= lr * delta2[0] * y1[0];
            self.w2[0][1] -= lr * delta2[0] * y1[1];
            self.b2[0] -= lr * delta2[0];
            (loss, __input_gradient)
        }
        /// Backpropagates the output gradient `dy` (∂J/∂y for any objective
        /// J of the outputs) for input `x`: adds (`grad += ∂⟨dy, y(x)⟩/∂θ`)
        /// the parameter gradient into `grad`, nothing for `frozen` layers,
        /// and returns the input gradient ∂⟨dy, y(x)⟩/∂x (which flows
        /// through frozen layers too). With dy = ∂L/∂y of a declared loss it
        /// adds what `backward` adds.
        #[inline]
        pub fn backward_from(
            &self,
            x: &[f32; 2],
            dy: &[f32; 1],
            grad: &mut Self,
        ) -> [f32; 2] {
            let Trace { h1, y1, h2 } = trace(self, x);
            let y2: [f32; 1] = mlp::Activation::layer(mlp::Sigmoid, &h2);
            let delta2: [f32; 1] = [
                mlp::Elementwise::df(mlp::Sigmoid, h2[0], y2[0]) * dy[0],
            ];
            let delta1: [f32; 2] = [
                mlp::Elementwise::df(mlp::Relu, h1[0], y1[0])
                    * (self.w2[0][0] * delta2[0]),
                mlp::Elementwise::df(mlp::Relu, h1[1], y1[1])
                    * (self.w2[0][1] * delta2[0]),
            ];
            grad.w1[0][0] += delta1[0] * x[0];
            grad.w1[0][1] += delta1[0] * x[1];
            grad.w1[1][0] += delta1[1] * x[0];
            grad.w1[1][1] += delta1[1] * x[1];
            grad.b1[0] += delta1[0];
            grad.b1[1] += delta1[1];
            grad.w2[0][0] += delta2[0] * y1[0];
            grad.w2[0][1] += delta2[0] * y1[1];
            grad.b2[0] += delta2[0];
            let __dx: [f32; 2] = [
                self.w1[0][0] * delta1[0] + self.w1[1][0] * delta1[1],
                self.w1[0][1] * delta1[0] + self.w1[1][1] * delta1[1],
            ];
            __dx
        }
        /// The input gradient ∂⟨dy, y(x)⟩/∂x alone: `backward_from`'s
        /// return value, without the parameter-gradient work (for the
        /// critic of an actor-critic method, ∂Q/∂action).
        #[inline]
        #[must_use]
        pub fn input_gradient(&self, x: &[f32; 2], dy: &[f32; 1]) -> [f32; 2] {
            let Trace { h1, y1, h2 } = trace(self, x);
            let y2: [f32; 1] = mlp::Activation::layer(mlp::Sigmoid, &h2);
            let delta2: [f32; 1] = [
                mlp::Elementwise::df(mlp::Sigmoid, h2[0], y2[0]) * dy[0],
            ];
            let delta1: [f32; 2] = [
                mlp::Elementwise::df(mlp::Relu, h1[0], y1[0])
                    * (self.w2[0][0] * delta2[0]),
                mlp::Elementwise::df(mlp::Relu, h1[1], y1[1])
                    * (self.w2[0][1] * delta2[0]),
            ];
            let __dx: [f32; 2] = [
                self.w1[0][0] * delta1[0] + self.w1[1][0] * delta1[1],
                self.w1[0][1] * delta1[0] + self.w1[1][1] * delta1[1],
            ];
            __dx
        }
        /// `backward_from` with `dy` computed from the output: runs the
        /// forward pass once, hands its output y to `dy`, and
        /// backpropagates what `dy` returns, adding the parameter gradient
        /// into `grad` and returning the input gradient. The same values
        /// as `forward` followed by `backward_from`, one forward pass
        /// cheaper: for an objective of the outputs (a policy gradient, a
        /// loss of your own, the next network of a chain).
        #[inline]
        pub fn backward_with<F>(&self, x: &[f32; 2], grad: &mut Self, dy: F) -> [f32; 2]
        where
            F: FnOnce(&[f32; 1]) -> [f32; 1],
        {
            let Trace { h1, y1, h2 } = trace(self, x);
            let y2: [f32; 1] = mlp::Activation::layer(mlp::Sigmoid, &h2);
            let dy = &dy(&y2);
            let delta2: [f32; 1] = [
                mlp::Elementwise::df(mlp::Sigmoid, h2[0], y2[0]) * dy[0],
            ];
            let delta1: [f32; 2] = [
                mlp::Elementwise::df(mlp::Relu, h1[0], y1[0])
                    * (self.w2[0][0] * delta2[0]),
                mlp::Elementwise::df(mlp::Relu, h1[1], y1[1])
                    * (self.w2[0][1] * delta2[0]),
            ];
            grad.w1[0][0] += delta1[0] * x[0];
            grad.w1[0][1] += delta1[0] * x[1];
            grad.w1[1][0] += delta1[1] * x[0];
            grad.w1[1][1] += delta1[1] * x[1];
            grad.b1[0] += delta1[0];
            grad.b1[1] += delta1[1];
            grad.w2[0][0] += delta2[0] * y1[0];
            grad.w2[0][1] += delta2[0] * y1[1];
            grad.b2[0] += delta2[0];
            let __dx: [f32; 2] = [
                self.w1[0][0] * delta1[0] + self.w1[1][0] * delta1[1],
                self.w1[0][1] * delta1[0] + self.w1[1][1] * delta1[1],
            ];
            __dx
        }
        /// `input_gradient` with `dy` computed from the output, as
        /// `backward_with` is: one forward pass, no parameter-gradient
        /// work.
        #[inline]
        #[must_use]
        pub fn input_gradient_with<F>(&self, x: &[f32; 2], dy: F) -> [f32; 2]
        where
            F: FnOnce(&[f32; 1]) -> [f32; 1],
        {
            let Trace { h1, y1, h2 } = trace(self, x);
            let y2: [f32; 1] = mlp::Activation::layer(mlp::Sigmoid, &h2);
            let dy = &dy(&y2);
            let delta2: [f32; 1] = [
                mlp::Elementwise::df(mlp::Sigmoid, h2[0], y2[0]) * dy[0],
            ];
            let delta1: [f32; 2] = [
                mlp::Elementwise::df(mlp::Relu, h1[0], y1[0])
                    * (self.w2[0][0] * delta2[0]),
                mlp::Elementwise::df(mlp::Relu, h1[1], y1[1])
                    * (self.w2[0][1] * delta2[0]),
            ];
            let __dx: [f32; 2] = [
                self.w1[0][0] * delta1[0] + self.w1[1][0] * delta1[1],
                self.w1[0][1] * delta1[0] + self.w1[1][1] * delta1[1],
            ];
            __dx
        }
        /// `backward_from` for a fixed batch: adds the **sum** of the
        /// samples' parameter gradients into `grad` (the exact
        /// vector-Jacobian product of the batched function; scale `dys` by
        /// 1/B for a mean) and returns each sample's input gradient. Each
        /// layer is computed for the whole batch at once (held
        /// feature-major, as `backward_batch` does), so the values equal B
        /// calls of `backward_from` up to the order of summation.
        #[inline]
        pub fn backward_from_batch<const B: usize>(
            &self,
            xs: &[[f32; 2]; B],
            dys: &[[f32; 1]; B],
            grad: &mut Self,
        ) -> [[f32; 2]; B] {
            let BatchTrace { h1, y1, h2, y2 } = batch_trace(self, xs);
            let __dy = mlp::batch::transpose(dys);
            let delta2 = mlp::batch::chain(mlp::Sigmoid, |_, dy| dy, &h2, &y2, &__dy);
            let delta1 = mlp::batch::hidden_delta(
                mlp::Relu,
                &self.w2,
                &delta2,
                &h1,
                &y1,
            );
            mlp::batch::accumulate(
                &mut grad.w1,
                &mut grad.b1,
                &delta1,
                &mlp::batch::aligned(xs),
                1.0,
            );
            mlp::batch::accumulate(
                &mut grad.w2,
                &mut grad.b2,
                &delta2,
                &mlp::batch::transpose(&y1),
                1.0,
            );
            mlp::batch::transpose(&mlp::batch::back(&self.w1, &delta1)).0
        }
        /// `backward_from_batch` with the output gradients computed from
        /// the outputs, as `backward_with` is for one sample: `dys` gets
        /// what `forward_batch` returns (sample-major), and the batch's
        /// forward pass runs once.
        #[inline]
        pub fn backward_with_batch<const B: usize, F>(
            &self,
            xs: &[[f32; 2]; B],
            grad: &mut Self,
            dys: F,
        ) -> [[f32; 2]; B]
        where
            F: FnOnce(&[[f32; 1]; B]) -> [[f32; 1]; B],
        {
            let BatchTrace { h1, y1, h2, y2 } = batch_trace(self, xs);
            let dys = &dys(&mlp::batch::transpose(&y2).0);
            let __dy = mlp::batch::transpose(dys);
            let delta2 = mlp::batch::chain(mlp::Sigmoid, |_, dy| dy, &h2, &y2, &__dy);
            let delta1 = mlp::batch::hidden_delta(
                mlp::Relu,
                &self.w2,
                &delta2,
                &h1,
                &y1,
            );
            mlp::batch::accumulate(
                &mut grad.w1,
                &mut grad.b1,
                &delta1,
                &mlp::batch::aligned(xs),
                1.0,
            );
            mlp::batch::accumulate(
                &mut grad.w2,
                &mut grad.b2,
                &delta2,
                &mlp::batch::transpose(&y1),
                1.0,
            );
            mlp::batch::transpose(&mlp::batch::back(&self.w1, &delta1)).0
        }
    }
    #[automatically_derived]
    unsafe impl mlp::Params for Xor {
        type Scalar = f32;
        const PARAMS: usize = Xor::PARAMS;
        ///The declaration: `input 2, dense 2 relu, dense 1 sigmoid, loss bce`.
        const DECLARATION: &'static str = "input 2, dense 2 relu, dense 1 sigmoid, loss bce";
        const LAYER_SHAPES: &'static [(usize, usize)] = &[(2, 2), (1, 2)];
        const FROZEN: &'static [bool] = &[false, false];
        #[inline]
        fn zeroed() -> Self {
            Xor::zeroed()
        }
        fn init<R: mlp::rand::Rng + ?Sized>(&mut self, rng: &mut R) {
            mlp::init::he_uniform(&mut self.w1, rng);
            self.b1 = [0.0; 2];
            mlp::init::glorot_uniform(&mut self.w2, rng);
            self.b2 = [0.0; 1];
        }
    }
    #[automatically_derived]
    impl mlp::Network<2, 1> for Xor {
        const OUTPUT_KIND: ::mlp::OutputKind = ::mlp::OutputKind::Probabilities;
        #[inline]
        fn forward(&self, x: &[f32; 2]) -> [f32; 1] {
            Xor::forward(self, x)
        }
    }
    #[automatically_derived]
    impl mlp::Trainable<2, 1> for Xor {
        const LOSS: ::mlp::LossKind = ::mlp::LossKind::Bce;
        #[inline]
        fn loss(&self, x: &[f32; 2], d: &[f32; 1]) -> f32 {
            Xor::loss(self, x, d)
        }
        #[inline]
        fn backward(&self, x: &[f32; 2], d: &[f32; 1], grad: &mut Self) -> f32 {
            Xor::backward(self, x, d, grad)
        }
        #[inline]
        fn backward_batch<const B: usize>(
            &self,
            xs: &[[f32; 2]; B],
            ds: &[[f32; 1]; B],
            grad: &mut Self,
        ) -> f32 {
            Xor::backward_batch(self, xs, ds, grad)
        }
        #[inline]
        fn train_step(&mut self, x: &[f32; 2], d: &[f32; 1], lr: f32) -> f32 {
            Xor::train_step(self, x, d, lr)
        }
    }
    #[automatically_derived]
    impl mlp::LossInputGradient<2, 1> for Xor {
        #[inline]
        fn loss_input_gradient(&self, x: &[f32; 2], d: &[f32; 1]) -> [f32; 2] {
            Xor::loss_input_gradient(self, x, d)
        }
        #[inline]
        fn backward_and_input_gradient(
            &self,
            x: &[f32; 2],
            d: &[f32; 1],
            grad: &mut Self,
        ) -> (f32, [f32; 2]) {
            Xor::backward_and_input_gradient(self, x, d, grad)
        }
        #[inline]
        fn backward_batch_and_input_gradients<const B: usize>(
            &self,
            xs: &[[f32; 2]; B],
            ds: &[[f32; 1]; B],
            grad: &mut Self,
        ) -> (f32, [[f32; 2]; B]) {
            Xor::backward_batch_and_input_gradients(self, xs, ds, grad)
        }
        #[inline]
        fn train_step_and_input_gradient(
            &mut self,
            x: &[f32; 2],
            d: &[f32; 1],
            lr: f32,
        ) -> (f32, [f32; 2]) {
            Xor::train_step_and_input_gradient(self, x, d, lr)
        }
    }
    #[automatically_derived]
    impl mlp::Differentiable<2, 1> for Xor {
        #[inline]
        fn backward_from(
            &self,
            x: &[f32; 2],
            dy: &[f32; 1],
            grad: &mut Self,
        ) -> [f32; 2] {
            Xor::backward_from(self, x, dy, grad)
        }
        #[inline]
        fn input_gradient(&self, x: &[f32; 2], dy: &[f32; 1]) -> [f32; 2] {
            Xor::input_gradient(self, x, dy)
        }
        #[inline]
        fn backward_from_batch<const B: usize>(
            &self,
            xs: &[[f32; 2]; B],
            dys: &[[f32; 1]; B],
            grad: &mut Self,
        ) -> [[f32; 2]; B] {
            Xor::backward_from_batch(self, xs, dys, grad)
        }
        #[inline]
        fn backward_with<F>(&self, x: &[f32; 2], grad: &mut Self, dy: F) -> [f32; 2]
        where
            F: FnOnce(&[f32; 1]) -> [f32; 1],
        {
            Xor::backward_with(self, x, grad, dy)
        }
        #[inline]
        fn input_gradient_with<F>(&self, x: &[f32; 2], dy: F) -> [f32; 2]
        where
            F: FnOnce(&[f32; 1]) -> [f32; 1],
        {
            Xor::input_gradient_with(self, x, dy)
        }
        #[inline]
        fn backward_with_batch<const B: usize, F>(
            &self,
            xs: &[[f32; 2]; B],
            grad: &mut Self,
            dys: F,
        ) -> [[f32; 2]; B]
        where
            F: FnOnce(&[[f32; 1]; B]) -> [[f32; 1]; B],
        {
            Xor::backward_with_batch(self, xs, grad, dys)
        }
    }
    /// One sample's forward pass: each layer's pre-activation `h` and
    /// activation `y`, up to the output layer's pre-activation.
    struct Trace {
        h1: [f32; 2],
        y1: [f32; 2],
        h2: [f32; 1],
    }
    #[inline(always)]
    fn trace(net: &Xor, x: &[f32; 2]) -> Trace {
        let h1: [f32; 2] = [
            net.w1[0][0] * x[0] + net.w1[0][1] * x[1] + net.b1[0],
            net.w1[1][0] * x[0] + net.w1[1][1] * x[1] + net.b1[1],
        ];
        let y1: [f32; 2] = mlp::Activation::layer(mlp::Relu, &h1);
        let h2: [f32; 1] = [net.w2[0][0] * y1[0] + net.w2[0][1] * y1[1] + net.b2[0]];
        Trace { h1, y1, h2 }
    }
    /// A batch's forward pass, feature-major (`h1[unit][sample]`),
    /// through the output activation.
    #[allow(dead_code)]
    struct BatchTrace<const B: usize> {
        h1: mlp::batch::Aligned<[[f32; B]; 2]>,
        y1: mlp::batch::Aligned<[[f32; B]; 2]>,
        h2: mlp::batch::Aligned<[[f32; B]; 1]>,
        y2: mlp::batch::Aligned<[[f32; B]; 1]>,
    }
    #[inline(always)]
    fn batch_trace<const B: usize>(net: &Xor, xs: &[[f32; 2]; B]) -> BatchTrace<{ B }> {
        let h1 = mlp::batch::dense_input(&net.w1, &net.b1, xs);
        let y1 = mlp::Activation::batch(mlp::Relu, &h1);
        let h2 = mlp::batch::dense(&net.w2, &net.b2, &y1);
        let y2 = mlp::Activation::batch(mlp::Sigmoid, &h2);
        BatchTrace { h1, y1, h2, y2 }
    }
};
