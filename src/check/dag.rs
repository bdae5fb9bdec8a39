//! A dag's graph, as Polyaxon's full `polyaxon check` builds it before it runs anything: each
//! operation and component named once (SCH003, DAG004), each `dagRef` naming a component of
//! the dag (DAG002), each operation an operation waits for (`dependencies`, a param's
//! `ref: ops.NAME`, an event's `ref`) one of the dag's, with the output or input it reads
//! (DAG003), and no cycle among them (DAG001).

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::document::locate::{Findings, Target};
use crate::model::{V1Dag, V1Polyaxonfile, V1Run};
use crate::rules;
use crate::yaml::tree::{child_pointer, entry_pointer, item_pointer};
use crate::yaml::{Node, NodeKind};

/// The dags of a file: its own run's, and an operation's inline component's.
pub fn check(file: &V1Polyaxonfile, tree: &Node) -> Vec<Diagnostic> {
    let mut findings = Findings::new(tree);
    for (level, prefix) in [(Some(file), ""), (file.component.as_deref(), "/component")] {
        if let Some(V1Run::Dag(dag)) = level.and_then(|l| l.run.as_ref()) {
            let at = child_pointer(prefix, "run");
            let graph = Graph::of(dag, &at, tree, &mut findings);
            graph.references(&mut findings);
            graph.cycles(&mut findings);
        }
    }
    findings.into_vec()
}

/// One way an operation waits for another: where it is written, and whom it names.
struct Edge {
    from: usize,
    to: String,
    pointer: String,
    /// For a param's `ref: ops.NAME`: the `outputs.X` or `inputs.X` it reads.
    reads: Option<(&'static str, String)>,
}

struct Graph<'a> {
    at: String,
    operations: &'a [V1Polyaxonfile],
    /// Each name's first operation.
    index: HashMap<&'a str, usize>,
    components: HashMap<&'a str, &'a V1Polyaxonfile>,
    edges: Vec<Edge>,
}

impl<'a> Graph<'a> {
    fn of(dag: &'a V1Dag, at: &str, tree: &Node, findings: &mut Findings<'_>) -> Self {
        let operations = dag.operations.as_deref().unwrap_or_default();
        let components = dag.components.as_deref().unwrap_or_default();
        let index = names(
            operations,
            &child_pointer(at, "operations"),
            "operation",
            findings,
        );
        let component_index = names(
            components,
            &child_pointer(at, "components"),
            "component",
            findings,
        );
        let mut graph = Graph {
            at: at.to_owned(),
            operations,
            index,
            components: component_index
                .into_iter()
                .map(|(name, i)| (name, &components[i]))
                .collect(),
            edges: Vec::new(),
        };
        for (from, operation) in operations.iter().enumerate() {
            graph.collect_edges(from, operation, tree);
        }
        graph
    }

    fn operation_at(&self, index: usize) -> String {
        item_pointer(&self.at, "operations", index)
    }

    fn collect_edges(&mut self, from: usize, operation: &V1Polyaxonfile, tree: &Node) {
        let at = self.operation_at(from);
        for (i, name) in operation.dependencies.iter().flatten().enumerate() {
            self.edges.push(Edge {
                from,
                to: name.clone(),
                pointer: item_pointer(&at, "dependencies", i),
                reads: None,
            });
        }
        for (param, value) in operation.params.iter().flatten() {
            let Some(to) = value
                .reference
                .as_deref()
                .and_then(|r| r.strip_prefix("ops."))
            else {
                continue;
            };
            let reads = value
                .value
                .as_ref()
                .and_then(serde_json::Value::as_str)
                .and_then(read_io);
            self.edges.push(Edge {
                from,
                to: to.to_owned(),
                pointer: child_pointer(&entry_pointer(&child_pointer(&at, "params"), param), "ref"),
                reads,
            });
        }
        let events = crate::document::locate::node(tree, &child_pointer(&at, "events"));
        if let Some(NodeKind::Seq(events)) = events.map(|n| &n.kind) {
            for (i, event) in events.iter().enumerate() {
                let to = event.get("ref").and_then(|e| e.value.as_str());
                if let Some(to) = to.and_then(|r| r.strip_prefix("ops.")) {
                    self.edges.push(Edge {
                        from,
                        to: to.to_owned(),
                        pointer: child_pointer(&item_pointer(&at, "events", i), "ref"),
                        reads: None,
                    });
                }
            }
        }
    }

