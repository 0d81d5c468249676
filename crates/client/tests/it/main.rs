//! The client's integration tests in one binary: each module is one area,
//! against a real parley-server on 127.0.0.1 (see `common`). The
//! `secret_service` and `desktop_notifications` tests are ignored unless run
//! in a desktop session (`make test` runs them with `--ignored`).

mod chaos;
mod common;
mod conversation;
mod desktop_notifications;
mod media;
mod no_secret_store;
mod resilience;
mod secret_service;
mod sync;
