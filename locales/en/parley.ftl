# Parley's words in English: the catalog every other language follows.
# The window, the tray, notifications and errors all read this file (Fluent
# syntax: https://projectfluent.org/fluent/guide/). A message missing from
# another catalog fails `make test`.

# The language's own name, as the language picker shows it.
language-name = English

## Tray

tray-show = Show Parley
tray-do-not-disturb = Do not disturb
tray-quit = Quit
# The tray icon's tooltip.
tray-tooltip = { $count ->
    [0] Parley
    [one] Parley — { $count } unread message
   *[other] Parley — { $count } unread messages
}

## Notifications
# Defaults for services without templates of their own. $user, $channel and
# $message stand for the sender, the channel and the text.

notify-new-message = { $user }: { $message }
notify-added-to-channel = You were added to { $channel } by { $user }
notify-invited-to-channel = { $user } invited you to { $channel }
notify-removed-from-channel = You were removed from { $channel }
# One notification standing for many, after a long time offline.
notify-storm = { $channels ->
    [one] { $count } new notifications in one channel
   *[other] { $count } new notifications in { $channels } channels
}
# The button on a notification.
notify-open = Open

## Errors
# What went wrong, as the window says it. $detail is the underlying reason in
# the words of whatever failed (the network, the OS), not translated.

error-unreachable = Can't reach the server: { $detail }.
error-not-parley = This does not look like a Parley server: { $detail }.
error-unauthorized = { $detail }.
error-wrong-credentials = Invalid username or password.
error-api = The server refused: { $message } (error { $code }).
error-api-20429 = Too many attempts. Wait a moment and try again.
error-api-50107 = You don't have permission to do that here.
error-api-50400 = You're not a member of this channel.
error-cache = Local cache: { $detail }.
error-secrets = Secret store: { $detail }.
error-not-signed-in = You're not signed in.
error-not-found = { $what } was not found.
error-invalid = { $detail }.
error-cancelled = Cancelled.

## Refusals
# Input the app refuses before anything is sent.

refusal-missing-credentials = Enter a username and a password.
refusal-not-http-url = “{ $url }” is not an http:// or https:// address.
refusal-empty-message = The message is empty.
refusal-message-too-long = The message is longer than { $max } KiB.
refusal-no-such-channel = There is no such channel.
refusal-no-such-message = That message is not here (deleted, or not loaded yet).
refusal-not-an-emoji = A reaction is one emoji.
refusal-unreadable = Can't read { $file }: { $detail }.
refusal-not-a-file = { $file } is not a file.
refusal-file-too-big = { $file } is { $size } MB; the server takes files up to { $max } MB.
refusal-empty-file = { $file } is empty.
refusal-no-file = The message has no file.
refusal-not-sent-yet = The file is not sent yet.
refusal-paste-not-bytes = The pasted file did not arrive.
refusal-no-channel-for-paste = Open a channel before pasting a file.
refusal-cannot-save = Can't save to { $file }: { $detail }.
refusal-link-not-allowed = Only web and mail links open from messages.
refusal-cannot-open-link = Can't open the link: { $detail }.
refusal-unknown-language = Parley does not speak “{ $tag }”.
refusal-direct-size = A direct conversation is for 2 to { $max } people.
refusal-too-many-pins = A channel holds at most { $max } pins: unpin one first.
refusal-status-too-long = A status is one line of at most { $max } characters.

## Sign-in
# The sign-in screen. "Parley" (the heading) is the app's name, not translated.

signin-server = Server
signin-username = Username
signin-password = Password
signin-remember = Keep me signed in
signin-submit = Sign in
# A toast when the server ends the session (the password changed, an admin
# signed the user out).
session-expired = Your session ended: sign in again.
# Shown once when "Keep me signed in" was asked for and no secret store took
# the session. $why is the secret store's answer, in its own words.
session-not-kept = Parley can't keep you signed in on this computer, because no secret store (such as GNOME Keyring or KWallet) answered: { $why }. You stay signed in until you quit; next time Parley will ask for your password.
session-not-kept-close = OK

