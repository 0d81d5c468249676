# Parley 的繁體中文（臺灣）用語。訊息 ID 與 locales/en/parley.ftl 相同。

language-name = 繁體中文

## Tray

tray-show = 顯示 Parley
tray-do-not-disturb = 勿擾模式
tray-quit = 結束
tray-tooltip = { $count ->
    [0] Parley
   *[other] Parley — { $count } 則未讀訊息
}

## Notifications

notify-new-message = { $user }：{ $message }
notify-added-to-channel = { $user } 已將你加入 { $channel }
notify-invited-to-channel = { $user } 邀請你加入 { $channel }
notify-removed-from-channel = 你已被移出 { $channel }
notify-storm = { $channels ->
    [one] 1 個頻道有 { $count } 則新通知
   *[other] { $channels } 個頻道有 { $count } 則新通知
}
notify-open = 開啟

## Errors

error-unreachable = 無法連線到伺服器：{ $detail }。
error-not-parley = 這看起來不是 Parley 伺服器：{ $detail }。
error-unauthorized = { $detail }。
error-wrong-credentials = 使用者名稱或密碼錯誤。
error-api = 伺服器拒絕了要求：{ $message }（錯誤 { $code }）。
error-api-20429 = 嘗試次數過多，請稍候再試。
error-api-50107 = 你沒有權限在這裡執行這個動作。
error-api-50400 = 你不是這個頻道的成員。
error-cache = 本機快取：{ $detail }。
error-secrets = 密碼儲存區：{ $detail }。
error-not-signed-in = 你尚未登入。
error-not-found = 找不到 { $what }。
error-invalid = { $detail }。
error-cancelled = 已取消。

## Refusals

refusal-missing-credentials = 請輸入使用者名稱和密碼。
refusal-not-http-url = 「{ $url }」不是 http:// 或 https:// 網址。
refusal-empty-message = 訊息是空的。
refusal-message-too-long = 訊息超過 { $max } KiB。
refusal-no-such-channel = 沒有這個頻道。
refusal-no-such-message = 找不到這則訊息（可能已刪除或尚未載入）。
refusal-not-an-emoji = 回應只能是一個表情符號。
refusal-unreadable = 無法讀取 { $file }：{ $detail }。
refusal-not-a-file = { $file } 不是檔案。
refusal-file-too-big = { $file } 有 { $size } MB；伺服器只接受 { $max } MB 以內的檔案。
refusal-empty-file = { $file } 是空的。
refusal-no-file = 這則訊息沒有檔案。
refusal-not-sent-yet = 檔案尚未送出。
refusal-paste-not-bytes = 貼上的檔案沒有送達。
refusal-no-channel-for-paste = 請先開啟頻道再貼上檔案。
refusal-cannot-save = 無法儲存到 { $file }：{ $detail }。
refusal-link-not-allowed = 訊息中只能開啟網頁和電子郵件連結。
refusal-cannot-open-link = 無法開啟連結：{ $detail }。
refusal-unknown-language = Parley 不支援「{ $tag }」語言。
refusal-direct-size = 私訊對話的人數須為 2 到 { $max } 人。
refusal-too-many-pins = 每個頻道最多只能釘選 { $max } 則訊息，請先取消釘選一則。
refusal-status-too-long = 狀態只能是一行，最多 { $max } 個字元。

## Sign-in

signin-server = 伺服器
signin-username = 使用者名稱
signin-password = 密碼
signin-remember = 保持登入
signin-submit = 登入
session-expired = 你的登入已失效，請重新登入。
session-not-kept = Parley 無法在這台電腦上保持你的登入狀態，因為沒有任何密碼儲存服務（例如 GNOME 鑰匙圈或 KWallet）回應：{ $why }。在你結束 Parley 之前都會維持登入；下次啟動時，Parley 會要求你輸入密碼。
session-not-kept-close = 確定

## Sidebar

sidebar-do-not-disturb = 勿擾
    .title = 勿擾模式：不顯示通知
sidebar-sign-out = 登出
sidebar-jump = 跳到…
sidebar-channels = 頻道
sidebar-invitations = 邀請
sidebar-browse = 瀏覽頻道
sidebar-new-channel = 建立頻道
sidebar-unread = { $count ->
   *[other] { $count } 則未讀訊息
}
sidebar-preview = { $author }：{ $text }
sidebar-preview-deleted = { $author }：訊息已刪除
sidebar-preview-file = { $author }：[檔案] { $file }
sidebar-accept = 接受
sidebar-decline = 拒絕

## Connection

status-online = 已連線
status-connecting = 連線中…
status-offline = 離線
status-synced-just-now = { $state } · 剛剛同步
status-synced-minutes = { $state } · { $minutes } 分鐘前同步
status-synced-at = { $state } · 上次同步：{ $time }

