"""Chinese input in a Qt that has no fcitx plugin (the installed app, a pip-installed PySide6):
a session that asks for fcitx is sent to Qt's ibus plugin, which fcitx5 answers through its IBus
frontend, instead of getting no input method at all."""

from pathlib import Path

from desktop.app import input_method_module


def plugins(tmp_path: Path, *names: str) -> list[Path]:
    folder = tmp_path / "platforminputcontexts"
    folder.mkdir()
    for name in names:
        (folder / name).touch()
    return [tmp_path / "absent", folder]


def test_fcitx_session_without_the_fcitx_plugin_types_through_ibus(tmp_path: Path) -> None:
    folder = plugins(tmp_path, "libibusplatforminputcontextplugin.so",
                     "libcomposeplatforminputcontextplugin.so")
    assert input_method_module({"QT_IM_MODULE": "fcitx"}, folder) == "ibus"
    assert input_method_module({"QT_IM_MODULE": "fcitx5"}, folder) == "ibus"


def test_a_bundled_fcitx_plugin_is_used_as_the_session_asks(tmp_path: Path) -> None:
    folder = plugins(tmp_path, "libibusplatforminputcontextplugin.so",
                     "libfcitx5platforminputcontextplugin.so")
    assert input_method_module({"QT_IM_MODULE": "fcitx"}, folder) is None


def test_other_sessions_are_left_as_they_are(tmp_path: Path) -> None:
    folder = plugins(tmp_path, "libibusplatforminputcontextplugin.so")
    assert input_method_module({"QT_IM_MODULE": "ibus"}, folder) is None
    assert input_method_module({}, folder) is None
    # A list (Qt 6.7+) already names its own fallbacks.
    assert input_method_module({"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "fcitx;ibus"},
                               folder) is None


def test_no_ibus_plugin_either_leaves_the_session_alone(tmp_path: Path) -> None:
    assert input_method_module({"QT_IM_MODULE": "fcitx"}, plugins(tmp_path)) is None
