"""The explorer page reads the package under its read lock: pages written
while a build publishes, again and again, are each one version (every file
the page copies matches the hash its copied datapackage.json gives), and
neither side waits for ever."""

from __future__ import annotations

import hashlib
import json
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT, copy_repo

from minusma_build.pipeline import produce

pytestmark = pytest.mark.slow  # a stream of real publishes beside the pages
SUMMARY = 'summary = "Russia wages war in Ukraine."'
PUBLISHES = 40

PUBLISHER = """
import pickle, sys
from pathlib import Path
from minusma_build.publish import build_lock, publish
root, versions = Path(sys.argv[1]), pickle.loads(Path(sys.argv[2]).read_bytes())
for n in range(int(sys.argv[3])):
    with build_lock(root):
        publish(root, versions[n % 2])
"""


def mismatched(files: dict[str, bytes]) -> list[str]:
    """The copied files whose bytes are not what the copied descriptor says they are."""
    descriptor = json.loads(files["datapackage.json"])
    listed = [*descriptor["resources"], *descriptor.get("sources", [])]
    return [
        r["path"]
        for r in listed
        if "hash" in r and "sha256:" + hashlib.sha256(files[r["path"]]).hexdigest() != r["hash"]
    ]


def test_pages_built_during_a_stream_of_publishes_are_each_one_version(tmp_path: Path):
    from minusma_build.site import read_and_render

    root = copy_repo(tmp_path / "repo")
    first = produce(root).outputs
    events = root / "data" / "curated" / "events.toml"
    events.write_text(events.read_text(encoding="utf-8").replace(SUMMARY, 'summary = "Russia wages a war."'), "utf-8")
    second = produce(root).outputs
    assert first["datapackage.json"] != second["datapackage.json"]
    versions = tmp_path / "versions.pickle"
    versions.write_bytes(pickle.dumps([first, second]))
    publisher = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(root), str(versions), str(PUBLISHES)],
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        stderr=subprocess.PIPE,
        text=True,
    )
    pages: list[dict[str, bytes]] = []

    def build_pages() -> None:
        while publisher.poll() is None and len(pages) < 60:
            pages.append(read_and_render(root))

    builder = threading.Thread(target=build_pages, daemon=True)
    builder.start()
    builder.join(timeout=120)
    assert not builder.is_alive(), "the page builder waited for ever"
    assert publisher.wait(timeout=120) == 0, publisher.stderr.read()
    assert len(pages) >= 5, "too few pages built beside the publishes to prove anything"
    mixed = [n for n, files in enumerate(pages) if mismatched(files)]
    assert mixed == [], f"{len(mixed)} of {len(pages)} pages mix two versions"
    seen = {hashlib.sha256(files["datapackage.json"]).hexdigest() for files in pages}
    assert seen <= {hashlib.sha256(v["datapackage.json"]).hexdigest() for v in (first, second)}
