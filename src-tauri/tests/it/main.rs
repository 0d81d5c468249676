//! The desktop shell's integration tests in one binary: `mock_shell` drives
//! the commands through Tauri's mock runtime; `window` drives the real
//! window (ignored unless run in a desktop session: `make test` runs them
//! with `--ignored` under Xvfb).

mod mock_shell;
mod window;
