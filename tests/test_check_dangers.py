"""scripts/check_dangers.py: each rule flags a small bad snippet and passes its good twin."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from textwrap import dedent
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_dangers", ROOT / "scripts" / "check_dangers.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


checker = load_checker()


def codes(source: str, path: str = "backend/things/routes.py") -> list[str]:
    return [finding.code for finding in checker.check_python(path, dedent(source))]


def script_codes(source: str) -> list[str]:
    return [finding.code for finding in checker.check_script("frontend/src/x.tsx", dedent(source))]


GOOD_JWT = """
    import jwt
    jwt.decode(token, key, algorithms=["HS256"], audience="api")
"""


@pytest.mark.parametrize(
    "source",
    [
        "import jwt\njwt.decode(token, key)",
        "import jwt as j\nj.decode(token, key, audience='api')",
        "from jwt import decode\ndecode(token, key)",
        "from jwt import decode_complete as d\nd(token, key)",
        "import jwt\njwt.decode(token, key, algorithms=['HS256', 'none'])",
        "import jwt\njwt.decode(token, key, algorithms=['HS256'], options={'verify_signature': False})",
        "import jwt\njwt.api_jwt.decode(token, key, **kwargs)",
    ],
)
def test_jwt_decode_must_name_its_algorithms(source: str) -> None:
    assert "DNG001" in codes(source)


def test_jwt_decode_with_algorithms_passes_and_other_decodes_are_not_jwt() -> None:
    assert codes(GOOD_JWT) == []
    assert codes("import base64\nbase64.decode(x)\ndata.decode('utf-8')") == []


@pytest.mark.parametrize(
    "source",
    [
        "async def h(request):\n    sort = request.args.get('sort')",
        "async def h(request):\n    return request.json['name']",
        "async def h(request):\n    return orjson.loads(request.body)",
        "async def h(request):\n    data = request.body or b'{}'",
        "async def h(request):\n    upload = request.files.get('f')",
    ],
)
def test_request_data_is_read_only_by_the_request_parser(source: str) -> None:
    assert "DNG002" in codes(source)
    assert "DNG002" not in codes(source, path="backend/api.py")


def test_headers_and_an_emptiness_test_of_the_body_are_fine() -> None:
    source = """
        async def h(request):
            agent = request.headers.get("user-agent", "")
            body = parse_body(request, Model) if request.body else Model()
            if not request.body and request.cookies:
                return None
    """
    assert codes(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "def f(request):\n    return Patient(**request.json)",
        "def f(request):\n    data = dict(request.args)\n    return Patient.filter(**data)",
        "def f(req):\n    v = {}\n    v['x'] = req.args.get('x')\n    return User.create(**v)",
        "def f(request):\n    fields = request.args.getlist('sort')\n    return qs.order_by(*fields)",
        "def f(request):\n    return Patient.all().order_by(request.args.get('sort'))",
        "def f(request):\n    return q.filter(Q(name=request.headers['x']))",
        "def f(request):\n    for key in request.args:\n        qs = qs.only(key)",
        "def f(request):\n    return [obj.update_from_dict(**d) for d in request.json]",
    ],
)
def test_request_data_never_chooses_columns_lookups_or_sorts(source: str) -> None:
    # backend/api.py may read request data, so only DNG003 speaks there.
    assert "DNG003" in codes(source, path="backend/api.py")


def test_validated_data_may_be_spread_into_the_orm() -> None:
    source = """
        async def create(request, body: PatientCreate):
            patient = await Patient.create(**body.model_dump())
            await Patient.filter(id=patient.id).update(**body.model_dump(exclude_unset=True))
            return await paginate(Patient.all().order_by(*SORT[query.sort]), query)

        def parse_query(request, model):
            values = {key: request.args.get(key) for key in model.model_fields}
            return model.model_validate(values)
    """
    assert codes(source, path="backend/api.py") == []


@pytest.mark.parametrize(
    "source",
    [
        "el.innerHTML = html;",
        "node.outerHTML = x",
        "el.insertAdjacentHTML('beforeend', x)",
        "<div dangerouslySetInnerHTML={{ __html: note }} />",
        "document.write(x)",
        "const v = eval(code);",
        "const f = new Function('a', body);",
    ],
)
def test_the_console_has_no_html_or_code_sinks(source: str) -> None:
    assert script_codes(source) == ["DNG004"]


def test_the_console_may_render_text_and_name_things_like_sinks() -> None:
    source = """
        const evaluation = retrieval(x);
        el.textContent = note;
        return <p>{note}</p>;
        const medieval = evaluate(x);
    """
    assert script_codes(source) == []


def test_the_codebase_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert checker.main([]) == 0
    assert capsys.readouterr().out == ""


def test_a_finding_fails_the_run_and_names_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "routes.py"
    bad.write_text("import jwt\n\n\ndef f(t):\n    return jwt.decode(t, 'k')\n")
    assert checker.main([str(tmp_path)]) == 1
    assert f"{bad}:5:12: DNG001" in capsys.readouterr().out
