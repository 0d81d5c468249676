//! The window's typed view of the commands. One table lists every command
//! with the arguments the window passes and what it answers, and holds
//! three ways:
//! - at compile time, against the functions themselves: a table entry whose
//!   argument or answer types differ from the command's does not build;
//! - by a test, against the `generate_handler!` list in `lib.rs`: a command
//!   missing from either side fails it;
//! - under the `ts` feature, the test `export_bindings_commands` (run by
//!   `make bindings` with the other ts-rs exports) writes
//!   `ui/src/bindings/commands.ts`: one typed function per command, so the
//!   UI never calls `invoke` with a name and arguments it spelled itself.
//!
//! Each entry: how it is called (`call`: async, answers `Result<T,
//! UiError>`; `sync`: a plain function; `raw`: the window sends raw bytes
//! and headers, wrapped by hand in the generator), the command, the
//! arguments Tauri injects (`app`, `shell`, `request`), then the window's
//! arguments and the answer.

use parley_client::cache::search_query::SearchFilter;
use parley_client::cache::{ChannelSummary, MemberView, MessageView, NotifyPolicy, SearchHit};
use parley_client::error::UiError;
use parley_client::i18n::LanguageView;
use parley_client::ConnectionState;
use parley_protocol::{ChannelSid, MediaSid, MessageSid};

use super::{Defaults, SessionView};

/// Stands for any value of `T`; only ever inside code that is not run.
#[allow(dead_code)]
fn any<T>() -> T {
    unreachable!("only type-checked, never called")
}

macro_rules! commands {
    (@inject app) => { any::<tauri::AppHandle<tauri::Wry>>() };
    (@inject shell) => { any() };
    (@inject request) => { any() };
    (@check call $module:ident :: $name:ident [$($inj:ident)*] ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        let _: Result<$ret, UiError> =
            super::$module::$name($(commands!(@inject $inj),)* $(any::<$ty>()),*).await;
    };
    (@check raw $module:ident :: $name:ident [$($inj:ident)*] ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        let _: Result<$ret, UiError> =
            super::$module::$name($(commands!(@inject $inj)),*).await;
    };
    (@check sync $module:ident :: $name:ident [$($inj:ident)*] ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        let _: $ret = super::$module::$name($(any::<$ty>()),*);
    };
    ($( $how:ident $module:ident :: $name:ident [$($inj:ident)*] ($($arg:ident : $ty:ty),*) -> $ret:ty; )*) => {
        /// Never called: it only has to compile (see the module comment).
        #[allow(dead_code, unreachable_code, clippy::diverging_sub_expression)]
        async fn signatures() {
            $( commands!(@check $how $module::$name [$($inj)*] ($($arg: $ty),*) -> $ret); )*
        }

        /// Every command in the table, in order.
        #[cfg_attr(not(test), allow(dead_code))]
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Each command's arguments from the window, by name, in order
        /// (`raw` commands take theirs as bytes and headers: none here).
        #[cfg(test)]
        pub const ARGS: &[(&str, &str, &[&str])] =
            &[$((stringify!($module), stringify!($name), &[$(stringify!($arg)),*])),*];

        /// The table, with TypeScript names for its types.
        #[cfg(feature = "ts")]
        pub fn specs() -> Vec<generate::Spec> {
            vec![$(generate::Spec {
                name: stringify!($name),
                how: stringify!($how),
                args: vec![$(generate::Arg::of::<$ty>(stringify!($arg))),*],
                answer: generate::Type::of::<$ret>(),
            }),*]
        }
    };
}

