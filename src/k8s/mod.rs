//! Kubernetes' own rules, independent of Polyaxon: the API server's format checks and the
//! pinned OpenAPI schema.

pub mod schema;
pub mod validation;
