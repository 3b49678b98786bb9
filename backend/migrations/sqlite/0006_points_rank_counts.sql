-- Members per period and total points, organization-wide (SQLite): a member's rank on the
-- organization board is 1 + the members above their total, summed over a few hundred
-- distinct totals instead of counted over up to every member. Kept by the same
-- transaction as each ledger entry, after the organization's totals row, which
-- serializes these updates (so they cannot deadlock). Rows may fall to 0 members.
CREATE TABLE points_rank_counts (
    period  TEXT NOT NULL,
    points  BIGINT NOT NULL,
    members BIGINT NOT NULL,
    PRIMARY KEY (period, points)
) WITHOUT ROWID;

INSERT INTO points_rank_counts (period, points, members)
    SELECT period, points, COUNT(*) FROM points_member_totals GROUP BY period, points;
