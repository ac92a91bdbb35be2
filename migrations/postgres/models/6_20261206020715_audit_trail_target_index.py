from tortoise import BaseDBAsyncClient

# CONCURRENTLY: the access log keeps taking rows while the index is built (one index a migration:
# PostgreSQL builds a concurrent index only outside a transaction, and alone).
RUN_IN_TRANSACTION = False


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_access_log_target__087177" ON "access_log" ("target_type", "target_id", "timestamp");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX CONCURRENTLY IF EXISTS "idx_access_log_target__087177";"""


MODELS_STATE = (
    "eJztXW1vo7gW/isoX25XylZt+rpXVyulb7u5kzajNL13taMRcsFN2AJmwLRT7fa/r20CGG"
    "MIJCEFli8zje3Dy2P7+JznHJs/exbSoentT5EJe/9W/uzZwKJ/JMr7Sg84TlxKCzB4ZBI9"
    "N2zx6GEXaJiUPQHTg6RIh57mGg42kE1Kbd80aSHSSEPDnsdFvm1886GK0RziBXRJxZevpN"
    "iwdfgdeuFP51l9MqCpJx7T0Om9WbmK3xxWNrLxDWtI7/aoasj0LTtu7LzhBbKj1oaNaekc"
    "2tAFGNLLY9enj0+fbvmW4RsFTxo3CR6Rk9HhE/BNzL3uoxqX9VT1bjJT769nqtorAZCGbA"
    "oueVSPvf2cPsKPg8Pjs+Pzo9Pjc9KEPWZUcvYe3DoGJhBk8NzNeu+sHmAQtGAYx6Cy/1Ow"
    "Xi6AK8c1bC8gSx5ZRDbEsb7QWuC7akJ7jhfk5+lxDo7/G04vfx1O906Pf6A3RGTwBzPibl"
    "kzYFUU6hha/rFKICyIbQfosCBGOp64Eay9nQA9ODkpgDRplQk1q0ti/egbJlYNCdAXiCgt"
    "YMux5sUEoB+JXFVIRyUVgJ2D7cVkMqZXtjzvm8kKRjMB44fbi+vp3iGDnjQyMOTVSIy35k"
    "KKiQpwGvErUoMNC8ohT0oKoOtL0f3wj6p6oEq1Ql5Qn9jm21Kd5XTIbHR7fT8b3n5O9MrV"
    "cHZNawas9E0o3TsV5kV0EeX/o9mvCv2p/D65u2bwIg/PXXbHuN3s9x59JuBjpNroVQU6p3"
    "nD0hC1d7ocPz1zawcteATa8ytwdTVVgwYoq226yhpY0kXJ96DrpQfWLbDfZoj+y4bWiMAO"
    "bE22HC0tmgdyncYtS+/hjAlL4/uz11IFsy18SReabGKF1dRYC0BELsP/Gb6F4KqBeRR1zb"
    "KKiiyr8MJF/nwRCYSmHwGZ3BUGeuFyeH85vGIjTRWNKjZwLGCDOSui7/reTz60xAYNXybb"
    "BvXDFp0N2hYblHZpWTuUl9mdidRgazQEjM31NYAO5TrDfyXUDvC8V0TU6gJ4izJYpwRbOL"
    "IrMf8NTyVLgfEiUSG59n9CrjIHIDW2w4LGmv/RQNUWwJ5D1YXffMOFksUxF/68y3TuWGvd"
    "sZ3q+nZ5Y4kV3dHX7PSkZOeD16XXQ4y4bl8+fdzrJvCwaqK5Ya/R8SnhLfT9cqjWZL43t6"
    "dL0y3xmMDoGdoSwuRiKXfzaUrJATmjvPS8Z/QaDZzqWXTJ+9bYqJhI2YyNCuNrjfKVyrJR"
    "4UuKbFRM6SXZKI5yEtkojqjaiI2KJ1YmHTWmKnFGboKxPDaabNDPI6gC9Yr5tquoqt4NME"
    "yoK0zUUzTk2+TRFcNWkA2V5aVILymehhyo7HkQKhQtaOv7RIMs9sO7/bDfE3p1y5eWUGdf"
    "ekyU1QpcgeH0vm7CrF0Y838KufbTYHB0dDY4ODo9Pzk+Ozs5P4hYtnRVHt12MfqF+geJRW"
    "s1BRd1YVGqIhJoIUVxeFqAoTgULYOYoKBVdSbfahQM3j75RnROCYCD1h2sK2F9IsuI78rs"
    "oEwNzYus1tPbQvigWj29YRCE8+OQ9ox8XAZQXqQDNAUo9W0BxtBy8LqucVK8fWxY071jcQ"
    "IRB4PYs4ZZurMF2Y4GqVlH7y7rJNcvDEgRiT8YsSXZfiCOmqx0/ybEFWMOGhkkC6i48InA"
    "t/iRXUEh3hkkT6cYWPEwcLG3r0wRZmwOaemYQIMeE/Og5kLcV2yEg8ug17Q7WO2tVmdWfO"
    "Hdei748LWUY/jwMLoq4Rb6vqHvU5lq6Jfef558W2MosTvRf45/rsrSy5nazKw7CuYqPwvZ"
    "q+c7gMuBoP6BjTL2syDWQmewgvQAF74YyPfUNTHPkl8L/NXLVquwd6k6WytmlpTcicHwET"
    "x6Yy2G5obDu8jo6m4vEg9nHhyxLtbpd1G2m991nt/wu2OQy63Rz0nJzsGvcy93TG4lJhDz"
    "v4iXZ0smT34kIpZqHcwnh4MCOJNWmUCzOmFTWkAzpWHO35MWS3U5kCVyIIlXhJ7XM+0Tkh"
    "0XWOM1IewqYsV65bbVpiXb5y8fFVFiR9k67CilwjiyrmCQipPYXYyq5pufUmx2EuA0ujfI"
    "hcbc/gSr3ulYD6dEll3mgteIDOYHlTTl6/1jwgNDTYOeN0bzniREEFf288IEgDWjSbnFYw"
    "UuelUc6Cp0vwT0cF95XZA+fyElBvYU5GMNkQVLmaJXT3mG0GEcPcXwX55i6AqwdYU+bMDf"
    "A+UpGG2k6Zs8YFDx/YpGDcL9fnQVJhPCcnqkWSKgINSQP7HvSSocgBeS4sCHEAp132UREN"
    "XyggKghZm0QksMXPIGwdRkXcx+pp6sS4GrZQpc3EMlzceEYEcp1Nt8ZApMatHkmY68VAtj"
    "XIeD8yIZj4Pz7JRHWpc0HS2izFEpnGOJNmK89aTScBErvrsYt3ZT8cFxkRFMm2VvK2aVSY"
    "jJq7qlEnYjgdYxZFVBHNtoSYzvLWCamaZPLNUmJ/NocHYa2Tz0R56Vc387HI/TNBhvrqZA"
    "vTERyEBUkBNgfaKCDQQ2B7+rycPF+Fr5PL2+HN2PJndJa4VVJinH6fVw/OH0SN34py0n8X"
    "7IUTB1w7TbIdFEWLu42q7iavBFCvJ/7yd3GVH/Fzm+uqFh5S/FNLwGqt4cXCkSCZc8hHPv"
    "dvibiPTleHIh+tr0AhcC6jHtVXRsxxKdWl6tPwT2sCjIglj7kN5+UCtBzJbEeQMOqNYoVz"
    "aeydtDyf6clUBHcu3Demt0W012yQwdB5E3tSCL36UDYVx1PzcUJjSs8oRPFgMyyJ2WM5ry"
    "8yVDM/+UuExl534yzFOw5gdbQpkWpma3KdBiIyzbKz6D3zPmTCTQAhcoryOvf5vlW+ZRP4"
    "4nd7+EzUVzPRUI4DRZQSWVFGoTi1pVqs4SMQmrWjZb53N8pYZBXDRhJzm6yubs8EFE4MmP"
    "nShzttltcJUW4b3p6Wa59twlwWeO3DeZMRfV5VpyGt+qO6i9SQowz2DrPha0VW+5hPvWac"
    "QP1YghXBKFyCGZrQ8trlG1Xi3nQ8tzIkPVvGFeYqdLN9SlFnCfZanfOelRkURVPlLTFSrv"
    "FL0A05csVjkZEJFEl/tQJPehSfmydcG9cTxOejkpuAykBTuKQfbhhuRqXBBcQapDdjV5I8"
    "QWNiRwhJBGw6AuSuKk57CcyJEN6C2AzFMNLUVYmMgJeKdEeU9Hl7OP2twWkpQSn4fjL7N9"
    "Ho4u7SigRqnRfm0poDq5LIcHB0Wi+AcH2VF8Widkw/ul0185kQ7kQiA/Gi5e6ECyRlHHRY"
    "4yL5PnsxQAvDGnQ1APRLRXkUXNgVKhXV6mi+6Wju52h9ll64r2HmbXfdytbb0u4VuiuEXp"
    "KBDnmm0YCWqnK1tpNGjp/ox0aDkIQ1t7+wSlwXJ5w34Br4k4hJFM+PGX7XpRiXMz6B02+l"
    "JT51dt6FeV/DDQzr8HtDOLv5LvQ4cnOJT9ILco10K8tx95a5bB2n2MeCv2apeDWt2G6O4A"
    "vu4Avh3bz/2yB/BJdMEWUO0SpT/wcEPoGtqiJ9vQFdT0c/dyxW264E+TVGU/x0l5ga5Xcg"
    "84J9JC47kSZ4VOqhIIL5u3EN1Kgj/kjrjk8RGcyEYHSNQN7Rxwt3aCxIduUX7/GxVNp/0="
)
