from tortoise import BaseDBAsyncClient

# CONCURRENTLY: the access log keeps taking rows while the index is built.
RUN_IN_TRANSACTION = False


async def upgrade(db: BaseDBAsyncClient) -> str:
    # The access log's `path` filter is a prefix (LIKE 'x%'); under a collation other than "C" a
    # plain btree index cannot serve LIKE, so PostgreSQL scanned the whole log. SQLite needs no
    # such index (it filters on a range of the existing path index), so this one is PostgreSQL's
    # alone and not in the models: aerich cannot express an operator class there.
    return """
        CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_access_log_path_prefix" ON "access_log" ("path" varchar_pattern_ops);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX CONCURRENTLY IF EXISTS "idx_access_log_path_prefix";"""


MODELS_STATE = (
    "eJztXW1vo7gW/iuILztXylZt0rd7tVopaTO72UmbUZrurna0Qi64CbeAGTDtRHv7369tAh"
    "gwFNKQAMOXmdb24eUxPn7Oc2z3H9lEGjTcozkyoPwf6R/ZAib9IVbek2Rg21EpLcDggVnI"
    "TtDiwcUOUDEpewSGC0mRBl3V0W2sI4uUWp5h0EKkkoa6tYyKPEv/6kEFoyXEK+iQii9/k2"
    "Ld0uA36Aa/2k/Kow4NLfaYukbvzcoVvLZZ2cTCH1lDercHRUWGZ1pRY3uNV8gKW+sWpqVL"
    "aEEHYEgvjx2PPj59us1bBm/kP2nUxH9EzkaDj8AzMPe6D0pUJivK7Wyh3I0XiiKXAEhFFg"
    "WXPKrL3n5JH+HH/snpxenl4Pz0kjRhjxmWXLz6t46A8Q0ZPLcL+ZXVAwz8FgzjCFT2fwrW"
    "qxVwxLgG7RPIkkdOIhvgWF9oTfBNMaC1xCvy6/lpDo6/D+dXvw7nH85P/0VviMjH74+I20"
    "1Nn1VRqCNo+ccqgXDCbDdABwUR0tHADWGV9wJ0/+ysANKkVSbUrC6O9YOnG1jRBUCPEHFa"
    "wBJjzZslgH4gdlUhHZZUAHYOtqPZbEqvbLruV4MVTBYJjO9vRuP5hxMGPWmkY8i7kQhv1Y"
    "EUEwXgNOLXpAbrJhRDHrdMgK5tTI+CH6rqgSrdCnlBbWYZ6407y+mQxeRmfLcY3nyO9cr1"
    "cDGmNX1Wuk6UfjhPjIvwItIfk8WvEv1V+mt2O2bwIhcvHXbHqN3iL5k+E/AwUiz0ogCN87"
    "xBaYDaK52OH5+4uYMWPAD16QU4mpKqQX2U1TZdZfZN4aTkudBx0x/WDbDWC0T/ZZ/WhMAO"
    "LFU0HW0YzT25TuOmpddgxASl0f3ZaykJ2ha8pAMNNrCCakrWfBCRw/B/gusAXMWnR2HXbK"
    "qoyaYKrxzkLVehQUD9CMjkrtD3C1fDu6vhNfvSlCSpYh+OCSywZEX0XV978YcWcNDgZbI5"
    "qBe06DhoWzgo7dKyPJS32R9FajAbDQBjY30LoAO7jvi/CbUNXPcFEbe6Au6qDNYpwxZ+2Z"
    "XQf91VyFSgPwtcSC7/j9lVFgCkvu2goLH0P/xQ1RWwllBx4FdPd6BgcsyFP+8yXTjW2nBs"
    "r76+XdFYbEa3tS07PW7ZxeB16fUAI67bN08f9boBXKwYaKlbW3R8yngHfb/5VGsy3pvb06"
    "XlluibwOgJWgLBZLSx+/hpTsUBsaK8ibwX9BoNHOpZcsnrztSoSEh5nxoV5NcaFSuVVaOC"
    "l0yqUZGkF1ejOMkpqUZxQtW71KhoYGXKUVPqEocYQ9PGskCWitX38uSpwLlGTd/SqeQhqd"
    "ANqEnIkVxPVaHrPnqGxK7Uk1TkWeQ9JBs6UhCLS8DyCyafJYKnROHB2CD9eCQnenX3V39b"
    "PfuSEg04lknafpF1O1laSnEb6cvvRXT7d78/GFz0jwfnl2enFxdnl8eh+pauypPhRpNfaN"
    "wQm8yKS3P1UI0OzSor1o38UVEUYr91B2wBYJnfg1ppfSJmt0dB4jD8uNMjusi0vtnhXP7m"
    "By8C4hZGNdmMDYdN3mRqMwv6xIkAsoKSAx8Jeqsf2RUkQpAgeTpJxxKJBBzsHklzhFnURV"
    "raBiDUi5m5kHzkuCdZCPuXQS9p2lbtrYpyuA393pqo3d9PrkvQNM/TtSNqU02YJP/06Fkq"
    "Q4ndif5z+rO8f0/LZrCBP1T5QchePZ+QbT4E5b9YL0MWEmYdayiSxnPgs448V9kS8yz7rc"
    "B/W2VrFfYOdWdbEYi45V70zboQuDoRhkyBs7k0sctg7CZvxZIQhF1s0+9J225813l8w2+2"
    "Ti63RT/HLdsXBrapl+stW+1pV0M1C/YUEuVZgsGTL7xGVq2D+eykXwBn0ioTaFaX2DxiIP"
    "WptDjIWXVrlUpogyQqQk/bUfuYZbd0ocZzQtBVhMW65ba/pS3bFy8PijixQbYPG6RcGCfW"
    "FdycwFm8nSxtQsC0g00KKTU7DnAa3Y/IgfrS+gSr3pFUj6BEtArEAS+hGMx/VMKlGa+HSQ"
    "8M2bKHKVrKghRBVNnLSxMA1owuniueK3DQC1tIQdc1Qxf3pJcV6fNnUqJjV0IeVhGZsKQ5"
    "enGlJwhtptFTDH9wJV1j6zDow/r6PaCLMejXRpquxQmDiu9XZuUHw47MwmRAmLa/6INfzx"
    "OvIT9izxVU2ACvBMV+DJEo1DyHZUAU0+2Wk9R0OUnUZSWpX8ywkwPqTf2Y8xGykTzax1u1"
    "MD910r8sQPpIq0zWx+ritM8kjhiVwjmyaCPG50UgTg4ODuHz9FY+XHIHH27txr3j0yJfMG"
    "2WvXWPVcYhJq/qlFpbGBq0Tt2qCuKIX8UxvjOBYWRSn8iqTQHioH9xHnIe+ksey7m7GU6n"
    "aQmLp5opUD8aCGQgmrBLwPpIDRsIbA5+17P70XQsfZ6PryZ3k9ltnK2wyrhcOB8PpweXNu"
    "qmHe3k+IUDH7dQN0y/66XcXU6sTTBXkhODz0KQf7ub3WZk7J/F+Gq6iqX/SYbuNtD15uBK"
    "kYiF5AGcH26GfyaRvprORslYm15gJBKdD6SR2jYir21CS7gDjq/u5eqkiYZVHtPEBEKd3G"
    "kz21MBqKT2970If5Ud3sQwT8Gar+YFNi1ct9cmJc9CWLTxeQG/ZYyZ0KAFc2xeR47/XOS7"
    "/rAfp7PbX4LmyfkgpTRxnqygk4obtSlMryqPu0FMELaXTeV+jq7UMIiLZnPjX1fZhC6vUg"
    "PXc0SupMwBFTf+VVqE93uPqMjlc1cEnyVy1iIyF9blMjmVb9WdttkkB5hH2LoT33cqT5QI"
    "3zqPeFCPGMAlcIgcktn+0OQaVRvVcjG0eMFM4JrTtZ0v3acvNYHzJFoXmJN/Dy2qipGa7l"
    "D5oOgZGJ5gsspJsYUWXXKtSHKtSQuy6oJ743Sc9HRScBpIG3YSg+i0m/hsXBDchFWH7Nvi"
    "TSK38E4BJ5HSaBjURUWc9BgWCzmiD3oHIPNSQ0sRTgzkGLxz4rznk6vFoXY+BCKlIObh9M"
    "vsmIeTSzsJqFFutFdbCahOIcvJ8XGRJcPHx9lrhmld8rjB0uurOJMO5EIgP+gOXmlAMEfR"
    "wEWMMm+TF7MUALwxW4dpBJLkq8ikdKBUape36bK7pbO73UlH2b6ivScddX+ho229LtBbwr"
    "xF6SwQF5q9MxPUzlC20mzQJvyZaNC0EYaWuv4EhclyccNegaiJBIShTXAQ+m6jqNimanqH"
    "v7u46oBxVclD8tt7Nn4lf+Qv2CJc9q8qJu1aiPfuM2/NIqzdCe474avdGtTqdtx1pzN1pz"
    "PtmT/3yp7OJPAFO0C1Wyh9wJOvoKOrK1m0ocuv6eXu5YradMmfJrnKXk6Q8gwdVy93JiNn"
    "0kLyXEmwQgdVCYQ3zVuIbiXJH3JHXHJ/Mmfyrh3KdUO79VuUX/8PmhJniw=="
)
