//! Polyaxon 2.18's orchestration sections, typed as its own models type them: `matrix` (its
//! hyperparameters, tuner and early stopping), `joins`, `schedule`, `events`, `hooks` and
//! `mount`. None reaches the manifests plx renders (render warns about them, RND003); they
//! are typed so that `plx check` refuses what Polyaxon refuses. A value Polyaxon lets be a
//! `{{ template }}` is [`Templated`]; where Polyaxon compares a value before typing it (a
//! random or grid search's `numRuns`, most matrices' `concurrency`), a template fails there,
//! so plx refuses it too.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::values::{LaxFloat, LaxInt, LaxPositiveInt, PositiveInt, Templated};

/// An enum read by its `kind` key (plx's reader tags enums so), and its editor schema: one
/// object per kind.
macro_rules! kind_tagged {
    ($(#[$meta:meta])* pub enum $name:ident { $($kind:literal => $variant:ident($payload:ty),)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $kind)] $variant($payload),)+
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let kinds = vec![
                    $(crate::model::values::kind_schema::<$payload>(generator, $kind),)+
                ];
                schemars::json_schema!({"oneOf": kinds})
            }
        }
    };
}

mod hyperparams;
mod schedule;

pub use hyperparams::{V1BayesHpParam, V1DiscreteHpParam, V1HpParam};
pub use schedule::V1Schedule;

/// Whether a text holds a `{{ ... }}` reference anywhere, as Polyaxon's `RefField` asks.
fn is_reference(text: &str) -> bool {
    text.find("{{")
        .and_then(|at| text[at + 2..].find("}}"))
        .is_some_and(|inside| inside > 0)
}

kind_tagged! {
    /// `matrix`: how an operation fans out into many runs. One per operation, so the size
    /// difference between kinds costs nothing worth boxing for.
    #[allow(clippy::large_enum_variant)]
    pub enum V1Matrix {
        "random" => Random(V1RandomSearch),
        "grid" => Grid(V1GridSearch),
        "hyperband" => Hyperband(V1Hyperband),
        "bayes" => Bayes(V1Bayes),
        "tpe" => Tpe(V1Tpe),
        "iterative" => Iterative(V1Iterative),
        "mapping" => Mapping(V1Mapping),
    }
}

/// A matrix's `params`: each hyperparameter's name and the values it takes.
type Params = Templated<BTreeMap<String, V1HpParam>>;

/// A matrix's `earlyStopping`: when it stops starting runs.
type EarlyStopping = Templated<Vec<V1EarlyStopping>>;