    /// `dagRef`s to components the dag has, and references to operations it has (DAG002,
    /// DAG003).
    fn references(&self, findings: &mut Findings<'_>) {
        for (i, operation) in self.operations.iter().enumerate() {
            let Some(name) = operation.dag_ref.as_deref() else {
                continue;
            };
            if operation.component.is_some() || self.components.contains_key(name) {
                continue;
            }
            let help = if self.components.is_empty() {
                format!(
                    "the dag has no `components`; add one named `{name}` under `run.components`, or put the component inline under `component:`"
                )
            } else {
                crate::suggest::after_did_you_mean(
                    name,
                    self.components.keys().copied(),
                    format!(
                        "the dag's components are {}",
                        listed(self.components.keys().copied())
                    ),
                )
            };
            findings.at(&rules::DAG_UNKNOWN_COMPONENT, &child_pointer(&self.operation_at(i), "dagRef"), Target::Value, format!("`dagRef: {name}` names no component of this dag")).help(format!("{help}; Polyaxon refuses the dag: \"Pipeline op with name `{}` requires a component with name `{name}`, which is not defined on this pipeline\"", operation.name.as_deref().unwrap_or_default()));
        }
        for edge in &self.edges {
            self.reference(edge, findings);
        }
    }

    fn reference(&self, edge: &Edge, findings: &mut Findings<'_>) {
        let Some(&target) = self.index.get(edge.to.as_str()) else {
            let help = crate::suggest::after_did_you_mean(
                &edge.to,
                self.index.keys().copied(),
                format!(
                    "the dag's operations are {}",
                    listed(self.index.keys().copied())
                ),
            );
            findings.at(&rules::DAG_UNKNOWN_OPERATION, &edge.pointer, Target::Value, format!("no operation of this dag is named `{}`", edge.to)).help(format!("{help}; Polyaxon refuses the dag: \"the dag contains an orphan ops: `{{'{}'}}`\"", edge.to));
            return;
        };
        let Some((section, name)) = &edge.reads else {
            return;
        };
        let Some(declared) = self.declared(target, section) else {
            return;
        };
        if declared.iter().any(|d| d == name) {
            return;
        }
        let singular = section.trim_end_matches('s');
        let help = crate::suggest::after_did_you_mean(
            name,
            declared.iter().map(String::as_str),
            if declared.is_empty() {
                format!("its component declares no {section}")
            } else {
                format!(
                    "its {section} are {}",
                    listed(declared.iter().map(String::as_str))
                )
            },
        );
        findings.at(&rules::DAG_UNKNOWN_OPERATION, &edge.pointer, Target::Value, format!("operation `{}` has no {singular} `{name}`", edge.to)).help(format!("{help}; Polyaxon refuses the dag: \"reference with name `ops.{}` has no such information\"", edge.to));
    }

    /// The inputs or outputs the component an operation runs declares, when plx has it
    /// (inline, or the dag's by `dagRef`).
    fn declared(&self, operation: usize, section: &str) -> Option<Vec<String>> {
        let operation = &self.operations[operation];
        let component = match (&operation.component, &operation.dag_ref) {
            (Some(component), _) => component.as_ref(),
            (None, Some(name)) => self.components.get(name.as_str())?,
            (None, None) => return None,
        };
        let ios = if section == "outputs" {
            &component.outputs
        } else {
            &component.inputs
        };
        Some(ios.iter().flatten().map(|io| io.name.clone()).collect())
    }

    /// The operations that wait for each other in a cycle (DAG001), each cycle once.
    fn cycles(&self, findings: &mut Findings<'_>) {
        // Upstream edges between known operations, by operation.
        let mut upstream: Vec<Vec<(usize, &Edge)>> = vec![Vec::new(); self.operations.len()];
        for edge in &self.edges {
            if let Some(&to) = self.index.get(edge.to.as_str()) {
                upstream[edge.from].push((to, edge));
            }
        }
        let remaining = blocked(&upstream);
        // Each blocked operation waits for another blocked one: walking upstream from one
        // comes back to an operation of the walk, closing a cycle.
        let mut seen = vec![false; self.operations.len()];
        for start in (0..self.operations.len()).filter(|&i| remaining[i]) {
            let mut walk: Vec<(usize, &Edge)> = Vec::new();
            let mut current = start;
            while !seen[current] {
                seen[current] = true;
                let Some(&(next, edge)) = upstream[current].iter().find(|(to, _)| remaining[*to])
                else {
                    break;
                };
                walk.push((current, edge));
                current = next;
            }
            if let Some(first) = walk.iter().position(|(op, _)| *op == current) {
                self.report_cycle(&walk[first..], findings);
            }
        }
    }

