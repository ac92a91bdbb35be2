from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "mfa_recovery_code" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "code_hash" VARCHAR(64) NOT NULL,
    "used_at" TIMESTAMP,
    "user_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_mfa_recover_user_id_4e73db" UNIQUE ("user_id", "code_hash")
) /* One single-use recovery code, kept as a keyed hash. */;
        CREATE TABLE IF NOT EXISTS "mfa_token_use" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "jti" VARCHAR(64) NOT NULL UNIQUE,
    "expires_at" TIMESTAMP NOT NULL,
    "user_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
) /* An mfa_token that completed a login: its `jti`, unique, so that it completes no other. */;
CREATE INDEX IF NOT EXISTS "idx_mfa_token_u_expires_b3b7f5" ON "mfa_token_use" ("expires_at");
        CREATE TABLE IF NOT EXISTS "user_mfa" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "secret" VARCHAR(255) NOT NULL,
    "confirmed_at" TIMESTAMP,
    "last_step" BIGINT,
    "created_at" TIMESTAMP NOT NULL,
    "user_id" INT NOT NULL UNIQUE REFERENCES "user" ("id") ON DELETE CASCADE
) /* A user's TOTP second factor (backend.auth.mfa): pending until `confirmed_at`, then on. */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "mfa_recovery_code";
        DROP TABLE IF EXISTS "user_mfa";
        DROP TABLE IF EXISTS "mfa_token_use";"""


MODELS_STATE = (
    "eJztXW1T4zgS/iuqfDmmKkNBYGB26uqqgIHd3AKZCuF2a2e3jLCVxBfH8tgyDLXHfz9Jfr"
    "dlx07iYHv0BRKp2y+PbKn76Vbn794Sa8hw9sfYQL1P4O+eCZfsQ6K9D3rQsqJW1kDgI9fo"
    "2YHEo0NsqBLaNoWGg2iThhzV1i2iY5O2mq5hsEasUkHdnEVNrql/c5FC8AyRObJpx9e/aL"
    "Nuaug7coKv1kKZ6sjQEpepa+zcvF0hLxZvG5rkiguysz0qKjbcpRkJWy9kjs1QWjcJa50h"
    "E9mQIHZ4Yrvs8tnV+XcZ3JF3pZGId4kxHQ1NoWuQ2O0+KlFbT1FuRxPl7nKiKL0KAKnYZO"
    "DSS3X43c/YJbwfHB6fHn88Ojn+SEX4ZYYtp6/eqSNgPEUOz+2k98r7IYGeBMc4ApX/z8B6"
    "MYe2GNdAPoUsveQ0sgGOzYV2Cb8rBjJnZE6/nhwX4Pifs/HFL2fjvZPjd+yEmD783htx6/"
    "cMeBeDOoI2flkVEE6pbQfooCFCOnpxQ1h7OwF68OFDCaSpVC7UvC+J9aOrG0TRBUCfYzpp"
    "QVOMdVwtBfQj1asL6bClBrALsD0fja7ZkZeO883gDcNJCuP7m/PL8d4hh54K6QTFp5EIb9"
    "VGDBMFkizin2kP0ZdIDHlSMwW65qvuBx/qGoE6pxV6g9rINF786axgQCbDm8u7ydnNl8So"
    "fD6bXLKeAW99SbXunaTei/Ag4Lfh5BfAvoI/RreXHF7skJnNzxjJTf7osWuCLsGKiZ8VqM"
    "Vm3qA1QO2VLcfTRWztYA2PUF08Q1tTMj14gPNks13LwVK4KLkOsp3sg3UDzZcJZn/5ozWk"
    "sENTFS1HvkVzT4/TumXpNXhjgtbo/Py2lJTZFtykjQz+YgXdzFjzQMQ2x3+BXgJwFc88Co"
    "fG72IqfheZ29idzUOFwPSjINOzIm9euDi7uzj7zJ80JW1U8QdnCU04403sXl/7yYsW2KDB"
    "zeTboG4gIW3QrtigbEir2qFxnd2ZSC22RgPA+Lu+BtCBnjT8V0JtQcd5xnRanUNnXgXrjG"
    "IHn+xazH/dUehSoD8JppBC+z+hV5sDkHm2g4bWmv/hg6rOoTlDio2+ubqNBItjIfxFh5Hu"
    "WGfdsZ3O9d3yxhIruqWtOehJTemDN2XUA4xiw+5ffTTqBnSIYuCZbq4x8BnlLYy9/6g25H"
    "1v70hXpltizvMU0rVTxU/IfqGjrSEBeXLuH+Pq1zEjCsTssu+F30zh2D/cBW1p4QSQR6Ik"
    "XiUGG8ELZCrUydkcsgk71L3TWbg4VBvCxDHqEkCVOM/Eo5cP5MhEE0z/rIaT0WU33qE2nq"
    "Wbg2ceLRwxmpvRwkGgu1WkRVVaOLjJNC0ccetJWjjG/aZp4RhjvBEtHK1wubzwNbNNJvQk"
    "hIiTFJIC/SKm2LNzSFx2FWfcu4K6gTTAVR2gYteklw50E2ATAf9QdJSAo2ILgT0HIcDQQq"
    "a2T5fy+X5wtnf7vdSobvnQAg77a4+r8t4Uaadbvb82objP9dmPwnL/NBgcHZ0ODo5OPn44"
    "Pj398PEgpLuzXUW89/nwZ+aoJ6zH1Vx4OIRlOcNQoYNc4eFJCarwMG2iR0wh62oyC96grI"
    "zts+B0zqkAsCctYV0J65QuI64tsoNyZ+i4yup5elsIH9Q7T28YjYwRKlhdYJdUATSuIgHN"
    "AMpIJkgIWlpkXY4qqd49WrrtNFX6BaIOBrVndaPyYKd0JR/ZsIHeXfpXoV+YZiQFnqGAtM"
    "z3DTOMaTn3cERdNYcOt4HeU4sQBEcA7Ah9sEAWAdABkH56ob4di+Jn/cA1jyF0+GKeOVP3"
    "8gakp9cKTy8asApmckKpgx5fLXlPa4VInW3GR5vJvrZ2UUp79EqltMyYxu6M94anZ2aW+S"
    "TAWXSvsI30mfkrqjsXuxmvioh2t+FzuKjGHyohF/76ZnZTGJYU20zxqGWxvRSGSsvZSmcm"
    "CLUAmUNCLZylxXDRqHXDafBPQCcOePgv0R/6wBvxPnCwJ61HCg4wMcDM7MmaU/WdZstp4t"
    "Ky2pVlRQe6ik3li8vE5pW2FPpu6XTpXsOcSmpKPkdaVE1e9KVFJS2qPIvKy2AS2FJhalO+"
    "FUVCkVJMk2+8UOMD2GhK3/D5e8/MMXQT0atjtgt9SGzi7IMxJjxXiEpaBlSpLcPUHKTaiP"
    "SpXUO8w+BnMSFV36lWW1FJGivKR/+rknl1fz/8XMG4cl1d22c69SzyvX9OXVPlKPEzsT/H"
    "/6or5lgwGfFF/shbTuILBb/1YjPKfxCUiuZUSk2SVGV2jNnoSceuo6yJeZ7+WuA3jKyqG3"
    "ubTWdrcYRJTUkTNtmobdcOKblZZvWwl9kixXMJ1owApHXl+93k91tSEz/CKMucwlpMIO5/"
    "US/PFLw8xTmxkVbnYP5wOCiBM5XKBZr3peqUeQlPguhAYZmySEtui6+wLZ56RXixnmmf0J"
    "RZaQ1eE4KholasU63SYlaze/7yUZlJ7Ch/DjvKTGEyPCDDAzI8UFTYju3Izalt52/WLS5v"
    "p/i7g0vkWAAm/w8HTEaTL4yCx6ZGZVWCbbCX2D1ID/nuE7Dod7bHkOdbgwcqPtXtJV/nHv"
    "qMtme7EQU5FrWdRpbia1YpPi+KU2URjTQ6yPTXUqws/jpUJiNTupKUarJpyilEhyABa1GU"
    "DZZQW8tiatiY7jItTFL+Pzbl3wD3pPUWwkabvlY5MkF1m5rdmKYWa9nAidnIMTlTVeQ413"
    "jWE7gmUWehcwK5GCsgV849YZlFNn6m/oANWG1P5JA+eJ7TUXyiLSwpG7tExXQuBWP87IAF"
    "QhZPHvLdDV0DkHoa7GK9xCIIpp4bzHbHiTOZaj5f2XSmoDY1WyDoI760elQskemU6qEfie"
    "sIOixI5oJmL7iRatRcm6dmKUvHa4BqUEAqJUmgTe/Ae9n4EPOvmSuTGe6NzHCPRqiiZZNQ"
    "lLHOJjsP/gQmtGWKOO24Vgdd8sPBxxIuOZXKrwrE+pKuwpJO5rgSzpFGFzHeet2lYBErnd"
    "Doy3cQ3MHBcZknmInls0q8MwkxvVW7Uk2rUKFzofu6II5stCTGd0toGLmmT6TVpejX0eD0"
    "JLR52JciK+fu5uz6OsvQxM3VDKhXBoY5iKb0UrBOmWILgS3A7/Po/vz6EnwZX14M74aj26"
    "S1wjtZU5QLMb48u37zuG0zWcit1bl6k58tahqmsohgG2GVCX+7SvhDT0KQ/303us1JR34S"
    "46vpKgH/A4butHDqLcCVIZFwyQM4927Ofk8jfXE9Ok/72uwA5ynUI9qr7LMdachpefX8kW"
    "IPy4KcUuse0tvPtksQsxVx3oADajTKtT3P9O6RoITlSqBDve5hvTW6baOY4hbDYJaF6Z0u"
    "EY/JZQNhse5+YSgsJVjnr9HyGJBOz+S/0Yyfrxia+VHiMrUlxnHMM7AWB1sCnQ4mkHQp0G"
    "JiIiqnPkHfc96ZUKEDLlDRQF7+Pim2zMNxvB7d/hyIp831TCAgNpOVnKSSSl1iUevaQ+Aj"
    "JmBVq24j+BIdqWUQl03CST5dVTcTxIOI0BH/MkOlH5LzjtIhvKv9RlpFe+6C4jPD9ovImA"
    "v7Ci05NS5VpxknDbZdGmxVmfmNWPmGQVuDt1zBfZMz4pvOiAFconK/EZIFpX5jQvV6tTEf"
    "WpwTGUzNG+Ylyrl0w7l0Ce2FKJW7ID0q1KjLR2r7hBp3ip6g4QoWq4IMiFBD5j6UyX1oU7"
    "5sU3BvHY+TXU5KLgNZRUkxiPbTJVfjkuCmtCSyq8mbVGxhQwInFdJoGdRlSZzsOywmckQP"
    "9BZAjlMNHUU49SIn4B3TyXs8vJi8VdWNgKQU+Dwx/jLf54nRpZICatU02m8sBdQkl+Xw4K"
    "BMFP/gID+Kz/pS2fBu5fTXmIoEuRTIj7pN5hoUrFHMcRGjHNcp8llKAN6asnXMA8nUWVky"
    "c6BSaDeuI6O7laO7suRG/lzR4ZIblrbmqCc15ag3ZdQFfEsYt6gcBYq5ZhtGgrrpytYaDf"
    "Ldn6GGlhYmyFRfqFPby/eTUoL9El4TdQhDHWWBagikJ+pmsDNs9BPX0q/a0K/yx7is0e+L"
    "d3Erdx3lAYMKDlV/Gjyt10G8tx95a5fButNJpJ2WSxl7Veag1rchWlYGl5XBd2w/96sW1R"
    "PMBVtAVSZKv13V9SsDOoshdUJsMuaTfsa9SUn0i/yaKZNVdC6s2L50iVrs/ByAUGeIOrJe"
    "JULvIEgDjy/gwfvynh/+fSD28Ak8z3V1DvAUYNd22C+tPiKVXr2oDvu2T/Gn+af52xwSsI"
    "QL5AAIbPTedk3/oKwG4pwVcifPuop4bUS6CrtL+nFKkM3KI0LdcG2UVxrxa8+hJ1RpI8eW"
    "Cvnf6SO0kQ8nSw2yvl2UGkwPYOlQT0qvg+7I9nd7R29HpSc+odYlQ2rHFcMLNtsXwV+03V"
    "7CXx7+YCVbwxtPqcpIQtP98aaUA0A2NYxEBqPfU2gowkhGZg3teG6qjd1+QrZTsXhQTKWD"
    "Zk4tLDd7qSog7It3EN1asoboGUnFumMxlY0qjzUN7QJwt1Z67E0Xs9f/A4vgFTg="
)
