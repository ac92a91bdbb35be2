from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "login_throttle" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "scope" VARCHAR(16) NOT NULL,
    "username_key" VARCHAR(64) NOT NULL,
    "ip" VARCHAR(64) NOT NULL,
    "failures" INT NOT NULL,
    "lockouts" INT NOT NULL,
    "last_attempt_at" TIMESTAMP NOT NULL,
    "locked_until" TIMESTAMP,
    CONSTRAINT "uid_login_throt_scope_6be151" UNIQUE ("scope", "username_key", "ip")
) /* Failed logins counted in one throttling scope (see backend.auth.throttle). */;
CREATE INDEX IF NOT EXISTS "idx_login_throt_last_at_17debb" ON "login_throttle" ("last_attempt_at");
CREATE INDEX IF NOT EXISTS "idx_login_throt_locked__984666" ON "login_throttle" ("locked_until");
        DROP TABLE IF EXISTS "login_attempt";"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "login_throttle";"""


MODELS_STATE = (
    "eJztXW1vo7gW/isoX25XylZt0re9ulopadPd3EmbUZreu9rRCLngJGwAM2DaiXb739c2AQ"
    "wYAklIA8uXmcY+B8xj+/ic59jwZ8tAKtSd0wnSYevf0p8tExj0j0h5W2oBywpLaQEGL0yj"
    "ZfsSLw62gYJJ2QzoDiRFKnQUW7OwhkxSarq6TguRQgQ1cx4Wuab2zYUyRnOIF9AmFV++km"
    "LNVOF36Pg/raU806CuRpqpqfTerFzGK4uVDU18zwTp3V5kBemuYYbC1govkBlIayampXNo"
    "QhtgSC+PbZc2n7Zu/ZT+E3ktDUW8JnI6KpwBV8fc477IYVlLlh/HU/lpMJXlVgGAFGRScE"
    "lTHfb0c9qEHzvnF9cXN92rixsiwpoZlFy/e7cOgfEUGTyP09Y7qwcYeBIM4xBU9n8C1tsF"
    "sMW4+vIxZEmT48j6OB4vtAb4LuvQnOMF+Xl1kYHj/3qT2197k5Orix/oDREZ/N6MeFzXdF"
    "gVhTqElm9WAYRjavsB2i8IkQ4nbgBr6yBAdy4vcyBNpFKhZnVRrF9cTceyJgC6j4jRAqYY"
    "a14tBvQL0SsL6aCkBLAzsO2PxyN6ZcNxvumsYDiNYfz80B9MTs4Z9ERIw5A3IyHeig0pJj"
    "LAScTvSA3WDCiGPKoZA11dq576f5TVA2WaFfKA6tjUV2tzltEh0+HD4Gnae/gc6ZW73nRA"
    "azqsdBUrPbmKzYvgItL/h9NfJfpT+n38OGDwIgfPbXbHUG76e4u2CbgYySZ6k4HKWV6/1E"
    "ftnS7HsyW3dtCCF6As34Ctyoka1EFpsskqo2MIFyXXgbaTHFgPwFxNEf2XDa0hgR2Yimg5"
    "Wns0z+Q6lVuW3v0Z45eG92ePJcfcNv8hbaizieVXU2fNAxHZDP8lXPngyp57FHTNuoqqrK"
    "vwwkbufBEo+K4fAZncFXp24bb3dNu7YyNNjjtVbOAYwARzVkSf9b0dbbTAB/UfJt0HdX2J"
    "xgetiw9Ku7SoH8rrHM5FqrA36gPG5voWQPt6jeO/EWoLOM4bImZ1AZxFEawTijUc2aW4/5"
    "ojk6VAexWYkEz/P6JXWgCQGNt+QWXd/2CgKgtgzqFsw2+uZkPB4pgJf9ZlmnCstuHYQW19"
    "vaKxyIpuqVt2elSzicGPpdd9jLhuX7c+7HUdOFjW0Vwzt+j4hPIe+n49VI9kvle3pwvTLe"
    "GYwGgJTQFh0l/r3X+aUHJAzCivI+8pvUYFp3oaXfK+NzYqJFJ2Y6P8/FqlYqWibJT/kHE2"
    "KqT0omwURznF2SiOqNqJjQonViodNaImcUpugrE4NxoVaGcRVJ55xbzsJqqqdQ80HaoSU3"
    "UkBbkmabqkmRIyobS+FOklyVGQBaUTB0KJogVN9ZRYkMWpf7cfTluxXt3zpQXU2ZcWU2W1"
    "Ma5As1pfd2HW+tr8n0Ku/dTpdLvXnbPu1c3lxfX15c1ZwLIlq7Lotv7wFxofRBatzRRc0I"
    "V5qYpAoYYUxflVDobiPO4ZhAQFrTpm8u2IksH7J9+IzSkAsCfdwLoR1hlZRlxb5AelWmhe"
    "ZbOd3hfCZ+Xa6R2TIFwch5QlcnERQHmVBtAEoDS2BRhDw8LbhsZR9fqxYVWPjuMTiAQYxJ"
    "/V9MKdHdNtaJAj6+jD7TrJjAs9UkQQDwZsSXociAORjeHfmIRiLEAjg2QBJRvOCHyLH9kV"
    "JBKdQdI6ScOSg4GNnVNpgjBjc4ikpQMFOkzNgYoNcVsyEfYug96S4WC5t9q8s+ILH9ZzyY"
    "evhQLD5+fhXYGw0HU19ZTqlEO/tP4zc02FocTuRP+5+LksTy9jajO3ruvNVX4WskfPDgDX"
    "A0H+A2tF/OeYWg2DwRK2B9jwVUOuI2+JeZr+VuBvXrZqhb1NzdlWObOo5kEcho/g0SvrMV"
    "Q3Hd5kRjd3e558OIvgiHexTb/HdZv5fczzG363NHK5Lfo5qtkE+Mfcyw2TW4oLxOIvEuWZ"
    "gsmTnYkItWoH8+V5JwfORCoVaFYXO5Tm0UxJmLPPpIVazR7IAnsgSVSEltu59hHNhgs84j"
    "XB7yrixTrFjtUmNesXL3fzGLFuug3rJkwYR9blTFJxGofLUR354acEmx0FOInuPbKhNjc/"
    "wbJPOh5HUCLaXWaDt4AM5geVcMvX+8ekB3qKAh1nhOYtQYogrGxnpQkAE6ObcvPnCmz0Jl"
    "nQluh5CejgtvS2IH3+Sko07EjIxQoiC5Y0QW+OtITQYhw9xfBfjqSpEjBViTbW4++BNPNG"
    "GxFdiRMGJd8vb9bAP+9HV2EyIQyrRcQiCYVYDfkTu46gwgJ4ISj2YohYoeraLAMiG07BLE"
    "WzfY3WHWL7WthlBV2/iGJDBxy368eMj9AbyXL7eK0a5qfOOzd5dit2btK3K9K6qNtnEEOM"
    "CuEcatQR471vCPUXoPwng3FtDwSfXeQZwVQs/Ugwq4xCTB7VLrTZNlCoHbtVFsShfxXF+M"
    "kAup7q+oRadQoQu53rq8DnoT+yvJynh95olKSweFczAeq9jkAKojG9GKwzqlhBYDPwuxs/"
    "90cD6fNkcDt8Go4fo94Kq4zShZNBb/Th1MaxcUd73oD7Ia9xOTZMm9MNVYS1yYkdKicGX4"
    "Ug//dp/JiSsX8V46tqCpb+knTNqaDpzcCVIhEJyX04Tx56v8WRvh2N+/FYm16gLyKdP4gj"
    "tSxEHtuAjNxNsqRcdTuTJ40Jlvn6N0YQauRO69WeEkAFub9/CvFX2kvhGOYJWLPZPF+nhv"
    "v26sTkmQiLDhJO4feUORMo1GCNzerIwW/TbNMf9ONo/PiLLx5fDxJME2fJchqpqFKdwvSy"
    "8rhrxARhe9FU7ufwShWDOG82Nzq6iiZ0eZYaOOIzyUVefPPgXaVGeO/66ptMf+6W4DNH9k"
    "rkzAV1mZ6cwks1b/GtkgHMctiaL0nslZ4oEL41FvFDLaIPl8Agckim20ODEyo3quViaPGG"
    "Gd80J2sbW3pIW2oAeynaF5iRfw80yoqRqm5Q+aDoFeiuYLHKSLEFGk1yLU9yrUobso4F98"
    "rxOMnlJOcykFRsKAbRW72jq3FOcGNaDbKbyZtYbmFHAieW0qgY1HlJnOQcFhM5ogG9B5B5"
    "qqGmCMcmcgTeCTHek+Ht9KNOPvgkpSDm4fjL9JiHo0sbCqhSZrR9tBTQMYUs52dnebYMn5"
    "2l7xmmdbHtlm7h/VWcSgNyLpBfNBsvVCBYo2jgIkaZ18mKWXIAXpmjwzQCifuryKDuQKHU"
    "Lq/TZHcLZ3ebNx2l24r6vumo+fJP3XpdwLcEeYvCWSAuNNsxE1TPULbUbNA6/Bmq0LAQhq"
    "ay+gSFyXKxYDtH1EQCwkDH/zLAfqOoyKFqeoedPuPRxFU7xlUFvxpx8I9FHMzjL+Xjof4R"
    "4aJfa43r1RDv/WfequWwNl+q3Iu/2uxBLe/EXfN2pubtTAf2n9tF384ksAV7QLXZKP2Bb7"
    "6CtqYsWqIDXV5NO/MsVyjTJH+qZCrbGUHKK7Qdrdg7GTmVGjrPpQQrdFIVQHgtXkN0S0n+"
    "kDvigueTOZWdTigfG9q1P6L8/jf6TcXo"
)
