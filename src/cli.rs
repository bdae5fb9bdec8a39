//! The command line, defined once: parsing, `--help`, shell completions and the man page.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "plx",
    version,
    about = "Check Polyaxonfiles and render them to plain Kubernetes manifests",
    long_about = "Check Polyaxonfiles against Polyaxon's specification and Kubernetes' own rules, \
                  and render them to plain Kubernetes YAML.\n\n\
                  Exit codes: 0 no errors, 1 errors found (warnings too with --strict), 2 usage or I/O error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Each subcommand's arguments are made only when it is the one run (`defer`): clap's model
/// of all of them was most of the heap that `plx check` of one file touched, and every page
/// touched is a fault at start (docs/performance.md). Help, the man page and completions
/// build them all.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Check Polyaxonfiles; directories are searched for them
    Check(CheckArgs),
    /// Render a Polyaxonfile to Kubernetes manifests on stdout
    Render(RenderArgs),
    /// Explain a rule (by code or name), or list all rules
    Explain(ExplainArgs),
    /// List every rule: code, name, severity and summary
    Rules(RulesArgs),
    /// Translate Polyaxon 0.x Polyaxonfiles to version 1.1 components (stdout by default)
    #[command(long_about = MIGRATE_ABOUT)]
    Migrate(MigrateArgs),
    /// Check a service account's RBAC against a profile of recommended minimum rules
    #[command(subcommand)]
    Rbac(RbacCommand),
    /// Print a shell completion script (`plx completions bash > /etc/bash_completion.d/plx`)
    Completions(CompletionsArgs),
    /// Print the man page, in roff (`plx man | man -l -`)
    Man,
    /// Print a JSON Schema for editors (VS Code, Neovim with yaml-language-server)
    Schema(SchemaArgs),
}

const MIGRATE_ABOUT: &str = "Translate Polyaxon 0.x Polyaxonfiles (`version: 1`, `kind: experiment`, \
    `job`, `group`, `notebook` or `tensorboard`) to `version: 1.1` components; a `group` (or any \
    file with `hptuning`) becomes an operation with a `matrix`. Each translation is written to \
    stdout (several separated by `---`), to `-o OUT`, or over its file with `--in-place`. What \
    1.1 has no place for (build steps, Dockerfile builds, persistence, logging, ...) is reported \
    as MIG001 at its line, never silently dropped; docs/migrate.md has the whole mapping.\n\n\
    Exit codes: 0 every file translated (warnings allowed, unless --strict), 1 a file could not \
    be translated (MIG002: not a 0.x file, no image, ...), 2 usage or I/O error.";

#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// Polyaxon 0.x Polyaxonfiles (`-` reads standard input)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Rewrite each file with its translation
    #[arg(long, conflicts_with = "output")]
    pub in_place: bool,
    /// Write the translation to OUT (one input only)
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Treat warnings as errors (exit 1 on any warning; the files are still written)
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub report: ReportFlags,
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Which files the schema is for
    #[arg(value_enum)]
    pub target: crate::schema::Target,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum RbacCommand {
    /// What the manifests grant a service account, against a profile: missing (errors),
    /// excess and risky (warnings)
    Check(RbacCheckArgs),
    /// Write a ServiceAccount with the profile's Role, ClusterRole and bindings
    Render(RbacRenderArgs),
}

#[derive(Debug, clap::Args)]
pub struct RbacRenderArgs {
    /// A built-in profile (polyaxon, polyaxon-2.1, polyaxon-1, skypilot) or a profile file
    #[arg(long, default_value = "polyaxon", value_name = "NAME|FILE")]
    pub profile: String,
    /// Optional parts of the profile to grant too (e.g. `gpus,object-store,ingress`)
    #[arg(long, value_delimiter = ',', value_name = "PART")]
    pub with: Vec<String>,
    /// The service account's name (with `--values`: the chart's runs account)
    #[arg(long, value_name = "NAME", required_unless_present = "values")]
    pub service_account: Option<String>,
    /// The service account's namespace (with `--values`: the agent's namespace)
    #[arg(short, long, value_name = "NS", required_unless_present = "values")]
    pub namespace: Option<String>,
    /// The Polyaxon agent's Helm values: write the RBAC of the runs' service account
    #[arg(long, value_name = "FILE")]
    pub values: Option<PathBuf>,
    /// The agent's Helm release, which names the runs' account `<release>-polyaxon-runs-sa`
    #[arg(long, default_value = "polyaxon", value_name = "NAME")]
    pub release: String,
    /// Keep an existing ServiceAccount: write its roles and bindings only
    #[arg(long)]
    pub no_service_account: bool,
    /// Output format
    #[arg(short, long, value_enum, default_value_t = Output::Yaml)]
    pub output: Output,
}

