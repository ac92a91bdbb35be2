from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "api_key" (
    "id" UUID NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL,
    "prefix" VARCHAR(32) NOT NULL UNIQUE,
    "key_hash" VARCHAR(64) NOT NULL,
    "roles" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ,
    "user_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_api_key_user_id_c4c97f" ON "api_key" ("user_id", "created_at");
COMMENT ON TABLE "api_key" IS 'An API key: a personal access token acting for its owner with some of the owner''s roles.';
        ALTER TABLE "access_log" ADD "api_key_id" UUID;
        ALTER TABLE "access_log" ADD "api_key_name" VARCHAR(64);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "access_log" DROP COLUMN "api_key_id";
        ALTER TABLE "access_log" DROP COLUMN "api_key_name";
        DROP TABLE IF EXISTS "api_key";"""


MODELS_STATE = (
    "eJztXWtv2zgW/SuEv0wKpEHipEm2u1jASZMZT/MoHHdnMG2h0jJtay2JqkTFCWbz35ek3h"
    "ItS7blSCq/tDHJK1GH5OW95/Lxd8fAY6Q7BwOso8578HfHhAb7I5G+DzrQsqJUlkDgiEt0"
    "7KDEyCE2VAlNm0DdQTRpjBzV1iyiYZOmmq6us0Ss0oKaOY2SXFP74SKF4CkiM2TTjC/faL"
    "JmjtETcoKf1lyZaEgfJ6qpjdm7ebpCni2e1jfJNS/I3jZSVKy7hhkVtp7JDJthac0kLHWK"
    "TGRDgtjjie2y6rPa+V8ZfJFX06iIV8WYzBhNoKuT2OeOlCitoyh390Pl4WqoKJ0SAKnYZO"
    "DSqjr866esCm+7RydnJ+fHpyfntAivZphy9uK9OgLGE+Tw3A07LzwfEuiV4BhHoPL/M7Be"
    "zqAtxjUon0KWVjmNbIBjfaE14JOiI3NKZvTn6UkOjv/pDS5/6w32Tk/esBdi2vm9EXHn53"
    "R5FoM6gjZerRIIp8S2A3SQECEdDdwQ1s5OgO6+e1cAaVpqKdQ8L4n1yNV0omgCoC8wVVrQ"
    "FGMdF0sBPaJyVSEdplQAdg62F/f3N+zJhuP80HlCf5jC+PPtxdVg74hDTwtpBMXVSIS3ai"
    "OGiQJJFvEPNIdoBhJDnpRMgT72RQ+CP6pqgSrVCv3A8b2pP/vqLKdBhv3bq4dh7/ZTolU+"
    "9IZXLKfLU59TqXunqXERPgT80R/+BthP8Nf93RWHFztkavM3RuWGf3VYnaBLsGLihQLHMc"
    "0bpAaovbDpeDKPzR0sYQTV+QLaYyWTg7t4WdlsltE1hJOS6yDbyXasW2g+DzH7l3etPoUd"
    "mqpoOvItms/0OY2bll6CEROkRu/nn6WkzLbgI22k84EVZDNjzQMR2xz/OXoOwFU88yhsGj"
    "+LifhZZGZjdzoLBQLTj4JM34o8vXDZe7jsfeA9TUkbVbzjGNCEU57EvvVlP1lpgQ0afMxy"
    "G9QNSkgbtC02KGvSsnZoXGZ3JlKDrdEAMD7W1wA6kJOG/0qoLeg4C0zV6gw6szJYZwRb2L"
    "MrMf81R6FTgfYoUCG59n9CrjIHINO3g4TGmv9hR1Vn0JwixUY/XM1GgskxF/68x0h3rLXu"
    "2E51fbu8scSMbo3XbPSkpPTB69LqAUaxZvdrH7W6Dh2i6HiqmWs0fEZ4C23vd9WajPfmtn"
    "RpuiXqEwTPkSkgTC58ueuPA0YOiBll3/Mesmc0cKgvo0sSgwZaGvNfNoSoZ2kfPSeoLRht"
    "jbGLyKbNGLsgBtkof7IsYxd8ZJqxi2jPJGMXo+XSjF2MzNuIsYuUz1LK7oZNG0P6EkLE8e"
    "Nkgf08Es+bgki87Co6r3MNNR2NARd1gIpdk1YdaCbAJgL+o2grAUfFFgJ7DkKAoYXM8QHV"
    "srOD4G1vDjqpVt3yowX04pcOF+W5KT5FszrfNmEfL7Tpz0JA/qPbPT4+6x4en56/Ozk7e3"
    "d+GDKR2aw8SvKi/yvzoRIT+2qaMmzConROKNBCGufotACLc5S2niISh2XVmaCsUcB8+wQl"
    "1TklAPZKS1hXwjqh04hri+ygpRo6LrJaT28L4cNq9fSGgaKYr4vVOXZJGUDjIhLQDKDM/4"
    "eEIMMi69IHSfH2MYZNZxDSA4g6GNSe1fTSjZ2SlVRRzRp6dytzcv1CjzgS+IMho7TcDyRh"
    "kZXu3z11xbiDRjvJDAEbTSh8s7f8CYB6Z4jWDmgEOATaxDkAA0w4nUNLWjpUkcPFHKTaiO"
    "wDExPvMXiRdQerfdXq1Sdf4m59LEDzrZRj+Plz/0MJt9B1tfEBk6mGfun8a+KaKkeJv4n9"
    "c/Lvqiy9nKHNzbpjb6zGRyH/9HwH0O8Iyn+JVsZ+Tom10BmsYAmFjR417DrKmpgvk18L/N"
    "XTVquwt5k6WyuumJTcicHwGjx6Yy2G5i4ZkNHj1c1eZM0A9+CodbFOu6dl5fiu8/hGT5ZG"
    "H7dGOyclpYNf51aWTG4lJhD3v6iXZwoGT34kIpJqHczvjroFcKallgLN81Ib9zyaKQtz/r"
    "69SEquEy2xTpR6RXi+nmmfkJRcYI3nhKCpqBXrlNt6nJVsn798XESJHS/XYccZFRYj6woG"
    "qWISu4tR1XyDWIbNTgKcRfca20ibmh9R1btB6+GUiFaX2XARksHxTiVc8vXyOuGBnqoix7"
    "nB044gRBBl7ueFCSAvxhYuF48V2HgBLGQDtqcEOWQfLGa0zR9pikYcgF2iYjphgQFeOGCO"
    "kMU5eobhLw7QxgCaY8Aq6/H3EEy83kaLPosDBhW/r2jUINgTyWZhOiAMq0OLJQIKqRz6J3"
    "EdQYYFyUyQ7PkQqcSxa/MIiGI4XgJUg6W0qZIE2vQLvKHJm5j/zNRMLoGr5RK4qIVKmo8J"
    "QUkp1Nt85ApMaNHkmY5xqRbGuI6650VWPHbPly95ZHlJ09GgyhyXwjmSaCPGW19UGkxixX"
    "dgk9ZuvD48KdKDWbHlW695ZhJi+ql2qQW7oUDrGLKqII5stCTGDwbU9aWmTyTVJifzuHt2"
    "Gto87EeelfNw27u5ydJgcXM1A+q1juESRFNyKVgnTLCBwObg9+H+88XNFfg0uLrsP/Tv75"
    "LWCs9MUo6Dq97Nq9MjdeOftryI91WOy6kbphUHgPwNo8J+u3xhXVJqgwV2NUN7k+V0WUzL"
    "9t20nOy/coePjAvXB+ZK4sLoUQjy7w/3d0tWrTyK8R1rKgH/A7rmNNB0yMGVIZGglAI492"
    "57f6aRvry5v0hraPaAi7SKDmnbwso5lJBqebX+SLHfRUFOibUP6e0HZROBhZI4b8Bh1hrl"
    "yvoz/Xok2F+2EuhQrn1Yb40urskur55lYfqlBuLx52wgN5a9nxvKTRWs8hRfHsPU6Jv8Ec"
    "3iSyVDiz9LXLGys3055hlY84OFgUwLtxa0KVBoYiI662CInpaMmVCgBS5QXkNe/TnMt8zD"
    "dry5v/s1KJ421zOBrJgmK6ikkkJtigJUtdTMR0wQFSi72uxT9KSGQVx0wVmyd5VdcxYPgk"
    "NHfGxKmcP5br2ntAjvTU/ny7XnLik+U2w/i4y5MC/XklPjpeRlDE1SgHkGm7wQbKvecgn3"
    "TWrEV9WIAVwChRhDcrk+NGKFqvVqYz60eE1voJo3XFcrdemGutSA9ly0dSFneV8oUZWP1H"
    "SFGneKHqHuCiarnBU8oYRcu1Nk7U6T1nvXBffG8TjZ6aTgNJAVlBSD6HKW5GxcENyUlER2"
    "NXmTii1sSOCkQhoNg7ooiZMdw2IiR9ShtwBynGpoKcKpgZyAd0CV96B/OXytzZkBSSnweW"
    "L85XKfJ0aXSgqoUWp0v7YUUJ1clqPDwyJR/MPD5VF8lpfazeGWXr4dE5EgFwJ5pNlkNoaC"
    "OYo5LmKU4zJ5PksBwBtzugnzQNL2KjaYOVAqtBuXkdHd0tFdeRjjcl3R3sMY5QWObWt1Ad"
    "8Sxi1KR4FirtnGF9e10ZWtNBrkuz/9MTIsTJCpPn9EwmC5uOB+Aa+JOoShTHB50Xa9qMS5"
    "L+wNG900Jv2qDf2qkhdb7fw+q51Z/JXcAR+cQDKDTqkjH9JyLcR7+5G3Zhms8sLxrdircg"
    "1qdRv65QGS8gDJHdvP+2UPkBTogi2gKhdKv+LhnN6N5sINXdpKP8Y/mKGQ39LpmaD3qc/O"
    "s3wPIDsp08Em1IF3tCfw7tZim4nNKTv70js0c0G7A1hoZAYcbCCAJ/zQTJ78iwP4nePZwz"
    "iretFX86vZJ2CB7bkD+K147A4w/7IEwJ5ES3oHKIM9r4XHbw4AMwVoPWh1aDqzMYOn0xQm"
    "4hA6YMb//Gp+t2w00Z6+s0RWKcsd6ZoKLGgTeW9Yo+8Nq1s8rVWeiDdqysAbSbRuzfr299"
    "Gzg3fKetRxGdmHC924posW+y8/7CQU2Oiwk/VibpFCHrmaTudR54C97zV0ciVnoDSL2pBR"
    "me1wG826Lkuudc62cqG1zvL+u5+lpSWpJkm1GnA/Nb2V5Zoqs3nfsLBNBnwAZQigVIn9PC"
    "JowsoqGi+s2H7p1YwQ4O8ABBmWTlueX6HiPQSNwegZfPd+vOWPfxsU+/4eLGaaynkU7NqM"
    "LAEjpNLaC7igrb+CsUB/zCABBpwjB0Bgo7e2a/oPZZe3zBizRBaaivilLlSluQb9c0KQze"
    "51gZru2mgZo/Ol49AXqjSRY0sL+b9pF9ooeC/vSGF5u7gjJd2Ahdf4puRa6Dlvn56IRkep"
    "Hp8Qa9Nkv5O+X+iUxTz4885ZlPAXhz+YydZwZlKiLXRbW0ZWlFhCWmnEENnUMBIZjH5Orq"
    "EIozJyu9iOdVNlyxofke2UPDU6JtJCM6eS5Y1sUJVA2C/eQnQr2S5G30hKHjgfE9l9FOZ1"
    "SMCtxVtedTJ7+T+Vs/jB"
)
