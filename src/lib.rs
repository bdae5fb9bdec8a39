//! plx: check and render Polyaxonfiles for Kubernetes.

pub mod agent;
pub mod check;
pub mod cli;
pub mod commands;
pub mod compose;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod k8s;
pub mod migrate;
pub mod model;
pub mod params;
pub mod rbac;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod shell;
pub mod suggest;
pub mod suppress;
pub mod template;
pub mod yaml;
