//! RBAC for the service accounts Polyaxon and SkyPilot runs use: the recommended minimum
//! rules as profiles, Kubernetes' own matching semantics, and what a set of manifests
//! grants an account, computed offline.

pub mod audit;
pub mod effective;
pub mod lint;
pub mod manifests;
pub mod matching;
pub mod profile;
pub mod render;
pub mod sky;
