//! Cache benchmarks with fixed workloads (no network): storing synced
//! messages, opening a 1,000,000-message cache and reading the channel list,
//! and full-text search over it. Run with `cargo bench --bench cache`
//! (env: SYNC_MESSAGES, BIG_MESSAGES).

use std::time::{Duration, Instant};

use parley_client::cache::{Cache, ChannelPage};
use parley_client::{SYNC_GROUP, SYNC_PAGE};
use parley_protocol::resources::{Member, Message};
use parley_protocol::{
    ChannelType, MessageType, NotificationLevel, Timestamp, TypedSid, UserChannelStatus,
};

const WORDS: &[&str] = &[
    "release", "deploy", "lunch", "meeting", "review", "bug", "fix", "design", "coffee", "weekend",
    "server", "client", "désolé", "café", "naïve", "rollback", "incident", "roadmap", "budget",
    "hiring", "demo", "ticket", "merge", "branch", "test", "flaky", "latency", "memory", "cache",
    "search", "invite", "channel",
];

/// Traditional Chinese words; one message in four is written with them, no
/// spaces between words, as Chinese is.
const WORDS_ZH: &[&str] = &[
    "預算",
    "會議",
    "部署",
    "測試",
    "午餐",
    "設計",
    "客戶",
    "伺服器",
    "延遲",
    "記憶體",
    "回滾",
    "事故",
    "路線圖",
    "招聘",
    "展示",
    "合併",
    "分支",
    "快取",
    "搜尋",
    "邀請",
    "頻道",
    "週末",
    "咖啡",
    "審查",
];

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn message(channel: usize, index: i64, seed: u64) -> Message {
    let mut s = seed;
    let mut body = String::new();
    let chinese = seed % 4 == 3;
    for _ in 0..8 {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        if chinese {
            body.push_str(WORDS_ZH[(s >> 33) as usize % WORDS_ZH.len()]);
        } else {
            body.push_str(WORDS[(s >> 33) as usize % WORDS.len()]);
            body.push(' ');
        }
    }
    if chinese {
        body.push_str("。 ");
    }
    body.push_str(&format!("#{index}"));
    // All channels active over the same period, a message every few seconds.
    let t = Timestamp(1_700_000_000 + index * 7 + channel as i64 % 7);
    Message {
        sid: sid(((channel as u128) << 64) | index as u128),
        account_sid: sid(0),
        attributes: "{}".into(),
        service_sid: sid(0),
        to: format!("CH{channel:032x}"),
        channel_sid: sid(channel as u128),
        date_created: t,
        date_updated: t,
        last_updated_by: None,
        was_edited: false,
        from: "bob".into(),
        body,
        index,
        kind: MessageType::Text,
        media: None,
        url: String::new(),
    }
}

/// The well-formed SID of type `T` numbered `n` (the bench's own, fixed).
fn sid<T: TypedSid>(n: u128) -> T {
    T::parse(format!("{}{n:032x}", T::KIND.prefix())).expect("a well-formed SID")
}

fn fill(cache: &Cache, channels: usize, total: usize) -> Duration {
    fill_pages(cache, channels, total, 100)
}

fn member(channel: usize, identity: &str) -> Member {
    Member {
        sid: sid(((channel as u128) << 64)
            | identity
                .bytes()
                .fold(0u128, |h, b| h.wrapping_mul(131) ^ b as u128) as u64 as u128),
        account_sid: sid(0),
        channel_sid: sid(channel as u128),
        service_sid: sid(0),
        identity: identity.into(),
        date_created: Timestamp(0),
        date_updated: Timestamp(0),
        role_sid: Some(sid(0)),
        last_consumed_message_index: None,
        last_consumption_timestamp: None,
        attributes: "{}".into(),
        url: String::new(),
    }
}

fn fill_pages(cache: &Cache, channels: usize, total: usize, page: usize) -> Duration {
    let per = total / channels;
    let started = Instant::now();
    for ch in 0..channels {
        let sid = format!("CH{ch:032x}");
        let mut batch = Vec::with_capacity(100);
        for i in 0..per as i64 {
            batch.push(message(ch, i, (ch as u64) << 32 | i as u64));
            if batch.len() == page {
                cache.store_messages(&sid, &batch, false).expect("store");
                batch.clear();
            }
        }
        cache.store_messages(&sid, &batch, true).expect("store");
    }
    started.elapsed()
}

