from tortoise import BaseDBAsyncClient

# One transaction: the access log is locked (ACCESS EXCLUSIVE) from the copy to the swap, so no
# request's row is lost or logged twice; requests wait for it (docs/production.md, "Partitions").
RUN_IN_TRANSACTION = True

# Written by hand: aerich cannot express a partitioned table. It
# 1. converts `access_log` into a table partitioned by month on "timestamp" (the primary key becomes
#    (id, timestamp), a partitioned table's keys must hold the partition key): a partition for every
#    month with rows, this month and the next three, and a default partition for any other
#    timestamp, so that an insert never fails (backend/audit/partitions.py creates months ahead and
#    moves rows out of the default); the rows are copied, the indexes (whatever they are by now)
#    built again on the new table, the id sequence kept;
# 2. creates the statistics' rollup (AccessLogRollup), fills it from the rows, and keeps it with a
#    statement trigger in the same transaction as every insert.
# The latency histogram's bounds are backend/audit/queries.py's LATENCY_BOUNDS as of this migration.
LATENCY_BOUNDS = (
    0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750,
    1_000, 1_500, 2_000, 3_000, 5_000, 10_000, 30_000, 60_000,
)
MONTHS_AHEAD = 3


def _rollup_rows(rows: str) -> str:
    """grain, dimension, bucket, key, duration_ms for each rollup row that a row of `rows` counts in."""
    latency = " ".join(f"WHEN r.duration_ms <= {bound} THEN {n}" for n, bound in enumerate(LATENCY_BOUNDS))
    return f"""SELECT g.grain, d.dimension,
                date_trunc(g.unit, r."timestamp" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket,
                d.key, r.duration_ms
            FROM {rows} AS r
            CROSS JOIN LATERAL (VALUES
                ('class', (r.status / 100)::text),
                ('latency', (CASE {latency} ELSE {len(LATENCY_BOUNDS)} END)::text),
                ('user', r.username::text),
                ('path', r.path::text)) AS d (dimension, key)
            JOIN (VALUES ('m', 'minute'), ('h', 'hour'), ('d', 'day')) AS g (grain, unit)
                ON g.grain <> 'm' OR d.dimension = 'class'
            WHERE d.key IS NOT NULL"""


