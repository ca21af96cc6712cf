"""Body files: written once, straight to their name, checked on every read."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from store.bodies import BodyStore
from store.paths import DataPaths


def test_many_threads_writing_the_same_new_text_all_succeed(paths: DataPaths) -> None:
    bodies = BodyStore(paths)
    texts = [f"Paragraph {n % 7} of a text that several feeds share." for n in range(200)]
    with ThreadPoolExecutor(8) as pool:
        hashes = list(pool.map(bodies.write, texts))
    assert len(set(hashes)) == 7
    for text, body_hash in zip(texts, hashes, strict=True):
        assert bodies.read(body_hash) == text


def test_a_damaged_body_reads_as_missing(paths: DataPaths) -> None:
    bodies = BodyStore(paths)
    body_hash = bodies.write("Some text.")
    paths.body_file(body_hash).write_text("Some tex!", encoding="utf-8")
    assert bodies.read(body_hash) is None
    assert bodies.read("f" * 64) is None
