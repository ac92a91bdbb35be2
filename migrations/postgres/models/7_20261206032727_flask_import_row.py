from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "flask_import_row" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "source_table" VARCHAR(32) NOT NULL,
    "source_id" BIGINT NOT NULL,
    "target_id" BIGINT NOT NULL,
    "imported_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_flask_impor_source__ae6db2" UNIQUE ("source_table", "source_id")
);
COMMENT ON TABLE "flask_import_row" IS 'A Flask template row imported by `import-flask-template`: which of ours it became.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "flask_import_row";"""


MODELS_STATE = (
    "eJztXWtv4zYW/SuEv2wKOEHiPFssFnBerXeSeOA426LTgcpItK21JHokKpmgm/++JPWmaF"
    "myLUdS9WUmJu/V45C8vPdckvqrY2INGc7BCBuo8xP4q2NBk/2RKO+CDlwsolJWQOAz1+jY"
    "gcSzQ2yoElo2gYaDaJGGHNXWF0THFi21XMNghVilgro1jYpcS//mIoXgKSIzZNOKL19psW"
    "5p6Dtygp+LuTLRkaElHlPX2L15uULeFrxsYJFbLsju9qyo2HBNKxJevJEZtkJp3SKsdIos"
    "ZEOC2OWJ7bLHZ0/nv2XwRt6TRiLeI8Z0NDSBrkFir/usRGUdRXkYjpXHm7GidAoApGKLgU"
    "sf1eFvP2WPsN87Ojk/uTg+O7mgIvwxw5Lzd+/WETCeIofnYdx55/WQQE+CYxyByv9PwXo1"
    "g7Yc10BeQJY+sohsgGN1oTXhd8VA1pTM6M+zkwwc/9MfXf3SH+2dnfzAbohp5/dGxINf0+"
    "NVDOoI2vhjFUBYUNsO0EFBhHQ0cENYOzsBund6mgNpKrUUal6XxPrZ1Q2i6BKgLzE1WtCS"
    "Yx1XE4B+pnplIR2WlAB2BraXw+Edu7LpON8MXjAYCxg/3V/ejPaOOPRUSCcobkYivFUbMU"
    "wUSNKIX9MaoptIDnlSUwBd81UPgj/KaoEyzQp9QW1oGW++OctokPHg/uZx3L//nGiV6/74"
    "htX0eOmbULp3JoyL8CLg18H4F8B+gt+HDzccXuyQqc3vGMmNf++wZ4IuwYqFXxWoxSxvUB"
    "qg9s6m48k8Nnewgmeozl+hrSmpGtzDy2TTVWbPlE5KroNsJ92x7qH1NsbsX961BhR2aKmy"
    "6cj3aJ7odWo3Lb0HIyYoje7PX0sR3LbgJW1k8IEVVDNnzQMR2xz/OXoLwFU89yhsGr+Kqf"
    "hVZGZjdzoLFQLXj4JM74o8u3DVf7zqX/OepohOFe84JrTglBexd33vJh9a4oMGL7PcB3UD"
    "idYHbYoPypq0qB8a19mdi1RjbzQAjI/1NYAO9FrHfyXUC+g4r5ia1Rl0ZkWwTik2sGeX4v"
    "7rjkKnAv1FYkIy/f+EXmkBQKpvBwW1df/DjqrOoDVFio2+ubqNJJNjJvxZl2nDscaGYzu1"
    "9c2KxhIz+kJbs9GTmm0MXpVWDzCKNbv/9FGrG9AhioGnurVGw6eUt9D2fletyHivb0sXpl"
    "uiPkHwHFkSwuTS17v9NGLkgJxR9iPvMbtGDYf6MrrkfWtsVESkbMZGBfm1WsVKRdmo4CVF"
    "Niqi9JJsVIxyEtmoGFG1ERsVDayldNQdM4ljehNC5LnRpEA3i6DyzCuJy66iqjq3UDeQBr"
    "iqA1TsWvTRgW4BbCHgX4q2EnBUvEBgz0EIMLSQpR1QCzI7CO72w0FHaNUtX1pCnX3pcFVe"
    "K3AF+qLzdRNm7VKf/l3ItR97vePj897h8dnF6cn5+enFYciypauy6LbLwc8sPkhMWqspuL"
    "AJ81IVoUIDKYqjsxwMxZHoGUQEBauqMvlWoWTw9sk3anMKAOxJt7CuhHVCpxHXlvlBSy10"
    "XGW1nd4Wwofl2ukNkyCxOA6rc+ySIoDGVVpAU4Cy2BYSgswFWTc0Tqo3jw2re3QsDiAaYF"
    "B/VjcKN7ag29IgFWvo3a06yYwLPVJEEg+GbMnyOJCEIivDvyENxXiARjvJDAEbTSh8s31+"
    "BUCjM0SfDugEOATaxDkAI0w4m0MlFwZUkcPVHKTaiHSBhYl3GfyaDgfLvdXqlRVf4mF9LP"
    "nwtVBg+PQ0uC4QFrqurh0wnXLol84/J66lcpT4ndg/J/8qy9PLGNrcrTv2xmp8FPJXzw4A"
    "/Y6g/JfoRfxnQa2BwWAJywNs9KJj11HWxHyZ/lrgr562GoW9zczZWjmzpOZOHIaP4NFr6z"
    "HUNx3eZkZXN3uefDiP4Kh3sU67i7rt+K7y+EbfFzq93BrtnNRsA/wqt3LL5JbiAvH4i0Z5"
    "lmTwZGciIq3GwXx61MuBM5VaCjSvEzaleTRTGubsPWmRVrsGssAaSBoV4fl6rn1Cs+UCKz"
    "wnBE1FvVin2LbatGbz4uXjPEbseLkNO06ZsBhZlzNJFdPYXY6q4pufUmx2EuA0urfYRvrU"
    "+oTK3ulYjaBEtrrMhq8hGRzvVNIlX+8fkx7oqypynDs87UhSBFFlNytNALkYW5SbP1dg41"
    "ewQDZg+yWQQ7rgdUbb/IWW6MQB2CUqphMWGOFXB8wRWnCOnmH4DwfoGoCWBtjDevw9BBOv"
    "t1HRN3nCoOT75c0aBPv92CxMB4S56FCxREJBqKF/EteRVCwgmUmKvRhCKNRcm2dAFNPxCq"
    "AarKQVJAm06Rt4Q5M3Mf+ZerJ2CVwll8BFLVTQfUwotpRCtd1HbsCkHk2W6xjXamCO66h3"
    "kWfFY+9i+ZJHVpd0HU1qzHEhnCONJmK89UWlwSSWf3cxaeym4sOTPD2YiS3fVswrkxDTV7"
    "ULLdgNFRrHkJUFceSjJTF+NKFhLHV9Iq0mBZnHvfOz0OdhP7K8nMf7/t1dmgaLu6spUG8N"
    "DJcgKugJsE6YYg2BzcDvevh0eXcDPo9urgaPg+FD0lvhlUnKcXTTv/tweqRq/NOWF/F+yF"
    "EwVcO03SFRR1jbvNqu8mroRQryvx+HD0uy/i9yfDVdJeB/wNCdGpreDFwZEomQPIBz777/"
    "m4j01d3wUoy12QUuBdQj2itv3440WrO82n4I7GFekAW15iG9/aRWgpgtiPMGHFClUS6tP9"
    "O3R5L9OSuBDvWah/XW6LaK7JLpLxaYvqmJeP4unQiLVXczU2GCYJknfPIckE7v5I9oxs8X"
    "TM38XfIypZ37yTFPwZqdbAl0Grg0u0mJFgsT2V7xMfq+ZMyECg0IgbIa8ua3cbZnHrbj3f"
    "Dh50BcdNdTiYCYJctppJJKTWJRy1qq4yMmYVWLrtb5HF2pZhDnXbCT7F1F1+zEk4jQkR87"
    "UeRss3vvKg3Ce9PTzTL9uSuKzxTbbzJnLqzL9OTUuFR7UHudDGCWw9Z+LGir0XKB8K21iB"
    "9qEQO4JAYxhuRye2jGhMqNamMxtHxNZGCaN1yX2NrSDW2pCe25bOl3xvKoUKOsGKnuBjUe"
    "FL1Aw5VMVhkrIEKNdu1DnrUPdVovWxXca8fjpKeTnNNAWrGlGGQfbkjOxjnBFbRaZFeTN0"
    "JuYUMCR0hp1AzqvCROegzLiRxZh94CyHGqoaEICwM5Ae+IGu/R4Gr8UZvbApJSEvPE+Mvl"
    "MU+MLm0poFqZ0W5lKaAqhSxHh4d5sviHh8uz+KxOWA3vFl7+GlNpQc4F8rNuk5kGJXMUC1"
    "zkKMd1smKWHIDX5nQIFoGI/io2mTtQKLUb12mzu4Wzu+1hdsttRXMPs2s/7ta0VpfwLWHe"
    "onAWKBaabZgJamYoW2o2yA9/BhoyF5ggS337hKTJcrlgN0fURAPCUCf4+Mt2o6jEuRnsDh"
    "t9qamNqzaMqwp+GGjn3wPamcdfyvehgxMcin6QW9RrIN7bz7zVy2FtP0a8FX+1XYNa3obo"
    "9gC+9gC+HfvP3aIH8ElswRZQbRdKf9zhhrcGdOYDGoTYZMSNfiq8ESS6WXHNhMkqOhdWbF"
    "965WGHfcDvAdhX2dj3hPlJhN5FkAae38Cf3o99fvn9QOzPn8DrTFdnAE8Adm2HfdDoGan0"
    "6dPnG27/Fn9Yf1i/ziABJpwjB0Bgo33btfyLsjMQZ+yDu+RVVxE/G5HOwq5J/5wQZLPjEb"
    "3vJmZ8b5feUKWFHFsq5P+mXaj92m6+yeSjv7YrNGDuVI+g18BwZPu7vaPRUajHJ9Sa5Ejt"
    "pO/n2myfBX/WdvsW/vzwBzPZGtG4oNpmEqoej1flOABkU8dI5jD6NZmOIoxk2lVDO7ZNpb"
    "HbL8h2Ch4eFFNpoJtTCsvNBlUBhH3xBqJbyqohekdS8NyxmMpGJ49VDe0McLd29NiHTmbv"
    "/weDduzP"
)
