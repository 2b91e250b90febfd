"""CONTRIBUTING.md's recipe "Adding a table", followed word for word in a
copy of the repository: its TOML blocks are pasted where it says, its
commands run as written (`.venv/bin/` standing for this environment's
executables) with the copy's own code, and the new table then has to be
everywhere a table is: the descriptor, a valid package, every backend and
format of the loader, the generated docs, the explorer page and the workbook,
with no Python file touched.

One copy is built for the whole module; each test reads what it needs.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import missing, need

pytestmark = pytest.mark.slow  # the recipe is followed once, in a copy built end to end

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SPEC = Path("data/curated/package.toml")
LOADERS = "src/minusma_data/_tables.py"  # the typed load_<table> helpers, generated


@dataclass(frozen=True)
class Recipe:
    declaration: str  # appended to package.toml
    curated_file: str  # where the entries go, as the recipe names it
    entries: str
    commands: list[str]

    @property
    def table(self) -> str:
        return re.search(r"^\[tables\.(\w+)\]$", self.declaration, flags=re.M).group(1)

    @property
    def vocabulary(self) -> str:
        return re.search(r"^\[vocabularies\.(\w+)\]$", self.declaration, flags=re.M).group(1)


def read_recipe() -> Recipe:
    """The recipe's blocks, in order: the declaration, the entries (in the
    file the text before them names) and the commands."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("\n## Adding a table\n", 1)[1].split("\n## ", 1)[0]
    blocks = list(re.finditer(r"^( *)```(\w+)\n(.*?)^\1```$", section, flags=re.M | re.S))
    toml = [b for b in blocks if b.group(2) == "toml"]
    sh = [b for b in blocks if b.group(2) == "sh"]
    assert len(toml) == 2 and len(sh) == 1, "the recipe has a declaration, the entries and one list of commands"

    def dedent(block: re.Match) -> str:
        indent = len(block.group(1))
        return "".join(line[indent:] for line in block.group(3).splitlines(keepends=True))

    named = re.findall(r"`(data/curated/\w+\.toml)`", section[: toml[1].start()])
    commands = [line for line in dedent(sh[0]).splitlines() if line.strip()]
    return Recipe(dedent(toml[0]), named[-1], dedent(toml[1]), commands)


RECIPE = read_recipe()

if not (BIN / "frictionless").exists():
    missing("the recipe validates with frictionless: pip install -e '.[validate]'")


def _tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [p for p in listed.decode().split("\0") if p and (ROOT / p).is_file()]


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@dataclass
class Followed:
    root: Path
    before: dict[str, str]
    after: dict[str, str]
    outputs: list[subprocess.CompletedProcess]


@pytest.fixture(scope="module")
def followed(tmp_path_factory) -> Followed:
    """A copy of the repository's tracked files, with the recipe followed in it."""
    root = tmp_path_factory.mktemp("add-a-table") / "repo"
    for rel in _tracked_files():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes((ROOT / rel).read_bytes())
    before = _digests(root)
    with open(root / SPEC, "a", encoding="utf-8") as handle:
        handle.write("\n" + RECIPE.declaration)
    (root / RECIPE.curated_file).write_text(RECIPE.entries, encoding="utf-8")
    # The copy's own code, as in a checkout: its src/ first on the path.
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    outputs = []
    for command in RECIPE.commands:
        argv = shlex.split(command)
        if argv[0].startswith(".venv/bin/"):
            argv[0] = str(BIN / argv[0].removeprefix(".venv/bin/"))
        result = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        outputs.append(result)
    return Followed(root, before, _digests(root), outputs)


def descriptor(f: Followed) -> dict:
    return json.loads((f.root / "datapackage.json").read_text(encoding="utf-8"))


