//! The server's integration tests in one binary (one link of the server
//! instead of one per file): each module is one area, all of them run
//! against a real server on 127.0.0.1 (see `common`).

mod admin_api;
mod auth;
mod cluster;
mod common;
mod console;
mod database_restart;
mod database_url;
mod durability;
mod errors;
mod hardening;
mod marks;
mod media;
mod migrate;
mod paging;
mod permissions;
mod push;
mod rate_limits;
mod realtime;
mod webhooks;
mod wire_shapes;