def _rollup_insert(rows: str) -> str:
    """Counts of `rows` added to the rollup, in the unique key's order (concurrent inserts take the
    rollup's row locks in one order: no deadlock)."""
    return f"""INSERT INTO "access_log_rollup" AS t ("grain", "dimension", "bucket", "key", "n", "max_ms")
        SELECT grain, dimension, bucket, key, COUNT(*), MAX(duration_ms) FROM ({_rollup_rows(rows)}) AS counted
        GROUP BY grain, dimension, bucket, key
        ORDER BY grain, dimension, bucket, key
        ON CONFLICT ("grain", "dimension", "bucket", "key")
        DO UPDATE SET "n" = t."n" + excluded."n", "max_ms" = greatest(t."max_ms", excluded."max_ms")"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "access_log_rollup" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "grain" VARCHAR(1) NOT NULL,
    "dimension" VARCHAR(8) NOT NULL,
    "bucket" TIMESTAMPTZ NOT NULL,
    "key" VARCHAR(2048) NOT NULL,
    "n" BIGINT NOT NULL,
    "max_ms" DOUBLE PRECISION NOT NULL,
    CONSTRAINT "uid_access_log__grain_1a83ce" UNIQUE ("grain", "dimension", "bucket", "key")
);
COMMENT ON TABLE "access_log_rollup" IS 'The access log counted per time bucket, for the statistics: rows in a minute, hour or day';
DO $convert$
DECLARE
    month timestamp;
    statement text;
BEGIN
    -- A log converted beforehand (docs/production.md, "Partitions": online) is left as it is.
    IF (SELECT relkind FROM pg_class WHERE oid = 'access_log'::regclass) = 'p' THEN
        RETURN;
    END IF;
    LOCK TABLE access_log IN ACCESS EXCLUSIVE MODE;
    CREATE TEMPORARY TABLE access_log_conversion AS
        SELECT pg_get_indexdef(i.indexrelid) AS indexdef, obj_description('access_log'::regclass, 'pg_class') AS comment
        FROM pg_index AS i WHERE i.indrelid = 'access_log'::regclass AND NOT i.indisprimary;
    ALTER SEQUENCE access_log_id_seq OWNED BY NONE;
    ALTER TABLE access_log RENAME TO access_log_unpartitioned;
    EXECUTE format('ALTER TABLE access_log_unpartitioned RENAME CONSTRAINT %I TO access_log_unpartitioned_pkey',
                   (SELECT conname FROM pg_constraint WHERE conrelid = 'access_log_unpartitioned'::regclass AND contype = 'p'));
    CREATE TABLE access_log (LIKE access_log_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)
        PARTITION BY RANGE ("timestamp");
    ALTER TABLE access_log ADD CONSTRAINT access_log_pkey PRIMARY KEY ("id", "timestamp");
    FOR month IN
        SELECT DISTINCT date_trunc('month', "timestamp" AT TIME ZONE 'UTC') FROM access_log_unpartitioned
        UNION
        SELECT generate_series(date_trunc('month', now() AT TIME ZONE 'UTC'),
                               date_trunc('month', now() AT TIME ZONE 'UTC') + interval '""" + str(MONTHS_AHEAD) + """ months',
                               interval '1 month')
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF access_log FOR VALUES FROM (%L) TO (%L)',
                       'access_log_y' || to_char(month, 'YYYY') || 'm' || to_char(month, 'MM'),
                       month AT TIME ZONE 'UTC', (month + interval '1 month') AT TIME ZONE 'UTC');
    END LOOP;
    CREATE TABLE access_log_default PARTITION OF access_log DEFAULT;
    INSERT INTO access_log SELECT * FROM access_log_unpartitioned;
    DROP TABLE access_log_unpartitioned;
    ALTER SEQUENCE access_log_id_seq OWNED BY access_log.id;
    FOR statement IN SELECT indexdef FROM access_log_conversion LOOP
        EXECUTE statement;
    END LOOP;
    EXECUTE format('COMMENT ON TABLE access_log IS %L', (SELECT comment FROM access_log_conversion LIMIT 1));
    DROP TABLE access_log_conversion;
END
$convert$;
-- No row goes in between the rollup's filling and its trigger.
LOCK TABLE access_log IN SHARE ROW EXCLUSIVE MODE;
ANALYZE access_log;
""" + _rollup_insert("access_log") + """;
CREATE FUNCTION access_log_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $rollup$
BEGIN
    """ + _rollup_insert("added") + """;
    RETURN NULL;
END
$rollup$;
CREATE TRIGGER access_log_rollup_insert AFTER INSERT ON access_log
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION access_log_rollup_insert();"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TRIGGER IF EXISTS access_log_rollup_insert ON access_log;
        DROP FUNCTION IF EXISTS access_log_rollup_insert();
        DROP TABLE IF EXISTS "access_log_rollup";"""
# The access log stays partitioned: the models read and write it as before.


