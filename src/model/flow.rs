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
    /// The hyperparameters to search, by name: each a distribution (`choice`, `range`, `linspace`,
    /// `uniform`, ...).
    pub params: Params,
    /// How many runs to make.
    pub num_runs: PositiveInt,
    /// The random seed of the search.
    pub seed: Option<Templated<i64>>,
    /// How many runs may go at once.
    pub concurrency: Option<PositiveInt>,
    /// Stop the search early when a metric or failure condition is met.
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: grid`: every combination of `params`' values.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1GridSearch {
    /// Not a template: Polyaxon looks into each param before it renders anything.
    #[schemars(
        description = "The hyperparameters to search, by name: each a distribution (`choice`, `range`, `linspace`, `uniform`, ...)."
    )]
    pub params: BTreeMap<String, V1DiscreteHpParam>,
    /// How many runs to make.
    pub num_runs: Option<PositiveInt>,
    /// How many runs may go at once.
    pub concurrency: Option<PositiveInt>,
    /// Stop the search early when a metric or failure condition is met.
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: hyperband`: brackets of runs, each given more of a `resource` (steps, epochs) as
/// the worse ones stop.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Hyperband {
    /// The hyperparameters to search, by name: each a distribution (`choice`, `range`, `linspace`,
    /// `uniform`, ...).
    pub params: Option<Params>,
    /// Not a template: Polyaxon types it as a plain integer.
    #[schemars(description = "How many iterations of the search to run.")]
    pub max_iterations: Option<LaxPositiveInt>,
    /// Hyperband's downsampling rate between brackets.
    pub eta: Option<Templated<LaxFloat>>,
    /// The resource Hyperband allocates to each run (an input, e.g. epochs, and its type).
    pub resource: Option<V1OptimizationResource>,
    /// The metric to optimize: its name and whether to maximize or minimize it.
    pub metric: Option<V1OptimizationMetric>,
    /// Resume the runs of the previous bracket rather than restart them.
    pub resume: Option<Templated<bool>>,
    /// The random seed of the search.
    pub seed: Option<Templated<i64>>,
    /// How many runs may go at once.
    pub concurrency: Option<Templated<LaxPositiveInt>>,
    /// The tuner operation that suggests the next runs (a hub component).
    pub tuner: Option<V1Tuner>,
    /// Stop the search early when a metric or failure condition is met.
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: bayes`: Bayesian optimization.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Bayes {
    /// The acquisition function and Gaussian process the Bayesian search uses.
    pub utility_function: Option<Checked<V1UtilityFunction>>,
    /// How many random runs start the Bayesian search.
    pub num_initial_runs: Templated<LaxPositiveInt>,
    /// How many iterations of the search to run.
    pub max_iterations: Templated<LaxPositiveInt>,
    /// The metric to optimize: its name and whether to maximize or minimize it.
    pub metric: V1OptimizationMetric,
    /// Not a template, as in a grid.
    #[schemars(
        description = "The hyperparameters to search, by name: each a distribution (`choice`, `range`, `linspace`, `uniform`, ...)."
    )]
    pub params: BTreeMap<String, V1BayesHpParam>,
    /// The random seed of the search.
    pub seed: Option<Templated<i64>>,
    /// How many runs may go at once.
    pub concurrency: Option<Templated<LaxPositiveInt>>,
    /// The tuner operation that suggests the next runs (a hub component).
    pub tuner: Option<Templated<V1Tuner>>,
    /// Stop the search early when a metric or failure condition is met.
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: tpe`: tree-structured Parzen estimators.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Tpe {
    /// How many iterations of the search to run.
    pub max_iterations: Option<Templated<i64>>,
    /// The metric to optimize: its name and whether to maximize or minimize it.
    pub metric: V1OptimizationMetric,
    /// The hyperparameters to search, by name: each a distribution (`choice`, `range`, `linspace`,
    /// `uniform`, ...).
    pub params: Params,
    /// How many runs to make.
    pub num_runs: Option<PositiveInt>,
    /// The random seed of the search.
    pub seed: Option<Templated<i64>>,
    /// How many runs may go at once.
    pub concurrency: Option<PositiveInt>,
    /// The tuner operation that suggests the next runs (a hub component).
    pub tuner: Option<V1Tuner>,
    /// Stop the search early when a metric or failure condition is met.
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: iterative`: a tuner proposes each iteration's runs.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Iterative {
    /// The hyperparameters to search, by name: each a distribution (`choice`, `range`, `linspace`,
    /// `uniform`, ...).
    pub params: Option<Params>,
    /// How many iterations of the search to run.
    pub max_iterations: PositiveInt,
    /// The random seed of the search.
    pub seed: Option<Templated<i64>>,
    /// How many runs may go at once.
    pub concurrency: Option<PositiveInt>,
    /// The tuner operation that suggests the next runs (a hub component).
    pub tuner: Option<V1Tuner>,
    /// Stop the search early when a metric or failure condition is met.
    pub early_stopping: Option<EarlyStopping>,
}

/// `kind: mapping`: one run per mapping of param values.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Mapping {
    /// The runs to make: each a mapping of params to values.
    pub values: Templated<Vec<BTreeMap<String, serde_json::Value>>>,
    /// How many runs may go at once.
    pub concurrency: Option<PositiveInt>,
    /// Stop the search early when a metric or failure condition is met.
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
    /// The metric's name, as the runs log it.
    pub name: String,
    /// `maximize` or `minimize`.
    pub optimization: Option<V1Optimization>,
}

/// The resource hyperband allocates to runs (steps, epochs).
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1OptimizationResource {
    /// The input Hyperband allocates, e.g. `epochs`.
    pub name: String,
    /// Its type: `int` or `float`.
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
    /// The component to run, from the component hub (`name:version`).
    pub hub_ref: String,
    /// Names of presets to apply to the operation.
    pub presets: Option<Templated<Vec<String>>>,
    /// The queue to schedule the operation on.
    pub queue: Option<String>,
    /// The Kubernetes namespace to run in.
    pub namespace: Option<String>,
    /// The operation's params, by name.
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
    /// The metric to watch.
    pub metric: String,
    /// The value of the metric that stops the runs.
    pub value: Templated<LaxFloat>,
    /// Whether `value` is a maximum or a minimum to reach.
    pub optimization: StopOptimization,
    /// How the runs are compared: median, truncation or diff.
    pub policy: Option<V1EarlyStoppingPolicy>,
}

#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1FailureEarlyStopping {
    /// The percentage of failed runs (or of runs to stop) that triggers it.
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
    /// How often, in steps, to evaluate the policy.
    pub evaluation_interval: Option<Templated<i64>>,
    /// The steps before the policy is first evaluated.
    pub min_interval: Option<Templated<i64>>,
    /// The runs needed before the policy is evaluated.
    pub min_samples: Option<Templated<i64>>,
}

#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1TruncationStoppingPolicy {
    /// The percentage of failed runs (or of runs to stop) that triggers it.
    pub percent: Templated<LaxFloat>,
    /// How often, in steps, to evaluate the policy.
    pub evaluation_interval: Templated<i64>,
    /// The steps before the policy is first evaluated.
    pub min_interval: Option<Templated<i64>>,
    /// The runs needed before the policy is evaluated.
    pub min_samples: Option<Templated<i64>>,
    /// Count the succeeded runs too.
    pub include_succeeded: Option<Templated<bool>>,
}

#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1DiffStoppingPolicy {
    /// The percentage of failed runs (or of runs to stop) that triggers it.
    pub percent: Templated<LaxFloat>,
    /// How often, in steps, to evaluate the policy.
    pub evaluation_interval: Templated<i64>,
    /// The steps before the policy is first evaluated.
    pub min_interval: Option<Templated<i64>>,
    /// The runs needed before the policy is evaluated.
    pub min_samples: Option<Templated<i64>>,
}

/// A `joins` entry: runs found by a query, whose values become params.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Join {
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// The query that selects the runs, e.g. `metrics.loss: <0.5, status: succeeded`.
    pub query: String,
    /// How to sort the runs, e.g. `-metrics.loss`.
    pub sort: Option<String>,
    /// How many runs to take.
    pub limit: Option<Templated<i64>>,
    /// How many runs to skip.
    pub offset: Option<Templated<i64>>,
    /// Not a template: Polyaxon reads each param's `value` before it renders anything.
    #[schemars(
        description = "Params made of the runs' values: each a `value` such as `outputs.loss` or `inputs.lr`."
    )]
    pub params: Option<BTreeMap<String, V1FullParam>>,
}

/// An `events` entry: the statuses of another operation this one waits for.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1EventTrigger {
    /// The events that start the operation, e.g. `run_status_succeeded`.
    pub kinds: Vec<Templated<V1EventKind>>,
    /// The operation whose events count: `ops.NAME`, `runs.UUID` or `dag`.
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
    /// The component to run, from the component hub (`name:version`).
    pub hub_ref: String,
    /// A connection to give the operation.
    pub connection: Option<String>,
    /// The status that starts the hook: succeeded, failed, stopped, skipped, upstream_failed or
    /// done.
    pub trigger: Option<V1HookTrigger>,
    /// An expression over params that must hold for the hook to run.
    pub conditions: Option<String>,
    /// Names of presets to apply to the operation.
    pub presets: Option<Vec<String>>,
    /// The queue to schedule the operation on.
    pub queue: Option<String>,
    /// The Kubernetes namespace to run in.
    pub namespace: Option<String>,
    /// The operation's params, by name.
    pub params: Option<Templated<BTreeMap<String, V1FullParam>>>,
    /// Do not pass the run's default context to the hook.
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
    /// The param's value.
    pub value: Option<serde_json::Value>,
    /// Where the value comes from: `ops.NAME` (an upstream operation of the DAG), `runs.UUID` or
    /// `dag`.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// Keep the value in the context only, not checked against an input.
    pub context_only: Option<bool>,
    /// A connection the value refers to.
    pub connection: Option<String>,
    /// Initialize the value in the run's context before it starts.
    pub to_init: Option<bool>,
    /// An environment variable to expose the value as.
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
    /// The path to mount from.
    #[serde(rename = "from", alias = "path_from")]
    pub from: Option<String>,
    /// The path to mount to.
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

/// The field names serde derived for `T`: what it hands to `deserialize_struct`, renames
/// applied, which is what plx's reader matches keys (and their snake_case spellings) against.
/// Also the keys a file is recognised by (`commands::discover`), so they cannot drift from
/// what the file is then checked against.
pub fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
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
