"""The committed SDL is what the code serves: clients generate code from it."""

from __future__ import annotations

from schema.schema import SDL_PATH, print_sdl


def test_committed_sdl_matches_the_code() -> None:
    committed = SDL_PATH.read_text(encoding="utf-8")
    assert committed == print_sdl(), "schema drifted: run `pmo schema export` and commit it"