## Conversation

conversation-search = 搜尋訊息
conversation-members = 成員
conversation-settings = 設定
conversation-latest = 跳到最新訊息 ↓
conversation-attach = 附加檔案
conversation-composer = 輸入訊息（按 Enter 傳送，Shift+Enter 換行）
typing-one = { $name } 正在輸入…
typing-two = { $first } 和 { $second } 正在輸入…
typing-many = 有多人正在輸入…
drop-question = 要將 { $files } 傳送到 #{ $channel } 嗎？
drop-file = { $name }（{ $size }）
drop-send = 傳送
cancel = 取消
close = 關閉

## Timeline

day-today = 今天
day-yesterday = 昨天
timeline-new-messages = 新訊息
message-deleted = 這則訊息已刪除
message-edited = （已編輯）
message-not-sent = 未送出：{ $error }
message-unknown-error = 未知的錯誤
message-retry = 重試
message-discard = 捨棄
message-sending = 傳送中…
message-edit = 編輯
message-delete = 刪除
message-delete-question = 要為所有人刪除這則訊息嗎？
message-mark-unread = 標為未讀
    .title = 從這則訊息開始標為未讀
message-actions = 訊息動作
message-seen-by = { $names } 已讀
message-editor = 編輯訊息
message-editor-hint = 按 Enter 儲存，按 Esc 取消
file-unnamed = 檔案
file-download = 下載
file-save = 另存新檔…
file-progress = 傳輸進度
file-progress-done = { $done } / { $total }
file-failed = { $file }：{ $error }

## Members

members-title = 成員（{ $count }）
members-name = { $name }（{ $identity }）
members-you = { $name }（你）
members-online = 線上
members-offline = 離線
members-presence-unknown = 這個伺服器不顯示上線狀態
members-remove = 移除
members-remove-question = 要將 { $identity } 移出這個頻道嗎？
members-invite-placeholder = 輸入使用者名稱來邀請
members-invite = 邀請
members-invited = 已邀請 { $identity }
members-leave = 離開頻道
members-leave-question = 要離開這個頻道嗎？
members-leave-action = 離開

## Settings

settings-title = 頻道設定
settings-app-title = 設定
settings-name = 名稱
settings-unique-name = 唯一名稱
settings-type = 類型
settings-type-public = 公開
settings-type-private = 私人
settings-members = 成員
settings-attributes = 屬性
settings-notifications = 通知
settings-notify-all = 所有訊息
settings-notify-mentions = 僅限提及
settings-notify-muted = 靜音
settings-mark-read = 全部標為已讀
settings-language = 語言
settings-language-system = 系統預設

## Search

search-results = { $count ->
    [0] 沒有結果
   *[other] { $count } 筆結果
}

## Channels

switcher-placeholder = 跳到頻道
browser-title = 公開頻道
browser-empty = 沒有其他公開頻道
browser-members = { $count ->
   *[other] { $count } 位成員
}
browser-join = 加入
creator-title = 建立頻道
creator-name = 名稱
creator-unique-name = 唯一名稱（選填）
creator-private = 私人（僅限受邀成員）
creator-submit = 建立

## Questions

ask-ok = 確定

## Formatting

format-toolbar = 格式
format-bold = 粗體
    .title = 粗體（Ctrl+B）
format-italic = 斜體
    .title = 斜體（Ctrl+I）
format-strike = 刪除線
    .title = 刪除線（Ctrl+Shift+X）
format-code = 程式碼
    .title = 程式碼（Ctrl+E）
format-code-block = 程式碼區塊
format-quote = 引言
format-list = 項目清單
format-link = 連結
format-copy = 複製
    .title = 複製程式碼
format-copied = 已複製

## Reactions

reaction-list = 回應
reaction-you = 你
reaction-others = { $count ->
   *[other] 其他 { $count } 人
}
reaction-who = { $names } 以 { $emoji } 回應
reaction-add = 新增回應
reaction-quick = 以 { $emoji } 回應
emoji-picker = 選擇表情符號
emoji-search = 搜尋表情符號
emoji-groups = 表情符號類別
emoji-loading = 正在載入表情符號…
emoji-load-failed = 無法載入表情符號。
emoji-recent = 最近使用
emoji-results = 搜尋結果
emoji-none = 找不到表情符號
emoji-group-smileys = 笑臉與情緒
emoji-group-people = 人物與身體
emoji-group-nature = 動物與自然
emoji-group-food = 食物與飲料
emoji-group-travel = 旅遊與地點
emoji-group-activities = 活動
emoji-group-objects = 物品
emoji-group-symbols = 符號
emoji-group-flags = 旗幟

