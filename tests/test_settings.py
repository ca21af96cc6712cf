"""settings.toml: defaults, the export folder, a broken file, an unavailable backend."""

from __future__ import annotations

import pytest

from store import entities
from store.db import StoreError
from store.paths import DataPaths
from store.settings import apply_entity_backend, load_settings


def test_defaults_without_a_file(paths: DataPaths) -> None:
    settings = load_settings(paths)
    assert settings.export_dir == paths.exports_dir
    assert settings.entity_backend == "rules"
    assert apply_entity_backend(settings) is None


def test_export_dir_expands_the_home_directory(paths: DataPaths) -> None:
    paths.home.mkdir(parents=True)
    paths.settings_file.write_text('export_dir = "~/notes/broadsheet"\n', encoding="utf-8")
    assert load_settings(paths).export_dir.parts[-2:] == ("notes", "broadsheet")
    assert "~" not in str(load_settings(paths).export_dir)


def test_broken_settings_name_the_file(paths: DataPaths) -> None:
    paths.home.mkdir(parents=True)
    paths.settings_file.write_text("export_dir = [unclosed\n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"settings\.toml is not valid TOML"):
        load_settings(paths)


def test_unknown_backend_is_reported_and_the_default_kept(paths: DataPaths) -> None:
    paths.home.mkdir(parents=True)
    paths.settings_file.write_text('entity_backend = "magic"\n', encoding="utf-8")
    problem = apply_entity_backend(load_settings(paths))
    assert problem is not None and "unknown entity_backend 'magic'" in problem
    assert entities.current_backend() == "rules"


def test_browser_is_a_program_and_its_arguments(paths: DataPaths) -> None:
    assert load_settings(paths).browser is None
    paths.home.mkdir(parents=True)
    paths.settings_file.write_text('browser = ["firefox", "--new-tab"]\n', encoding="utf-8")
    assert load_settings(paths).browser == ("firefox", "--new-tab")


@pytest.mark.parametrize(
    "value",
    [
        '"firefox --new-tab %s"',  # a command line for a shell: never
        "[]",
        '["firefox", ""]',
        '[""]',
        '["firefox", 1]',
        '["firefox", ["--new-tab"]]',
        '["fire\\u0000fox"]',
        "true",
    ],
)
def test_a_browser_that_is_not_a_list_of_strings_names_settings_toml(
    paths: DataPaths, value: str
) -> None:
    paths.home.mkdir(parents=True)
    paths.settings_file.write_text(f"browser = {value}\n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"settings\.toml: browser must be a list of non-empty"):
        load_settings(paths)


def test_refresh_interval_in_minutes(paths: DataPaths) -> None:
    assert load_settings(paths).refresh_interval == 0
    paths.home.mkdir(parents=True)
    paths.settings_file.write_text("refresh_interval = 30\n", encoding="utf-8")
    assert load_settings(paths).refresh_interval == 30


@pytest.mark.parametrize("value", ["-5", "1.5", '"30m"', "true", "100000"])
def test_a_refresh_interval_that_is_not_whole_minutes_names_settings_toml(
    paths: DataPaths, value: str
) -> None:
    paths.home.mkdir(parents=True)
    paths.settings_file.write_text(f"refresh_interval = {value}\n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"settings\.toml: refresh_interval must be whole"):
        load_settings(paths)