fn main() {
    let dir = tempfile::tempdir().expect("dir");

    // 1a. A first sync: the newest page of each channel with its members,
    // written as the sync engine does (SYNC_GROUP channels per transaction).
    let n = env("SYNC_MESSAGES", 100_000);
    let page = SYNC_PAGE as usize;
    let cache = Cache::open(&dir.path().join("sync.db")).expect("cache");
    let channels = n / page;
    // Decoded pages as they come off the network (not timed).
    let pages: Vec<ChannelPage> = (0..channels)
        .map(|ch| ChannelPage {
            channel_sid: sid(ch as u128),
            messages: (0..page as i64)
                .map(|i| message(ch, 1_000 + i, (ch as u64) << 32 | i as u64))
                .collect(),
            older: Some(format!("http://127.0.0.1/older/{ch}")),
            members: Some(vec![member(ch, "alice"), member(ch, "bob")]),
        })
        .collect();
    let started = Instant::now();
    for group in pages.chunks(SYNC_GROUP) {
        cache.store_channel_pages(group).expect("store");
    }
    let took = started.elapsed();
    println!(
        "first sync writes: {n} messages ({channels} channels x {page}, {SYNC_GROUP} channels per transaction) in {:.2} s = {:.0} messages/s",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
    drop(cache);

    // 1b. Paging back through one channel's history: a transaction per page.
    let cache = Cache::open(&dir.path().join("sync2.db")).expect("cache");
    let took = fill_pages(&cache, 10, n, page);
    println!(
        "paging-back writes: {n} messages in pages of {page}, one transaction each, in {:.2} s = {:.0} messages/s",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
    drop(cache);

    // 2. A big cache: open it and read the channel list.
    let big = env("BIG_MESSAGES", 1_000_000);
    let path = dir.path().join("big.db");
    {
        let cache = Cache::open(&path).expect("cache");
        let conn_setup = cache.channel_list().expect("empty list");
        assert!(conn_setup.is_empty());
        let channels = 100;
        for ch in 0..channels {
            // Register the channels as joined so the list shows them.
            let c = parley_protocol::resources::Channel {
                sid: sid(ch as u128),
                account_sid: sid(0),
                service_sid: sid(0),
                friendly_name: Some(format!("channel {ch}")),
                unique_name: Some(format!("c{ch}")),
                attributes: "{}".into(),
                kind: ChannelType::Public,
                date_created: Timestamp(0),
                date_updated: Timestamp(0),
                created_by: "system".into(),
                members_count: 2,
                messages_count: 0,
                url: String::new(),
                links: parley_protocol::resources::ChannelLinks {
                    members: String::new(),
                    messages: String::new(),
                    invites: String::new(),
                    webhooks: String::new(),
                    last_message: None,
                },
            };
            let uc = parley_protocol::resources::UserChannel {
                account_sid: sid(0),
                service_sid: sid(0),
                channel_sid: c.sid.clone(),
                user_sid: sid(0),
                member_sid: None,
                status: UserChannelStatus::Joined,
                last_consumed_message_index: None,
                unread_messages_count: Some(0),
                links: parley_protocol::resources::UserChannelLinks {
                    channel: String::new(),
                    member: None,
                },
                url: String::new(),
                notification_level: Some(NotificationLevel::Default),
            };
            cache.replace_channels_add(&c, &uc).expect("channel");
        }
        let took = fill(&cache, channels, big);
        println!(
            "built a cache of {big} messages in {channels} channels in {:.1} s",
            took.as_secs_f64()
        );
    }
    let mut opens = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let cache = Cache::open(&path).expect("open");
        let list = cache.channel_list().expect("list");
        opens.push(t.elapsed());
        assert_eq!(list.len(), 100);
    }
    opens.sort();
    println!(
        "open cache + channel list ({big} messages): p50 {:.2} ms, max {:.2} ms",
        opens[5].as_secs_f64() * 1e3,
        opens[9].as_secs_f64() * 1e3
    );

    // 3. Full-text search over the big cache.
    let cache = Cache::open(&path).expect("open");
    let mut times = Vec::new();
    let mut hits = 0;
    for q in [
        "deploy",
        "cafe",
        "rollback incident",
        "naive",
        "latency memory",
        "désolé",
        "flaky test",
        "budget",
        "預算",
        "部署測試",
        "記憶體",
        "客戶 審查",
    ]
    .iter()
    .cycle()
    .take(48)
    {
        let t = Instant::now();
        hits += cache.search(q, None, 50).expect("search").len();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "full-text search over {big} messages (50 newest hits; a quarter of them Chinese): p50 {:.2} ms, p90 {:.2} ms ({hits} hits in 48 queries)",
        times[24].as_secs_f64() * 1e3,
        times[43].as_secs_f64() * 1e3
    );
}