## Replies

reply-action = 回覆
reply-to = 回覆給 { $author }
reply-cancel = 取消回覆
reply-quote = 回覆給 { $author }：{ $excerpt }
reply-jump = 前往原始訊息
reply-original-missing = 找不到原始訊息

## Mentions

mention-list = 提及成員
mention-everyone = 這個頻道的所有人
sidebar-mentions = { $count ->
   *[other] { $count } 則未讀訊息提及你
}

## Direct messages

directs-title = 私訊
directs-new = 新增私訊
directs-people = 對象（使用者名稱，以逗號或空格分隔）
directs-start = 開始
directs-no-people = 請至少輸入一位對象。
directs-message = 傳訊息

## Pins

pin-action = 釘選
unpin-action = 取消釘選
pin-marker = 已釘選
pins-toggle = 釘選
pins-title = 已釘選的訊息
pins-empty = 沒有已釘選的訊息

## Saved

save-action = 儲存
unsave-action = 取消儲存
saved-toggle = 已儲存
saved-title = 已儲存的訊息
saved-empty = 沒有已儲存的訊息

## Search filters

search-filters = 篩選條件
search-filter-remove = 移除篩選條件 { $filter }
search-filters-hint = 篩選條件：from:名稱 in:頻道 before:日期 after:日期 has:file has:link is:pinned

## Lightbox

lightbox-open = 開啟圖片 { $file }
lightbox-title = 圖片檢視器
lightbox-previous = 上一張圖片
    .title = 上一張圖片（←）
lightbox-next = 下一張圖片
    .title = 下一張圖片（→）
lightbox-zoom-in = 放大
    .title = 放大（+）
lightbox-zoom-out = 縮小
    .title = 縮小（−）
lightbox-zoom-level = 縮放比例
lightbox-fit = 符合視窗
    .title = 符合視窗大小（0）
lightbox-close = 關閉
    .title = 關閉（Esc）
lightbox-counter = { $position } / { $total }
lightbox-sent = { $author } · { $day } { $time }
lightbox-load-failed = 無法顯示這張圖片。

## Shortcuts and theme

shortcuts-title = 鍵盤快速鍵
shortcuts-button = 鍵盤快速鍵（{ $keys }）
shortcuts-or = 或
shortcuts-navigation = 瀏覽
shortcuts-composer = 訊息輸入框
shortcuts-messages = 訊息
shortcuts-dialogs = 對話框
shortcuts-switcher = 跳到頻道
shortcuts-sheet = 顯示鍵盤快速鍵
shortcuts-search = 搜尋訊息（在搜尋框中）
shortcuts-escape = 關閉側邊面板，或清除搜尋
shortcuts-send = 傳送訊息
shortcuts-newline = 換行
shortcuts-edit-last = 編輯你的上一則訊息（輸入框空白時）
shortcuts-cancel-reply = 取消回覆
shortcuts-mention = 提及成員
shortcuts-mention-choose = 在提及清單中選擇名稱
shortcuts-mention-pick = 填入選擇的名稱
shortcuts-mention-close = 關閉提及清單
shortcuts-actions = 移到訊息的動作按鈕
shortcuts-edit-save = 儲存編輯
shortcuts-edit-cancel = 取消編輯
shortcuts-kept-open = 顯示釘選或已儲存的訊息（在側邊面板中）
shortcuts-dialog-choose = 在頻道切換器或表情符號選擇器中選擇
shortcuts-emoji-move = 在表情符號之間移動
shortcuts-dialog-pick = 開啟選擇的頻道，或選取表情符號
shortcuts-dialog-close = 關閉對話框
shortcuts-pictures = 圖片檢視器
shortcuts-picture-open = 在檢視器中開啟圖片
shortcuts-picture-step = 上一張或下一張圖片
shortcuts-picture-ends = 第一張或最後一張圖片
shortcuts-picture-zoom = 放大或縮小
shortcuts-picture-fit = 讓圖片符合視窗大小
settings-theme = 主題
settings-theme-system = 跟隨系統
settings-theme-light = 淺色
settings-theme-dark = 深色

## Threads

thread-action = 在討論串中回覆
thread-title = 討論串
thread-replies =
    { $count ->
       *[other] { $count } 則回覆
    }
thread-unread = { $count } 則新回覆
thread-last = 最後回覆：{ $day } { $time }
thread-people = 回覆者：{ $names }
thread-composer = 在討論串中回覆…
thread-missing = 找不到這個討論串的第一則訊息（已刪除，或尚未載入）。

## Status

settings-status = 你的狀態
settings-status-placeholder = 你在忙什麼？
settings-status-save = 設定
settings-status-clear = 清除
