//! Push texts: the one template rule both sides use lives in
//! `parley_protocol::template` (the desktop app renders its notifications
//! with it too).

pub use parley_protocol::template::{cut, render, Vars, MAX_TEXT};