## Sidebar

sidebar-do-not-disturb = DND
    .title = Do not disturb: no notifications
sidebar-sign-out = Sign out
# The button that opens the channel switcher; the shortcut key follows it.
sidebar-jump = Jump to…
sidebar-channels = Channels
sidebar-invitations = Invitations
sidebar-browse = Browse channels
sidebar-new-channel = New channel
# The unread badge of a channel, for screen readers.
sidebar-unread = { $count ->
    [one] { $count } unread message
   *[other] { $count } unread messages
}
# A channel's last message under its name. $author wrote it.
sidebar-preview = { $author }: { $text }
sidebar-preview-deleted = { $author }: message deleted
sidebar-preview-file = { $author }: File: { $file }
sidebar-accept = Accept
sidebar-decline = Decline

## Connection
# The sidebar's footer. $state is one of the three states above it; $time a
# time of day.

status-online = Online
status-connecting = Connecting…
status-offline = Offline
status-synced-just-now = { $state } · last synced just now
status-synced-minutes = { $state } · last synced { $minutes } min ago
status-synced-at = { $state } · last synced { $time }

## Conversation

conversation-search = Search messages
conversation-members = Members
conversation-settings = Settings
conversation-latest = Jump to latest ↓
conversation-attach = Attach files
conversation-composer = Write a message (Enter sends, Shift+Enter for a new line)
# Who else is typing in the open channel.
typing-one = { $name } is typing…
typing-two = { $first } and { $second } are typing…
typing-many = Several people are typing…
# A file dropped on the window, before it is sent. $files lists them, each
# as drop-file.
drop-question = Send { $files } to #{ $channel }?
drop-file = { $name } ({ $size })
drop-send = Send
cancel = Cancel
close = Close

## Timeline

day-today = Today
day-yesterday = Yesterday
timeline-new-messages = New messages
message-deleted = This message was deleted
message-edited = (edited)
# A message the server refused. $error is why, as the server put it.
message-not-sent = Not sent: { $error }
message-unknown-error = unknown error
message-retry = Retry
message-discard = Discard
message-sending = Sending…
message-edit = Edit
message-delete = Delete
message-delete-question = Delete this message for everyone?
message-mark-unread = Unread
    .title = Mark unread from here
message-actions = Message actions
# Who has read up to this message; $names is a list of people.
message-seen-by = Seen by { $names }
message-editor = Edit message
message-editor-hint = Enter to save · Esc to cancel
# A file without a name of its own.
file-unnamed = file
file-download = Download
file-save = Save…
file-progress = Transfer progress
file-progress-done = { $done } of { $total }
# A file that could not be fetched: its name and why.
file-failed = { $file }: { $error }

## Members

members-title = Members ({ $count })
# A member with a display name: it, and the username.
members-name = { $name } ({ $identity })
# The signed-in user in the list.
members-you = { $name } — you
members-online = online
members-offline = offline
members-presence-unknown = presence not tracked on this server
members-remove = Remove
members-remove-question = Remove { $identity } from this channel?
members-invite-placeholder = Invite by username
members-invite = Invite
members-invited = Invited { $identity }
members-leave = Leave channel
members-leave-question = Leave this channel?
members-leave-action = Leave

## Settings

settings-title = Channel settings
settings-app-title = Settings
settings-name = Name
settings-unique-name = Unique name
settings-type = Type
settings-type-public = Public
settings-type-private = Private
settings-members = Members
settings-attributes = Attributes
settings-notifications = Notifications
settings-notify-all = All messages
settings-notify-mentions = Mentions only
settings-notify-muted = Muted
settings-mark-read = Mark all read
settings-language = Language
# The first choice of the language picker: whatever the system's language is.
settings-language-system = System default

## Search

search-results = { $count ->
    [0] No results
    [one] { $count } result
   *[other] { $count } results
}

## Channels
# The channel switcher, the public channel browser and the new channel form.

