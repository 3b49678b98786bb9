//! The SQLite and PostgreSQL migrations build the same schema: the same tables, the same
//! columns in the same order with compatible types (in the portable sense of `db/mod.rs`:
//! INTEGER/BIGINT, TEXT/VARCHAR, REAL/DOUBLE, BLOB/BYTEA), nullability and defaults; the
//! same primary keys, unique constraints and foreign keys (with their actions); and the same
//! named indexes (columns, unique, partial). Read from each database's catalogue after a
//! fresh migration, never from the SQL text.
//!
//! Not compared: views, triggers and functions (their bodies are written per database by
//! design: SQLite's counting triggers go through a view, PostgreSQL's through functions),
//! CHECK constraints (SQLite keeps them only as SQL text), the expressions of partial
//! indexes (only that an index is partial), and sqlx's `_sqlx_migrations`.

use std::collections::{BTreeMap, BTreeSet};

use backend::db::Db;
use sqlx::{Connection, Row};

use crate::helpers::new_postgres_database;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    name: String,
    /// As declared (SQLite) or as `data_type` (PostgreSQL), for the messages.
    declared: String,
    /// The portable class: integer, text, real, blob, numeric, boolean, …
    class: String,
    not_null: bool,
    /// Normalised (casts, quotes and parentheses removed); `None` also for sequences.
    default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    columns: Vec<String>,
    table: String,
    references: Vec<String>,
    on_delete: String,
    on_update: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Index {
    columns: Vec<String>,
    unique: bool,
    partial: bool,
}

#[derive(Debug, Default)]
struct Table {
    columns: Vec<Column>,
    primary_key: Vec<String>,
    /// Column lists of UNIQUE constraints (their index names differ by database).
    uniques: BTreeSet<Vec<String>>,
    foreign_keys: BTreeSet<ForeignKey>,
    /// Indexes made by CREATE INDEX, by name.
    indexes: BTreeMap<String, Index>,
}

type Schema = BTreeMap<String, Table>;

/// `pragma_foreign_key_list`: id, table, from, to (NULL: the primary key), on_update, on_delete.
type SqliteForeignKeyRow = (i64, String, String, Option<String>, String, String);
/// `pg_constraint`: table, kind, columns, referenced table, referenced columns, on delete,
/// on update.
type PostgresConstraintRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
);

/// The portable class of a SQLite declared type, by SQLite's own affinity rules.
fn sqlite_class(declared: &str) -> String {
    let t = declared.to_uppercase();
    if t.contains("INT") {
        "integer"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "text"
    } else if t.is_empty() || t.contains("BLOB") {
        "blob"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "real"
    } else {
        "numeric"
    }
    .into()
}

/// The portable class of a PostgreSQL `data_type`. `integer` (32 bits) is its own class:
/// SQLite's integers are 64-bit, and the Any driver decodes an INT4 as `i32`.
fn postgres_class(data_type: &str) -> String {
    match data_type {
        "bigint" => "integer",
        "integer" | "smallint" => "int4 (32-bit)",
        "text" | "character varying" | "character" => "text",
        "real" | "double precision" => "real",
        "bytea" => "blob",
        "numeric" => "numeric",
        other => other,
    }
    .into()
}

/// A default as both catalogues would agree on it: `'all'::text` and `'all'` are `all`,
/// `(0)` is `0`; a sequence (BIGSERIAL) is no default, like SQLite's INTEGER PRIMARY KEY.
fn normalise_default(d: Option<String>) -> Option<String> {
    let d = d?;
    if d.starts_with("nextval(") {
        return None;
    }
    let mut s = d.trim().to_string();
    while s.starts_with('(') && s.ends_with(')') {
        s = s[1..s.len() - 1].trim().to_string();
    }
    if let Some(i) = s.rfind("::") {
        if !s[i..].contains('\'') {
            s.truncate(i);
        }
    }
    Some(s.trim_matches('\'').to_string())
}

fn sqlite_action(a: &str) -> String {
    a.to_uppercase()
}

fn postgres_action(code: &str) -> String {
    match code {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        other => other,
    }
    .into()
}

fn split(list: &str) -> Vec<String> {
    if list.is_empty() {
        vec![]
    } else {
        list.split(',').map(str::to_string).collect()
    }
}