MODELS_STATE = (
    "eJztXVlz2zgS/isovYxTpXhs+dzs1lbZjj2jiY+UrGymJp6iYBKSuCIJhgDtqGb93xcA71"
    "OkJcokhy+JBXSD4Aeg0QfQ/KunYwVpZHeENdT7AP7qGVDnf0TK+6AHTTMo5QUUPgqOnuVR"
    "PBJqQZmysinUCGJFCiKypZpUxQYrNWxN44VYZoSqMQuKbEP9biOJ4hmic2Sxim9/smLVUN"
    "APRLyf5kKaqkhTIt1UFf5sUS7RpSnKhga9EoT8aY+SjDVbNwJic0nn2PCpVYPy0hkykAUp"
    "4s1Ty+bd571z39J7I6enAYnTxRCPgqbQ1mjodR+loKwnSbd3Y+n+cixJvRIAydjg4LKuEv"
    "H2M96F94P9w5PD04Pjw1NGIrrpl5y8OI8OgHEYBTy3496LqIcUOhQC4wBU8X8C1os5tNJx"
    "9ehjyLIux5H1cKwvtDr8IWnImNE5+3l8mIPjf85GF7+ejXaOD9/xB2I2+Z0VcevWDEQVhz"
    "qANtytEgjH2DYDtFcQIB0sXB/W3laAHhwdFUCaUWVCLeqiWD/aqkYlNQXoc8yEFjTSsQ6z"
    "xYB+ZHxVIe2XVAB2Drbnd3fXvGWdkO+aKBiOYxh/uTm/HO3sC+gZkUpRWIwEeMsW4phIkC"
    "YR/8hqqKqjdMijnDHQFZd11/ujqhGoUqywF1TuDG3pirOcARkPby7vx2c3nyOj8vFsfMlr"
    "BqJ0GSvdOY6tC78R8HU4/hXwn+CPu9tLAS8mdGaJJwZ04z96vE/Qplgy8LMElZDk9Uo91F"
    "74djxdhPYOXvAI5cUztBQpUYMHOIs2WaUP9NRNySbIIsmJdQON5Rjzf8XUGjLYoSGnbUeu"
    "RvOFtdO4benFWzFeafB88VpSTG3zXtJCmlhYXjVX1hwQsSXwX6ClB67kqEf+0LhVnMWton"
    "ML27O5z+Cpfgxk9lTkyIWLs/uLs49ipklxpUpMHB0acCaK+Lu+9KOdTtFBvZfJ1kFtj6LT"
    "Qduig/IhLauHhnm2pyI1WBv1ABNr/RVAe3yd4r8SahMS8oyZWJ1DMi+DdYKxhTO7EvVfJR"
    "LbCtSnFBGSq/9H+CozABJz2ytorPrvT1R5Do0Zkiz03VYtlLI55sKf10xnjrXWHNuqrG+X"
    "NRbZ0U3llYMe5exs8LqMuodRaNjd3gejrkFCJQ3PVOMVA59g3sDYu1O1Juu9uSNd2t0SzA"
    "mKF8hIcZicu3xXn0bcOZDuUXYt7zFvo4FLPctd8rIxb1TgSFnPG+XF1xplK5X1RnkvGfdG"
    "BS69qDcq5HKKe6NCjqq1vFHBwsp0R11zkThmD6E0PTYaJejnOagc8UrDtKtcVb0rqGpIAY"
    "KVABnbBus6UA2ADQTcptgoASJjE4EdghDgaCFD2WUSZL7rPe3dbi82qhtuOsV19q0nWEVt"
    "zFegmr0/1/Gsnauzv4tz7R+DwcHByWDv4Pj06PDk5Oh0z/eyJavy3G3nw1+4fRDZtFa74P"
    "whLOqq8Bla6KLYPy7godiPawaBg4JX1dn5VqNg8Oadb0zmlADYoe5gXQnrlG0jtpWmB2VK"
    "6DDLajm9KYT3qpXTawZBQnYclhfYpmUADbN0gCYA5bYtpBTpJn2taRxlb583rOnWcXwBMQ"
    "OD6bOqVnqwY7ydG6RmA729Uye5dqHjFEmxB31vSbYdSH2SlebfHTPFhIHGJskcAQtNGXzz"
    "96IFwKwzxHoHVAoIhRYlu2CEqfDmMEpTgzIigo0g2UK0DwxMnWbwc9IcrPZRq09WfAub9a"
    "Hgw5+lDMMvX4YfS5iFtq0qu5ynGvdL719T25AFSuJJ/J/Df1el6eUsbaHWHThrNbwKxavn"
    "G4DuRJD+S9Uy+nOMrYXGYAXHAyz0pGKbSK/EPIv/VeCv3rZahb3FxdmrYmZRzq0oDG/hR2"
    "+sxtDccHgXGV097EXi4cKCY9rFa8Y9ztut7zqvb/TDVFlzrxjnKGdn4Nd5lDtPbiUqkLC/"
    "mJVnpCye/EhEwNU6mI/2BwVwZlSZQIu62KU0x82UhDn/TlrA1Z2BLHEGkllFePE61T7C2f"
    "kCa7wneEPFtFhS7lptkrN99vJBESF2kC3DDhIiLOSsKxikCnFsL0ZV88tPCW92FOAkulfY"
    "QurM+ISqvulYD6Mk7XSZBZ99Z3B4UqUe+Xp5m/DAmSwjQq7xrJcSIggq+3lhAijI+KHc4r"
    "ECCz8DE1mA35dAhPbB85yN+RMrUSkB2KYyZhsWGOFnAhYImcJHzzH8iQBVAdBQAO+s47+H"
    "YOrMNka6TA8YVPy8olED774f34XZgtDNHiOLBBRiNexPapOUChPSeUqxY0PEChXbEhEQSS"
    "dOAZS9k7QxSgot9gbO0hRDLH4metYdgavlEbhghEqqjxHGzqVQb/VRCLBUjSZPdQxztTDG"
    "tT84LXLicXCafeSR10VVR50Jc1wK54CjjRhv/FCpt4kVv11MW3upeO+wyAzmZNnXikVlFG"
    "L2qlapA7s+Q+s8ZFVBHOhoUYzvdahpmapPwNUmI/NgcHLs6zz8R56Wc39zdn2ddIOF1dUE"
    "qFcahhmIxvhisE45YwOBzcHv492X8+tL8Hl0eTG8H97dRrUVURl1OY4uz67f3D1SN//Thg"
    "/xvkkqmLph2t2QaCKsXVxtW3E19JQK8m/3d7cZUf+ndHwVVabgf0BTSQNFbw6uHImISe7B"
    "uXNz9nsc6Yvru/O4rc0bOI+hHri9is7tgKMTy6vlR8x7WBTkGFv7kN58UCvimC2J8xo+oF"
    "qjXNl8Zm+PUu7nrATa52sf1htzt9Xklowf6RphTbPNXl4wzCXpFwuJ8UQPHvnKyNh4joDD"
    "ym+4+KkOeOCKe97Boy0v+KWVKbacSyz8Zguhqkw+8AgX4UkRINBVw6as9Tm2LcAoFbhMxM"
    "Qqe9KDsTOZ8WkzATqr6APlHXhcilQNE4W1bBD2rhOwM5E1SMjkg9+6TYAo6oMJz7thyEu3"
    "0v31YMxZBzBrW/+J+P2bcO1zwv7nrsHJOxGo4xG9yQItJ7vgq6VSxs17ANmKUmcz9oLYAJ"
    "NggCb8VdhzHgzCBpwRQfaHcxUGEu9qEHHSSvBfujpz3AzhRiQTWlTlpWTy7p+An1Bmz3ww"
    "3DwUP0NbUenP3LWmIrJrLnfBjYCOMOg0hfVIWwIXkewkFQJWMZIejvyHgwT/i9+w75JVNC"
    "JS5w9l0S3FZ2ih63u/yFaSvZEkPloQXh1F8Y0wtRDjItt19madcHkHQqdMmDngauG1lDYF"
    "mUvmeNl6apfGR+XSvvKRs/mmSaVGh4m2sv2GVHg2piWDSQFLF0fKiiPVxXgzTczeUkfi8G"
    "XScAtV5xttMcIqP88gDvCp7EmuO4ZvfCXP1f1dVPXKPtogMC+pwng8nQJTawXGwDQt0dcY"
    "/cjaYT2GFsSv8gby8vdxfljFH8fru9tfPPJ4rCVxiiskyQoKqShTm3Sbqu5ZuIilaDFlr1"
    "p8DlpqGMRFb1tEZ1fZCxfhE6CQpOcMLJOY+sZppUV4r5uaOlefu2D4zLC1TFPm/LpcTU4O"
    "U3Vf2WqSAMxT2LovvW401FnCfOsk4ptKRA+uFIEYQjJbHuohomqt2pANnX6hzRPNa14q62"
    "TpmrJUh9Yi7d5uzt0Wn6MqG6npAjVsFD1BzU7ZrHI8jj5H53AscnC9SZcd64J74/w4ye2k"
    "4DaQZOxcDGlf3YvuxgXBjXF1yK523sRiC2s6cGIhjYZBXdSJk1zD6Y6ctAm9AZDDroaWIh"
    "xbyBF4R0x4j4YX47fKTOI5KVNsnpD/MtvmCblLOxdQo8Rov7YuoDqZLPt7e0XOze3tZZ+c"
    "43Wxq8x26buLIZYO5EIgP6oWnbuHspOGS8bRuRBPns1SAPDGpPbjFkhcX8U6VwdKhXbDPF"
    "10t3R0t8tEni0r2puJvPsyd9tGPcXf4sctSkeBQqbZmpGgdpqylUaDXPNnqCDdxOJu1CeU"
    "GixPJ+wXsJqYQejzeF/u3KwVFUl6uPbNpc6uWtOu6k78eyf+j46KHPg/Oso+78/r4om9nf"
    "R7c0hK5TuL87UQ781H3pqlsG5ViDRTcymir3ZnUKvLZtVlT++yp29Zf+6XzZ6eIgs2gGp3"
    "UPrtMtNfaZAshswIsehICP2EeROj6OfZNVNOK6mCWLJc6pX5OM6AeAbgn9TmaShEGnmnEc"
    "QTPICJ8+O9aP69Rzb5AJ7nqjwHeAqwbRH+NdpHJLPeJ5PTb/4RD8aD8XUOKdDhAhEAgYXe"
    "W7bhNsoT2M/ZswF9VmUk8mWwXdjW2Z9Tiiye29756H12HgrCHiizQoEtI3J/synUZZ+o0f"
    "XXbGMvPoCFQz0xvhaaI5tP1RWsjlIzPsLWJkVqy1e/czKl5cGflyutg784/N5O9gprPMba"
    "RRLqbo/XJR0AsphilKYwujW5iiIMaLpTQ1uWTZV5t5+QVTYhVIilhWpOJV5uvqhKIOyStx"
    "DdSk4NsSfSkkmjQyxrpY2uG9o54G4sb/SbbmYv/weyZ1kA"
)
