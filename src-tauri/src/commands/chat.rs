//! Channels, messages, members, search and the user's settings: each
//! command reads the cache or queues a change through parley-client.

use parley_client::cache::search_query::SearchFilter;
use parley_client::cache::{ChannelSummary, MemberView, MessageView, NotifyPolicy, SearchHit};
use parley_client::error::UiError;
use parley_client::ConnectionState;
use parley_protocol::{ChannelSid, MessageSid};
use tauri::State;

use super::{ui, Shell};

#[tauri::command]
pub async fn channels(shell: State<'_, Shell>) -> Result<Vec<ChannelSummary>, UiError> {
    shell.client().await?.channels().map_err(ui)
}

#[tauri::command]
pub async fn messages(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<MessageView>, UiError> {
    shell
        .client()
        .await?
        .messages(&channel, before, limit.min(500))
        .map_err(ui)
}

/// Older messages of the timeline, fetched from the server as needed.
#[tauri::command]
pub async fn messages_before(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<MessageView>, UiError> {
    shell
        .client()
        .await?
        .messages_before(&channel, before, limit.min(500))
        .await
        .map_err(ui)
}

#[tauri::command]
pub async fn send(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    body: String,
) -> Result<i64, UiError> {
    shell.client().await?.send(&channel, &body).map_err(ui)
}

#[tauri::command]
pub async fn open_channel(
    shell: State<'_, Shell>,
    channel: Option<ChannelSid>,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .open_channel(channel.as_deref())
        .map_err(ui)
}

#[tauri::command]
pub async fn status(shell: State<'_, Shell>) -> Result<ConnectionState, UiError> {
    Ok(shell.client().await?.connection_state())
}

#[tauri::command]
pub async fn messages_after(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    after: i64,
    limit: u32,
) -> Result<Vec<MessageView>, UiError> {
    shell
        .client()
        .await?
        .messages_after(&channel, after, limit.min(500))
        .map_err(ui)
}

#[tauri::command]
pub async fn mark_read(shell: State<'_, Shell>, channel: ChannelSid) -> Result<(), UiError> {
    shell.client().await?.mark_read(&channel).map_err(ui)
}

#[tauri::command]
pub async fn do_not_disturb(shell: State<'_, Shell>) -> Result<bool, UiError> {
    Ok(shell.client().await?.do_not_disturb())
}

/// Sends `body` as a reply to message `to`, quoting it.
#[tauri::command]
pub async fn reply(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    to: MessageSid,
    body: String,
) -> Result<i64, UiError> {
    shell
        .client()
        .await?
        .reply(&channel, &to, &body)
        .map_err(ui)
}

/// The direct conversation with `people` (the one there is, or a new one).
#[tauri::command]
pub async fn open_direct(
    shell: State<'_, Shell>,
    people: Vec<String>,
) -> Result<ChannelSid, UiError> {
    shell.client().await?.open_direct(&people).await.map_err(ui)
}

/// Pins or unpins message `sid` (the channel role decides who may).
#[tauri::command]
pub async fn set_pinned(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    sid: MessageSid,
    pinned: bool,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .set_pinned(&channel, &sid, pinned)
        .await
        .map_err(ui)
}

/// The pinned messages of `channel`.
#[tauri::command]
pub async fn pinned(
    shell: State<'_, Shell>,
    channel: ChannelSid,
) -> Result<Vec<MessageView>, UiError> {
    shell.client().await?.pinned(&channel).map_err(ui)
}

/// Saves message `sid` for later, or forgets it.
#[tauri::command]
pub async fn set_saved(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    sid: MessageSid,
    saved: bool,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .set_saved(&channel, &sid, saved)
        .await
        .map_err(ui)
}

/// The user's saved messages, newest first.
#[tauri::command]
pub async fn saved(shell: State<'_, Shell>) -> Result<Vec<MessageView>, UiError> {
    shell.client().await?.saved().map_err(ui)
}

/// Where message `sid` is in the cache (its index), to jump to it.
#[tauri::command]
pub async fn locate(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    sid: MessageSid,
) -> Result<Option<i64>, UiError> {
    shell.client().await?.locate(&channel, &sid).map_err(ui)
}

/// Adds the user's `emoji` reaction to message `to`.
#[tauri::command]
pub async fn react(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    to: MessageSid,
    emoji: String,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .react(&channel, &to, &emoji)
        .map_err(ui)
}

/// Takes the user's `emoji` reaction off message `to`.
#[tauri::command]
pub async fn unreact(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    to: MessageSid,
    emoji: String,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .unreact(&channel, &to, &emoji)
        .map_err(ui)
}

#[tauri::command]
pub async fn edit(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    sid: MessageSid,
    body: String,
) -> Result<i64, UiError> {
    shell
        .client()
        .await?
        .edit(&channel, &sid, &body)
        .map_err(ui)
}

#[tauri::command]
pub async fn remove(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    sid: MessageSid,
) -> Result<i64, UiError> {
    shell.client().await?.delete(&channel, &sid).map_err(ui)
}

#[tauri::command]
pub async fn retry(shell: State<'_, Shell>, outbox_id: i64) -> Result<bool, UiError> {
    shell.client().await?.retry(outbox_id).map_err(ui)
}

#[tauri::command]
pub async fn discard(shell: State<'_, Shell>, outbox_id: i64) -> Result<bool, UiError> {
    shell.client().await?.discard(outbox_id).map_err(ui)
}

#[tauri::command]
pub async fn typing(shell: State<'_, Shell>, channel: ChannelSid) -> Result<(), UiError> {
    shell.client().await?.typing(&channel);
    Ok(())
}

#[tauri::command]
pub async fn typing_in(
    shell: State<'_, Shell>,
    channel: ChannelSid,
) -> Result<Vec<String>, UiError> {
    Ok(shell.client().await?.typing_in(&channel))
}

#[tauri::command]
pub async fn draft(
    shell: State<'_, Shell>,
    channel: ChannelSid,
) -> Result<Option<String>, UiError> {
    shell.client().await?.draft(&channel).map_err(ui)
}

#[tauri::command]
pub async fn set_draft(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    body: String,
) -> Result<(), UiError> {
    shell.client().await?.set_draft(&channel, &body).map_err(ui)
}

#[tauri::command]
pub async fn search(
    shell: State<'_, Shell>,
    query: String,
    channel: Option<ChannelSid>,
) -> Result<Vec<SearchHit>, UiError> {
    shell
        .client()
        .await?
        .search(&query, channel.as_deref())
        .map_err(ui)
}

/// The filters a search query holds (`from:bob`, `has:file`, …), for the
/// window to show as chips.
#[tauri::command]
pub fn search_filters(query: String) -> Vec<SearchFilter> {
    parley_client::cache::search_query::parse(&query).filters
}

/// The members of a channel with read horizons and presence.
#[tauri::command]
pub async fn members(
    shell: State<'_, Shell>,
    channel: ChannelSid,
) -> Result<Vec<MemberView>, UiError> {
    shell.client().await?.members(&channel).map_err(ui)
}

#[tauri::command]
pub async fn public_channels(shell: State<'_, Shell>) -> Result<Vec<ChannelSummary>, UiError> {
    shell.client().await?.public_channels().map_err(ui)
}

#[tauri::command]
pub async fn join(shell: State<'_, Shell>, channel: ChannelSid) -> Result<(), UiError> {
    shell.client().await?.join(&channel).await.map_err(ui)
}

#[tauri::command]
pub async fn leave(shell: State<'_, Shell>, channel: ChannelSid) -> Result<(), UiError> {
    shell.client().await?.leave(&channel).await.map_err(ui)
}

#[tauri::command]
pub async fn create_channel(
    shell: State<'_, Shell>,
    name: String,
    unique_name: Option<String>,
    private: bool,
) -> Result<ChannelSid, UiError> {
    let unique = unique_name.filter(|u| !u.trim().is_empty());
    shell
        .client()
        .await?
        .create_channel(&name, unique.as_deref(), private)
        .await
        .map_err(ui)
}

#[tauri::command]
pub async fn invite(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    identity: String,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .invite(&channel, &identity)
        .await
        .map_err(ui)
}

#[tauri::command]
pub async fn accept_invite(shell: State<'_, Shell>, channel: ChannelSid) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .accept_invite(&channel)
        .await
        .map_err(ui)
}

#[tauri::command]
pub async fn decline_invite(shell: State<'_, Shell>, channel: ChannelSid) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .decline_invite(&channel)
        .await
        .map_err(ui)
}

#[tauri::command]
pub async fn set_notify_level(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    level: NotifyPolicy,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .set_notify_level(&channel, level)
        .await
        .map_err(ui)
}

#[tauri::command]
pub async fn set_do_not_disturb(shell: State<'_, Shell>, on: bool) -> Result<(), UiError> {
    shell.client().await?.set_do_not_disturb(on).map_err(ui)
}

#[tauri::command]
pub async fn mark_unread_from(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    index: i64,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .mark_unread_from(&channel, index)
        .map_err(ui)
}

/// What the user may do in a channel (to offer only what will work).
#[tauri::command]
pub async fn permissions(
    shell: State<'_, Shell>,
    channel: ChannelSid,
) -> Result<Vec<String>, UiError> {
    shell.client().await?.permissions(&channel).map_err(ui)
}

#[tauri::command]
pub async fn remove_member(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    identity: String,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .remove_member(&channel, &identity)
        .await
        .map_err(ui)
}

/// The user's status line, as cached.
#[tauri::command]
pub async fn status_text(shell: State<'_, Shell>) -> Result<Option<String>, UiError> {
    shell.client().await?.status().map_err(ui)
}

/// Sets (or, with none, clears) the user's status line.
#[tauri::command]
pub async fn set_status_text(
    shell: State<'_, Shell>,
    status: Option<String>,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .set_status(status.as_deref())
        .await
        .map_err(ui)
}
