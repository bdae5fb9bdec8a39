//! The Polyaxon agent's Helm values: where and how every run executes.

pub mod against;
pub mod check;
pub mod values;