commands! {
    call session::defaults [shell] () -> Defaults;
    call session::restore [app shell] () -> Option<SessionView>;
    call session::sign_in [app shell] (server_url: String, username: String, password: String, remember: bool) -> SessionView;
    call session::sign_out [shell] () -> ();
    call language::language [shell] () -> LanguageView;
    call language::set_language [app shell] (tag: Option<String>) -> LanguageView;
    call chat::channels [shell] () -> Vec<ChannelSummary>;
    call chat::messages [shell] (channel: ChannelSid, before: Option<i64>, limit: u32) -> Vec<MessageView>;
    call chat::messages_before [shell] (channel: ChannelSid, before: Option<i64>, limit: u32) -> Vec<MessageView>;
    call chat::send [shell] (channel: ChannelSid, body: String) -> i64;
    call chat::open_channel [shell] (channel: Option<ChannelSid>) -> ();
    call chat::status [shell] () -> ConnectionState;
    call chat::messages_after [shell] (channel: ChannelSid, after: i64, limit: u32) -> Vec<MessageView>;
    call chat::mark_read [shell] (channel: ChannelSid) -> ();
    call chat::do_not_disturb [shell] () -> bool;
    call chat::reply [shell] (channel: ChannelSid, to: MessageSid, body: String) -> i64;
    call threads::thread [shell] (channel: ChannelSid, root: MessageSid) -> Vec<MessageView>;
    call threads::reply_in_thread [shell] (channel: ChannelSid, root: MessageSid, body: String) -> i64;
    call threads::mark_thread_read [shell] (channel: ChannelSid, root: MessageSid) -> ();
    call chat::open_direct [shell] (people: Vec<String>) -> ChannelSid;
    call chat::set_pinned [shell] (channel: ChannelSid, sid: MessageSid, pinned: bool) -> ();
    call chat::pinned [shell] (channel: ChannelSid) -> Vec<MessageView>;
    call chat::set_saved [shell] (channel: ChannelSid, sid: MessageSid, saved: bool) -> ();
    call chat::saved [shell] () -> Vec<MessageView>;
    call chat::locate [shell] (channel: ChannelSid, sid: MessageSid) -> Option<i64>;
    call chat::react [shell] (channel: ChannelSid, to: MessageSid, emoji: String) -> ();
    call chat::unreact [shell] (channel: ChannelSid, to: MessageSid, emoji: String) -> ();
    call chat::edit [shell] (channel: ChannelSid, sid: MessageSid, body: String) -> i64;
    call chat::remove [shell] (channel: ChannelSid, sid: MessageSid) -> i64;
    call chat::retry [shell] (outbox_id: i64) -> bool;
    call chat::discard [shell] (outbox_id: i64) -> bool;
    call chat::typing [shell] (channel: ChannelSid) -> ();
    call chat::typing_in [shell] (channel: ChannelSid) -> Vec<String>;
    call chat::draft [shell] (channel: ChannelSid) -> Option<String>;
    call chat::set_draft [shell] (channel: ChannelSid, body: String) -> ();
    call chat::search [shell] (query: String, channel: Option<ChannelSid>) -> Vec<SearchHit>;
    sync chat::search_filters [] (query: String) -> Vec<SearchFilter>;
    call chat::members [shell] (channel: ChannelSid) -> Vec<MemberView>;
    call chat::status_text [shell] () -> Option<String>;
    call chat::set_status_text [shell] (status: Option<String>) -> ();
    call chat::public_channels [shell] () -> Vec<ChannelSummary>;
    call chat::join [shell] (channel: ChannelSid) -> ();
    call chat::leave [shell] (channel: ChannelSid) -> ();
    call chat::create_channel [shell] (name: String, unique_name: Option<String>, private: bool) -> ChannelSid;
    call chat::invite [shell] (channel: ChannelSid, identity: String) -> ();
    call chat::accept_invite [shell] (channel: ChannelSid) -> ();
    call chat::decline_invite [shell] (channel: ChannelSid) -> ();
    call chat::set_notify_level [shell] (channel: ChannelSid, level: NotifyPolicy) -> ();
    call chat::set_do_not_disturb [shell] (on: bool) -> ();
    call chat::mark_unread_from [shell] (channel: ChannelSid, index: i64) -> ();
    call chat::permissions [shell] (channel: ChannelSid) -> Vec<String>;
    call chat::remove_member [shell] (channel: ChannelSid, identity: String) -> ();
    call media::attach [app shell] (channel: ChannelSid) -> Vec<i64>;
    call media::send_dropped [shell] (channel: ChannelSid) -> Vec<i64>;
    raw media::paste_file [shell request] (channel: ChannelSid, filename: String, content_type: String, bytes: Vec<u8>) -> i64;
    call media::cancel_send [shell] (outbox_id: i64) -> bool;
    call media::cancel_download [shell] (sid: MediaSid) -> bool;
    call media::fetch_media [shell] (channel: ChannelSid, sid: MediaSid) -> ();
    call media::save_media [app shell] (channel: ChannelSid, sid: MediaSid, filename: Option<String>) -> bool;
    call media::open_link [app] (url: String) -> ();
    sync startup::first_frame [] (page: f64, list: f64) -> ();
}

/// Writes `commands.ts` from the table.
#[cfg(feature = "ts")]
mod generate {
    use std::collections::BTreeMap;
    use std::fmt::Write;

    use ts_rs::{Dependency, TypeVisitor, TS};

