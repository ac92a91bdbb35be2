from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "role" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL UNIQUE,
    "description" VARCHAR(255) NOT NULL,
    "built_in" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE "user" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "username" VARCHAR(64) NOT NULL,
    "username_key" VARCHAR(64) NOT NULL UNIQUE,
    "password_hash" VARCHAR(255) NOT NULL,
    "is_active" BOOL NOT NULL,
    "password_change_required" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "last_login_at" TIMESTAMPTZ
);
CREATE INDEX "idx_user_is_acti_83722a" ON "user" ("is_active");
CREATE INDEX "idx_user_created_b19d59" ON "user" ("created_at");
CREATE INDEX "idx_user_last_lo_4a74bb" ON "user" ("last_login_at");
CREATE TABLE "login_attempt" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "username_key" VARCHAR(64) NOT NULL,
    "ip" VARCHAR(64) NOT NULL,
    "succeeded" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX "idx_login_attem_created_4aac38" ON "login_attempt" ("created_at");
CREATE INDEX "idx_login_attem_usernam_b6f11a" ON "login_attempt" ("username_key", "created_at");
CREATE INDEX "idx_login_attem_ip_93437e" ON "login_attempt" ("ip", "created_at");
COMMENT ON TABLE "login_attempt" IS 'A failed or successful login, counted per username and per IP for throttling.';
CREATE TABLE "token" (
    "id" UUID NOT NULL PRIMARY KEY,
    "refresh_jti" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "ip" VARCHAR(64) NOT NULL,
    "user_agent" VARCHAR(512) NOT NULL,
    "blocked" BOOL NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "revoked_reason" VARCHAR(32),
    "user_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
);
CREATE INDEX "idx_token_expires_cba27c" ON "token" ("expires_at");
CREATE INDEX "idx_token_revoked_c580c1" ON "token" ("revoked_at");
CREATE INDEX "idx_token_user_id_04e30c" ON "token" ("user_id", "created_at");
COMMENT ON TABLE "token" IS 'One login: the refresh-token lineage it starts. Rotation replaces the secret, not the row.';
CREATE TABLE "access_log" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "timestamp" TIMESTAMPTZ NOT NULL,
    "request_id" VARCHAR(128) NOT NULL,
    "method" VARCHAR(16) NOT NULL,
    "path" VARCHAR(2048) NOT NULL,
    "query" VARCHAR(2048) NOT NULL,
    "status" SMALLINT NOT NULL,
    "duration_ms" DOUBLE PRECISION NOT NULL,
    "user_id" INT,
    "username" VARCHAR(64),
    "ip" VARCHAR(64) NOT NULL,
    "user_agent" VARCHAR(512) NOT NULL,
    "event" JSONB
);
CREATE INDEX "idx_access_log_timesta_b187df" ON "access_log" ("timestamp");
CREATE INDEX "idx_access_log_usernam_19e71b" ON "access_log" ("username", "timestamp");
CREATE INDEX "idx_access_log_user_id_36e417" ON "access_log" ("user_id", "timestamp");
CREATE INDEX "idx_access_log_status_129e2e" ON "access_log" ("status", "timestamp");
CREATE INDEX "idx_access_log_path_6590bc" ON "access_log" ("path", "timestamp");
CREATE INDEX "idx_access_log_ip_803e49" ON "access_log" ("ip", "timestamp");
CREATE INDEX "idx_access_log_duratio_09c28b" ON "access_log" ("duration_ms");
COMMENT ON TABLE "access_log" IS 'One row per request, whatever its outcome. Rows keep the user''s id and name, not a foreign key.';
CREATE TABLE "category" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL UNIQUE
);
CREATE TABLE "patient" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "surname" VARCHAR(100) NOT NULL,
    "birthday" DATE,
    "comments" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX "idx_patient_name_6f1019" ON "patient" ("name");
