//! Kubernetes' own rules, independent of Polyaxon: the API server's format checks
//! ([`validation`]), the pinned OpenAPI schema ([`schema`]), and names made valid ([`names`]).

pub mod names;
pub mod schema;
mod schema_data;
pub mod validation;
