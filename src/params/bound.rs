//! The params a run has, bound to the inputs and outputs of the component that runs: what
//! `check` binds and checks, and what templates read.

use serde_json::Value;

use super::Origin;
use crate::model::V1Io;

/// One declared input or output and the value it runs with.
#[derive(Clone, Debug)]
pub struct BoundIo {
    pub io: V1Io,
    pub is_output: bool,
    /// `None`: no value (an optional input, or an output Polyaxon fills at run time).
    pub value: Option<Value>,
    /// Where the value came from; `None` for a default or no value.
    pub origin: Option<Origin>,
}

/// Everything templates can read about a run's params.
#[derive(Clone, Debug, Default)]
pub struct Bound {
    pub ios: Vec<BoundIo>,
    /// Params an operation declares `contextOnly`, or that come with a `ref` Polyaxon resolves.
    pub contexts: Vec<(String, Option<Value>)>,
    /// Whether every required input has a value: the run's templates can be rendered.
    pub complete: bool,
}

impl Bound {
    /// The names a template may use bare (`{{ lr }}`) and under `params.`.
    pub fn names(&self) -> Vec<&str> {
        self.ios
            .iter()
            .map(|b| b.io.name.as_str())
            .chain(self.contexts.iter().map(|(name, _)| name.as_str()))
            .collect()
    }
}