def rows(f: Followed, table: str = RECIPE.table) -> list[dict[str, str]]:
    with open(f.root / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_recipe_edits_two_curated_files_and_no_python(followed):
    """No hand-written Python: the one Python file that changes is the generated typed loaders."""
    changed = {p for p in followed.after if followed.before.get(p) != followed.after[p]}
    edited = {SPEC.as_posix(), RECIPE.curated_file}
    generated = {
        f"data/{RECIPE.table}.csv",
        f"data/{RECIPE.table}.parquet",
        "datapackage.json",
        "README.md",
        "docs/data-dictionary.md",
        "docs/codebook.md",
        "croissant.json",
        LOADERS,
    }
    outputs = {p for p in changed if p.startswith(("site/", "dist/"))}
    assert changed - outputs == edited | generated
    assert [p for p in followed.before if p.endswith(".py") and followed.after.get(p) != followed.before[p]] == [
        LOADERS
    ]
    assert f"def load_{RECIPE.table}(" in (followed.root / LOADERS).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "command",
    [
        "scripts/build.py --check",
        "scripts/render_docs.py --check",
        "-m minusma_build.loaders --check",
    ],
)
def test_the_generated_files_make_test_checks_are_up_to_date(followed, command):
    """After the recipe's commands, the checks `make test` begins with pass."""
    env = {**os.environ, "PYTHONPATH": str(followed.root / "src")}
    result = subprocess.run(
        [sys.executable, *shlex.split(command)], cwd=followed.root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_table_is_built_with_its_evidence_located(followed):
    table = rows(followed)
    assert [r["topic_id"] for r in table] == sorted(re.findall(r'topic_id = "([^"]+)"', RECIPE.entries))
    (source,) = rows(followed, "sources")
    text = (followed.root / source["path"]).read_text(encoding="utf-8")
    passages = {p["passage_id"]: p for p in rows(followed, "passages")}
    for r in table:
        start, end = int(r["char_start"]), int(r["char_end"])
        assert text[start:end] == r["evidence"]
        passage = passages[r["passage_id"]]
        assert int(passage["char_start"]) <= start < end <= int(passage["char_end"])
        assert r["passage_kind"] == passage["passage_kind"]


def test_the_descriptor_publishes_it_last_with_its_declaration(followed):
    resources = descriptor(followed)["resources"]
    assert [r["name"] for r in resources[-2:]] == [RECIPE.table, f"{RECIPE.table}-parquet"]
    schema = resources[-2]["schema"]
    assert schema["minusma:evidence"] == "fact"
    coded = {f["name"]: f["minusma:vocabulary"] for f in schema["fields"] if "categories" in f}
    assert coded["area"] == RECIPE.vocabulary
    assert {"fields": ["actor_id"], "reference": {"resource": "actors", "fields": ["actor_id"]}} in schema[
        "foreignKeys"
    ]


def test_frictionless_finds_the_package_valid(followed):
    validated = followed.outputs[RECIPE.commands.index(".venv/bin/frictionless validate datapackage.json")]
    lines = [line for line in validated.stdout.splitlines() if f" {RECIPE.table} " in line]
    assert lines and all("VALID" in line and "INVALID" not in line for line in lines), validated.stdout


def test_the_documented_load_prints_the_table(followed):
    printed = followed.outputs[next(i for i, c in enumerate(RECIPE.commands) if "load(" in c)].stdout
    for r in rows(followed):
        assert r["topic_id"] in printed


@pytest.mark.parametrize("format", ["parquet", "csv"])
@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
def test_every_backend_and_format_loads_it_typed(followed, backend, format):
    need(backend)
    from minusma_data import load

    loaded = load(RECIPE.table, backend=backend, format=format, data_home=followed.root)
    expected = rows(followed)
    fields = [f["name"] for f in descriptor(followed)["resources"][-2]["schema"]["fields"]]
    assert list(loaded.columns if backend != "pyarrow" else loaded.column_names) == fields
    assert len(loaded) == len(expected) if backend != "pyarrow" else loaded.num_rows == len(expected)
    if backend == "pandas":
        assert list(loaded["area"].cat.categories) == ["security", "aid"]
        assert loaded["char_start"].dtype == "Int64"
        assert list(loaded["topic_id"]) == [r["topic_id"] for r in expected]
    elif backend == "polars":
        assert loaded["area"].dtype.is_(__import__("polars").Enum(["security", "aid"]))
        assert loaded["topic_id"].to_list() == [r["topic_id"] for r in expected]
    else:
        import pyarrow as pa

        assert pa.types.is_dictionary(loaded.schema.field("area").type)
        assert loaded.column("topic_id").to_pylist() == [r["topic_id"] for r in expected]


def test_the_generated_docs_describe_it(followed):
    readme = (followed.root / "README.md").read_text(encoding="utf-8")
    assert re.search(
        rf"^\| \*\*{RECIPE.table}\*\* \|.*\| {len(rows(followed))} \| Topics the article raises", readme, re.M
    )
    dictionary = (followed.root / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    section = dictionary.split(f"### {RECIPE.table}\n", 1)[1].split("\n### ", 1)[0]
    for name in ("topic_id", "area", "actor_id", "summary", "evidence", "char_start"):
        assert f"| `{name}` |" in section
    assert f"`security`, `aid` (see [`{RECIPE.vocabulary}`](codebook.md#{RECIPE.vocabulary}))" in section
    codebook = (followed.root / "docs" / "codebook.md").read_text(encoding="utf-8")
    assert f"### {RECIPE.vocabulary}\n" in codebook
    assert f"Used in `{RECIPE.table}.area`." in codebook


def test_the_explorer_page_shows_and_marks_it(followed):
    page = (followed.root / "site" / "index.html").read_text(encoding="utf-8")
    assert f'id="table-{RECIPE.table}"' in page and f'id="dict-{RECIPE.table}"' in page
    assert f'href="data/{RECIPE.table}.csv"' in page
    blob = json.loads(re.search(r'id="site-data">(.*?)</script>', page).group(1))
    for r in rows(followed):
        key = f"{RECIPE.table}/{r['topic_id']}"
        assert blob["facts"][key]["kind"] == "Topic" and blob["facts"][key]["label"] == r["summary"]
        marked = re.findall(r'<span class="seg"[^>]*data-facts="([^"]*)"[^>]*>([^<]*)</span>', page)
        assert "".join(words for keys, words in marked if key in keys.split()) == r["evidence"]
    assert (followed.root / "site" / "data" / f"{RECIPE.table}.csv").is_file()


def test_the_workbook_has_its_sheet(followed):
    openpyxl = need("openpyxl")
    (workbook,) = (followed.root / "dist").glob("*.xlsx")
    book = openpyxl.load_workbook(workbook, read_only=True)
    sheet = [list(r) for r in book[RECIPE.table].iter_rows(values_only=True)]
    expected = rows(followed)
    assert len(sheet) == 1 + len(expected)
    assert [row[sheet[0].index("topic_id")] for row in sheet[1:]] == [r["topic_id"] for r in expected]
    described = [r for r in book["codebook"].iter_rows(values_only=True) if RECIPE.table in map(str, r)]
    assert described, "the codebook sheet describes the new table"
