/**
 * Every string the console shows, in English and Traditional Chinese
 * (zh-TW), and the number/date formatting (Intl) for the chosen language.
 * The default follows navigator.languages (any zh-Hant, zh-TW, zh-HK or
 * zh-MO → zh-TW); the operator's choice from the visible switch is kept in
 * localStorage. `en` is the reference dictionary: the type of `zhTW` makes
 * a missing key a compile error, and a unit test checks it as well.
 */
import { h, uid } from "./dom";

const en = {
  "app.title": "Parley console",
  "lang.label": "Language",
  "lang.en": "English",
  "lang.zhTW": "繁體中文",

  "nav.dashboard": "Dashboard",
  "nav.usage": "Usage",
  "nav.services": "Services",
  "nav.users": "Users",
  "nav.roles": "Roles",
  "nav.channels": "Channels",
  "nav.push": "Push",
  "nav.webhooks": "Webhooks",
  "nav.audit": "Audit log",
  "nav.health": "Health",

  "shell.skip": "Skip to content",
  "shell.sections": "Sections",
  "shell.service": "Service",
  "shell.noServices": "No services yet",
  "shell.signOut": "Sign out",
  "shell.signedInAs": "Signed in as {sid}",

  "signin.title": "Sign in",
  "signin.sid": "Account SID or API key SID",
  "signin.secret": "Auth token or key secret",
  "signin.submit": "Sign in",
  "signin.missing": "Enter both the SID and the token or secret.",
  "signin.expired": "Your session ended. Sign in again.",

  "error.withCode": "{message} (error {code})",
  "error.status": "The server answered with status {status}.",
  "error.network": "The server could not be reached.",

  "confirm.typeToConfirm": "To confirm, type",
  "confirm.secret": "Copy it now",

  "common.cancel": "Cancel",
  "common.close": "Close",
  "common.save": "Save",
  "common.saved": "Saved.",
  "common.deleted": "Deleted.",
  "common.delete": "Delete",
  "common.edit": "Edit",
  "common.search": "Search",
  "common.loading": "Loading…",
  "common.next": "Next",
  "common.previous": "Previous",
  "common.page": "Page {n}",
  "common.friendlyName": "Friendly name",
  "common.sid": "SID",
  "common.created": "Created",
  "common.updated": "Updated",
  "common.actions": "Actions",
  "common.attributes": "Attributes (JSON)",
  "common.badJson": "The attributes are not valid JSON.",
  "common.type": "Type",
  "common.status": "Status",
  "common.time": "Time",
  "common.details": "Details",
  "common.yes": "Yes",
  "common.no": "No",
  "common.defaultRole": "The service's default",
  "common.noService": "Choose a service in the header, or create one on the dashboard:",
  "common.nothingChanged": "Nothing changed.",

  "dash.glance": "At a glance",
  "dash.account": "Account",
  "dash.accountSid": "Account SID",
  "dash.authToken": "Auth token",
  "dash.reveal": "Reveal",
  "dash.hide": "Hide",
  "dash.rotate": "Rotate auth token",
  "dash.rotateWarning": "The current auth token stops working at once, for every app and script that uses it, and other console sessions of the account end.",
  "dash.rotated": "The auth token was rotated.",
  "dash.newToken": "New auth token",
  "dash.newTokenOnce": "This is the only time the console shows the new token without Reveal. Update your apps with it.",
  "dash.keys": "API keys",
  "dash.noKeys": "No API keys.",
  "dash.newKey": "New API key",
  "dash.createKey": "Create key",
  "dash.keyCreated": "The API key was created.",
  "dash.keySecret": "API key secret",
  "dash.keySecretOnce": "The secret of {sid} is shown this once. Store it now.",
  "dash.revoke": "Revoke",
  "dash.revokeKey": "Revoke key {sid}",
  "dash.revokeTitle": "Revoke API key",
  "dash.revokeWarning": "{sid} and every access token it signed stop working at once.",
  "dash.revoked": "The key was revoked.",
  "dash.services": "Services",
  "dash.noServices": "No services yet.",
  "dash.open": "Open",
  "dash.openService": "Open {name}",
  "dash.newService": "New service",
  "dash.createService": "Create service",
  "dash.serviceCreated": "The service was created.",

  "usage.from": "From",
  "usage.to": "To",
  "usage.show": "Show",
  "usage.chartLabel": "Chart of messages, active users, users, channels and media bytes per day from {from} to {to}; the table below has the same numbers.",
  "usage.tableCaption": "Usage per day",
  "usage.csv": "Download CSV",
  "usage.date": "Date",
  "usage.messages": "Messages",
  "usage.activeUsers": "Active users",
  "usage.users": "Users",
  "usage.newUsers": "New users",
  "usage.channels": "Channels",
  "usage.newChannels": "New channels",
  "usage.mediaBytes": "Media",
  "usage.count": "Count",
  "usage.none": "No days in this period.",
  "usage.messagesToday": "Messages today in {service}",
  "usage.activeToday": "Active users today",

  "svc.general": "General",
  "svc.readStatus": "Read status enabled",
  "svc.reachability": "Reachability (online status) enabled",
  "svc.typingTimeout": "Typing indicator timeout (seconds)",
  "svc.consumptionInterval": "Consumption report interval (seconds)",
  "svc.deprecated": "Deprecated by Twilio; kept for older clients.",
  "svc.roles": "Default roles",
  "svc.defaultServiceRole": "Default service role",
  "svc.defaultChannelRole": "Default channel role",
  "svc.defaultCreatorRole": "Default channel creator role",
  "svc.limits": "Limits",
  "svc.channelMembers": "Members per channel",
  "svc.userChannels": "Channels per user",
  "svc.channelAps": "Channel actions per second",
  "svc.serviceAps": "Service actions per second",
  "svc.apsHint": "0 is unlimited; empty returns to the server's default.",
  "svc.media": "Media",
  "svc.compatMessage": "Compatibility message for media messages",
  "svc.webhooks": "Pre-event webhook",
  "svc.failOpen": "Let changes through when the pre-event webhook is down",
  "svc.mediaLimit": "Media size limit",
  "svc.mb": "{n} MB",
  "svc.danger": "Danger zone",
  "svc.delete": "Delete service",
  "svc.deleteHint": "Deletes the service with all its users, channels, messages and media.",
  "svc.deleteWarning": "The service {name} and everything in it will be deleted for good.",

  "users.find": "Find users",
  "users.searchLabel": "Identity or friendly name contains",
  "users.caption": "Users",
  "users.identity": "Identity",
  "users.role": "Role",
  "users.lastActivity": "Last activity",
  "users.never": "Never",
  "users.none": "No users found.",
  "users.paging": "Pages of users",
  "users.select": "Select {identity}",
  "users.selectAll": "Select all on this page",
  "users.selected": "{n} selected",
  "users.selectFirst": "Select users first.",
  "users.bulk": "With the selected users",
  "users.newRole": "New role",
  "users.changeRole": "Change role",
  "users.rolesChanged": "The roles were changed.",
  "users.deleteSelected": "Delete selected",
  "users.bulkDeleteWarning": "{n} users and their memberships will be deleted.",
  "users.create": "Create a user",
  "users.createButton": "Create user",
  "users.created": "The user {identity} was created.",
  "users.passwordOptional": "Password (optional)",
  "users.passwordHint": "Lets the user sign in to the desktop app.",
  "users.back": "← All users",
  "users.joined": "Channels joined",
  "users.online": "Online",
  "users.password": "Password and sessions",
  "users.newPassword": "New password",
  "users.setPassword": "Set password",
  "users.passwordSet": "The password was set.",
  "users.passwordEmpty": "Enter a password first.",
  "users.signOutEverywhere": "Sign out everywhere",
  "users.signedOut": "The user was signed out everywhere.",
  "users.delete": "Delete user",
  "users.deleteWarning": "The user {identity} will be deleted and removed from every channel.",
  "users.channels": "Channels",
  "users.noChannels": "Not in any channel.",
  "users.unread": "Unread",
  "users.notifications": "Notifications",
  "users.bindings": "Push bindings",
  "users.noBindings": "No push bindings.",
  "users.endpoint": "Endpoint",

  "roles.deployment": "Service roles",
  "roles.channel": "Channel roles",
  "roles.deploymentCaption": "Permissions of service (deployment) roles",
  "roles.channelCaption": "Permissions of channel roles",
  "roles.permission": "Permission",
  "roles.cell": "{permission} for {role}",
  "roles.save": "Save {name}",
  "roles.saved": "The role was saved.",
  "roles.delete": "Delete {name}",
  "roles.deleteTitle": "Delete role",
  "roles.deleteWarning": "The role {name} will be deleted.",
  "roles.isDefault": "{name} is one of the service's default roles; choose another default on the Services page first.",
  "roles.inUse": "{name} is still held by {n} user(s) ({names}); give them another role first.",
  "roles.none": "No roles of this type.",
  "roles.create": "Create a role",
  "roles.createButton": "Create role",
  "roles.created": "The role was created.",
  "roles.permissions": "Permissions",
  "roles.typeDeployment": "Service (deployment)",
  "roles.typeChannel": "Channel",

  "channels.list": "Channels",
  "channels.caption": "Channels",
  "channels.typeFilter": "Type",
  "channels.allTypes": "Public and private",
  "channels.public": "Public",
  "channels.private": "Private",
  "channels.searchLabel": "Name contains",
  "channels.searchHint": "Searches the page shown.",
  "channels.uniqueName": "Unique name",
  "channels.members": "Members",
  "channels.messages": "Messages",
  "channels.none": "No channels.",
  "channels.paging": "Pages of channels",
  "channels.create": "Create a channel",
  "channels.createButton": "Create channel",
  "channels.created": "The channel was created.",
  "channels.back": "← All channels",
  "channels.createdBy": "Created by",
  "channels.channel": "Channel",
  "channels.memberRole": "Role of {identity}",
  "channels.changeRole": "Change",
  "channels.changeRoleOf": "Change the role of {identity}",
  "channels.horizon": "Read up to message",
  "channels.nothingRead": "Nothing read",
  "channels.lastRead": "Last read",
  "channels.removeMember": "Remove",
  "channels.removeOf": "Remove {identity}",
  "channels.removeWarning": "{identity} will be removed from the channel.",
  "channels.removed": "The member was removed.",
  "channels.noMembers": "No members.",
  "channels.addMember": "Add member",
  "channels.added": "The member was added.",
  "channels.history": "Messages, newest first",
  "channels.historyPaging": "Pages of messages",
  "channels.from": "From",
  "channels.body": "Message",
  "channels.edited": "(edited)",
  "channels.noMessages": "No messages.",
  "channels.deleteMessage": "Delete message",
  "channels.deleteMessageOf": "Delete message {index}",
  "channels.deleteMessageWarning": "Message {index} from {from} will be deleted for everyone.",
  "channels.messageDeleted": "The message was deleted.",
  "channels.export": "Export JSON",
  "channels.exported": "The messages were exported.",
  "channels.delete": "Delete channel",
  "channels.deleteWarning": "The channel {name} and all its messages will be deleted.",

  "push.settings": "Notifications",
  "push.newMessage": "New message",
  "push.addedToChannel": "Added to a channel",
  "push.invitedToChannel": "Invited to a channel",
  "push.removedFromChannel": "Removed from a channel",
  "push.enabled": "Enabled",
  "push.template": "Template",
  "push.templateHint": "Variables: ${USER}, ${USER_FRIENDLY_NAME}, ${USER_IDENTITY}, ${CHANNEL}, ${CHANNEL_FRIENDLY_NAME}, ${CHANNEL_UNIQUE_NAME}, ${CHANNEL_SID}, ${MESSAGE}. Empty uses the default text.",
  "push.sound": "Sound",
  "push.badge": "Badge with the unread count",
  "push.log": "Push log",
  "push.logEnabled": "Log every push attempt",
  "push.preview": "Preview",
  "push.previewNote": "Shown as typed: the server fills in the variables when it sends (it has no preview endpoint yet), and cuts the text to 110 characters.",
  "push.defaultTemplate": "(the default text)",
  "push.credentials": "Push credentials",
  "push.noCredentials": "No credentials.",
  "push.credential": "Credential",
  "push.sandbox": "Sandbox (APNs development)",
  "push.failure": "Last refusal",
  "push.newCredential": "New credential",
  "push.createCredential": "Add credential",
  "push.credentialCreated": "The credential was added.",
  "push.updateCredential": "Update credential",
  "push.editCredential": "Edit {name}",
  "push.deleteCredential": "Delete credential",
  "push.deleteCredentialOf": "Delete {name}",
  "push.deleteCredentialWarning": "The credential {name} will be deleted; pushes that use it stop.",
  "push.certificate": "Certificate (PEM)",
  "push.privateKey": "Private key (PEM or .p8)",
  "push.fcmSecret": "Service account JSON",
  "push.apnKeyId": "APNs key ID",
  "push.apnTeamId": "APNs team ID",
  "push.apnTopic": "APNs topic (bundle ID)",
  "push.writeOnly": "Write-only: never shown again. Leave empty to keep the stored value.",
  "push.fromFile": "{what} from a file",

  "hooks.service": "Service webhooks",
  "hooks.preUrl": "Pre-event webhook URL",
  "hooks.postUrl": "Post-event webhook URL",
  "hooks.method": "Method",
  "hooks.filters": "Events",
  "hooks.preRetry": "Pre-event retries",
  "hooks.postRetry": "Post-event retries",
  "hooks.channel": "Channel webhooks",
  "hooks.channelCaption": "Webhooks of the channel",
  "hooks.url": "URL",
  "hooks.filtersOrTriggers": "Events or trigger words",
  "hooks.retries": "Retries",
  "hooks.none": "No webhooks on this channel.",
  "hooks.add": "Add webhook",
  "hooks.added": "The webhook was added.",
  "hooks.typeWebhook": "Webhook (events)",
  "hooks.typeTrigger": "Trigger (words)",
  "hooks.triggers": "Trigger words",
  "hooks.triggersHint": "Up to 5, separated by commas.",
  "hooks.deleteTitle": "Delete webhook",
  "hooks.deleteWarning": "The webhook to {url} will be deleted.",
  "hooks.deleteOf": "Delete webhook {sid}",
  "hooks.deliveries": "Recent deliveries",
  "hooks.deliveriesCaption": "Webhook and push deliveries, newest first",
  "hooks.deliveriesPaging": "Pages of deliveries",
  "hooks.noDeliveries": "No deliveries in the last 7 days.",
  "hooks.kind": "Kind",
  "hooks.allKinds": "All kinds",
  "hooks.kindWebhook": "Post-event webhook",
  "hooks.kindPre": "Pre-event webhook",
  "hooks.kindPush": "Push",
  "hooks.event": "Event",
  "hooks.target": "Target",
  "hooks.attempt": "Attempt",
  "hooks.detail": "What went wrong",

  "audit.entries": "Entries",
  "audit.caption": "Audit log, newest first",
  "audit.search": "Search",
  "audit.actor": "Actor",
  "audit.via": "Via",
  "audit.address": "Address",
  "audit.action": "Action",
  "audit.target": "Target",
  "audit.details": "Details",
  "audit.detailsOf": "Details of {action} at {time}",
  "audit.request": "Request",
  "audit.before": "Before",
  "audit.after": "After",
  "audit.none": "No entries.",
  "audit.paging": "Pages of the audit log",
  "audit.csv": "Export CSV",
  "audit.jsonl": "Export JSONL",

  "health.server": "Server",
  "health.refresh": "Refresh",
  "health.version": "Version",
  "health.uptime": "Uptime",
  "health.started": "Started",
  "health.dbKind": "Database",
  "health.dbSize": "Database size",
  "health.migration": "Schema",
  "health.migrationOf": "migration {n} of {total}",
  "health.sockets": "Open sockets",
  "health.feedHead": "Change feed head",
  "health.jobsQueued": "Jobs queued",
  "health.jobsDue": "Jobs due",
  "health.jobsFailing": "Jobs failing",
  "health.checkedAt": "Checked {time}.",
} as const;

