import GRDB

/// The schema, as append-only named migrations: a shipped migration never changes;
/// a change to the schema is a new migration at the end of the list.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1-feeds-items-hits-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE feed (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        url TEXT NOT NULL,
                        etag TEXT,
                        last_modified TEXT,
                        last_success_at DATETIME,
                        last_error TEXT,
                        last_error_at DATETIME,
                        error_count INTEGER NOT NULL DEFAULT 0,
                        next_due_at DATETIME,
                        items_seen INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE item (
                        id INTEGER PRIMARY KEY,
                        feed_id INTEGER NOT NULL REFERENCES feed(id) ON DELETE CASCADE,
                        key TEXT NOT NULL,
                        guid TEXT,
                        link TEXT,
                        title TEXT NOT NULL,
                        body TEXT NOT NULL,
                        published_at DATETIME,
                        first_seen_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        UNIQUE (feed_id, key)
                    );
                    CREATE INDEX item_first_seen ON item(first_seen_at);
                    CREATE TABLE hit (
                        id INTEGER PRIMARY KEY,
                        item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
                        customer TEXT NOT NULL,
                        entity TEXT NOT NULL,
                        name TEXT NOT NULL,
                        relation TEXT NOT NULL,
                        matched TEXT NOT NULL,
                        score REAL NOT NULL,
                        watch_file TEXT NOT NULL,
                        watch_line INTEGER NOT NULL,
                        seen_at DATETIME NOT NULL,
                        UNIQUE (item_id, customer, entity)
                    );
                    CREATE INDEX hit_seen ON hit(seen_at);
                    CREATE INDEX hit_customer ON hit(customer, seen_at);
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY,
                        hit_id INTEGER NOT NULL REFERENCES hit(id) ON DELETE CASCADE,
                        channel TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at DATETIME NOT NULL,
                        last_error TEXT,
                        sent_at DATETIME,
                        UNIQUE (hit_id, channel)
                    );
                    CREATE INDEX outbox_due ON outbox(channel, state, next_attempt_at);
                    """
            )
        }
        migrator.registerMigration("v2-sent-messages") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sent_message (
                        id INTEGER PRIMARY KEY,
                        customer TEXT NOT NULL,
                        message_id TEXT NOT NULL,
                        hits INTEGER NOT NULL,
                        sent_at DATETIME NOT NULL
                    );
                    CREATE INDEX sent_message_customer ON sent_message(customer, sent_at);
                    """
            )
        }
        migrator.registerMigration("v3-item-matched-last-seen") { db in
            // `matched`: the item's hits are recorded (a crash between storing an item and
            // matching it leaves 0, and the next cycle matches it). `last_seen_at`: the last
            // fetch whose document held the item; `feed.last_content_at`: the last fetch that
            // returned a document. Retention prunes only items no longer in their feed.
            try db.execute(
                sql: """
                    ALTER TABLE item ADD COLUMN matched INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE item ADD COLUMN last_seen_at DATETIME;
                    UPDATE item SET last_seen_at = updated_at;
                    CREATE INDEX item_unmatched ON item(matched) WHERE matched = 0;
                    CREATE INDEX item_last_seen ON item(last_seen_at);
                    ALTER TABLE feed ADD COLUMN last_content_at DATETIME;
                    """
            )
        }
        migrator.registerMigration("v4-watched-names") { db in
            // The names backfill has already covered: a name not here is new (added on a
            // reload, or while the daemon was down) and its backfill is still owed.
            try db.execute(
                sql: """
                    CREATE TABLE watched_name (
                        customer TEXT NOT NULL,
                        entity TEXT NOT NULL,
                        relation TEXT NOT NULL,
                        value TEXT NOT NULL,
                        added_at DATETIME NOT NULL,
                        PRIMARY KEY (customer, entity, relation, value)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v5-config-load") { db in
            // The daemon's last configuration load (at start or by a reload) and the last
            // successful one, for `status`: a rejected reload is otherwise only in the log.
            try db.execute(
                sql: """
                    CREATE TABLE config_load (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        ok INTEGER NOT NULL,
                        at DATETIME NOT NULL,
                        last_success_at DATETIME,
                        detail TEXT NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v6-outbox-suppressed") { db in
            // `suppressed`: recorded by `run --once --no-send` (a first start, a rebuilt
            // database): state 'sent', never delivered, never sent later.
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v7-outbox-recipients") { db in
            // The recipients an e-mail row still owes after a partial delivery (some
            // recipients accepted, others refused): 'pending' ones are retried, 'failed'
            // ones are parked with their reason until `alerts --requeue`. A row without
            // any goes to the customer's current recipients and the bcc.
            try db.execute(
                sql: """
                    CREATE TABLE outbox_recipient (
                        outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
                        address TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'failed')),
                        last_error TEXT,
                        PRIMARY KEY (outbox_id, address)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v8-listing-identity") { db in
            // `content_key`: the listing's normalised title and link (`ListingIdentity`), so
            // that the same listing under a new GUID, or in another feed, is recognised.
            // `repeat_of`: a hit of a listing already alerted to the customer (the earlier
            // hit): stored, never alerted. Existing items get their key here.
            try db.execute(
                sql: """
                    ALTER TABLE item ADD COLUMN content_key TEXT;
                    ALTER TABLE hit ADD COLUMN repeat_of INTEGER;
                    """
            )
            let update = try db.makeStatement(sql: "UPDATE item SET content_key = ? WHERE id = ?")
            for row in try Row.fetchAll(db, sql: "SELECT id, title, link FROM item") {
                try update.execute(arguments: [
                    ListingIdentity.key(title: row["title"], link: row["link"]), row["id"] as Int64,
                ])
            }
            try db.execute(sql: "CREATE INDEX item_content_key ON item(content_key)")
        }
        migrator.registerMigration("v9-watched-name-unwatched") { db in
            // `unwatched_at`: when a name left the watchlists (its file removed or renamed
            // to `.off`, the line deleted); NULL while it is watched. When it comes back,
            // the listings stored since then are backfilled: they were matched without it.
            try db.execute(sql: "ALTER TABLE watched_name ADD COLUMN unwatched_at DATETIME")
        }
        migrator.registerMigration("v10-database-id") { db in
            // A random id per database, made at creation (or at this migration for an
            // existing one): part of every Message-ID, so a database deleted and rebuilt
            // never reuses a Message-ID for different content.
            try db.execute(
                sql: """
                    CREATE TABLE database_info (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                    INSERT INTO database_info (key, value) VALUES ('id', lower(hex(randomblob(16))));
                    """
            )
        }
        migrator.registerMigration("v11-hit-field") { db in
            // Where the matched text stands: `title` or `body` (a body mention scores less;
            // docs/matching.md). Hits recorded before this were matched on title and body
            // together; they read as `title`.
            try db.execute(sql: "ALTER TABLE hit ADD COLUMN field TEXT NOT NULL DEFAULT 'title'")
        }
        return migrator
    }
}
