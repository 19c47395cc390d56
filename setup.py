"""Build the optional compiled kernels (``KERNELS`` below).

Everything else is in pyproject.toml.  The extension is optional: when Cython
or a C compiler is missing, or the compile fails, the package still installs
and ``hotlist.index`` uses its pure-Python search (same answers, slower).
"""

from __future__ import annotations

import sys
from typing import Any

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):  # type: ignore[misc]
    """build_ext that warns instead of failing the install."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as e:
            print(f"hotlist: compiled kernel not built ({e}); using pure Python", file=sys.stderr)

    def build_extension(self, ext: Any) -> None:
        try:
            super().build_extension(ext)
        except Exception as e:
            print(f"hotlist: {ext.name} not built ({e}); using pure Python", file=sys.stderr)


# Each compiled kernel: (module, source).  Every one is optional and has a
# pure-Python fallback that the tests property-check it against.
KERNELS = [
    ("hotlist.index._fast", "src/hotlist/index/_fast.pyx"),
    ("hotlist.index._crc_kernel", "src/hotlist/index/_crc_kernel.pyx"),
    ("hotlist.index._prefilter_kernel", "src/hotlist/index/_prefilter_kernel.pyx"),
    ("hotlist._vehicle_kernel", "src/hotlist/_vehicle_kernel.pyx"),
    ("hotlist._check_kernel", "src/hotlist/_check_kernel.pyx"),
    ("hotlist.audit._hashkernel", "src/hotlist/audit/_hashkernel.pyx"),
    ("hotlist.names._namekernel", "src/hotlist/names/_namekernel.pyx"),
    ("hotlist._bound_kernel", "src/hotlist/_bound_kernel.pyx"),
    ("hotlist._person_keykernel", "src/hotlist/_person_keykernel.pyx"),
    ("hotlist._candidate_kernel", "src/hotlist/_candidate_kernel.pyx"),
]


def _extensions() -> list[Any]:
    try:
        from Cython.Build import cythonize  # noqa: PLC0415 - lazy optional import (Cython)
    except ImportError:
        print("hotlist: Cython missing, compiled kernel not built", file=sys.stderr)
        return []
    args = ["-O3"] if sys.platform != "win32" else []
    built = []
    for name, source in KERNELS:
        ext = Extension(name, [source], extra_compile_args=args)
        try:  # one kernel's Cython error must not stop the others
            built.extend(cythonize([ext], language_level=3, quiet=True))
        except Exception as e:
            print(f"hotlist: {name} not translated ({e}); using pure Python", file=sys.stderr)
    return built


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