CREATE INDEX "idx_patient_surname_0d98a3" ON "patient" ("surname");
CREATE INDEX "idx_patient_birthda_97e1ec" ON "patient" ("birthday");
CREATE TABLE "appointment" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "date" TIMESTAMPTZ NOT NULL,
    "notes" TEXT NOT NULL,
    "patient_id" INT NOT NULL REFERENCES "patient" ("id") ON DELETE CASCADE
);
CREATE INDEX "idx_appointment_patient_92d012" ON "appointment" ("patient_id", "date");
CREATE TABLE "measure" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "marker" VARCHAR(64) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "timestamp" TIMESTAMPTZ NOT NULL,
    "appointment_id" INT NOT NULL REFERENCES "appointment" ("id") ON DELETE CASCADE,
    "category_id" INT NOT NULL REFERENCES "category" ("id") ON DELETE RESTRICT
);
CREATE INDEX "idx_measure_marker_0534ce" ON "measure" ("marker");
CREATE INDEX "idx_measure_appoint_851572" ON "measure" ("appointment_id", "timestamp");
CREATE INDEX "idx_measure_categor_745ecd" ON "measure" ("category_id", "timestamp");
CREATE TABLE "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);
CREATE TABLE "user_role" (
    "user_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    "role_id" INT NOT NULL REFERENCES "role" ("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "uidx_user_role_user_id_d0bad3" ON "user_role" ("user_id", "role_id");
CREATE INDEX "idx_user_role_role_id" ON "user_role" ("role_id");
-- The built-in roles exist from the first migration on.
INSERT INTO "role" ("name", "description", "built_in", "created_at") VALUES
    ('admin', 'Manages users, roles, tokens and the access log', TRUE, CURRENT_TIMESTAMP),
    ('user', 'Works with patient data', TRUE, CURRENT_TIMESTAMP);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXe9zmzYY/lc4vqy783KJnV/b7XZnJ27r1Yl7jrP12ttxCig2CyAKImmuy/8+SRgQIA"
    "g4xgHKlzaR9IJ4JL163ucV5LtsIg0a7t4cGVD+TfouW8CkP8TKe5IMbDsqpQUY3DAL2Qla"
    "3LjYASomZbfAcCEp0qCrOrqNdWSRUsszDFqIVNJQt5ZRkWfpXz2oYLSEeAUdUvHlH1KsWx"
    "r8Bt3gV/tOudWhocW6qWv03qxcwY82K5tY+C1rSO92o6jI8Ewramw/4hWywta6hWnpElrQ"
    "ARjSy2PHo92nvVs/ZfBEfk+jJn4XORsN3gLPwNzj3ihRmawol7OFcjVeKIpcAiAVWRRc0l"
    "WXPf2SduGX/sHhyeHp4PjwlDRh3QxLTp78W0fA+IYMnsuF/MTqAQZ+C4ZxBCr7PwXr2Qo4"
    "YlyD9glkSZeTyAY41hdaE3xTDGgt8Yr8enyYg+Nfw/nZ++H8zfHhz/SGiEx+f0Vcrmv6rI"
    "pCHUHLd6sEwgmz7QAdFERIRws3hFXeCdD9o6MCSJNWmVCzujjWN55uYEUXAD1CxGkBS4w1"
    "b5YA+obYVYV0WFIB2DnYjmazKb2y6bpfDVYwWSQwvr4YjedvDhj0pJGOIe9GIrxVB1JMFI"
    "DTiJ+TGqybUAx53DIBurY23Qt+qGoEqnQr5AG1mWU8rt1ZzoAsJhfjq8Xw4mNsVM6HizGt"
    "6bPSx0Tpm+PEuggvIv09WbyX6K/S59nlmMGLXLx02B2jdovPMu0T8DBSLPSgAI3zvEFpgN"
    "oT3Y5v77i9gxbcAPXuATiakqpBfZTVNl1l9k3hpuS50HHTE+sCWI8LRP9lU2tCYAeWKtqO"
    "1ozmmlyncdvSU7BigtLo/uyxlARtCx7SgQZbWEE1JWs+iMhh+N/BxwBcxadH4dCsq6jJug"
    "qvHOQtV6FBQP0IyOSu0PcLZ8Ors+E5m2lKklSxiWMCCyxZEX3Wp1680wIOGjxMNgf1ghYd"
    "B20LB6VDWpaH8ja7o0gNZqMBYGytbwB0YNcR/2ehtoHrPiDiVlfAXZXBOmXYwpldCf3XXY"
    "VsBfq9wIXk8v+YXWUBQGpuBwWNpf/hRFVXwFpCxYFfPd2Bgs0xF/68y3ThWGvDsZ36+nZF"
    "Y7Ed3dY2HPS4ZReD12XUA4y4YV/3Php1A7hYMdBStzYY+JTxFsZ+PVVrst6bO9Kl5ZZoTm"
    "B0By2BYDJa2739MKfigFhRXkfeC3qNBi71LLnkaWtqVCSkvEyNCvJrjYqVyqpRwUMm1ahI"
    "0ourUZzklFSjOKHqRWpUtLAy5agpdYlDjKFpY1kgS8Xqe3nyVOBco6bP6VTykFToBtQk5E"
    "iup6rQdW89Q2JX6kkq8izyHJINHSmIxSVg+QWTjxLBU6LwYGyQcdyTE6O6/as/r559SYkG"
    "HMskbb/Iup0sLaW4jfTljyK6/drvDwYn/f3B8enR4cnJ0el+qL6lq/JkuNHkHY0bYptZcW"
    "muHqrRa7PKinUjf1UUhdhv3QFbAFjm96BWWp+I2e1QkHgdftzpEV1kWt/scC5/84MXAXEL"
    "o5psxobDJs8ytZkFfeJEAFlByYG3BL3VL+wKEiFIkPRO0rFEIgEHu3vSHGEWdZGWtgEI9W"
    "JmLiSTHPckC2H/MughTduqvVVRDrem3xsTtevryXkJmuZ5urZHbaoJk+Tfbz1LZSixO9F/"
    "Dv+Qd+9p2Q428JcqvwjZo+cTsvVEUP7FehmykDDrWEMB1tCsTazTV7ejqjOJlPi+TcY9ab"
    "sTdbUu9LFOA50pr/IjDb/ZOrncBuMct2wfSW3TKNc7qN7RmetqjhMphINagsWTLwtFVq2D"
    "+eigXwBn0ioTaFaXONpuIPWutHTBWXUnKUooFw68JyHWJpt/3LJLrNZ4TwiGirBYt9zLOW"
    "nLjZxYzVhd3IsNijixQbYPG6RcGCclFDw6zVk8n8ppQsC0hSPUKa0tDnAa3bfIgfrS+gCr"
    "fl+iHkGJKEftgIdQquInlTBx/PQ64uWQJWWnaCkLBMyospcnYgLWjB7tKa5kOuiBpXnpqU"
    "vo4p70sCJjfk9KdOxKyMMqIhuWNEcPrnQHoc0URIrhT66kayxLTDvrq4uAporpbCNNH8Vy"
    "ZsX3K5OXZtiRXZgsCNP2U9L8aYN4DfkRe66gwgZ4JSj2Y4hEoeY5TJ9VTLdLdtc02R0NWU"
    "nqFzPs5IB6Uz/mfIRsJI/28VYtVM8P+qcFSB9plcn6WF2c9pnEEaNSOEcWbcT4uAjEycXB"
    "IXycftEIl3y/CLf2taL9wyIzmDbLfrGIVcYhJo/qlDr5FBq0Tt2qCuKIX8UxvjKBYWRSn8"
    "iqTQHioH9yHHIe+ksey7m6GE6naQmLp5opUN8aCGQgmrBLwHpLDRsIbA5+57Pr0XQsfZyP"
    "zyZXk9llnK2wyrhcOB8Pp68ubdRNO9rKy+Gv/DJ43TD9oQ+adjmxNsFcSU4M3gtB/vNqdp"
    "mRsb8X46vpKpb+kwzdbaDrzcGVIhELyQM431wMPyWRPpvORslYm15gJBKdX0kjtW1EHtuE"
    "lvD9HL66l6uTJhpW+REZJhDq5E7r3Z4KQCW1vx9F+Kvs0zIM8xSs+WpeYNPCc3ttUvIshE"
    "WvZS7gt4w1Exq0YI/NG8jxp0W+6w/HcTq7fBc0T+4HKaWJ82QFnVTcqE1helV53DVigrC9"
    "bCr3Y3SlhkFcNJsbn11lE7q8Sg1czxG5kjKvz1/4V2kR3i99gT6Xz50RfJbIeRSRubAul8"
    "mpfKvuW4BNcoB5hK37HvVW5YmNPifSecRX8IgBXAKHyCGZ7Q9NrlG1US0XQ4sPzASuOV3b"
    "+dJd+lITOHeic4E5+ffQoqoYqekOlQ+K7oHhCTarnBRbaNEl14ok15p0IKsuuDdOx0lvJw"
    "W3gbRhJzGIvsUR340Lgpuw6pB9XrxJ5BZeKOAkUhoNg7qoiJNew2IhRzShtwAyLzW0FOHE"
    "Qo7BOyfOez45W7zWmw+BSCmIeTj9Mjvm4eTSTgJqlBvt1VYCqlPIcrC/X+TI8P5+9plhWp"
    "f8GFrp81WcSQdyIZBvdAevNCDYo2jgIkaZt8mLWQoA3phXh2kEkuSryKR0oFRql7fpsrul"
    "s7vdl46yfUV7v3TU/f2Ato26QG8J8xals0BcaPbCTFA7Q9lKs0FD6OjqShYddfRrermnHK"
    "M2XVi0M59RcVh0Dx235J8S5kza+MpfFX9JjC6qEgivm7cQ3UrCInJHXPLkPmfyorP7dUO7"
    "9Yf3n/4HHh0qcg=="
)