async fn sqlite_schema(path: &std::path::Path) -> Schema {
    let mut c = sqlx::sqlite::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
        .await
        .expect("open the SQLite file");
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (name,) in tables {
        let mut t = Table::default();
        let cols = sqlx::query(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        let mut pk: Vec<(i64, String)> = vec![];
        for r in &cols {
            let col: String = r.get(0);
            let declared: String = r.get(1);
            let pk_pos: i64 = r.get(4);
            if pk_pos > 0 {
                pk.push((pk_pos, col.clone()));
            }
            t.columns.push(Column {
                class: sqlite_class(&declared),
                declared,
                not_null: r.get::<i64, _>(2) == 1,
                default: normalise_default(r.get(3)),
                name: col,
            });
        }
        pk.sort();
        t.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        // PostgreSQL makes every primary-key column NOT NULL. SQLite does too for an INTEGER
        // PRIMARY KEY (the rowid) and in WITHOUT ROWID tables; in other tables its catalogue
        // says "nullable" for a legacy quirk nothing here relies on (no code writes a NULL
        // key). Read as NOT NULL, so that only a real difference is reported.
        for col in &mut t.columns {
            if t.primary_key.contains(&col.name) {
                col.not_null = true;
            }
        }
        let indexes: Vec<(String, i64, String, i64)> =
            sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)")
                .bind(&name)
                .fetch_all(&mut c)
                .await
                .unwrap();
        for (index, unique, origin, partial) in indexes {
            let cols: Vec<(i64, Option<String>)> =
                sqlx::query_as("SELECT cid, name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            let columns: Vec<String> = cols
                .into_iter()
                .map(|(cid, n)| {
                    if cid == -2 {
                        "<expression>".into()
                    } else {
                        n.unwrap_or_default()
                    }
                })
                .collect();
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    t.uniques.insert(columns);
                }
                _ => {
                    t.indexes.insert(
                        index,
                        Index {
                            columns,
                            unique: unique == 1,
                            partial: partial == 1,
                        },
                    );
                }
            }
        }
        let fks: Vec<SqliteForeignKeyRow> = sqlx::query_as(
            "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete \
             FROM pragma_foreign_key_list($1) ORDER BY id, seq",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for (id, table, from, to, on_update, on_delete) in fks {
            let fk = by_id.entry(id).or_insert_with(|| ForeignKey {
                columns: vec![],
                table: table.clone(),
                references: vec![],
                on_delete: sqlite_action(&on_delete),
                on_update: sqlite_action(&on_update),
            });
            fk.columns.push(from);
            // `REFERENCES t` without columns names t's primary key.
            fk.references.push(to.unwrap_or_default());
        }
        for fk in by_id.into_values() {
            t.foreign_keys.insert(fk);
        }
        schema.insert(name, t);
    }
    // Implicit references, resolved now that every primary key is known.
    let pks: BTreeMap<String, Vec<String>> = schema
        .iter()
        .map(|(n, t)| (n.clone(), t.primary_key.clone()))
        .collect();
    for t in schema.values_mut() {
        t.foreign_keys = std::mem::take(&mut t.foreign_keys)
            .into_iter()
            .map(|mut fk| {
                if fk.references.iter().all(String::is_empty) {
                    fk.references = pks.get(&fk.table).cloned().unwrap_or_default();
                }
                fk
            })
            .collect();
    }
    schema
}

