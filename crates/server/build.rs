//! Points the embedded operator console (`admin::assets`) at the built
//! `console/dist`, or at an empty folder when the console was not built
//! (`cargo build` straight after a clone): the server then still builds and
//! answers `/console` with a page saying how to build it. `make` builds the
//! console before the server.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dist = manifest.join("../../console/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let folder = if dist.join("index.html").is_file() {
        dist
    } else {
        let empty = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default())
            .join("console-not-built");
        if let Err(e) = std::fs::create_dir_all(&empty) {
            println!("cargo:warning=could not create {}: {e}", empty.display());
        }
        println!("cargo:warning=console/dist is missing: /console will say so (run `make` to build the console)");
        empty
    };
    println!("cargo:rustc-env=PARLEY_CONSOLE_DIST={}", folder.display());
}
