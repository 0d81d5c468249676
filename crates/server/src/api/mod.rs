//! The Chat v2 REST API, one module per resource area. Each handler's doc
//! comment names the endpoint it serves.

pub mod bindings;
pub mod channels;
pub mod credentials;
pub mod deliveries;
pub mod invites;
pub mod keys;
pub mod members;
pub mod messages;
pub mod roles;
pub mod services;
pub mod user_channels;
pub mod users;
pub mod webhooks;