#[derive(Debug, clap::Args)]
pub struct RbacCheckArgs {
    /// RBAC manifests: ServiceAccounts, Roles, ClusterRoles and their bindings
    /// (multi-document files and Lists; `-` reads standard input)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A built-in profile (polyaxon, polyaxon-2.1, polyaxon-1, skypilot) or a profile file
    #[arg(long, default_value = "polyaxon", value_name = "NAME|FILE")]
    pub profile: String,
    /// Optional parts of the profile to require too (e.g. `gpus,object-store,ingress`)
    #[arg(long, value_delimiter = ',', value_name = "PART")]
    pub with: Vec<String>,
    /// The account, as NAMESPACE:NAME
    #[arg(
        long,
        value_name = "NAMESPACE:NAME",
        required_unless_present = "sky_config",
        conflicts_with = "sky_config"
    )]
    pub service_account: Option<String>,
    /// Take the account from SkyPilot's config (`kubernetes.remote_identity`)
    #[arg(long, value_name = "FILE")]
    pub sky_config: Option<PathBuf>,
    /// The namespace of the account named by `--sky-config`
    #[arg(
        short,
        long,
        value_name = "NS",
        default_value = "default",
        requires = "sky_config"
    )]
    pub namespace: String,
    #[command(flatten)]
    pub report: ReportFlags,
    /// Treat warnings as errors (exit 1 on any warning)
    #[arg(long)]
    pub strict: bool,
}

