"""PyInstaller's own QtGui hook, less the Qt plugins a desktop console never loads.

A hook here replaces PyInstaller's hook for the same module (hook directories given
in the spec take precedence). Each plugin left out also keeps out the libraries only
it links to: the virtual keyboard brings Qt Quick and QML (about 17 MB), the PDF image
format QtPdf, the GTK 3 theme the build machine's whole GTK stack; the EGLFS, linuxfb,
VNC and Vulkan-display platforms are for embedded devices.
"""

from fnmatch import fnmatch
from pathlib import PurePath

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

UNUSED_PLUGINS = (
    "platforminputcontexts/*virtualkeyboard*",
    "imageformats/*pdf*",
    "platformthemes/*gtk3*",
    "egldeviceintegrations/*",
    "platforms/*eglfs*",
    "platforms/*linuxfb*",
    "platforms/*minimalegl*",
    "platforms/*vkkhrdisplay*",
    "platforms/*vnc*",
)


def _unused(source: str, destination: str) -> bool:
    path = (PurePath(destination) / PurePath(source).name).as_posix()
    return any(fnmatch(path, f"*/plugins/{pattern}") for pattern in UNUSED_PLUGINS)


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, destination) for source, destination in binaries
            if not _unused(source, destination)]
