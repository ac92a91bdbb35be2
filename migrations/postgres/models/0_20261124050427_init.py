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
    "previous_refresh_jti" VARCHAR(64),
    "rotated_at" TIMESTAMPTZ,
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
    "eJztXe9vozYY/lcQX3aTsqpN+mvTNClpc1u2tDml6Xa604RccBMWwByY9qqt//tsE8CAoZ"
    "CGFDi+3LW2XzCP7dfP+7yG/iubSIOGezBHBpR/kv6VLWDSH2LlPUkGth2V0gIM7piF7AQt"
    "7lzsABWTsntguJAUadBVHd3GOrJIqeUZBi1EKmmoW8uoyLP0Lx5UMFpCvIIOqfj8NynWLQ"
    "1+hW7wq71W7nVoaLFu6hq9NytX8JPNyiYWfs8a0rvdKSoyPNOKGttPeIWssLVuYVq6hBZ0"
    "AIb08tjxaPdp7zZPGTyR39Ooid9FzkaD98AzMPe4d0pUJivK9Wyh3IwXiiKXAEhFFgWXdN"
    "VlT7+kXfihf3R8dnw+OD0+J01YN8OSs2f/1hEwviGD53ohP7N6gIHfgmEcgcr+T8F6sQKO"
    "GNegfQJZ0uUksgGO9YXWBF8VA1pLvCK/nh7n4PjncH7x23D+7vT4e3pDRCa/vyKuNzV9Vk"
    "WhjqDlu1UC4YTZboAOCiKko4UbwirvBej+yUkBpEmrTKhZXRzrO083sKILgB4h4rSAJcaa"
    "N0sAfUfsqkI6LKkA7BxsR7PZlF7ZdN0vBiuYLBIY316NxvN3Rwx60kjHkHcjEd6qAykmCs"
    "BpxC9JDdZNKIY8bpkAXduYHgQ/VDUCVboV8oDazDKeNu4sZ0AWk6vxzWJ49SE2KpfDxZjW"
    "9FnpU6L03WliXYQXkf6aLH6T6K/Sp9n1mMGLXLx02B2jdotPMu0T8DBSLPSoAI3zvEFpgN"
    "oz3Y7v19zeQQvugLp+BI6mpGpQH2W1TVeZfVO4KXkudNz0xLoC1tMC0X/Z1JoQ2IGliraj"
    "DaO5Jddp3Lb0HKyYoDS6P3ssJUHbgod0oMEWVlBNyZoPInIY/mv4FICr+PQoHJpNFTXZVO"
    "GVg7zlKjQIqB8BmdwV+n7hYnhzMbxkM01Jkio2cUxggSUros/63It3WsBBg4fJ5qBe0KLj"
    "oG3hoHRIy/JQ3mZ/FKnBbDQAjK31LYAO7Dri/yLUNnDdR0Tc6gq4qzJYpwxbOLMrof+6q5"
    "CtQH8QuJBc/h+zqywASM3toKCx9D+cqOoKWEuoOPCLpztQsDnmwp93mS4ca204tldf365o"
    "LLaj29qWgx637GLwuox6gBE37JveR6NuABcrBlrq1hYDnzLewdhvpmpN1ntzR7q03BLNCY"
    "zW0BIIJqON3fs/5lQcECvKm8h7Qa/RwKWeJZc870yNioSU16lRQX6tUbFSWTUqeMikGhVJ"
    "enE1ipOckmoUJ1S9So2KFlamHDWlLnGIMTRtLAtkqVh9L0+eCpxr1PQlnUoekgrdgJqEHM"
    "n1VBW67r1nSOxKPUlFnkWeQ7KhIwWxuAQsv2DyQSJ4ShQejA0yjgdyYlR3f/WX1bPPKdGA"
    "Y5mk7WdZt5OlpRS3kb78VkS3H/v9weCsfzg4PT85Pjs7OT8M1bd0VZ4MN5r8SuOG2GZWXJ"
    "qrh2r01qyyYt3IXxVFIfZbd8AWAJb5PaiV1ididnsUJN6GH3d6RBeZ1jc7nMvf/OBFQNzC"
    "qCabseGwyYtMbWZBnzgRQFZQcuA9QW/1A7uCRAgSJL2TdCyRSMDB7oE0R5hFXaSlbQBCvZ"
    "iZC8kkxz3JQti/DHpM07Zqb1WUw23o99ZE7fZ2clmCpnmerh1Qm2rCJPnne89SGUrsTvSf"
    "41/k/XtatoMN/KXKL0L26PmEbDMRlH+wXoYsJMw61lAkjefABx15rrIl5ln2W4H/ssrWKu"
    "wd6s62IhBxy73om3UhcHUiDJkCZ3NpYpfB2E3eiiUhCLvYZtyTtt36rvP6hl9tnVxui3GO"
    "W7YvDGzTKNdbttrTWw3VHNhTSJRnCRZPvvAaWbUO5pOjfgGcSatMoFld4uURA6nr0uIgZ9"
    "WdVSqhDZKoCK23o/Yxy+7oQo33hGCoCIt1y73+lrZsX7w8KOLEBtk+bJByYZxYV/DlBM7i"
    "5WRpEwKmHbykkFKz4wCn0X2PHKgvrT9g1W8k1SMoEZ0CccBjKAbzk0p4NOP5bdIDQ3bsYY"
    "qWsiBFEFX28tIEgDWjh+eK5woc9MgOUtBzzdDFPelxRcb8gZTo2JWQh1VENixpjh5daQ2h"
    "zTR6iuF3rqRr7BwG7ayv3wN6GIPONtL0SZwwqPh+ZU5+MOzILkwWhGn7hz748zzxGvIj9l"
    "xBhQ3wSlDsxxCJQs1zWAZEMd3uOElNj5NEQ1aS+sUMOzmg3tSPOR8hG8mjfbxVC/NTR/3z"
    "AqSPtMpkfawuTvtM4ohRKZwjizZifFoE4uTi4BA+Tb/Kh0u+wYdb++Le4XGRGUybZb+6xy"
    "rjEJNHdUqdLQwNWqduVQVxxK/iGN+YwDAyqU9k1aYAcdA/Ow05D/0lj+XcXA2n07SExVPN"
    "FKjvDQQyEE3YJWC9p4YNBDYHv8vZ7Wg6lj7MxxeTm8nsOs5WWGVcLpyPh9M3lzbqph3t5P"
    "MLb/y5hbph+k0f5e5yYm2CuZKcGHwQgvz7zew6I2P/IMZX01Us/ScZuttA15uDK0UiFpIH"
    "cL67Gn5MIn0xnY2SsTa9wEgkOr+RRmrbiDy2CS3hG3B8dS9XJ000rPIzTUwg1MmdNrs9FY"
    "BKan/fivBX2cebGOYpWPPVvMCmhef22qTkWQiLXnxewK8ZayY0aMEemzeQ44+LfNcfjuN0"
    "dv1r0Dy5H6SUJs6TFXRScaM2helV5XE3iAnC9rKp3A/RlRoGcdFsbnx2lU3o8io1cD1H5E"
    "rKfKDiyr9Ki/B+7ScqcvncBcFniZwnEZkL63KZnMq36r622SQHmEfYui++71SeKBG+dR7x"
    "TT1iAJfAIXJIZvtDk2tUbVTLxdDiAzOBa07Xdr50n77UBM5adC4wJ/8eWlQVIzXdofJB0Q"
    "MwPMFmlZNiCy265FqR5FqTDmTVBffG6Tjp7aTgNpA27CQG0ddu4rtxQXATVh2yL4s3idzC"
    "KwWcREqjYVAXFXHSa1gs5Igm9A5A5qWGliKcWMgxeOfEec8nF4u3evMhECkFMQ+nX2bHPJ"
    "xc2klAjXKjvdpKQHUKWY4OD4scGT48zD4zTOuSnxssfb6KM+lALgTyne7glQYEexQNXMQo"
    "8zZ5MUsBwBvz6jCNQJJ8FZmUDpRK7fI2XXa3dHa3+9JRtq9o75eOur/Q0bZRF+gtYd6idB"
    "aIC81emQlqZyhbaTZoCB1dXcmio45+TS/3lGPUpguL9uYzKg6LHqDjlvxj3ZxJG1/5q+Jv"
    "9dFFVQLhTfMWoltJWETuiEue3OdMXnV2v25ot/7w/vP/SSxBCw=="
)