switcher-placeholder = Jump to a channel
browser-title = Public channels
browser-empty = No other public channels
browser-members = { $count ->
    [one] { $count } member
   *[other] { $count } members
}
browser-join = Join
creator-title = New channel
creator-name = Name
creator-unique-name = Unique name (optional)
creator-private = Private (invited members only)
creator-submit = Create

## Questions

ask-ok = OK

## Formatting
# The composer's formatting toolbar: each button's name, and as its tooltip
# the name with its shortcut where it has one.

format-toolbar = Formatting
format-bold = Bold
    .title = Bold (Ctrl+B)
format-italic = Italic
    .title = Italic (Ctrl+I)
format-strike = Strikethrough
    .title = Strikethrough (Ctrl+Shift+X)
format-code = Code
    .title = Code (Ctrl+E)
format-code-block = Code block
format-quote = Quote
format-list = Bulleted list
format-link = Link
# The button on a code block in a message, and what it says for a moment
# once the code is on the clipboard.
format-copy = Copy
    .title = Copy the code
format-copied = Copied

## Reactions
# A message's reactions: a chip per emoji with how many reacted; its label
# and tooltip say who ($names, a list, "You" among them) reacted with
# $emoji. The picker's groups are emojibase's.

reaction-list = Reactions
reaction-you = You
reaction-others = { $count ->
    [one] { $count } other
   *[other] { $count } others
}
reaction-who = { $names } reacted with { $emoji }
reaction-add = Add reaction
reaction-quick = React with { $emoji }
emoji-picker = Choose an emoji
emoji-search = Search emoji
emoji-groups = Emoji categories
emoji-loading = Loading emoji…
emoji-load-failed = The emoji could not be loaded.
emoji-recent = Recently used
emoji-results = Search results
emoji-none = No emoji found
emoji-group-smileys = Smileys & emotion
emoji-group-people = People & body
emoji-group-nature = Animals & nature
emoji-group-food = Food & drink
emoji-group-travel = Travel & places
emoji-group-activities = Activities
emoji-group-objects = Objects
emoji-group-symbols = Symbols
emoji-group-flags = Flags

## Replies
# The bar above the composer while it answers a message, and the quote of
# the original above a reply. $author wrote the original, which began with
# $excerpt.

reply-action = Reply
reply-to = Replying to { $author }
reply-cancel = Cancel reply
reply-quote = In reply to { $author }: { $excerpt }
reply-jump = Go to the original message
reply-original-missing = The original message is not available

## Mentions
# The list the composer offers after "@", and the sidebar's mention badge
# ("@2"), for screen readers.

mention-list = Mention someone
mention-everyone = Everyone in this channel
sidebar-mentions = { $count ->
    [one] { $count } unread message mentions you
   *[other] { $count } unread messages mention you
}

## Direct messages
# The sidebar's list of direct conversations (titled by the other people),
# the dialog that starts one, and the members panel's button for it.

directs-title = Direct messages
directs-new = New direct message
directs-people = People (usernames, separated by commas or spaces)
directs-start = Start
directs-no-people = Name at least one person.
directs-message = Message

## Pins
# A message's Pin / Unpin action, the marker on a pinned message, and the
# panel listing a channel's pinned messages.

pin-action = Pin
unpin-action = Unpin
pin-marker = Pinned
pins-toggle = Pinned
pins-title = Pinned messages
pins-empty = No pinned messages

## Saved
# A message's Save / Unsave action and the panel of the user's saved messages.

save-action = Save
unsave-action = Unsave
saved-toggle = Saved
saved-title = Saved messages
saved-empty = No saved messages

## Search filters
# The chips under the search box, one per filter typed ($filter is it, as
# key:value), and the hint in the search results. The filter words
# themselves (from:, in:, has:file…) are typed as they are, in every language.

search-filters = Filters
search-filter-remove = Remove filter { $filter }
search-filters-hint = Filters: from:name in:channel before:date after:date has:file has:link is:pinned