/// `kind: random`: `numRuns` runs, with values drawn from `params`.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1RandomSearch {
    pub params: Params,
    pub num_runs: PositiveInt,
    pub seed: Option<Templated<i64>>,
    pub concurrency: Option<PositiveInt>,
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: grid`: every combination of `params`' values.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1GridSearch {
    /// Not a template: Polyaxon looks into each param before it renders anything.
    pub params: BTreeMap<String, V1DiscreteHpParam>,
    pub num_runs: Option<PositiveInt>,
    pub concurrency: Option<PositiveInt>,
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: hyperband`: brackets of runs, each given more of a `resource` (steps, epochs) as
/// the worse ones stop.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Hyperband {
    pub params: Option<Params>,
    /// Not a template: Polyaxon types it as a plain integer.
    pub max_iterations: Option<LaxPositiveInt>,
    pub eta: Option<Templated<LaxFloat>>,
    pub resource: Option<V1OptimizationResource>,
    pub metric: Option<V1OptimizationMetric>,
    pub resume: Option<Templated<bool>>,
    pub seed: Option<Templated<i64>>,
    pub concurrency: Option<Templated<LaxPositiveInt>>,
    pub tuner: Option<V1Tuner>,
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: bayes`: Bayesian optimization.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Bayes {
    pub utility_function: Option<Checked<V1UtilityFunction>>,
    pub num_initial_runs: Templated<LaxPositiveInt>,
    pub max_iterations: Templated<LaxPositiveInt>,
    pub metric: V1OptimizationMetric,
    /// Not a template, as in a grid.
    pub params: BTreeMap<String, V1BayesHpParam>,
    pub seed: Option<Templated<i64>>,
    pub concurrency: Option<Templated<LaxPositiveInt>>,
    pub tuner: Option<Templated<V1Tuner>>,
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: tpe`: tree-structured Parzen estimators.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Tpe {
    pub max_iterations: Option<Templated<i64>>,
    pub metric: V1OptimizationMetric,
    pub params: Params,
    pub num_runs: Option<PositiveInt>,
    pub seed: Option<Templated<i64>>,
    pub concurrency: Option<PositiveInt>,
    pub tuner: Option<V1Tuner>,
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: iterative`: a tuner proposes each iteration's runs.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Iterative {
    pub params: Option<Params>,
    pub max_iterations: PositiveInt,
    pub seed: Option<Templated<i64>>,
    pub concurrency: Option<PositiveInt>,
    pub tuner: Option<V1Tuner>,
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: mapping`: one run per mapping of param values.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Mapping {
    pub values: Templated<Vec<BTreeMap<String, serde_json::Value>>>,
    pub concurrency: Option<PositiveInt>,
    pub early_stopping: Option<EarlyStopping>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum V1Optimization {
    Maximize,
    Minimize,
}

#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1OptimizationMetric {
    pub name: String,
    pub optimization: Option<V1Optimization>,
}

/// The resource hyperband allocates to runs (steps, epochs).
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1OptimizationResource {
    pub name: String,
    #[serde(rename = "type")]
    pub resource_type: Option<V1ResourceType>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum V1ResourceType {
    Int,
    Float,
}

/// How Bayesian optimization picks the next values.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1UtilityFunction {
    pub acquisition_function: Option<V1AcquisitionFunction>,
    pub gaussian_process: Option<V1GaussianProcess>,
    pub kappa: Option<LaxFloat>,
    pub eps: Option<LaxFloat>,
    pub num_warmup: Option<LaxInt>,
    pub num_iterations: Option<LaxInt>,
}

impl CrossCheck for V1UtilityFunction {
    /// Polyaxon's own rule: `ucb` (the default) needs `kappa`; `ei` and `poi` need `eps`.
    fn missing_key(&self) -> Option<&'static str> {
        match self.acquisition_function {
            None | Some(V1AcquisitionFunction::Ucb) if self.kappa.is_none() => Some("kappa"),
            Some(V1AcquisitionFunction::Ei | V1AcquisitionFunction::Poi) if self.eps.is_none() => {
                Some("eps")
            }
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum V1AcquisitionFunction {
    Ucb,
    Ei,
    Poi,
}

#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1GaussianProcess {
    pub kernel: Option<V1Kernel>,
    pub length_scale: Option<LaxFloat>,
    pub nu: Option<LaxFloat>,
    pub num_restarts_optimizer: Option<LaxInt>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum V1Kernel {
    Rbf,
    Matern,
}

/// The hub component that proposes a matrix's next runs.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Tuner {
    pub hub_ref: String,
    pub presets: Option<Templated<Vec<String>>>,
    pub queue: Option<String>,
    pub namespace: Option<String>,
    pub params: Option<Templated<BTreeMap<String, V1FullParam>>>,
}

kind_tagged! {
    /// A rule that stops a matrix, or a dag, from starting more runs.
    pub enum V1EarlyStopping {
        "metric_early_stopping" => Metric(V1MetricEarlyStopping),
        "failure_early_stopping" => Failure(V1FailureEarlyStopping),
    }
}

#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1MetricEarlyStopping {
    pub metric: String,
    pub value: Templated<LaxFloat>,
    pub optimization: StopOptimization,
    pub policy: Option<V1EarlyStoppingPolicy>,
}

#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1FailureEarlyStopping {
    pub percent: Templated<LaxFloat>,
}

/// A metric early stopping's `optimization`: a direction, or (as Polyaxon also types it) a
/// number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StopOptimization {
    Direction(V1Optimization),
    Number(f64),
}

kind_tagged! {
    pub enum V1EarlyStoppingPolicy {
        "median" => Median(V1MedianStoppingPolicy),
        "truncation" => Truncation(V1TruncationStoppingPolicy),
        "diff" => Diff(V1DiffStoppingPolicy),
    }
}