export type Key = keyof typeof en;
export type Dictionary = Record<Key, string>;

const zhTW: Dictionary = {
  "app.title": "Parley 管理主控台",
  "lang.label": "語言",
  "lang.en": "English",
  "lang.zhTW": "繁體中文",

  "nav.dashboard": "儀表板",
  "nav.usage": "用量",
  "nav.services": "服務",
  "nav.users": "使用者",
  "nav.roles": "角色",
  "nav.channels": "頻道",
  "nav.push": "推播",
  "nav.webhooks": "Webhook",
  "nav.audit": "稽核紀錄",
  "nav.health": "健康狀態",

  "shell.skip": "跳到主要內容",
  "shell.sections": "功能區",
  "shell.service": "服務",
  "shell.noServices": "尚無服務",
  "shell.signOut": "登出",
  "shell.signedInAs": "已登入：{sid}",

  "signin.title": "登入",
  "signin.sid": "帳戶 SID（Account SID）或 API 金鑰 SID",
  "signin.secret": "驗證權杖（Auth token）或金鑰密碼",
  "signin.submit": "登入",
  "signin.missing": "請輸入 SID 以及權杖或密碼。",
  "signin.expired": "工作階段已結束，請重新登入。",

  "error.withCode": "{message}（錯誤 {code}）",
  "error.status": "伺服器回應狀態碼 {status}。",
  "error.network": "無法連線到伺服器。",

  "confirm.typeToConfirm": "請輸入以下文字以確認：",
  "confirm.secret": "請立即複製",

  "common.cancel": "取消",
  "common.close": "關閉",
  "common.save": "儲存",
  "common.saved": "已儲存。",
  "common.deleted": "已刪除。",
  "common.delete": "刪除",
  "common.edit": "編輯",
  "common.search": "搜尋",
  "common.loading": "載入中…",
  "common.next": "下一頁",
  "common.previous": "上一頁",
  "common.page": "第 {n} 頁",
  "common.friendlyName": "顯示名稱",
  "common.sid": "SID",
  "common.created": "建立時間",
  "common.updated": "更新時間",
  "common.actions": "操作",
  "common.attributes": "屬性（JSON）",
  "common.badJson": "屬性不是有效的 JSON。",
  "common.type": "類型",
  "common.status": "狀態",
  "common.time": "時間",
  "common.details": "詳細資料",
  "common.yes": "是",
  "common.no": "否",
  "common.defaultRole": "服務的預設角色",
  "common.noService": "請在頁首選擇服務，或在儀表板建立服務：",
  "common.nothingChanged": "沒有任何變更。",

  "dash.glance": "概覽",
  "dash.account": "帳戶",
  "dash.accountSid": "帳戶 SID",
  "dash.authToken": "驗證權杖",
  "dash.reveal": "顯示",
  "dash.hide": "隱藏",
  "dash.rotate": "更換驗證權杖",
  "dash.rotateWarning": "目前的驗證權杖會立即失效，所有使用它的應用程式與指令碼都會受影響，此帳戶的其他主控台工作階段也會結束。",
  "dash.rotated": "驗證權杖已更換。",
  "dash.newToken": "新的驗證權杖",
  "dash.newTokenOnce": "這是主控台唯一一次不需按「顯示」就顯示新權杖的時候，請用它更新您的應用程式。",
  "dash.keys": "API 金鑰",
  "dash.noKeys": "沒有 API 金鑰。",
  "dash.newKey": "新增 API 金鑰",
  "dash.createKey": "建立金鑰",
  "dash.keyCreated": "API 金鑰已建立。",
  "dash.keySecret": "API 金鑰密碼",
  "dash.keySecretOnce": "{sid} 的密碼只會顯示這一次，請立即保存。",
  "dash.revoke": "撤銷",
  "dash.revokeKey": "撤銷金鑰 {sid}",
  "dash.revokeTitle": "撤銷 API 金鑰",
  "dash.revokeWarning": "{sid} 以及它簽發的所有存取權杖將立即失效。",
  "dash.revoked": "金鑰已撤銷。",
  "dash.services": "服務",
  "dash.noServices": "尚無服務。",
  "dash.open": "開啟",
  "dash.openService": "開啟 {name}",
  "dash.newService": "新增服務",
  "dash.createService": "建立服務",
  "dash.serviceCreated": "服務已建立。",

  "usage.from": "開始日期",
  "usage.to": "結束日期",
  "usage.show": "顯示",
  "usage.chartLabel": "{from} 至 {to} 每日訊息、活躍使用者、使用者、頻道與媒體位元組的圖表；下方表格列出相同數字。",
  "usage.tableCaption": "每日用量",
  "usage.csv": "下載 CSV",
  "usage.date": "日期",
  "usage.messages": "訊息",
  "usage.activeUsers": "活躍使用者",
  "usage.users": "使用者",
  "usage.newUsers": "新使用者",
  "usage.channels": "頻道",
  "usage.newChannels": "新頻道",
  "usage.mediaBytes": "媒體",
  "usage.count": "數量",
  "usage.none": "此期間沒有資料。",
  "usage.messagesToday": "{service} 今日訊息",
  "usage.activeToday": "今日活躍使用者",

  "svc.general": "一般",
  "svc.readStatus": "啟用已讀狀態",
  "svc.reachability": "啟用上線狀態",
  "svc.typingTimeout": "輸入中提示逾時（秒）",
  "svc.consumptionInterval": "已讀回報間隔（秒）",
  "svc.deprecated": "Twilio 已不建議使用；為舊版用戶端保留。",
  "svc.roles": "預設角色",
  "svc.defaultServiceRole": "預設服務角色",
  "svc.defaultChannelRole": "預設頻道角色",
  "svc.defaultCreatorRole": "預設頻道建立者角色",
  "svc.limits": "限制",
  "svc.channelMembers": "每個頻道的成員數",
  "svc.userChannels": "每位使用者的頻道數",
  "svc.channelAps": "每秒頻道操作數",
  "svc.serviceAps": "每秒服務操作數",
  "svc.apsHint": "0 表示不限制；留空則使用伺服器預設值。",
  "svc.media": "媒體",
  "svc.compatMessage": "媒體訊息的相容文字",
  "svc.webhooks": "事件前 Webhook",
  "svc.failOpen": "事件前 Webhook 無法使用時仍允許變更",
  "svc.mediaLimit": "媒體大小上限",
  "svc.mb": "{n} MB",
  "svc.danger": "危險操作",
  "svc.delete": "刪除服務",
  "svc.deleteHint": "刪除服務及其所有使用者、頻道、訊息與媒體。",
  "svc.deleteWarning": "服務 {name} 及其中所有內容將被永久刪除。",

  "users.find": "尋找使用者",
  "users.searchLabel": "身分或顯示名稱包含",
  "users.caption": "使用者",
  "users.identity": "身分",
  "users.role": "角色",
  "users.lastActivity": "最後活動",
  "users.never": "從未",
  "users.none": "找不到使用者。",
  "users.paging": "使用者分頁",
  "users.select": "選取 {identity}",
  "users.selectAll": "選取本頁全部",
  "users.selected": "已選取 {n} 位",
  "users.selectFirst": "請先選取使用者。",
  "users.bulk": "對選取的使用者",
  "users.newRole": "新角色",
  "users.changeRole": "變更角色",
  "users.rolesChanged": "角色已變更。",
  "users.deleteSelected": "刪除選取項目",
  "users.bulkDeleteWarning": "將刪除 {n} 位使用者及其頻道成員資格。",
  "users.create": "建立使用者",
  "users.createButton": "建立使用者",
  "users.created": "使用者 {identity} 已建立。",
  "users.passwordOptional": "密碼（選填）",
  "users.passwordHint": "讓使用者可以登入桌面應用程式。",
  "users.back": "← 所有使用者",
  "users.joined": "已加入的頻道",
  "users.online": "上線",
  "users.password": "密碼與工作階段",
  "users.newPassword": "新密碼",
  "users.setPassword": "設定密碼",
  "users.passwordSet": "密碼已設定。",
  "users.passwordEmpty": "請先輸入密碼。",
  "users.signOutEverywhere": "從所有裝置登出",
  "users.signedOut": "使用者已從所有裝置登出。",
  "users.delete": "刪除使用者",
  "users.deleteWarning": "使用者 {identity} 將被刪除並從所有頻道移除。",
  "users.channels": "頻道",
  "users.noChannels": "未加入任何頻道。",
  "users.unread": "未讀",
  "users.notifications": "通知",
  "users.bindings": "推播綁定",
  "users.noBindings": "沒有推播綁定。",
  "users.endpoint": "端點",

  "roles.deployment": "服務角色",
  "roles.channel": "頻道角色",
  "roles.deploymentCaption": "服務（deployment）角色的權限",
  "roles.channelCaption": "頻道角色的權限",
  "roles.permission": "權限",
  "roles.cell": "{role} 的 {permission}",
  "roles.save": "儲存 {name}",
  "roles.saved": "角色已儲存。",
  "roles.delete": "刪除 {name}",
  "roles.deleteTitle": "刪除角色",
  "roles.deleteWarning": "角色 {name} 將被刪除。",
  "roles.isDefault": "{name} 是服務的預設角色之一；請先在「服務」頁面選擇其他預設角色。",
  "roles.inUse": "仍有 {n} 位使用者（{names}）持有 {name}；請先給他們其他角色。",
  "roles.none": "沒有此類型的角色。",
  "roles.create": "建立角色",
  "roles.createButton": "建立角色",
  "roles.created": "角色已建立。",
  "roles.permissions": "權限",
  "roles.typeDeployment": "服務（deployment）",
  "roles.typeChannel": "頻道",

  "channels.list": "頻道",
  "channels.caption": "頻道",
  "channels.typeFilter": "類型",
  "channels.allTypes": "公開與私人",
  "channels.public": "公開",
  "channels.private": "私人",
  "channels.searchLabel": "名稱包含",
  "channels.searchHint": "只搜尋目前顯示的這一頁。",
  "channels.uniqueName": "唯一名稱",
  "channels.members": "成員",
  "channels.messages": "訊息",
  "channels.none": "沒有頻道。",
  "channels.paging": "頻道分頁",
  "channels.create": "建立頻道",
  "channels.createButton": "建立頻道",
  "channels.created": "頻道已建立。",
  "channels.back": "← 所有頻道",
  "channels.createdBy": "建立者",
  "channels.channel": "頻道",
  "channels.memberRole": "{identity} 的角色",
  "channels.changeRole": "變更",
  "channels.changeRoleOf": "變更 {identity} 的角色",
  "channels.horizon": "已讀到訊息",
  "channels.nothingRead": "尚未閱讀",
  "channels.lastRead": "最後閱讀",
  "channels.removeMember": "移除",
  "channels.removeOf": "移除 {identity}",
  "channels.removeWarning": "{identity} 將被移出此頻道。",
  "channels.removed": "成員已移除。",
  "channels.noMembers": "沒有成員。",
  "channels.addMember": "新增成員",
  "channels.added": "成員已新增。",
  "channels.history": "訊息（由新到舊）",
  "channels.historyPaging": "訊息分頁",
  "channels.from": "寄件者",
  "channels.body": "訊息",
  "channels.edited": "（已編輯）",
  "channels.noMessages": "沒有訊息。",
  "channels.deleteMessage": "刪除訊息",
  "channels.deleteMessageOf": "刪除訊息 {index}",
  "channels.deleteMessageWarning": "{from} 的訊息 {index} 將為所有人刪除。",
  "channels.messageDeleted": "訊息已刪除。",
  "channels.export": "匯出 JSON",
  "channels.exported": "訊息已匯出。",
  "channels.delete": "刪除頻道",
  "channels.deleteWarning": "頻道 {name} 及其所有訊息將被刪除。",

  "push.settings": "通知",
  "push.newMessage": "新訊息",
  "push.addedToChannel": "被加入頻道",
  "push.invitedToChannel": "受邀加入頻道",
  "push.removedFromChannel": "被移出頻道",
  "push.enabled": "啟用",
  "push.template": "範本",
  "push.templateHint": "變數：${USER}、${USER_FRIENDLY_NAME}、${USER_IDENTITY}、${CHANNEL}、${CHANNEL_FRIENDLY_NAME}、${CHANNEL_UNIQUE_NAME}、${CHANNEL_SID}、${MESSAGE}。留空則使用預設文字。",
  "push.sound": "音效",
  "push.badge": "以未讀數量顯示徽章",
  "push.log": "推播紀錄",
  "push.logEnabled": "記錄每次推播嘗試",
  "push.preview": "預覽",
  "push.previewNote": "依輸入內容顯示：伺服器會在傳送時填入變數（目前尚無預覽端點），並將文字截至 110 個字元。",
  "push.defaultTemplate": "（預設文字）",
  "push.credentials": "推播憑證",
  "push.noCredentials": "沒有憑證。",
  "push.credential": "憑證",
  "push.sandbox": "沙箱（APNs 開發環境）",
  "push.failure": "最近一次被拒",
  "push.newCredential": "新增憑證",
  "push.createCredential": "新增憑證",
  "push.credentialCreated": "憑證已新增。",
  "push.updateCredential": "更新憑證",
  "push.editCredential": "編輯 {name}",
  "push.deleteCredential": "刪除憑證",
  "push.deleteCredentialOf": "刪除 {name}",
  "push.deleteCredentialWarning": "憑證 {name} 將被刪除；使用它的推播會停止。",
  "push.certificate": "憑證（PEM）",
  "push.privateKey": "私密金鑰（PEM 或 .p8）",
  "push.fcmSecret": "服務帳戶 JSON",
  "push.apnKeyId": "APNs 金鑰 ID",
  "push.apnTeamId": "APNs 團隊 ID",
  "push.apnTopic": "APNs 主題（套件 ID）",
  "push.writeOnly": "僅能寫入：不會再顯示。留空則保留已儲存的值。",
  "push.fromFile": "從檔案載入{what}",

  "hooks.service": "服務 Webhook",
  "hooks.preUrl": "事件前 Webhook 網址",
  "hooks.postUrl": "事件後 Webhook 網址",
  "hooks.method": "方法",
  "hooks.filters": "事件",
  "hooks.preRetry": "事件前重試次數",
  "hooks.postRetry": "事件後重試次數",
  "hooks.channel": "頻道 Webhook",
  "hooks.channelCaption": "頻道的 Webhook",
  "hooks.url": "網址",
  "hooks.filtersOrTriggers": "事件或觸發字詞",
  "hooks.retries": "重試次數",
  "hooks.none": "此頻道沒有 Webhook。",
  "hooks.add": "新增 Webhook",
  "hooks.added": "Webhook 已新增。",
  "hooks.typeWebhook": "Webhook（事件）",
  "hooks.typeTrigger": "觸發（字詞）",
  "hooks.triggers": "觸發字詞",
  "hooks.triggersHint": "最多 5 個，以逗號分隔。",
  "hooks.deleteTitle": "刪除 Webhook",
  "hooks.deleteWarning": "指向 {url} 的 Webhook 將被刪除。",
  "hooks.deleteOf": "刪除 Webhook {sid}",
  "hooks.deliveries": "最近的傳送",
  "hooks.deliveriesCaption": "Webhook 與推播傳送紀錄（由新到舊）",
  "hooks.deliveriesPaging": "傳送紀錄分頁",
  "hooks.noDeliveries": "過去 7 天沒有傳送紀錄。",
  "hooks.kind": "種類",
  "hooks.allKinds": "所有種類",
  "hooks.kindWebhook": "事件後 Webhook",
  "hooks.kindPre": "事件前 Webhook",
  "hooks.kindPush": "推播",
  "hooks.event": "事件",
  "hooks.target": "目標",
  "hooks.attempt": "嘗試",
  "hooks.detail": "錯誤原因",

  "audit.entries": "紀錄",
  "audit.caption": "稽核紀錄（由新到舊）",
  "audit.search": "搜尋",
  "audit.actor": "操作者",
  "audit.via": "方式",
  "audit.address": "位址",
  "audit.action": "動作",
  "audit.target": "對象",
  "audit.details": "詳細資料",
  "audit.detailsOf": "{time} 的 {action} 詳細資料",
  "audit.request": "請求",
  "audit.before": "變更前",
  "audit.after": "變更後",
  "audit.none": "沒有紀錄。",
  "audit.paging": "稽核紀錄分頁",
  "audit.csv": "匯出 CSV",
  "audit.jsonl": "匯出 JSONL",

  "health.server": "伺服器",
  "health.refresh": "重新整理",
  "health.version": "版本",
  "health.uptime": "運作時間",
  "health.started": "啟動時間",
  "health.dbKind": "資料庫",
  "health.dbSize": "資料庫大小",
  "health.migration": "結構描述",
  "health.migrationOf": "第 {n} 版，共 {total} 版",
  "health.sockets": "開啟的連線",
  "health.feedHead": "變更串流位置",
  "health.jobsQueued": "排隊中的工作",
  "health.jobsDue": "到期的工作",
  "health.jobsFailing": "失敗中的工作",
  "health.checkedAt": "檢查時間：{time}。",
};

