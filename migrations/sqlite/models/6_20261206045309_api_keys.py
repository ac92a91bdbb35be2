from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "api_key" (
    "id" CHAR(36) NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL,
    "prefix" VARCHAR(32) NOT NULL UNIQUE,
    "key_hash" VARCHAR(64) NOT NULL,
    "roles" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "last_used_at" TIMESTAMP,
    "user_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
) /* An API key: a personal access token acting for its owner with some of the owner's roles. */;
CREATE INDEX IF NOT EXISTS "idx_api_key_user_id_c4c97f" ON "api_key" ("user_id", "created_at");
        ALTER TABLE "access_log" ADD "api_key_name" VARCHAR(64);
        ALTER TABLE "access_log" ADD "api_key_id" CHAR(36);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "access_log" DROP COLUMN "api_key_name";
        ALTER TABLE "access_log" DROP COLUMN "api_key_id";
        DROP TABLE IF EXISTS "api_key";"""


MODELS_STATE = (
    "eJztXVtz2zYW/isYvdSZUVxbviSb7uyM7DitNr5kbGXbad2hYBKSsCYJhgCteLr+7wuA96"
    "tIS7RJli+JBeCQ4Afg4Nxw8NfAIBrS6e410dHgA/hrYEJD/BErH4IBtKywVBQweCcpBrbf"
    "4o4yG6qMl82hThEv0hBVbWwxTExeajq6LgqJyhticxEWOSb+5iCFkQViS2Tzij/+5MXY1N"
    "B3RP2f1r0yx0jXYt3Emni3LFfYoyXLJib7JBuKt90pKtEdwwwbW49sScygNTaZKF0gE9mQ"
    "IfF4Zjui+6J33lf6X+T2NGzidjFCo6E5dHQW+dw7JSwbKMrl1VS5OZsqyqACQCoxBbi8q1"
    "R+/UJ04e1o//Dd4fuD48P3vInsZlDy7sl9dQiMSyjhuZwOnmQ9ZNBtITEOQZX/p2A9XUI7"
    "G1e/fQJZ3uUksj6OzYXWgN8VHZkLtuQ/jw8LcPzP+Pr0l/H1zvHhG/FCwie/uyIuvZqRrB"
    "JQh9BGu1UB4QTZdoD2C0Kkw4UbwDp4EaBHR0clkOatcqGWdXGs7xysMwVnAH1CONOCZjbW"
    "UbIE0Hecri6kg5IawC7A9uTq6lw82aD0my4LJtMExl8vTs6ud/Yl9LwRZijKRkK8VRsJTB"
    "TI0oh/5DUMGygb8jhlAnTNI931/6hrBOpkK/wDtStTf/TYWcGATCcXZzfT8cWX2Kh8HE/P"
    "RM1Ilj4mSneOE+sieAj4dTL9BYif4PeryzMJL6FsYcs3hu2mvw9En6DDiGKSlQK1COf1S3"
    "3UnsR2PL+P7B2i4A6q9ytoa0qqhoxIXtt0lTEyMjclhyKbpifWBTQfp0T8K6fWhMMOTTVr"
    "O/Ikmq/8Oa3blp78FeOXhu+Xn6UkxDb/I22ky4XlVwthzQWR2BL/e/Tog6u44lEwNF6VIP"
    "Gq2NImzmIZEPiiHweZvxW5fOF0fHM6/ihnmpIUquTEMaAJF7JIfOvTMN7pDBnU/5h8GdTx"
    "W/QyaFdkUDGkVeXQKM3LiUgtlkZ9wORafwbQPl0v+K+F2oKUrghnq0tIl1WwThF2cGbXIv"
    "5jqvCtAD9ksJBC+T9GV5sCkJrbfkFrxf9goqpLaC6QYqNvDrZRxuZYCH/RY3p1rLPq2Ivy"
    "+m5pY7Ed3dKeOehxyl4Hb8qo+xhFht3rfTjqOqRM0ckCm88Y+BTxFsbem6oNWe/tHenK5p"
    "ZwTjByj8wMg8mJR/fp87UwDmRblD3Neyqe0cKlnmcuiS0aaGGhv2wI0djCn10lqCsYbc1i"
    "FxqbNrPY+T7IVumTVS12/kcmLXah2TNusYuY5ZIWu4gxbyOLXch8ck1252LbmPKXMJbtP4"
    "43GBYZ8dwtiEXbrjPnDT5BrCMNSFIKVOKYvOsAm4CYCHiP4qMEqEosBHYoQkCghUxtl3PZ"
    "5a7/tje7g8SobvnRGebFPwaSVNYm7CnYGvy5ifXxBC/+LgbIf4xGBwfvRnsHx++PDt+9O3"
    "q/F1gi01VFJsmTyc9Ch4pt7OvNlMEQljXnBAQdNOPsH5ew4uwnpafQiCOqmmygbJDDfPsG"
    "Ss5zKgDstu5hXQvrnG8jjp0lB+Vy6CjJej69LYT36uXTGzqKIrouUe+Jw6oAGiXpAU0BKv"
    "R/yBgyLPZc80GcvHsWw7ZbEJILiCsYXJ7FeuXBTtD2pqKGDfTLReYU6oWu4ShDHwwsSvl6"
    "IAuarFX/rrgqJhU0PkmWCNhozuFbvpVPAFw7Q7x3ADNAGbQZ3QXXhElzDm9p6VBFVJJRpN"
    "qIDYFJmPsYskqrg/W+an30yR9RtT7ioPmzkmL49evkYwW10HGwtito6jG/DP45d0xVoiTf"
    "JP45/Fddkl7B0pZi3YG7VqOrUH56sQLoTQTlvwxXkZ8TZB1UBmsIobDRAyYOVZ6JeR79s8"
    "Bfv211CntbsLNn+RXjlC8iMLyGHb21EkN7QwZ67/H6YS8TMyA1OC5dPGfck7T9+m7y+kbf"
    "Lcwf94xxjlP2Cn6TR7m35NYiAkn9i2t5ZsbiKfZEhFSdg/lof1QCZ94qF2hZlzi455qZ0j"
    "AXn9sLqfo40QpxolwrIvfPE+1jlL0tsMF7gj9UXIql1Y4epym7py8flGFiB/k87CDFwiLG"
    "upJOqgjFy/moGn5ALGXNjgOcRvcTsRFemJ9R3adBm6GUZEWX2XAVGIOjkyoz5OvpddwDY1"
    "VFlJ6TxSDDRRBWDovcBFA2E4HL5X0FNlkBC9lAnClBlA3BasnH/IGXYEYBcZhK+IYFrsmK"
    "gnuELGmjFxj+QAHWADQ1IDrr2u8hmLuzjTd9zHYY1Py+sl4D/0yk2IX5gjCsAW8Wcygkav"
    "ifzKEZFRZky4xiV4dIFGqOLT0gikHdAqj6obSJlgza/AvcpSmHWP5M9awPgWtkCFw4QhXF"
    "xxhhb1JotvgoGVimRFMkOkapOujj2h+9LxPxOHqfH/Io6uKio8GZOamEc0jRRYy3HlTqb2"
    "LlT2Czzh683jssM4NFs/yj17IyDjH/VLtSwG5A0DkLWV0QhzJaHOMbA+p6rugTUnVJyTwY"
    "vTsOZB7xo0jKubkYn5+nzWBRcTUF6iedwBxEE3QJWOeCsIXAFuD38erryfkZ+HJ9djq5mV"
    "xdxqUVWRk3OV6fjc9f3TzSNPvTloN4XyVdTtMwrdkB5B0YzZy3+YF1caoNAuwahvYm4XRp"
    "TKvO3SRdP3/7Ez69X7g5MNfiF0YPmSD/++bqMidq5SEbXw2rDPwP6Ji2UHQowFUgETMp+X"
    "DuXIx/SyJ9en51kuTQ4gEnSRYdmG1LM+eAomfL6/lHwvpdFuQEWfeQ3r5TNuZYqIjzBjbM"
    "RqNc23zmX48yzpetBTqg6x7WWzMXN+SUV+CpvSa67liDImeu12RYzqUrEpX4zdd6dqdLBF"
    "xScUIrSNUhHK/CcwTuHPVeHLqaE9s9hCVOZlGGVfpBeGipSOoBgYFNh/GnL4ljA95Sg9Ie"
    "GfPp1vamW3NnthDTZgYMXjEE2htw9yhTjcw0/mST8m+dgZ2ZqkNKZx+CpzsUyKIhmIm8Ma"
    "b66FV6v27NJe8A4c82fqBB/2ZC+pzx/4Vpe/ZGOpqFR3rGVarZLvjVxoxTix5AvqLwYsE/"
    "kJhgFg7QTHwKf8+tSfmA80aQ/+Ee5YLUP9pG3bQo4peBF66ZLPoQxYI2w6KUzt78BESEPX"
    "/nrenlUfkROhpmPwrTMEZ013rcBRcSOsqh0zXeI/0ReIjkJ1mRsMqR9HEUP1wkxF8iQ0Sf"
    "bKUVnuZgKMtuKQFBB103+2W2kvyNJHUxSXR1lMU3RtRBjMts1/mbdcplEzKdKmESIVUHj1"
    "V1KUiiYo6iF09N1HqvctZNPgWbbxZXarWb80W234gIz8e0ojM0JOn9oHl+0KYob5ZF+Fca"
    "SAYPpxW3SHWx0pZoWOcVLDIAFfM3eeYYsfFVjAv9u4jqtV3MIjGvKML4NL0A02gBxiQsK1"
    "HdFH3P22F9gg74r4oG8uy3abFbJRjH86vLn/3mSV9LKgoxwslKMqk4UZdkm7rOCXmIZUgx"
    "VY8KfQmf1DKIy54Wis+uqgeGohHMkGbnvKySWf3CfUqH8N40tXqhPHfK8VkQ+zFLmAvqCi"
    "U5Ndqqv0mvTQywSGDrb3PeqquzgvrWc8RX5Yg+XBkMMYJkPj80Io3q1WojOnT2gUyfNW94"
    "KLLnpRvyUgPa91nnzgvOZgUUdelIbWeoUaXoAepOxmZVYHEMKHqDY5mDF206rNsU3Ftnx0"
    "lvJyW3gTRhb2LIulkzvhuXBDdB1SO73niT8C1saMBJuDRaBnVZI056DWcbcrIm9BZAjpoa"
    "OopwYiHH4L3mzPt6cjp9rcw6vpEyQ+eJ2C/zdZ6IubQ3AbWKjQ4bawJqksqyv7dXJm5uby"
    "8/ck7UJY7iO5XP3kZIepBLgXyHbbb0grLTiktO6FyEpkhnKQF4a1JTCg0kKa8SQ4gDlVy7"
    "UZreu1vZu9tn0s/nFd3NpO9Y2jNHPU7Zj3pTRj3D3hL4LSp7gSKq2ca3jndRla3VG+SpPx"
    "MNGRaRZ6M+o0xneXbDYQmtiSuEAY1/8+x2tahY0s6NTy71etWGelUf8e9H/B8dlQn4PzrK"
    "j/cXdcnE9G76yCWklfL1Jek6iPf2PW/tElhflIm0U3IpI6/2Maj1ZWPrs//32f9fWH4eVs"
    "3+n8ELtoBqHyj9ijcrWDhHrfFqhsVnuXBpvWUwNsH4y0RcRvABQJEDgxIT6n5+DPdiZJES"
    "wlzIfBjyxoMVnw5ghdkSUGIgQOYyOYQs/oECm+iIpm9SqOtFt+atOWFgRex7CuSV5uICZ+"
    "+mO5GYA/OW7u03YMcdYe3NLhCiAO8H7w4vFzKm/3ReIkgo4wtG++nWnFk2muPvM1EoOmU5"
    "dzpWgUh60V/63OpLn5vmT+uUJuKumirwhhSdi1nffhI0kTW1qkYdpenncKnrsvWsYP/8TJ"
    "UBwUaZKp/ncwsZ8p2Ddb6P0l3xvtfgybUksGyXaaP3ymzHttGuu477WOf0KJeKde4vL/+7"
    "jHRvVOuNag2w/TT0Ss1PnJndTwyL2OxaLqCUASjRYlhkCJqLtgqWjRXba73eIgTkOwBDhi"
    "Xyj8r7L92HIJHZE8zcH2/l49/6zWYfwGqJVWlHIY4tjCXgDqm89xm2oK2/QliBfl1CBgx4"
    "jyiAwEZvbcf0Hipu3lwKyxJbYRXJRKmcpTkG/3POkC0u5YRYd2yUn4CU8heqvFBiyxt5v/"
    "kU6tOONijvWb61JzmApWN8E3Qd1Jy3b54IV0elGR8j69Jm/8I5/wpS5BfBX5Qkv4e/PPz+"
    "TvYMZSZB2kG1tWPGigohpLV6DJHNBaMsgdGrKRQUYdimPy72wryptrDGB2RXzQQeIemgmF"
    "NLeKNYVBUQ9pp3EN1ajovxN7KKt4VFSF7eC/M6RsCt+VtedTN7+j+5W2Ty"
)