#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1MedianStoppingPolicy {
    pub evaluation_interval: Option<Templated<i64>>,
    pub min_interval: Option<Templated<i64>>,
    pub min_samples: Option<Templated<i64>>,
}

#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1TruncationStoppingPolicy {
    pub percent: Templated<LaxFloat>,
    pub evaluation_interval: Templated<i64>,
    pub min_interval: Option<Templated<i64>>,
    pub min_samples: Option<Templated<i64>>,
    pub include_succeeded: Option<Templated<bool>>,
}

#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1DiffStoppingPolicy {
    pub percent: Templated<LaxFloat>,
    pub evaluation_interval: Templated<i64>,
    pub min_interval: Option<Templated<i64>>,
    pub min_samples: Option<Templated<i64>>,
}

/// A `joins` entry: runs found by a query, whose values become params.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Join {
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub query: String,
    pub sort: Option<String>,
    pub limit: Option<Templated<i64>>,
    pub offset: Option<Templated<i64>>,
    /// Not a template: Polyaxon reads each param's `value` before it renders anything.
    pub params: Option<BTreeMap<String, V1FullParam>>,
}

/// An `events` entry: the statuses of another operation this one waits for.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1EventTrigger {
    pub kinds: Vec<Templated<V1EventKind>>,
    #[serde(rename = "ref")]
    pub reference: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum V1EventKind {
    RunStatusCreated,
    RunStatusResuming,
    RunStatusCompiled,
    RunStatusOnSchedule,
    RunStatusQueued,
    RunStatusScheduled,
    RunStatusStarting,
    RunStatusRunning,
    RunStatusProcessing,
    RunStatusStopping,
    RunStatusFailed,
    RunStatusStopped,
    RunStatusSucceeded,
    RunStatusSkipped,
    RunStatusWarning,
    RunStatusUnschedulable,
    RunStatusUpstreamFailed,
    RunStatusRetrying,
    RunStatusUnknown,
    RunStatusDone,
    RunApprovedActor,
    RunInvalidatedActor,
    RunNewArtifacts,
    ConnectionGitCommit,
    ConnectionDatasetVersion,
    ConnectionRegistryImage,
    AlertInfo,
    AlertWarning,
    AlertCritical,
    ModelVersionNewMetric,
    ProjectCustomEvent,
    OrgCustomEvent,
}

/// A hook run after the operation reaches a status.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Hook {
    pub hub_ref: String,
    pub connection: Option<String>,
    pub trigger: Option<V1HookTrigger>,
    pub conditions: Option<String>,
    pub presets: Option<Vec<String>>,
    pub queue: Option<String>,
    pub namespace: Option<String>,
    pub params: Option<Templated<BTreeMap<String, V1FullParam>>>,
    pub disable_defaults: Option<Templated<bool>>,
}

/// The final statuses a hook may wait for (`done`: any of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum V1HookTrigger {
    Succeeded,
    Failed,
    Stopped,
    Skipped,
    UpstreamFailed,
    Done,
}

/// A param in full form (`{value: ...}`), the only form Polyaxon reads in hooks, joins and
/// tuners: the short form (`lr: 0.1`) is for the file's own `params` alone.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1FullParam {
    pub value: Option<serde_json::Value>,
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub context_only: Option<bool>,
    pub connection: Option<String>,
    pub to_init: Option<bool>,
    pub to_env: Option<String>,
}

/// A `mount` entry: an artifacts path, as `from[:to]` or `{from, to}`.
#[derive(Clone, Debug)]
pub enum V1Mount {
    Text(String),
    Paths(V1MountPaths),
}

/// Polyaxon names these fields `path_from` and `path_to`, and reads them by those names too.
/// The mapping is read without the reader's key list, so an unknown key is refused here.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct V1MountPaths {
    #[serde(rename = "from", alias = "path_from")]
    pub from: Option<String>,
    #[serde(rename = "to", alias = "path_to")]
    pub to: Option<String>,
}

/// A struct with a rule across its fields that leaves one key required, as Polyaxon's model
/// validators do.
pub trait CrossCheck {
    /// The key the rule requires and the struct lacks.
    fn missing_key(&self) -> Option<&'static str>;
}

