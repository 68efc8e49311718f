//! The schema, as an append-only list of migrations keyed on
//! `PRAGMA user_version`. Never edit a shipped entry: add a new one.

use rusqlite::Connection;

use crate::error::StoreError;

/// Each entry moves the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: feeds, items, full-text index, per-host Retry-After.
    r#"
    CREATE TABLE feeds (
        id                 INTEGER PRIMARY KEY,
        url                TEXT NOT NULL UNIQUE,
        title              TEXT,
        site_url           TEXT,
        folder             TEXT,
        etag               BLOB,
        last_modified      BLOB,
        added_at           INTEGER NOT NULL,
        last_fetch_at      INTEGER,
        last_success_at    INTEGER,
        next_check_at      INTEGER NOT NULL DEFAULT 0,
        error_count        INTEGER NOT NULL DEFAULT 0,
        last_error         TEXT,
        redirect_url       TEXT,
        gone               INTEGER NOT NULL DEFAULT 0,
        publisher_interval INTEGER,
        fetch_articles     INTEGER NOT NULL DEFAULT 1,
        language           TEXT
    );
    CREATE TABLE items (
        id              INTEGER PRIMARY KEY,
        feed_id         INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        identity        TEXT NOT NULL,
        title           TEXT NOT NULL DEFAULT '',
        link            TEXT,
        author          TEXT,
        published       INTEGER NOT NULL,
        published_known INTEGER NOT NULL,
        first_seen      INTEGER NOT NULL,
        summary         TEXT,
        content         TEXT,
        categories      TEXT,
        read            INTEGER NOT NULL DEFAULT 0,
        starred         INTEGER NOT NULL DEFAULT 0,
        hash            BLOB NOT NULL,
        UNIQUE (feed_id, identity)
    );
    CREATE INDEX items_by_published ON items (published DESC, id DESC);
    CREATE INDEX items_by_feed ON items (feed_id, published DESC, id DESC);
    CREATE INDEX items_unread ON items (read, published DESC) WHERE read = 0;
    CREATE INDEX items_starred ON items (starred, published DESC) WHERE starred = 1;
    CREATE VIRTUAL TABLE items_fts USING fts5(
        title, body,
        content = '',
        contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE hosts (
        host        TEXT PRIMARY KEY,
        retry_after INTEGER NOT NULL
    );
    "#,
    // 2: clean article copies for offline reading, and cached images.
    r#"
    CREATE TABLE articles (
        item_id           INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        status            TEXT NOT NULL,
        reason            TEXT,
        fetched_at        INTEGER NOT NULL,
        url               TEXT,
        content_type      TEXT,
        extractor_version INTEGER NOT NULL,
        document          TEXT,
        text_len          INTEGER NOT NULL DEFAULT 0,
        original          BLOB
    );
    CREATE INDEX articles_by_version ON articles (extractor_version);
    CREATE TABLE images (
        hash      TEXT PRIMARY KEY,
        mime      TEXT NOT NULL,
        bytes     INTEGER NOT NULL,
        width     INTEGER,
        height    INTEGER,
        stored_at INTEGER NOT NULL
    );
    CREATE TABLE article_images (
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        url     TEXT NOT NULL,
        hash    TEXT NOT NULL,
        PRIMARY KEY (item_id, url)
    );
    CREATE INDEX article_images_by_hash ON article_images (hash);
    "#,
    // 3: per-feed counts kept by triggers, so the sidebar's unread counts
    // are a 200-row read instead of a scan of every item.
    r#"
    CREATE TABLE feed_stats (
        feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
        total   INTEGER NOT NULL DEFAULT 0,
        unread  INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO feed_stats (feed_id, total, unread, starred)
        SELECT f.id, count(i.id), coalesce(sum(i.read = 0), 0), coalesce(sum(i.starred = 1), 0)
        FROM feeds f LEFT JOIN items i ON i.feed_id = f.id GROUP BY f.id;
    CREATE TRIGGER feed_stats_new_feed AFTER INSERT ON feeds BEGIN
        INSERT INTO feed_stats (feed_id) VALUES (new.id);
    END;
    CREATE TRIGGER feed_stats_item_in AFTER INSERT ON items BEGIN
        UPDATE feed_stats SET total = total + 1, unread = unread + (new.read = 0),
            starred = starred + (new.starred = 1) WHERE feed_id = new.feed_id;
    END;
    CREATE TRIGGER feed_stats_item_out AFTER DELETE ON items BEGIN
        UPDATE feed_stats SET total = total - 1, unread = unread - (old.read = 0),
            starred = starred - (old.starred = 1) WHERE feed_id = old.feed_id;
    END;
    CREATE TRIGGER feed_stats_item_flags AFTER UPDATE OF read, starred ON items BEGIN
        UPDATE feed_stats SET unread = unread + (new.read = 0) - (old.read = 0),
            starred = starred + (new.starred = 1) - (old.starred = 1) WHERE feed_id = new.feed_id;
    END;
    "#,
    // 4: followed topics and their hits (counts kept by triggers), the
    // article language, hidden (muted) articles, and a full-text index over
    // our own tokens (see `topics::text`): the FTS5 tokenizer only splits on
    // spaces, so stemming and Urdu letter folding are ours. The index is
    // refilled from Rust after this step (the `reindex` task).
    r#"
    ALTER TABLE items ADD COLUMN lang TEXT;
    ALTER TABLE items ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    DROP INDEX items_by_published;
    -- Lists scan this in time order without touching the (large) rows;
    -- searches and topic views look hits up in items_meta, likewise.
    CREATE INDEX items_visible ON items (published DESC, id DESC, read, starred, feed_id, lang)
        WHERE hidden = 0;
    CREATE INDEX items_meta ON items (id, published, hidden, read, starred, feed_id, lang);
    DROP TABLE items_fts;
    CREATE VIRTUAL TABLE items_fts USING fts5(
        title, body,
        content = '',
        contentless_delete = 1,
        tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'"
    );
    CREATE TABLE store_tasks (name TEXT PRIMARY KEY);
    INSERT INTO store_tasks (name) SELECT 'reindex' WHERE EXISTS (SELECT 1 FROM items);
    CREATE TABLE topics (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        query       TEXT NOT NULL,
        feed_id     INTEGER REFERENCES feeds(id) ON DELETE CASCADE,
        folder      TEXT,
        lang        TEXT,
        action      TEXT NOT NULL DEFAULT 'follow',
        notify      INTEGER NOT NULL DEFAULT 1,
        muted_until INTEGER,
        created_at  INTEGER NOT NULL,
        total       INTEGER NOT NULL DEFAULT 0,
        unread      INTEGER NOT NULL DEFAULT 0
    );
    -- Inserted hits are counted by the writer (one UPDATE per topic per
    -- feed, see store::topics::Pending); removals and read changes by
    -- triggers.
    CREATE TABLE topic_hits (
        topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
        item_id  INTEGER NOT NULL,
        PRIMARY KEY (topic_id, item_id)
    ) WITHOUT ROWID;
    -- No index by item: there are few topics, so "the topics of an item" is
    -- a primary-key probe per topic, and every hit stored skips a second
    -- B-tree insert (see examples/bench_topics.rs).
    CREATE TRIGGER topic_hit_out AFTER DELETE ON topic_hits BEGIN
        UPDATE topics SET total = total - 1,
            unread = unread - coalesce((SELECT read = 0 FROM items WHERE id = old.item_id), 0)
        WHERE id = old.topic_id;
    END;
    CREATE TRIGGER topic_hits_item_gone BEFORE DELETE ON items BEGIN
        DELETE FROM topic_hits
        WHERE topic_id IN (SELECT id FROM topics) AND item_id = old.id;
    END;
    -- Articles and unread articles per language, for the sidebar.
    CREATE TABLE lang_stats (
        lang   TEXT PRIMARY KEY,
        total  INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0
    );
    CREATE TRIGGER lang_stats_set AFTER UPDATE OF lang ON items
        WHEN coalesce(old.lang, '') <> coalesce(new.lang, '') BEGIN
        UPDATE lang_stats SET total = total - 1, unread = unread - (old.read = 0)
            WHERE lang = old.lang;
        INSERT OR IGNORE INTO lang_stats (lang) SELECT new.lang WHERE new.lang IS NOT NULL;
        UPDATE lang_stats SET total = total + 1, unread = unread + (new.read = 0)
            WHERE lang = new.lang;
    END;
    CREATE TRIGGER lang_stats_out AFTER DELETE ON items WHEN old.lang IS NOT NULL BEGIN
        UPDATE lang_stats SET total = total - 1, unread = unread - (old.read = 0)
            WHERE lang = old.lang;
    END;
    CREATE TRIGGER lang_stats_read AFTER UPDATE OF read ON items
        WHEN old.read <> new.read AND new.lang IS NOT NULL BEGIN
        UPDATE lang_stats SET unread = unread + (new.read = 0) - (old.read = 0)
            WHERE lang = new.lang;
    END;
    CREATE TRIGGER topic_hits_item_read AFTER UPDATE OF read ON items WHEN old.read <> new.read BEGIN
        UPDATE topics SET unread = unread + (new.read = 0) - (old.read = 0)
        WHERE EXISTS (SELECT 1 FROM topic_hits h WHERE h.topic_id = topics.id AND h.item_id = new.id);
    END;
    "#,
    // 5: stories (the same event from several outlets). An item alone has
    // no story (NULL: its story is itself); grouped items share a row here.
    // Story ids start above every item id (2^40), so a lone item's id and a
    // story's id never collide. `story_keys` keeps each recent item's
    // grouping features, so the writer can reload its window (three days)
    // without re-reading articles. Deleting items keeps the rows right.
    r#"
    ALTER TABLE items ADD COLUMN story INTEGER;
    CREATE INDEX items_by_story ON items (story) WHERE story IS NOT NULL;
    CREATE TABLE stories (
        id            INTEGER PRIMARY KEY,
        first_seen    INTEGER NOT NULL,
        last_seen     INTEGER NOT NULL,
        size          INTEGER NOT NULL DEFAULT 0,
        outlets       INTEGER NOT NULL DEFAULT 0,
        headline_item INTEGER,
        headline      TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX stories_by_last ON stories (last_seen DESC);
    CREATE TABLE story_keys (
        item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        at      INTEGER NOT NULL,
        feed_id INTEGER NOT NULL,
        terms   TEXT NOT NULL,
        wire    TEXT NOT NULL DEFAULT '',
        script  INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX story_keys_by_at ON story_keys (at);
    CREATE TABLE story_meta (id INTEGER PRIMARY KEY CHECK (id = 1), epoch INTEGER NOT NULL, next_id INTEGER NOT NULL);
    INSERT INTO story_meta (id, epoch, next_id) VALUES (1, 0, 1099511627776);
    CREATE TRIGGER story_item_gone AFTER DELETE ON items WHEN old.story IS NOT NULL BEGIN
        UPDATE stories SET size = size - 1,
            outlets = (SELECT count(DISTINCT feed_id) FROM items WHERE story = old.story),
            headline_item = CASE WHEN headline_item = old.id
                THEN (SELECT min(id) FROM items WHERE story = old.story) ELSE headline_item END,
            headline = CASE WHEN headline_item = old.id
                THEN coalesce((SELECT title FROM items WHERE story = old.story ORDER BY id LIMIT 1), '')
                ELSE headline END
        WHERE id = old.story;
        DELETE FROM stories WHERE id = old.story AND size <= 0;
    END;
    -- The writer's in-memory window is reloaded when items in it go.
    CREATE TRIGGER story_key_gone AFTER DELETE ON story_keys BEGIN
        UPDATE story_meta SET epoch = epoch + 1 WHERE id = 1;
    END;
    "#,
    // 6 (hostile; sync's schema follows as 7): why an article's image is not
    // kept, so the window can show a placeholder with the reason; and
    // settings the window and the command line share (retention); and
    // what was repaired in a feed's last broken document.
    r#"
    ALTER TABLE feeds ADD COLUMN last_warning TEXT;
    CREATE TABLE image_refusals (
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        url     TEXT NOT NULL,
        reason  TEXT NOT NULL,
        PRIMARY KEY (item_id, url)
    ) WITHOUT ROWID;
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 7: sync with the reader's own server (Fever, Google Reader API).
    // Accounts; which local feeds and items stand for which remote ids; and
    // the outbox of local marks, filled by triggers in the same transaction
    // as the change itself (so a crash can never keep the one without the
    // other). While pulled state is applied, `sync_apply.applying` is 1 and
    // the triggers stay quiet: the server's own marks are not sent back.
    r#"
    CREATE TABLE sync_accounts (
        id           INTEGER PRIMARY KEY,
        kind         TEXT NOT NULL,
        url          TEXT NOT NULL,
        username     TEXT NOT NULL,
        added_at     INTEGER NOT NULL,
        last_sync_at INTEGER,
        last_error   TEXT,
        cursor       TEXT,
        UNIQUE (kind, url, username)
    );
    CREATE TABLE sync_feeds (
        account_id INTEGER NOT NULL REFERENCES sync_accounts(id) ON DELETE CASCADE,
        remote_id  TEXT NOT NULL,
        feed_id    INTEGER NOT NULL UNIQUE REFERENCES feeds(id) ON DELETE CASCADE,
        PRIMARY KEY (account_id, remote_id)
    );
    CREATE TABLE sync_items (
        account_id INTEGER NOT NULL REFERENCES sync_accounts(id) ON DELETE CASCADE,
        remote_id  TEXT NOT NULL,
        item_id    INTEGER NOT NULL UNIQUE REFERENCES items(id) ON DELETE CASCADE,
        PRIMARY KEY (account_id, remote_id)
    );
    CREATE TABLE sync_outbox (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES sync_accounts(id) ON DELETE CASCADE,
        remote_id  TEXT NOT NULL,
        action     TEXT NOT NULL,
        at         INTEGER NOT NULL
    );
    CREATE INDEX sync_outbox_by_account ON sync_outbox (account_id, seq);
    CREATE TABLE sync_apply (id INTEGER PRIMARY KEY CHECK (id = 1), applying INTEGER NOT NULL);
    INSERT INTO sync_apply (id, applying) VALUES (1, 0);
    CREATE TRIGGER sync_outbox_read AFTER UPDATE OF read ON items
        WHEN old.read <> new.read AND (SELECT applying FROM sync_apply WHERE id = 1) = 0 BEGIN
        INSERT INTO sync_outbox (account_id, remote_id, action, at)
            SELECT account_id, remote_id, CASE WHEN new.read THEN 'read' ELSE 'unread' END,
                   CAST(strftime('%s', 'now') AS INTEGER)
            FROM sync_items WHERE item_id = new.id;
    END;
    CREATE TRIGGER sync_outbox_star AFTER UPDATE OF starred ON items
        WHEN old.starred <> new.starred AND (SELECT applying FROM sync_apply WHERE id = 1) = 0 BEGIN
        INSERT INTO sync_outbox (account_id, remote_id, action, at)
            SELECT account_id, remote_id, CASE WHEN new.starred THEN 'star' ELSE 'unstar' END,
                   CAST(strftime('%s', 'now') AS INTEGER)
            FROM sync_items WHERE item_id = new.id;
    END;
    "#,
    // 8: unread items per story, kept by triggers, so the window counts
    // unread stories (a story is unread while any of its items is) without
    // reading the items: unread stories = unread items - the stories'
    // unread items + the stories with any.
    r#"
    ALTER TABLE stories ADD COLUMN unread INTEGER NOT NULL DEFAULT 0;
    UPDATE stories SET unread = (SELECT count(*) FROM items WHERE story = stories.id AND read = 0);
    CREATE TRIGGER story_unread_read AFTER UPDATE OF read ON items
        WHEN old.read <> new.read AND new.story IS NOT NULL BEGIN
        UPDATE stories SET unread = unread + (new.read = 0) - (old.read = 0) WHERE id = new.story;
    END;
    CREATE TRIGGER story_unread_moved AFTER UPDATE OF story ON items
        WHEN old.story IS NOT new.story AND new.read = 0 BEGIN
        UPDATE stories SET unread = unread - 1 WHERE id = old.story;
        UPDATE stories SET unread = unread + 1 WHERE id = new.story;
    END;
    CREATE TRIGGER story_unread_gone AFTER DELETE ON items
        WHEN old.story IS NOT NULL AND old.read = 0 BEGIN
        UPDATE stories SET unread = unread - 1 WHERE id = old.story;
    END;
    "#,
    // 9: each outlet's icon, fetched once (at most 64 KB, see `icons`) and
    // kept for offline use; a failed search keeps its reason (no bytes),
    // so it is tried again only a week later.
    r#"
    CREATE TABLE feed_icons (
        feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
        url TEXT,
        bytes BLOB,
        fetched_at INTEGER NOT NULL,
        error TEXT
    );
    "#,
];

/// Brings `conn` up to the newest schema, each step in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let newest = MIGRATIONS.len() as i64;
    if current > newest {
        return Err(StoreError::TooNew {
            found: current,
            supported: newest,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