export type Language = "en" | "zh-TW";
export const DICTIONARIES: Record<Language, Dictionary> = { en, "zh-TW": zhTW };
export const LANGUAGES: readonly Language[] = ["en", "zh-TW"];
const STORAGE_KEY = "parley.console.lang";

/** The language for a browser's preferences: zh-TW for any Traditional Chinese locale. */
export function languageFor(preferences: readonly string[]): Language {
  for (const raw of preferences) {
    const tag = raw.toLowerCase();
    if (/^zh-(hant|tw|hk|mo)\b/.test(tag)) return "zh-TW";
    if (tag === "en" || tag.startsWith("en-")) return "en";
    if (tag.startsWith("zh")) return "en"; // Simplified Chinese: no dictionary yet.
  }
  return "en";
}

function stored(): Language | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === "en" || v === "zh-TW" ? v : null;
  } catch {
    return null;
  }
}

let lang: Language = stored() ?? languageFor(typeof navigator !== "undefined" ? navigator.languages ?? [navigator.language] : []);
const listeners = new Set<() => void>();
applyDocumentLanguage();

function applyDocumentLanguage(): void {
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

export function language(): Language {
  return lang;
}

/** Switches the language, keeps the choice, and tells the listeners (the page re-renders). */
export function setLanguage(next: Language): void {
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* storage may be unavailable */
  }
  applyDocumentLanguage();
  for (const f of listeners) f();
}