    /// A type as TypeScript names it, and the files it comes from.
    pub struct Type {
        ts: String,
        imports: Vec<Dependency>,
    }

    impl Type {
        pub fn of<T: TS + 'static>() -> Type {
            // The exported types the name mentions: `T` itself, or what it
            // wraps (`Vec<ChannelSummary>`, `Option<SessionView>`).
            let mut named = Named(Dependency::from_ty::<T>().into_iter().collect());
            T::visit_generics(&mut named);
            let imports = named.0;
            // What the window holds are JavaScript numbers: the commands'
            // integers never come near 2^53.
            let ts = T::name().replace("bigint", "number");
            Type { ts, imports }
        }
    }

    struct Named(Vec<Dependency>);

    impl TypeVisitor for Named {
        fn visit<T: TS + 'static + ?Sized>(&mut self) {
            self.0.extend(Dependency::from_ty::<T>());
        }
    }

    pub struct Arg {
        name: &'static str,
        ty: Type,
    }

    impl Arg {
        pub fn of<T: TS + 'static>(name: &'static str) -> Arg {
            Arg {
                name,
                ty: Type::of::<T>(),
            }
        }
    }

    pub struct Spec {
        pub name: &'static str,
        pub how: &'static str,
        pub args: Vec<Arg>,
        pub answer: Type,
    }

    /// `outbox_id` → `outboxId`: Tauri's name for a command argument.
    fn camel(snake: &str) -> String {
        let mut out = String::new();
        let mut up = false;
        for c in snake.chars() {
            match c {
                '_' => up = true,
                c if up => {
                    out.extend(c.to_uppercase());
                    up = false;
                }
                c => out.push(c),
            }
        }
        out
    }

    /// A parameter name TypeScript accepts: words reserved in strict mode
    /// (`private`) get a trailing underscore; the argument's key stays.
    fn param(snake: &str) -> String {
        const RESERVED: &[&str] = &[
            "private",
            "public",
            "protected",
            "package",
            "interface",
            "implements",
            "static",
            "let",
            "yield",
            "default",
            "delete",
            "new",
            "in",
            "function",
            "class",
            "enum",
        ];
        let name = camel(snake);
        if RESERVED.contains(&name.as_str()) {
            format!("{name}_")
        } else {
            name
        }
    }

    pub fn typescript(specs: &[Spec]) -> String {
        let mut imports = BTreeMap::new();
        for s in specs {
            for d in s
                .args
                .iter()
                .flat_map(|a| &a.ty.imports)
                .chain(&s.answer.imports)
            {
                let file = d.output_path.with_extension("");
                imports.insert(d.ts_name.clone(), file.display().to_string());
            }
        }
        let mut ts = String::from(
            "// Generated from src-tauri/src/commands/table.rs by the test \
             export_bindings_commands (make bindings). Do not edit this file manually.\n",
        );
        ts.push_str("import { invoke } from \"@tauri-apps/api/core\";\n");
        for (name, file) in &imports {
            let _ = writeln!(ts, "import type {{ {name} }} from \"./{file}\";");
        }
        let names: Vec<String> = specs.iter().map(|s| format!("\"{}\"", s.name)).collect();
        let _ = writeln!(ts, "\n/** Every command the shell answers. */");
        let _ = writeln!(ts, "export type Command = {};", names.join(" | "));
        for s in specs {
            let params: Vec<String> = s
                .args
                .iter()
                .map(|a| format!("{}: {}", param(a.name), a.ty.ts))
                .collect();
            let answer = match s.answer.ts.as_str() {
                "null" => "void".to_owned(),
                other => other.to_owned(),
            };
            let body = match s.how {
                // Bytes as the body, the rest in headers (see media::paste_file).
                "raw" => format!(
                    "invoke<{answer}>(\"{}\", bytes, {{\n    headers: {{\n      \"x-channel\": channel,\n      \"x-filename\": encodeURIComponent(filename),\n      \"x-content-type\": contentType,\n    }},\n  }})",
                    s.name
                ),
                _ => {
                    let keys: Vec<String> = s
                        .args
                        .iter()
                        .map(|a| match (camel(a.name), param(a.name)) {
                            (key, p) if key == p => key,
                            (key, p) => format!("{key}: {p}"),
                        })
                        .collect();
                    if keys.is_empty() {
                        format!("invoke<{answer}>(\"{}\")", s.name)
                    } else {
                        format!("invoke<{answer}>(\"{}\", {{ {} }})", s.name, keys.join(", "))
                    }
                }
            };
            let params = if s.how == "raw" {
                // The body travels as bytes, not JSON.
                params
                    .iter()
                    .map(|p| p.replace("bytes: Array<number>", "bytes: Uint8Array"))
                    .collect::<Vec<_>>()
            } else {
                params
            };
            let _ = writeln!(
                ts,
                "\nexport function {}({}): Promise<{answer}> {{\n  return {body};\n}}",
                camel(s.name),
                params.join(", "),
            );
        }
        ts
    }

    #[test]
    fn export_bindings_commands() {
        let Some(dir) = std::env::var_os("TS_RS_EXPORT_DIR") else {
            return;
        };
        let ts = typescript(&super::specs());
        std::fs::create_dir_all(&dir).expect("export directory");
        std::fs::write(std::path::Path::new(&dir).join("commands.ts"), ts).expect("commands.ts");
    }

    #[test]
    fn arguments_get_tauris_camel_case_names() {
        assert_eq!(camel("outbox_id"), "outboxId");
        assert_eq!(camel("server_url"), "serverUrl");
        assert_eq!(camel("channel"), "channel");
        assert_eq!(param("private"), "private_", "strict mode reserves it");
    }
}

