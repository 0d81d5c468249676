//! Embeds every language catalog (`locales/<tag>/parley.ftl` at the
//! workspace root, the files the window bundles too) into the client, so a
//! new language is a new catalog file and nothing else.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales");
    println!("cargo::rerun-if-changed={}", root.display());
    let mut tags: Vec<(String, String)> = Vec::new();
    for entry in std::fs::read_dir(&root).expect("the locales directory") {
        let entry = entry.expect("a locales entry");
        let file = entry.path().join("parley.ftl");
        if file.is_file() {
            println!("cargo::rerun-if-changed={}", file.display());
            let tag = entry.file_name().to_string_lossy().into_owned();
            let path = file.canonicalize().expect("a catalog path");
            tags.push((tag, path.display().to_string()));
        }
    }
    tags.sort();
    let mut out = String::from("/// Every catalog: (language tag, Fluent source).\npub static CATALOGS: &[(&str, &str)] = &[\n");
    for (tag, path) in &tags {
        out.push_str(&format!("    ({tag:?}, include_str!({path:?})),\n"));
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalogs.rs");
    std::fs::write(dest, out).expect("writing catalogs.rs");
}