export function onLanguageChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** Re-reads the stored choice and the browser's preferences (for tests). */
export function resetLanguage(preferences: readonly string[]): void {
  lang = stored() ?? languageFor(preferences);
  applyDocumentLanguage();
}

/** The string for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: Key, vars?: Record<string, string | number>): string {
  const template = DICTIONARIES[lang][key] ?? en[key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** A date-time from the API (ISO 8601) in the operator's language; the raw text when unparsable. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "medium" }).format(d);
}

/** A calendar day (YYYY-MM-DD, as the API's usage days are in UTC) in the operator's language. */
export function formatDay(day: string): string {
  const d = new Date(day + "T00:00:00Z");
  if (isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(d);
}

/** Bytes as B, kB, MB, GB (powers of 1024, one decimal). */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return new Intl.NumberFormat(lang, { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v) + " " + units[i];
}

/** A duration in seconds as days, hours, minutes (e.g. "2 d 3 h 4 min"). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const hr = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  const unit = (value: number, u: "day" | "hour" | "minute" | "second") =>
    new Intl.NumberFormat(lang, { style: "unit", unit: u, unitDisplay: "short" }).format(value);
  if (d) parts.push(unit(d, "day"));
  if (hr) parts.push(unit(hr, "hour"));
  if (m) parts.push(unit(m, "minute"));
  if (!parts.length) parts.push(unit(s, "second"));
  return parts.join(" ");
}

/** The visible language switch: a labelled <select> of the dictionaries. */
export function languageSwitch(): HTMLElement {
  const id = uid("lang");
  const sel = h("select", { id, "data-testid": "language" });
  for (const l of LANGUAGES) {
    const o = h("option", { value: l, lang: l }, DICTIONARIES[l][l === "en" ? "lang.en" : "lang.zhTW"]);
    if (l === lang) o.selected = true;
    sel.append(o);
  }
  sel.addEventListener("change", () => setLanguage(sel.value as Language));
  return h("div", { class: "lang-switch" }, h("label", { for: id }, t("lang.label")), sel);
}