// How a command that reports findings writes its report (to stdout, in every format).
// The flattened groups of flags have plain comments: clap makes a doc comment here the
// `about` of each subcommand that flattens the group, over the subcommand's own, once the
// subcommand's arguments are deferred.
#[derive(Clone, Debug, clap::Args)]
pub struct ReportFlags {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print how many findings each rule has, instead of the findings (text, concise, json)
    #[arg(long)]
    pub statistics: bool,
    /// Colour the text report: `auto` colours a terminal, unless `NO_COLOR` is set, or when
    /// `FORCE_COLOR` or `CLICOLOR_FORCE` is
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Write the report to this file instead of stdout
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

impl ReportFlags {
    /// A text report, coloured on a terminal: what commands without the flags write.
    pub fn text() -> Self {
        Self {
            format: Format::Text,
            statistics: false,
            color: ColorChoice::Auto,
            output_file: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format (`markdown` is the page `docs/rules/README.md`)
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check (`-` reads standard input)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Check named files only when plx recognises their content, as in directories (for
    /// pre-commit, which passes every YAML file)
    #[arg(long)]
    pub by_content: bool,
    #[command(flatten)]
    pub report: ReportFlags,
    /// Treat warnings as errors (exit 1 on any warning)
    #[arg(long)]
    pub strict: bool,
    /// Fix what has one right fix, in place (comments and layout kept), then report the rest
    #[arg(long)]
    pub fix: bool,
    /// Print the fixes `--fix` would make as a unified diff, and change nothing (exit 1 when
    /// there are some)
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// With `--fix` or `--diff`, also make the fixes that guess at what was meant (a
    /// did-you-mean key, a command split as a shell would)
    #[arg(long)]
    pub unsafe_fixes: bool,
    #[command(flatten)]
    pub rules: RuleFlags,
    /// RBAC manifests: check the service account each run names against `--profile`
    #[arg(long, value_name = "FILE")]
    pub rbac: Vec<PathBuf>,
    #[command(flatten)]
    pub run: RunFlags,
    /// The RBAC profile for `--rbac` (built-in name or file; default: `profile` in plx.toml,
    /// else polyaxon)
    #[arg(long, value_name = "NAME|FILE", requires = "rbac")]
    pub profile: Option<String>,
    /// Optional parts of the profile to require too
    #[arg(long, value_delimiter = ',', value_name = "PART", requires = "rbac")]
    pub with: Vec<String>,
    /// The runs' namespace for `--rbac` (default: each file's `namespace`, else `default`)
    #[arg(short, long, value_name = "NS", requires = "rbac")]
    pub namespace: Option<String>,
}

// What a run is checked and rendered with besides its file: the deployment and the params.
// (A plain comment, as on `ReportFlags`.)
#[derive(Debug, Default, clap::Args)]
pub struct RunFlags {
    /// The Polyaxon agent's Helm values: the runs' connections and namespace must be the
    /// agent's, and `render` takes its namespace, runs service account and security context
    #[arg(long, value_name = "FILE")]
    pub values: Option<PathBuf>,
    /// A value for an input or output: `-P lr=0.01` (repeatable; numbers, lists and mappings
    /// are read as JSON)
    #[arg(short = 'P', long = "param", value_name = "NAME=VALUE", value_parser = crate::params::parse_flag)]
    pub params: Vec<(String, String)>,
    /// Values for inputs and outputs from a YAML or JSON mapping (`-P` wins over it)
    #[arg(long, value_name = "FILE")]
    pub params_file: Option<PathBuf>,
    /// A folder of vendored hub components (`<dir>/<name>/<tag>.yaml`) for `hubRef`
    #[arg(long, value_name = "DIR")]
    pub hub_dir: Option<PathBuf>,
}

// Which findings count: `plx.toml` (found above each file) and these flags, which win.
// (A plain comment, as on `ReportFlags`.)
#[derive(Debug, Default, clap::Args)]
pub struct RuleFlags {
    /// Report only these rules: codes, code prefixes or names (`SCH,K8S001,run-as-root`)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Leave these rules out (codes, prefixes or names)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// The lowest severity that fails the run (exit 1); `warning` is `--strict`
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<crate::config::FailOn>,
    /// Do not honour `# plx: ignore[...]` comments (for CI)
    #[arg(long)]
    pub no_inline_ignores: bool,
    /// Use this `plx.toml` instead of the nearest one above each file
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The Polyaxonfile to render (`-` reads standard input)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Namespace written into every object (default: the file's `namespace`, else none)
    #[arg(short, long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Name of the objects (default: the component's name, made a valid DNS label)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Output format
    #[arg(short, long, value_enum, default_value_t = Output::Yaml)]
    pub output: Output,
    /// Treat warnings as errors: print nothing and exit 1 on any warning
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub rules: RuleFlags,
    #[command(flatten)]
    pub run: RunFlags,
    #[command(flatten)]
    pub rbac: RbacRenderFlags,
    /// The agent's Helm release, for the runs service account `<release>-polyaxon-runs-sa`
    #[arg(
        long,
        default_value = "polyaxon",
        value_name = "NAME",
        requires = "values"
    )]
    pub release: String,
    /// A preset laid over the file, with its own `patchStrategy` (repeatable, applied in order)
    #[arg(short = 'f', long = "preset", value_name = "FILE")]
    pub presets: Vec<PathBuf>,
    /// The run's uuid in templates (`globals.uuid`, run paths; default: derived from the name)
    #[arg(long, value_name = "UUID")]
    pub uuid: Option<String>,
    /// The owner in templates (`globals.owner_name`)
    #[arg(long, default_value = "plx", value_name = "NAME")]
    pub owner: String,
    /// The project in templates (`globals.project_name`)
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub project: String,
}

// How `plx render` writes RBAC for a run's `environment.serviceAccountName`.
// (A plain comment, as on `ReportFlags`.)
#[derive(Debug, clap::Args)]
pub struct RbacRenderFlags {
    /// The RBAC profile granted to the run's service account (built-in name or file; default:
    /// `profile` in plx.toml, else polyaxon)
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Option<String>,
    /// Optional parts of the profile to grant too
    #[arg(long, value_delimiter = ',', value_name = "PART")]
    pub with: Vec<String>,
    /// Write no ServiceAccount, Role or binding for the run's service account
    #[arg(long)]
    pub no_rbac: bool,
    /// Keep an existing ServiceAccount: write its Role and bindings only
    #[arg(long)]
    pub no_service_account: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule code (`SCH001`) or name (`unknown-key`); omit to list every rule
    pub rule: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Each finding with its snippet and help, then a summary
    Text,
    /// One line per finding: `path:line:col: CODE message`
    Concise,
    Json,
    /// SARIF 2.1.0 (code scanning)
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Yaml,
    Json,
}
