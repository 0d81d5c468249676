//! Points the embedded operator console (`admin::assets`) at the built
//! `console/dist`, or at an empty folder when the console was not built
//! (`cargo build` straight after a clone): the server then still builds and
//! answers `/console` with a page saying how to build it. `make` builds the
//! console before the server.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dist = manifest.join("../../console/dist");
    let folder = if dist.join("index.html").is_file() {
        println!("cargo:rerun-if-changed={}", dist.display());
        dist
    } else {
        // A path that does not exist would make cargo rerun this every
        // time: watch the console's folder until it is built.
        println!(
            "cargo:rerun-if-changed={}",
            manifest.join("../../console").display()
        );
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
