"""Packaging the registries and templates into the wheel (everything else is in pyproject.toml).

``data_sources/``, ``boundaries/`` and ``templates/`` stay at the repository root,
where the developers' guide keeps them; the wheel carries them inside the
package as ``assessment/data_sources`` and so on, which is where
:mod:`assessment.core.paths` looks first.
"""

from setuptools import find_packages, setup

SHIPPED = {
    "data_sources": ["**/*.yaml", "**/*.csv"],
    "boundaries": ["**/*.yaml", "**/*.csv"],
    "templates": ["**/*.qmd", "format/*"],  # format/: the template's filters, styles, reference document
}

setup(
    packages=find_packages(include=["assessment", "assessment.*"]) + [f"assessment.{folder}" for folder in SHIPPED],
    package_dir={f"assessment.{folder}": folder for folder in SHIPPED},
    package_data={
        "assessment": ["py.typed", "render/assets/*", "demo/*.yaml"],
        **{f"assessment.{folder}": patterns for folder, patterns in SHIPPED.items()},
    },
)