## Lightbox
# The picture viewer (lightbox.ts): a picture of the timeline shown large,
# with its caption, zoom, Save… and the previous and next picture. The keys
# in the titles (←, →, +, −, 0, Esc) are the keys themselves.

# The picture in a message, a button that opens the viewer; $file is its name.
lightbox-open = Open picture { $file }
lightbox-title = Picture viewer
lightbox-previous = Previous picture
    .title = Previous picture (←)
lightbox-next = Next picture
    .title = Next picture (→)
lightbox-zoom-in = Zoom in
    .title = Zoom in (+)
lightbox-zoom-out = Zoom out
    .title = Zoom out (−)
lightbox-zoom-level = Zoom
lightbox-fit = Fit
    .title = Fit to window (0)
lightbox-close = Close
    .title = Close (Esc)
# Where the picture is among the channel's pictures loaded: "3 / 7".
lightbox-counter = { $position } / { $total }
# Who sent the picture and when: $day is "Today", "Yesterday" or a date, $time the time of day.
lightbox-sent = { $author } · { $day } at { $time }
lightbox-load-failed = This picture could not be shown.

## Shortcuts and theme
# The keyboard shortcut sheet (Ctrl+/ or the header's button) and the theme
# setting. Key names (Ctrl, Shift, Enter, Esc, Tab…) are the keyboard's and
# are not translated; $keys is the sheet's own shortcut, as "Ctrl+/" or "⌘/".

shortcuts-title = Keyboard shortcuts
shortcuts-button = Keyboard shortcuts ({ $keys })
# Between two keys that do the same: "Enter or Tab".
shortcuts-or = or
shortcuts-navigation = Navigation
shortcuts-composer = Composer
shortcuts-messages = Messages
shortcuts-dialogs = Dialogs
shortcuts-switcher = Jump to a channel
shortcuts-sheet = Show keyboard shortcuts
shortcuts-search = Search messages (in the search box)
shortcuts-escape = Close the side panel, or clear the search
shortcuts-send = Send the message
shortcuts-newline = New line
shortcuts-edit-last = Edit your last message (in an empty composer)
shortcuts-cancel-reply = Cancel the reply
shortcuts-mention = Mention someone
shortcuts-mention-choose = Choose a name in the mention list
shortcuts-mention-pick = Put in the chosen name
shortcuts-mention-close = Close the mention list
shortcuts-actions = Reach a message's actions
shortcuts-edit-save = Save the edit
shortcuts-edit-cancel = Cancel the edit
shortcuts-kept-open = Show a pinned or saved message (in the side panel)
shortcuts-dialog-choose = Choose in the channel switcher or the emoji picker
shortcuts-emoji-move = Move among the emoji
shortcuts-dialog-pick = Open the chosen channel, or pick the chosen emoji
shortcuts-dialog-close = Close the dialog
shortcuts-pictures = Picture viewer
shortcuts-picture-open = Open a picture in the viewer
shortcuts-picture-step = Previous or next picture
shortcuts-picture-ends = First or last picture
shortcuts-picture-zoom = Zoom in or out
shortcuts-picture-fit = Fit the picture to the window
settings-theme = Theme
settings-theme-system = System
settings-theme-light = Light
settings-theme-dark = Dark

## Threads
# A thread: replies to a message kept beside the conversation (the side
# panel), not in it. Under the message that started one: how many replies,
# how many the user has not read, when the last came ($day is "Today",
# "Yesterday" or a date; $time the time of day), and who replied ($names).

thread-action = Reply in thread
thread-title = Thread
thread-replies =
    { $count ->
        [one] { $count } reply
       *[other] { $count } replies
    }
thread-unread = { $count } new
thread-last = last reply: { $day }, { $time }
thread-people = Replies from { $names }
thread-composer = Reply in the thread…
thread-missing = The message this thread began with is not here (deleted, or not loaded yet).

## Status
# The user's status line in Settings, shown to everyone next to their name.

settings-status = Your status
settings-status-placeholder = What are you up to?
settings-status-save = Set
settings-status-clear = Clear