async fn postgres_schema(url: &str) -> Schema {
    let mut c = sqlx::postgres::PgConnection::connect(url)
        .await
        .expect("connect to the test database");
    let mut schema = Schema::new();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
         AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for (name,) in tables {
        let cols: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text, is_nullable::text, column_default::text \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 \
             ORDER BY ordinal_position",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        let t = Table {
            columns: cols
                .into_iter()
                .map(|(n, ty, nullable, default)| Column {
                    name: n,
                    class: postgres_class(&ty),
                    declared: ty,
                    not_null: nullable == "NO",
                    default: normalise_default(default),
                })
                .collect(),
            ..Table::default()
        };
        schema.insert(name, t);
    }
    // Constraints, their columns in key order.
    let constraints: Vec<PostgresConstraintRow> =
        sqlx::query_as(
            "SELECT cl.relname::text, c.contype::text, \
               array_to_string(ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o) \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), ','), \
               rt.relname::text, \
               array_to_string(ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o) \
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o), ','), \
               c.confdeltype::text, c.confupdtype::text \
             FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid \
             JOIN pg_namespace ns ON ns.oid = cl.relnamespace \
             LEFT JOIN pg_class rt ON rt.oid = c.confrelid \
             WHERE ns.nspname = 'public' AND c.contype IN ('p', 'u', 'f')",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
    for (table, kind, cols, ref_table, ref_cols, on_delete, on_update) in constraints {
        let Some(t) = schema.get_mut(&table) else {
            continue;
        };
        match kind.as_str() {
            "p" => t.primary_key = split(&cols),
            "u" => {
                t.uniques.insert(split(&cols));
            }
            _ => {
                t.foreign_keys.insert(ForeignKey {
                    columns: split(&cols),
                    table: ref_table.unwrap_or_default(),
                    references: split(&ref_cols),
                    on_delete: postgres_action(&on_delete),
                    on_update: postgres_action(&on_update),
                });
            }
        }
    }
    // Indexes not behind a primary key or unique constraint. An expression column is
    // anything `pg_get_indexdef` does not give as a plain column name.
    let indexes: Vec<(String, String, bool, bool, String)> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, ix.indisunique, ix.indpred IS NOT NULL, \
           array_to_string(ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, true) \
             FROM generate_series(1, ix.indnkeyatts) k ORDER BY k), ',') \
         FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace \
         WHERE ns.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c \
           WHERE c.conindid = ix.indexrelid AND c.conrelid = ix.indrelid AND c.contype IN ('p', 'u', 'x'))",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for (table, index, unique, partial, cols) in indexes {
        let Some(t) = schema.get_mut(&table) else {
            continue;
        };
        let columns = split(&cols)
            .into_iter()
            .map(|c| {
                let plain = c.trim_matches('"');
                if plain
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                {
                    plain.to_string()
                } else {
                    "<expression>".into()
                }
            })
            .collect();
        t.indexes.insert(
            index,
            Index {
                columns,
                unique,
                partial,
            },
        );
    }
    schema
}

fn describe(c: &Column) -> String {
    format!(
        "{} ({}) {}{}",
        c.declared,
        c.class,
        if c.not_null { "NOT NULL" } else { "NULL" },
        c.default
            .as_ref()
            .map(|d| format!(" DEFAULT {d}"))
            .unwrap_or_default()
    )
}