#[cfg(test)]
mod tests {
    /// The names of `name`'s parameters the window passes (the injected
    /// `State`, `AppHandle` and `Request` left out), read from its source.
    fn parameters(source: &str, name: &str) -> Option<Vec<String>> {
        let at = [
            format!("pub async fn {name}("),
            format!("pub async fn {name}<"),
            format!("pub fn {name}("),
        ]
        .iter()
        .find_map(|p| source.find(p.as_str()))?;
        let open = at + source[at..].find('(')?;
        let (mut depth, mut close) = (0i32, open);
        for (i, ch) in source[open..].char_indices() {
            match ch {
                '(' | '<' => depth += 1,
                ')' | '>' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                close = open + i;
                break;
            }
        }
        let list = &source[open + 1..close];
        let (mut params, mut depth, mut start) = (Vec::new(), 0i32, 0usize);
        for (i, ch) in list.char_indices().chain([(list.len(), ',')]) {
            match ch {
                '<' | '(' => depth += 1,
                '>' | ')' => depth -= 1,
                ',' if depth == 0 => {
                    let p = list[start..i].trim();
                    start = i + 1;
                    if let Some((n, ty)) = p.split_once(':') {
                        let ty = ty.trim();
                        if !["State<", "AppHandle<", "Request<"]
                            .iter()
                            .any(|t| ty.starts_with(t))
                        {
                            params.push(n.trim().to_owned());
                        }
                    }
                }
                _ => {}
            }
        }
        Some(params)
    }

    /// Tauri finds an argument by its name: the table's names must be the
    /// functions' (a swap of two `String`s would still type-check).
    #[test]
    fn the_table_names_every_argument_as_its_command_does() {
        let sources = [
            ("session", include_str!("session.rs")),
            ("chat", include_str!("chat.rs")),
            ("language", include_str!("language.rs")),
            ("media", include_str!("media.rs")),
            ("startup", include_str!("startup.rs")),
            ("threads", include_str!("threads.rs")),
        ];
        for (module, name, args) in super::ARGS {
            if *name == "paste_file" {
                continue; // raw: bytes and headers
            }
            let source = sources
                .iter()
                .find(|(m, _)| m == module)
                .map(|(_, s)| *s)
                .expect("module source");
            let found =
                parameters(source, name).unwrap_or_else(|| panic!("{module}::{name} not found"));
            assert_eq!(found, *args, "{module}::{name}");
        }
    }

    /// The table and the handler list in `lib.rs` name the same commands.
    #[test]
    fn every_command_the_shell_handles_is_in_the_table_and_back() {
        let lib = include_str!("../lib.rs");
        let start = lib.find("generate_handler![").expect("handler list");
        let end = start + lib[start..].find("])").expect("end of handler list");
        let mut handled: Vec<&str> = lib[start..end]
            .split(',')
            .filter_map(|entry| entry.trim().rsplit("::").next())
            .map(|name| name.trim_start_matches("generate_handler!["))
            .filter(|name| !name.is_empty())
            .collect();
        let mut table = super::NAMES.to_vec();
        handled.sort_unstable();
        table.sort_unstable();
        assert_eq!(
            handled, table,
            "lib.rs generate_handler! and commands/table.rs differ"
        );
    }
}