    fn report_cycle(&self, cycle: &[(usize, &Edge)], findings: &mut Findings<'_>) {
        let name = |i: usize| self.operations[i].name.as_deref().unwrap_or_default();
        // Reported at the reference of the cycle's first operation in the file.
        let Some(start) = (0..cycle.len()).min_by_key(|&k| cycle[k].0) else {
            return;
        };
        let mut chain: Vec<String> = (0..cycle.len())
            .map(|k| format!("`{}`", name(cycle[(start + k) % cycle.len()].0)))
            .collect();
        chain.push(format!("`{}`", name(cycle[start].0)));
        let edge = cycle[start].1;
        findings.at(&rules::DAG_CYCLE, &edge.pointer, Target::Value, format!("the dag's operations wait for each other in a cycle: {}", chain.join(" waits for "))).help("no operation of a cycle can ever start; remove one of these dependencies (or the param or event `ref` that makes it); Polyaxon refuses the dag: \"Pipeline's graph is not acyclic\"");
    }
}

/// The operations that can never start: what is left after removing, again and again, those
/// whose upstream operations have all been removed.
fn blocked(upstream: &[Vec<(usize, &Edge)>]) -> Vec<bool> {
    let count = upstream.len();
    let mut waiting: Vec<usize> = upstream.iter().map(Vec::len).collect();
    let mut downstream: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (from, edges) in upstream.iter().enumerate() {
        for (to, _) in edges {
            downstream[*to].push(from);
        }
    }
    let mut ready: Vec<usize> = (0..count).filter(|&i| waiting[i] == 0).collect();
    let mut remaining = vec![true; count];
    while let Some(done) = ready.pop() {
        remaining[done] = false;
        for &next in &downstream[done] {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.push(next);
            }
        }
    }
    remaining
}

/// Each name's first item; items without a name (SCH003) and names given twice (DAG004) are
/// findings.
fn names<'a>(
    items: &'a [V1Polyaxonfile],
    at: &str,
    what: &str,
    findings: &mut Findings<'_>,
) -> HashMap<&'a str, usize> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let Some(name) = item.name.as_deref() else {
            findings.at(&rules::SCH_MISSING_KEY, &format!("{at}/{i}"), Target::Value, format!("this dag {what} has no `name`")).help(format!("add `name: ...`: the dag's operations refer to each other, and to its components, by name; Polyaxon refuses the dag: \"Pipeline {} requires a name\"", if what == "operation" { "op" } else { what }));
            continue;
        };
        match index.get(name) {
            Some(&first) => {
                let first_span = findings.span(&format!("{at}/{first}/name"), Target::Value);
                findings.at(&rules::DAG_DUPLICATE_NAME, &format!("{at}/{i}/name"), Target::Value, format!("two {what}s of this dag are named `{name}`")).help(format!("give each {what} its own name; Polyaxon refuses the dag: \"Pipeline has multiple {} with the same name `{name}`\"", if what == "operation" { "ops" } else { "components" })).label(first_span, "the first one");
            }
            None => {
                index.insert(name, i);
            }
        }
    }
    index
}

/// `outputs.loss` -> `("outputs", "loss")`: what a param's value reads of the operation its
/// `ref` names.
fn read_io(value: &str) -> Option<(&'static str, String)> {
    let (section, name) = value.split_once('.')?;
    let section = match section {
        "outputs" => "outputs",
        "inputs" => "inputs",
        _ => return None,
    };
    let name = name.split('.').next()?;
    (!name.is_empty() && !name.contains("{{")).then(|| (section, name.to_owned()))
}

fn listed<'n>(names: impl Iterator<Item = &'n str>) -> String {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