/// Every disagreement, one readable line each.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = vec![];
    let names: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for name in names {
        let (s, p) = match (sqlite.get(name), postgres.get(name)) {
            (Some(s), Some(p)) => (s, p),
            (Some(_), None) => {
                out.push(format!("table {name}: only on SQLite"));
                continue;
            }
            _ => {
                out.push(format!("table {name}: only on PostgreSQL"));
                continue;
            }
        };
        let cols = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        for c in &s.columns {
            match p.columns.iter().find(|x| x.name == c.name) {
                None => out.push(format!(
                    "{name}.{}: only on SQLite ({})",
                    c.name,
                    describe(c)
                )),
                Some(x)
                    if x.class != c.class || x.not_null != c.not_null || x.default != c.default =>
                {
                    out.push(format!(
                        "{name}.{}: SQLite {} | PostgreSQL {}",
                        c.name,
                        describe(c),
                        describe(x)
                    ))
                }
                Some(_) => {}
            }
        }
        for c in p
            .columns
            .iter()
            .filter(|c| !s.columns.iter().any(|x| x.name == c.name))
        {
            out.push(format!(
                "{name}.{}: only on PostgreSQL ({})",
                c.name,
                describe(c)
            ));
        }
        let (sc, pc) = (cols(s), cols(p));
        let shared_s: Vec<&String> = sc.iter().filter(|c| pc.contains(c)).collect();
        let shared_p: Vec<&String> = pc.iter().filter(|c| sc.contains(c)).collect();
        if shared_s != shared_p {
            out.push(format!(
                "{name}: column order SQLite ({}) | PostgreSQL ({})",
                sc.join(", "),
                pc.join(", ")
            ));
        }
        if s.primary_key != p.primary_key {
            out.push(format!(
                "{name}: primary key SQLite ({}) | PostgreSQL ({})",
                s.primary_key.join(", "),
                p.primary_key.join(", ")
            ));
        }
        for u in s.uniques.difference(&p.uniques) {
            out.push(format!("{name}: UNIQUE ({}) only on SQLite", u.join(", ")));
        }
        for u in p.uniques.difference(&s.uniques) {
            out.push(format!(
                "{name}: UNIQUE ({}) only on PostgreSQL",
                u.join(", ")
            ));
        }
        let fk = |f: &ForeignKey| {
            format!(
                "FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
                f.columns.join(", "),
                f.table,
                f.references.join(", "),
                f.on_delete,
                f.on_update
            )
        };
        for f in s.foreign_keys.difference(&p.foreign_keys) {
            out.push(format!("{name}: {} only on SQLite", fk(f)));
        }
        for f in p.foreign_keys.difference(&s.foreign_keys) {
            out.push(format!("{name}: {} only on PostgreSQL", fk(f)));
        }
        let ix = |i: &Index| {
            format!(
                "{}INDEX ({}){}",
                if i.unique { "UNIQUE " } else { "" },
                i.columns.join(", "),
                if i.partial { " WHERE …" } else { "" }
            )
        };
        let index_names: BTreeSet<&String> = s.indexes.keys().chain(p.indexes.keys()).collect();
        for i in index_names {
            match (s.indexes.get(i), p.indexes.get(i)) {
                (Some(a), Some(b)) if a == b => {}
                (Some(a), Some(b)) => out.push(format!(
                    "{name}: index {i}: SQLite {} | PostgreSQL {}",
                    ix(a),
                    ix(b)
                )),
                (Some(a), None) => out.push(format!("{name}: index {i} only on SQLite: {}", ix(a))),
                (None, Some(b)) => {
                    out.push(format!("{name}: index {i} only on PostgreSQL: {}", ix(b)))
                }
                (None, None) => {}
            }
        }
    }
    out
}

/// Differences that are deliberate and harmless, each exactly as reported, with its reason.
/// An entry that no longer matches a difference fails the test too, so the list stays true.
const ALLOWED: &[(&str, &str)] = &[(
    "item_counts_weekly: index item_counts_weekly_week: \
     SQLite INDEX (week, kind, item_id, branch_id, youth_group_id, started, completed, scored, score_milli_sum) \
     | PostgreSQL INDEX (week)",
    "SQLite has no INCLUDE: its index lists every column so that the few weeks a short period \
     reads come from the index alone; PostgreSQL reads those rows from the table (migration \
     0013). Same name, same leading column, the same lookups are fast on both.",
)];

#[tokio::test]
async fn sqlite_and_postgres_schemas_agree() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema.db");
    let sqlite = Db::connect(&format!("sqlite:{}", file.display()))
        .await
        .unwrap();
    sqlite.migrate().await.expect("SQLite migrations");
    sqlite.pool.close().await;
    let url = new_postgres_database().await;
    let postgres = Db::connect(&url).await.unwrap();
    postgres.migrate().await.expect("PostgreSQL migrations");
    postgres.pool.close().await;

    let (s, p) = (sqlite_schema(&file).await, postgres_schema(&url).await);
    assert!(s.len() > 30, "SQLite tables were read ({})", s.len());
    assert!(
        s.values()
            .any(|t| !t.foreign_keys.is_empty() && !t.indexes.is_empty()),
        "constraints and indexes were read"
    );
    let mut diff = differences(&s, &p);
    let stale: Vec<&str> = ALLOWED
        .iter()
        .map(|(d, _)| *d)
        .filter(|d| !diff.iter().any(|x| x == d))
        .collect();
    assert!(
        stale.is_empty(),
        "allowed differences that no longer occur (remove them from ALLOWED):\n  {}",
        stale.join("\n  ")
    );
    diff.retain(|d| !ALLOWED.iter().any(|(a, _)| a == d));
    assert!(
        diff.is_empty(),
        "the SQLite and PostgreSQL migrations disagree in {} places:\n  {}",
        diff.len(),
        diff.join("\n  ")
    );
}
