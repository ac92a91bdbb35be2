from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "flask_import_row" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "source_table" VARCHAR(32) NOT NULL,
    "source_id" BIGINT NOT NULL,
    "target_id" BIGINT NOT NULL,
    "imported_at" TIMESTAMP NOT NULL,
    CONSTRAINT "uid_flask_impor_source__ae6db2" UNIQUE ("source_table", "source_id")
) /* A Flask template row imported by `import-flask-template`: which of ours it became. */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "flask_import_row";"""


MODELS_STATE = (
    "eJztXW1zozgS/isqf7lslZNKnNfduroq523XN0k85Ti3Wzs7xSog25wBeUDE49rLfz9JvA"
    "mQMdjGMSxfZmKpG8EjqdX9tBB/tUysIcM5GmADtX4Cf7UsaLI/YuVt0IKzWVTKCgh85Rot"
    "O5B4dYgNVULLRtBwEC3SkKPa+ozo2KKllmsYrBCrVFC3xlGRa+nfXKQQPEZkgmxa8eUrLd"
    "YtDX1HTvBzNlVGOjK02G3qGmublytkMeNlPYvcc0HW2quiYsM1rUh4tiATbIXSukVY6RhZ"
    "yIYEscsT22W3z+7Of8rgibw7jUS8WxR0NDSCrkGEx31VorKWojz1h8rz3VBRWgUAUrHFwK"
    "W36vCnH7NbOOycnF2eXZ1enF1REX6bYcnlu9d0BIynyOF5GrbeeT0k0JPgGEeg8v9TsN5M"
    "oC3HNZBPIEtvOYlsgOP+QmvC74qBrDGZ0J8XZxk4/qc7uPmlOzi4OPuBNYjp4PdmxJNf0+"
    "FVDOoIWvG2CiCcUNsO0EFBhHQ0cUNYWzsBunN+ngNpKrUUal4Xx/rV1Q2i6BKgrzE1WtCS"
    "Yy2qJYB+pXplIR2WlAB2BrbX/f4Du7LpON8MXtAbJjB+eby+GxyccOipkE6QaEYivFUbMU"
    "wUSNKI39IaoptIDnlcMwG65qseBX+U1QNlmhX6gFrfMha+OcvokGHv8e552H38HOuV2+7w"
    "jtV0eOkiUXpwkZgX4UXAr73hL4D9BL/3n+44vNghY5u3GMkNf2+xe4IuwYqF5wrUBMsblA"
    "aovbPleDQV1g5W8ArV6RzampKqwR28TDZdZXZM6aLkOsh20gPrEVqLIWb/8qHVo7BDS5Ut"
    "R75H80KvU7ll6T2YMUFp1D5/LCXhtgUPaSODT6ygmjlrHojY5vhP0SIAV/Hco7Br/Cqm4l"
    "eRiY3d8SRUCFw/CjJtFXl24ab7fNO95SNNSTpVfOCY0IJjXsSe9b0dv2mJDxo8zHIf1A0k"
    "Gh+0Lj4o69KifqioszsXqcLeaAAYn+trAB3oNY7/Sqhn0HHmmJrVCXQmRbBOKdZwZJfi/u"
    "uOQpcC/U1iQjL9/5heaQFAamwHBZV1/8OBqk6gNUaKjb65uo0ki2Mm/FmXacKx2oZjO7X1"
    "9YrGYiv6TFuz0+OaTQy+L70eYCR0u3/3Ua8b0CGKgce6tUbHp5S30Pf+UN2T+V7dni5Mt0"
    "RjguApsiSEybWvd/9pwMgBOaPsR95Ddo0KTvVldMn71tioiEjZjI0K8muVipWKslHBQybZ"
    "qIjSi7NRAuWUZKMEomojNiqaWEvpqAdmEoe0EULkudG4QDuLoPLMKxFlV1FVrXuoG0gDXN"
    "UBKnYteutAtwC2EPAvRXsJOCqeIXDgIAQYWsjSjqgFmRwFrf1w1Er06pYvLaHOvrS4Kq9N"
    "cAX6rPV1E2btWh//Xci1Hzud09PLzvHpxdX52eXl+dVxyLKlq7Lotuvezyw+iC1aqym4sA"
    "vzUhWhQg0pipOLHAzFSdIziAgKVrXP5NseJYO3T75Rm1MAYE+6gXUlrCO6jLi2zA9aaqFF"
    "ldV2elsIH5drpzdMgghxHFan2CVFABVVGkBTgLLYFhKCzBlZNzSOq9ePDat6dJycQDTAoP"
    "6sbhTu7IRuQ4PsWUfvbtdJZlzokSKSeDBkS5bHgSQUWRn+9WkoxgM0OkgmCNhoROGbHPIr"
    "ABqdIXp3QCfAIdAmzhEYYMLZHCo5M6CKHK7mINVGpA0sTLzL4Hk6HCy3qdU7K76IYb2QfP"
    "haKDB8eendFggLXVfXjphOOfRL658j11I5Srwl9s/Zv8ry9DKmNnfrTr25Ks5C/ujZAaA/"
    "EJT/Er2I/5xQq2EwWML2ABu96dh1lDUxX6a/Fvirl61aYW8zc7ZWziyuuROH4SN49Mp6DN"
    "VNhzeZ0dXdnicfziM46l2s0+9J3WZ+7/P8Rt9nOr3cGv0c12wC/H3u5YbJLcUF4vEXjfIs"
    "yeTJzkREWrWD+fykkwNnKrUUaF6XeCnNo5nSMGe/kxZpNXsgC+yBpFERnq7n2sc0Gy5wj9"
    "eEoKuoF+sUe602rVm/ePk0jxE7XW7DTlMmTCDrciapBI3d5aj2/OWnFJsdBziN7j22kT62"
    "PqGy33Tcj6BEtrvMhvOQDBYHlXTL1/vHpAe6qooc5wGPW5IUQVTZzkoTQC7GNuXmzxXYeA"
    "5myAbsfQnkkDaYT2ifv9ESnTgAu0TFdMECAzx3wBShGefoGYb/cICuAWhpgN2sx99DMPJG"
    "GxVdyBMGJbeXN2sQvO/HVmE6IcxZi4rFEgqJGvoncR1JxQySiaTYiyEShZpr8wyIYjoFsx"
    "TN9jVWt4vta1GXFXT9YooNHbDfrh83PlJvJMvtE7VqmJ866Vzl2a3YuVq+XZHVxd0+kxpi"
    "XAjnSKOOGG99Q2iwAOV/M5jU9oXg47M8I5iJLX8lmFfGIaaPahfabBsq1I7dKgviyL+KY/"
    "xsQsNY6vpEWnUKEE87lxehz8N+ZHk5z4/dh4c0hSW6milQ7w0MlyCa0EvAOmKKFQQ2A7/b"
    "/sv1wx34PLi76T33+k9xb4VXxunCwV334cOpjX3jjra8AfdDjnHZN0ybtxuqCGuTE9tVTg"
    "y9SUH+93P/aUnG/k2Or6arBPwPGLpTQdObgStDIhaSB3AePHZ/SyJ989C/Tsba7ALXMtL5"
    "gzjS2QzTxzYRJ3fTLKlQ3c7kSROCZR7/xglCnbbkr/aMACrI/f1diL/SDoXjmKdgzWbzAp"
    "0a7turE5NnYSJ7kXCIvi+ZM6FCDdbYrI68+22YbfrDfnzoP/0ciCfXgxTTJFiynEYqrlSn"
    "ML2sPK6PmCRsL5rK/RxdqWIQ583mxkdX0YSuyFJDR/5OcpGDbx69q9QI702Pvsn0524oPm"
    "NsL2TOXFiX6cmpolRzim+VDGCWw9Z8SWKr9ESB8K2xiB9qEQO4JAZRQHK5PTQFoXKjWiGG"
    "lm+YCUxzuraxpbu0pSa0p7J9gRn591CjrBip6gZVDIreoOFKFquMFFuo0STX8iTXqrQha1"
    "9wrxyPk15Oci4DacWGYpCd6h1fjXOCm9BqkF1N3iRyCxsSOImURsWgzkvipOewnMiRDegt"
    "gCxSDTVFODGRY/AOqPEe9G6GH/XmQ0BSSmIegb9cHvMIdGlDAVXKjLb3lgLap5Dl5Pg4z5"
    "bh4+Ple4ZZXWK7pVt4f5Wg0oCcC+RX3SYTDUrWKBa4yFEWdbJilhyAV+bVYRaBJP1VbDJ3"
    "oFBqV9RpsruFs7vNSUfLbUV9TzpqvvxTt16X8C1h3qJwFkgIzTbMBNUzlC01G+SHPz0NmT"
    "NMkKUuPiFpslwu2M4RNdGAMNQJvgyw3Sgq9lI1a2Gjz3g0cdWGcVXBr0bs/GMRO/P4S/l4"
    "aPCKcNGvtSb1aoj39jNv1XJYmy9VbsVfbfaglvfGXXM6U3M6047953bR05kktmALqDYbpT"
    "/u5Kt7AzrTHg1CbDLgRj8V3iQk2llxzYjJKjoXVmxfeuVJWF3A2wDskz3sY5P8mCrvIkgD"
    "rwvwp/fjkF/+MBD78ycwn+jqBOARwK7tsK9dvCKV3n368KvtN/GH9Yf16wQSYMIpcgAENj"
    "q0Xcu/KDsga8K+xkjmuor4wVl0FXZN+ueIIJudneV9VCvjY4y0QZUWcmypkP+bDqHmU4yV"
    "OMsq2YG5Uz0JvRqGI9s/3zKaHYVGfEytTo7UTsa+sE0Q2tR2FYY/ptbAvzb8wUq2RjSeUG"
    "0yCfsej+/LcQDIpo6RzGH0azIdRRjJNLuGdmybSmO335Dt6MUO8xZUaujmlMJys0lVAGFf"
    "vIbolrJriLZICh5sI6hsdLTNvqGdAW49zrZ5/z9RxgrJ"
)
