from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# The statistics' rollup (backend/audit/models.py, AccessLogRollup), kept by a trigger in the same
# transaction as the rows, and filled from the rows already logged. The latency histogram's bounds
# are backend/audit/queries.py's LATENCY_BOUNDS as of this migration.
LATENCY_BOUNDS = (
    0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750,
    1_000, 1_500, 2_000, 3_000, 5_000, 10_000, 30_000, 60_000,
)
GRAINS = "SELECT 'm' AS grain, '%Y-%m-%d %H:%M:00+00:00' AS format UNION ALL SELECT 'h', '%Y-%m-%d %H:00:00+00:00' UNION ALL SELECT 'd', '%Y-%m-%d 00:00:00+00:00'"
DIMENSIONS = "SELECT 'class' AS dimension UNION ALL SELECT 'latency' UNION ALL SELECT 'user' UNION ALL SELECT 'path'"


def _rollup_rows(row: str) -> str:
    """grain, dimension, bucket, key, duration_ms for each rollup row that `row` counts in."""
    latency = " ".join(f"WHEN {row}.duration_ms <= {bound} THEN {n}" for n, bound in enumerate(LATENCY_BOUNDS))
    key = (
        f"CASE d.dimension WHEN 'class' THEN CAST({row}.status / 100 AS TEXT) "
        f"WHEN 'latency' THEN CAST(CASE {latency} ELSE {len(LATENCY_BOUNDS)} END AS TEXT) "
        f"WHEN 'user' THEN {row}.username ELSE {row}.path END"
    )
    return (
        f'SELECT g.grain, d.dimension, strftime(g.format, {row}."timestamp") AS bucket, {key} AS key, '
        f"{row}.duration_ms AS duration_ms FROM ({GRAINS}) AS g CROSS JOIN ({DIMENSIONS}) AS d "
        "WHERE g.grain <> 'm' OR d.dimension = 'class'"
    )


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "access_log_rollup" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "grain" VARCHAR(1) NOT NULL,
    "dimension" VARCHAR(8) NOT NULL,
    "bucket" TIMESTAMP NOT NULL,
    "key" VARCHAR(2048) NOT NULL,
    "n" BIGINT NOT NULL,
    "max_ms" REAL NOT NULL,
    CONSTRAINT "uid_access_log__grain_1a83ce" UNIQUE ("grain", "dimension", "bucket", "key")
) /* The access log counted per time bucket, for the statistics: rows in a minute, hour or day */;
INSERT INTO "access_log_rollup" ("grain", "dimension", "bucket", "key", "n", "max_ms")
    SELECT grain, dimension, bucket, key, COUNT(*), MAX(duration_ms)
    FROM (""" + _rollup_rows("a").replace("FROM (", 'FROM "access_log" AS a CROSS JOIN (', 1) + """) AS counted
    WHERE key IS NOT NULL GROUP BY grain, dimension, bucket, key;
CREATE TRIGGER IF NOT EXISTS "access_log_rollup_insert" AFTER INSERT ON "access_log" BEGIN
    INSERT INTO "access_log_rollup" ("grain", "dimension", "bucket", "key", "n", "max_ms")
        SELECT grain, dimension, bucket, key, 1, duration_ms FROM (""" + _rollup_rows("NEW") + """) AS counted
        WHERE key IS NOT NULL
        ON CONFLICT ("grain", "dimension", "bucket", "key")
        DO UPDATE SET "n" = "n" + 1, "max_ms" = max("max_ms", excluded."max_ms");
END;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TRIGGER IF EXISTS "access_log_rollup_insert";
        DROP TABLE IF EXISTS "access_log_rollup";"""


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