/// A [`CrossCheck`] struct, checked where it is read, so the missing key is reported in it.
#[derive(Clone, Debug)]
pub struct Checked<T>(pub T);

/// The field names serde derived for `T`: what it hands to `deserialize_struct`, which is
/// what plx's reader matches keys (and their snake_case spellings) against.
fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe<'a>(&'a std::cell::Cell<&'static [&'static str]>);

    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.set(fields);
            Err(de::Error::custom("probed"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }

    let fields = std::cell::Cell::new(&[][..]);
    // The probe always fails: it only records the field list.
    let _ = T::deserialize(Probe(&fields));
    fields.get()
}

impl<'de, T: Deserialize<'de> + CrossCheck> Deserialize<'de> for Checked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CheckedVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de> + CrossCheck> Visitor<'de> for CheckedVisitor<T> {
            type Value = Checked<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Checked<T>, A::Error> {
                let value = T::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match value.missing_key() {
                    Some(key) => Err(de::Error::missing_field(key)),
                    None => Ok(Checked(value)),
                }
            }
        }

        deserializer.deserialize_struct("Checked", fields_of::<T>(), CheckedVisitor(PhantomData))
    }
}

impl<'de> Deserialize<'de> for StopOptimization {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OptimizationVisitor;

        impl Visitor<'_> for OptimizationVisitor {
            type Value = StopOptimization;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`maximize`, `minimize` or a number")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StopOptimization, E> {
                Ok(StopOptimization::Number(v as f64))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StopOptimization, E> {
                Ok(StopOptimization::Number(v as f64))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<StopOptimization, E> {
                Ok(StopOptimization::Number(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<StopOptimization, E> {
                match v {
                    "maximize" => Ok(StopOptimization::Direction(V1Optimization::Maximize)),
                    "minimize" => Ok(StopOptimization::Direction(V1Optimization::Minimize)),
                    _ => Err(E::unknown_variant(v, &["maximize", "minimize"])),
                }
            }
        }

        deserializer.deserialize_any(OptimizationVisitor)
    }
}

impl<'de> Deserialize<'de> for V1Mount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MountVisitor;

        impl<'de> Visitor<'de> for MountVisitor {
            type Value = V1Mount;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a `from[:to]` path or a mapping of `from` and `to`")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<V1Mount, E> {
                Ok(V1Mount::Text(v.to_owned()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V1Mount, A::Error> {
                V1MountPaths::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(V1Mount::Paths)
            }
        }

        deserializer.deserialize_any(MountVisitor)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Checked<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        generator.subschema_for::<T>()
    }
}

impl schemars::JsonSchema for StopOptimization {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StopOptimization".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"anyOf": [{"enum": ["maximize", "minimize"]}, {"type": "number"}]})
    }
}

impl schemars::JsonSchema for V1MountPaths {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "V1MountPaths".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let path = serde_json::json!({"type": ["string", "null"]});
        schemars::json_schema!({
            "type": "object",
            "properties": {"from": path, "to": path, "path_from": path, "path_to": path},
        })
    }
}

impl schemars::JsonSchema for V1Mount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "V1Mount".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let paths = generator.subschema_for::<V1MountPaths>();
        schemars::json_schema!({"anyOf": [{"type": "string"}, paths]})
    }
}

#[cfg(test)]
mod tests {
    use super::super::V1Polyaxonfile;
    use crate::yaml::de::ErrorKind;
    use crate::yaml::{Limits, decode, load};

    /// The decoding errors of a file, as (pointer, kind).
    fn errors(text: &str) -> Vec<(String, ErrorKind)> {
        let tree = load(text, Limits::default()).unwrap();
        decode::<V1Polyaxonfile>(&tree, "")
            .errors
            .into_iter()
            .map(|e| (e.pointer.unwrap_or_default(), e.kind))
            .collect()
    }

