from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# Written by hand, no model (backend/audit/rollup.py says why): on SQLite the rollup counts the
# access log's rows up to `last_id`, and the rows above it are counted in bulk (by each worker's
# writer every few hundred rows, and by the statistics before they read), instead of a trigger
# making nine upserts for every row. The trigger has counted every row so far.


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "access_log_rollup_mark" (
    "id" INTEGER PRIMARY KEY NOT NULL CHECK ("id" = 1),
    "last_id" BIGINT NOT NULL
) /* The access log's rows up to last_id are counted in access_log_rollup */;
INSERT INTO "access_log_rollup_mark" ("id", "last_id") SELECT 1, coalesce(max("id"), 0) FROM "access_log";
DROP TRIGGER IF EXISTS "access_log_rollup_insert";"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    """Back to the trigger of `access_log_partitions`, with the rollup counted afresh from the rows
    (that migration's own statements: it creates the trigger and counts the rows already logged)."""
    path = Path(__file__).with_name("5_20261206042241_access_log_partitions.py")
    spec = spec_from_file_location("access_log_partitions", path)
    assert spec is not None and spec.loader is not None
    partitions = module_from_spec(spec)
    spec.loader.exec_module(partitions)
    return """
        DROP TABLE IF EXISTS "access_log_rollup_mark";
        DELETE FROM "access_log_rollup";""" + await partitions.upgrade(db)


MODELS_STATE = (
    "eJztXWtz27YS/SsYfakzo7h+5XHdTmdkx2l9a8cZR7nttOlQMAVJvKIIlgDteHr93+8CfD"
    "9FSqJMMfiSWAAWJA9IYPfsYvFPb0HHxGT7t9QkvVP0T8/CC/FHoryPeti2o1JRwPGdlOg5"
    "QYs7xh2scyibYJMRKBoTpjuGzQ1qQanlmqYopDo0NKxpVORaxt8u0TidEj4jDlT8+RcUG9"
    "aYfCUs+GnPtYlBzHHiNo2xuLYs1/ijLcsuLf5eNhRXu9N0aroLK2psP/IZtcLWhsVF6ZRY"
    "xMGciO6544rbF3fnP2XwRN6dRk28W4zJjMkEuyaPPe6dFpX1NO3DzVD7dDHUtF4NgHRqCX"
    "DhVpl8+qm4hZdHhydvTt4evz55C03kbYYlb568S0fAeIISng/D3pOsxxx7LSTGEajy/wys"
    "5zPs5OMatE8hC7ecRjbAsb3QLvBXzSTWlM/g5+uTEhz/M7g9/2Vwu/f65IW4IIWX3/siPv"
    "g1R7JKQB1BG7+tGginxDYDdFAQIR19uCGsva0AffTqVQWkoVUh1LIuifWda5hcM3KAPqMw"
    "aWErH+u4WAroO5BrCumwpAGwS7A9u7m5Ej0vGPvblAWXwxTGn6/PLm73DiX00MjgJD6NRH"
    "jrDhGYaJhnEX8HNdxYkHzIk5Ip0Me+6H7wR1Mj0OS0Ag84vrHMR386KxmQ4eX1xafh4Ppj"
    "YlTeDYYXouZIlj6mSvdep76LsBP02+XwFyR+oj9uPlxIeCnjU0deMWo3/KMn7gm7nGoWfd"
    "DwODbzBqUBak9iOZ7MY2uHKLjD+vwBO2MtU0OPaFHbbNXiaJG7KLmMOCz7Yl1j63FIxb/y"
    "1boE2LGl5y1HvkbzGfrZuWXpKfhigtLo+vKxtJTaFjykQ0z5YQXVQlnzQKSOxH9OHgNwNU"
    "89CofGrxIifhWfOdSdzkKBQPUDkOGqxJsXzgefzgfv5JumpZUq+eIssIWnskg861M/edM5"
    "OmjwMMU6qBu0UDpoV3RQMaR19dC4zPZUpB3WRgPA5Le+AtCBnFL8l0JtY8YeKEyrM8xmdb"
    "DOCHbwzW5E/TeYBkuBcZ8zhZTq/wm5xgyAzLsdFOys+h++qPoMW1OiOeRv13BIzuJYCn9Z"
    "N8oc66w5ttW5vlvWWGJFt8crDnpSUtngbRn1AKPYsPt3H426iRnXTDo1rBUGPiO8gbH3X9"
    "WWfO+7O9K16ZaY8TzBsHbq9J44jzDaY5JDnpz5fbz/9VYQBfnssm+FX0/wrd/dOZTs4ARQ"
    "RKIkPiUBG6dzYmlg5KwP2VB09Zl1Fi4J1ZowSYy6ChC2DWElrwnRwDZ+9UztrmBUixdOfJ"
    "7FSN5YZEjhn+V4Ckrx2utq7ZWsPXgWUecR67sedR4EA+wUsVOXOg8eMk2dR/6HJHUe48fT"
    "1HmMVV+LOo+0gELu/Erob0O4COf5gRzJBv0yNt3TBXm87TJevfceGyYZIynKkE5dC24dGR"
    "aiFkF+VzBKiOnUJmiPEYIEWsQa74O6M9sPrvZiv5ca1Q13ncPz/9mTorI2RWwadu+vddwA"
    "Z8b0W/EE/Ovo6Pj4zdHB8eu3r07evHn19iB0CWSrynwDZ5c/CzIjoWEv9xeEQ1iVVw0FOs"
    "inHr6uQKceps2YiE0VVW32FLQocmXzngKYc2oA7LVWsC6FdQLLiOvk6UGFM3RcZPk8vSmE"
    "D5qdp9f02MZIJ6rPqcvrABoXUYBmABVEHOacLGy+Ko+XFO8edb/rVF76AwIDA/RZw6w92C"
    "lZxdm2bKC3FyJXahemWdscyzCH2C22DTOscjXz8AZMNQbDbZKXoBGioAckeuijObE5wgxh"
    "+OsRbDsR6ZC1A1fsI9fgi1nmQtyLrVCW3k5YetGA1VCTE0IdtPgaiQ1byY3MNulDbif7ur"
    "OLUtqi12qFrsYktqe8tzyENbPMJwHOovueOsSYWr+SpuPV2/Gp5NHuDn4IF9X4S5XLhT89"
    "m94Uum7zdaa4Z7dcXwrdydV0pYGFQinEZ5iDhrOwBS5j0G4kDX6KDM7Q6L/cGPWRN+J9xK"
    "jX2ogEGLIookLtyapTzV1mw6H0SrPalmYFA11Hp/Kbq+DvpboU+WobsHSvoE4lJRWfozSq"
    "Ni/6SqNSGlWRRuVFeeXoUmH4V7EWxcMmlZgmX3kB5QM5ZAJf+Oylp+aYhkXg7oTuAi+Jw9"
    "k+uqVcxgpBS9vEOugyQowR3SG8D3oN97qhD/mEVHOXWq5FJWmsKGb/r1rq1efPl+9qKFeu"
    "a4z3hUwzi3zvx4lr6RIleSXxz8lPTfkcSyYjucgfe8tJfKGQj16uRvkvglZTnUqJKZKqyq"
    "46h9wb1GXaipgXya8EfsvIqqaxd8R0thJHmJRUNGGbldrd2kWmNhQtH/Yq28hkLMGKHoC0"
    "rPq+2/x9K2riWxhlFVPYiAok7S+w8qycj6c8JjaS6hzMrw6PKuAMrQqBlnWpXG5ewFOOd6"
    "A0lVskpVIH1EgdAFYRna+m2ickVVRai9eEYKhAi2X1slFmJbtnLx9XmcSOi+ew48wUptwD"
    "yj2g3ANlyf/EjtyC/H/+Zt3yFICavzu4QowFEu2/Y2h4M/woKHhqjaGtzqmD9hK7B6HLF6"
    "fIht9ij6GMt0YjaD4xnIVc50Z9QduL3Yg5MRaNXUalK2xXukLPi1NnEY0kOsj0N5LQLf45"
    "1CYjU7KKlGqzaiopRMZJDmtRFg2WEFtJY2rZmG4zLExR/t825d8C82TnNYS1Nn0tM2SC7D"
    "YNmzFtTdayhhGzlmEy0HXC2BWd9nJMk6iy1DjBsplIslfNPBGRRQ59AHvAQSL/KWG8jx5m"
    "MIr3UCKCsqnLdQpzKbqlDwzNCbFl8JBvbhhjhMHSEDfrBRZhNPHMYLE7Lj+SqeHrVQ1nCv"
    "J3iwUCXvGF3YNmiUinVA38yV2WU2FjPssp9pwbqcKx68jQLG3BvAKsBwmkUi05duAJvI9N"
    "DrH8mbkzFeHeygj3aIRqajYJQeXrbLPx4E9gubpMGacdl+qgSX549LaCSQ6tirMCibqkqb"
    "CAyZzWwjmS6CLGG8+7FCxilQMa/fYdBPfo4KTKGyyaFbNKsjIJMTyqUyunVSjQOdd9UxBH"
    "OloS408LbJqFqk8k1SXv1/HRm9ehziN+lGk5n64HV1dZhiaurmZAfW9SXIBoSi4F60QI7i"
    "CwJfi9u/l8dnWBPt5enF9+urz5kNRWZKUoimIhbi8GV8/ut20nC7mxPFfPcrRT2zBtODLN"
    "Tzud+94W7/hJSq2x86dlaK+zzyeLad13Ny2n3l+VBFMFrLYH5kYCVsl9Lsj//nTzoSCc/j"
    "4f37Ghc/Q/ZBpsB1WHElwFEglKKYBz73rwexrp86ubs/QMLTo4S0/RIW1beXIOJdS0vHz+"
    "SLHfVUFOiXUP6c1HiyYcCzVxXoPDbDXKjb3P8PQkJwXrUqBDue5hvTG6eC2feANu3Ftqmq"
    "7dK3Pm+k361Vy64iyPoPlSz+5wRpAnKlJHhKdZCMer8ByhO1efi2wQE+p42SFEygjGDZ2d"
    "Cg8tE+deYLQwLJdD7zPqOghajrHkIxM+3cau9MXaG03FazNCC6joo/ELdPcoT+MYjaFni8"
    "GzjtDeSDcxY6PTsHeXIVnURyNxtIqlP/qV/q8v1gxugELfi+9YeH8joX2O4H9BbY9eSEez"
    "TEsGJtVoH/3mGBykxR1g+KKM6RQekFpoFA3QSDwKXOeLxWDAoRGGP7wcE5gFOTeYd3KI+L"
    "Uwph5NFu9Es7HDDVHKRi9+QCIOCK75xfKjeL/H7tjg3wtq2CBs337cR9cSOgbQmWO4I/MR"
    "+YgUp6WVsMqRDHAUPzwkxF/iEAWVpXYnPM3hUFZdUkKBDrpuDqssJcULSXrVTnwdVfFNCH"
    "UQ4yrLdfFinXHZRJNOnTCJSKqDwZ9dCpKoeYzP1k/v2Xmvcs7cVLb45s1KO+3m3HLMuhjT"
    "ms7QSET5QYv8oG0x3mybwlMuiAwIzhpusepyoy3VcJm5Vgx9lXBWMFgMuJJPx4iFr2Zc6L"
    "eiqje2K09iXlOFCWSUAtNqBcaiPO8styH5WrTCBgId8F+VDeTF78Nyt0o4jlc3H34Omqd9"
    "LZkoxNhMVnGSSgp1SbdpKoGBj1iOFlM3h8HHqKcdg7jqDqDk21U3k0E8ghmz/GMh65zPfu"
    "310iG86x3QXlOfOwd8ptR5zFPmwrpSTU6Pt2pSjVMK2zYVtrqhVWuFVLUM2gZcnTXMNzUj"
    "PuuMGMCVMyHGkCw5ZyjWqFmrNmZD52/IDKbmNTdFqrl0zbl0gZ153j7ykr1ZoURTNtKuT6"
    "hxo+gem27OYlXCOIYSinCssvFilzbrtgX3neNxsstJxWUgK6gohrxkPsnVuCK4KSmF7HLy"
    "JuVbWJPASbk0dgzqqiRO9hvOJ3LyXugNgBynGjqKcOpDTsB7C5P37eX58LlSfgYkZY7NE+"
    "Mvi22eGF2qKKCdmkb7raWA2mSyHB4cVImbOzgojpwTdamt+G7tvbcxEQVyJZDvDIfP/KDs"
    "rOFSEDoXkymzWSoAvjM584UFkknyuhDqQC3XblxGeXdre3dVvs/iuaLD+T7t8YqjnpRUo9"
    "6WUc/hW0K/RW0vUMw0W9MT1E1TtlFvkG/+XI7JwqZybxQYtb1iOynVsF/BagKDMJTR/PDu"
    "zVpRiaSda+9cUnbVmnaVivhv8myCIH3kDLNa+frSch3Ee/Oet91SWLc6ieym5lJFX1UxqM"
    "1lY1PHkqljybasP/frZvTPmQs2gKoKlH6+I98GtlFg1vg1/fK9XEZlu6U3sNDg46U4jOAU"
    "YZEDg1ELm0F+DE7nxEIiJYQ1lfkw5IkHD/A6oAeDzxCjC4LoRCaHkMXfMeRQk7CcE98aut"
    "AX64t1ydEDdebMPx7O4Mg/glsk5jCgpXcsJ9rzRnj8Yh8JVQDuA24HyoWOGfQOJUKEcfhg"
    "xj98sUa2QybG15EoFDdlu3emoSOR9KLW8Q3+axbTs+pF/RXnplw7J+UK5l7vx4lreZlC5J"
    "XEPyc/PQPvuzRL5e740zpliXhfTR14I4nOxaxvPgmayJpa16KOy6h3uMI7LBeYLMLFmSpD"
    "gbUyVa7mc4sm5DvXMGEdZfvies8xJzeSwHK3qA3lldkMt+HrcSuMelKyg6O+I6NcKdZZnk"
    "8KWvIqn3daVh1g2+aRVqSaItVawP3UOyZza8TPe5jM5pcLmzr8Vn5AGQIo1aJfRgRNRFvN"
    "kI01x2+9nBFC8hqIk4Ut8o/K8y+9TojI7IlG3o+XsvuXQbPRKXqYGbrkUajrCLIE3REd7j"
    "6HC9r4JQQL9NsMc7TAc8IQRg556biW36k4eXMmmCX+YOhEJkqFKc1dwJ8TThxxKCc2TNch"
    "xQlIGVxQh0KJLTTyf8MrpNKOtijvWTHbkx7AyjG+KbkOWs6bpyeir6PWG58Q69Jiv+Wcfy"
    "Up8svgL0uSr+CvDn+wkq1gzKREO2i2doysqBFC2qjHkDigGOUpjH5NqaKIozZqu9iW56bG"
    "whrviVM3E3hMpINqTiPhjeKjqoGw37yD6DayXQyuyGueFhYT2b4X5nlIwI35W551MXv6Pz"
    "wUjUw="
)
