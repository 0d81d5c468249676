//! Threads: read one, reply in it, mark it read (parley-client's
//! `conversation.rs` and the cache's `threads.rs` do the work).

use parley_client::cache::MessageView;
use parley_client::error::UiError;
use parley_protocol::{ChannelSid, MessageSid};
use tauri::State;

use super::{ui, Shell};

/// The thread of message `root`: the root, its replies, the user's unsent ones.
#[tauri::command]
pub async fn thread(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    root: MessageSid,
) -> Result<Vec<MessageView>, UiError> {
    shell.client().await?.thread(&channel, &root).map_err(ui)
}

/// Sends `body` in the thread of message `root`.
#[tauri::command]
pub async fn reply_in_thread(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    root: MessageSid,
    body: String,
) -> Result<i64, UiError> {
    shell
        .client()
        .await?
        .reply_in_thread(&channel, &root, &body)
        .map_err(ui)
}

/// Marks the thread of `root` read to its newest reply.
#[tauri::command]
pub async fn mark_thread_read(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    root: MessageSid,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .mark_thread_read(&channel, &root)
        .map_err(ui)
}