    #[test]
    fn every_matrix_kind_reads_its_fields() {
        for matrix in [
            "{kind: random, numRuns: 5.0, seed: '{{ seed }}', params: {lr: {kind: uniform, value: '0:1'}}}",
            "{kind: grid, num_runs: 4, params: {lr: {kind: range, value: {start: 1, stop: 9, step: 2}}}}",
            "{kind: hyperband, maxIterations: '10', eta: 3, concurrency: '{{ n }}', resource: {name: steps, type: int}, metric: {name: loss, optimization: minimize}}",
            "{kind: bayes, numInitialRuns: 2, maxIterations: 3, metric: {name: loss}, utilityFunction: {acquisitionFunction: ei, eps: 0.1}, params: {lr: {kind: uniform, value: [0, 1]}}}",
            "{kind: tpe, metric: {name: loss}, params: {lr: {kind: pchoice, value: [[a, 0.5], [b, 0.3]]}}}",
            "{kind: iterative, maxIterations: 3, tuner: {hubRef: acme/tuner, params: {a: {value: 1}}}}",
            "{kind: mapping, values: [{lr: 0.1}], earlyStopping: [{kind: failure_early_stopping, percent: '50'}]}",
        ] {
            assert_eq!(errors(&format!("matrix: {matrix}\n")), [], "{matrix}");
        }
    }

    #[test]
    fn what_polyaxon_refuses_is_refused_where_it_is_written() {
        let unknown = |value: &str| ErrorKind::UnknownVariant {
            value: value.into(),
            expected: Vec::new(),
        };
        for (text, pointer, kind) in [
            (
                "matrix: {kind: hyperopt}",
                "/matrix/kind",
                unknown("hyperopt"),
            ),
            (
                "matrix: {kind: random, params: {}}",
                "/matrix",
                ErrorKind::MissingField { field: "numRuns" },
            ),
            (
                "matrix: {kind: grid, params: {lr: {kind: uniform, value: '0:1'}}}",
                "/matrix/params/lr/kind",
                unknown("uniform"),
            ),
            (
                "matrix: {kind: random, numRuns: 2, params: {lr: {kind: activation}}}",
                "/matrix/params/lr/kind",
                unknown("activation"),
            ),
            (
                "matrix: {kind: bayes, numInitialRuns: 1, maxIterations: 1, metric: {name: l}, params: {}, utilityFunction: {}}",
                "/matrix/utilityFunction",
                ErrorKind::MissingField { field: "kappa" },
            ),
            (
                "hooks: [{hubRef: slack, trigger: running}]",
                "/hooks/0/trigger",
                unknown("running"),
            ),
            (
                "schedule: {kind: interval}",
                "/schedule",
                ErrorKind::MissingField { field: "frequency" },
            ),
        ] {
            let found = errors(&format!("{text}\n"));
            let found: Vec<_> = found
                .into_iter()
                .map(|(at, kind)| match kind {
                    ErrorKind::UnknownVariant { value, .. } => (at, unknown(&value)),
                    other => (at, other),
                })
                .collect();
            assert_eq!(found, [(pointer.to_owned(), kind)], "{text}");
        }
        let found = errors("joins: [{query: 'status:succeeded', limit: '5'}]\n");
        assert!(
            matches!(&found[..], [(at, ErrorKind::InvalidType { .. })] if at == "/joins/0/limit"),
            "{found:?}"
        );
    }

    #[test]
    fn values_checked_before_typing_take_no_template() {
        for text in [
            "matrix: {kind: random, numRuns: '{{ n }}', params: {}}",
            "matrix: {kind: mapping, values: [], concurrency: '{{ n }}'}",
            "matrix: {kind: grid, params: '{{ p }}'}",
            "joins: '{{ joins }}'",
        ] {
            assert_eq!(errors(&format!("{text}\n")).len(), 1, "{text}");
        }
        for text in [
            "matrix: {kind: bayes, numInitialRuns: '{{ n }}', maxIterations: '5', metric: {name: l}, params: {}}",
            "matrix: {kind: mapping, values: '{{ rows }}'}",
            "hooks: '{{ hooks }}'",
            "events: [{kinds: ['{{ kind }}'], ref: ops.upstream}]",
        ] {
            assert_eq!(errors(&format!("{text}\n")), [], "{text}");
        }
    }

    #[test]
    fn a_templated_list_of_hooks_has_no_hooks_yet() {
        let tree = load("hooks: '{{ hooks }}'\n", Limits::default()).unwrap();
        let file = decode::<V1Polyaxonfile>(&tree, "").value.unwrap();
        assert_eq!(file.hooks.iter().flatten().count(), 0);
    }
}
