"""The package list beyond what pyproject.toml can say: every `egov_xl*` package, and the add-in
folder `addin/` (the xlwings Server project dir, kept at the clone's top level) installed as
`egov_xl.addin` (package-dir and package-data in pyproject.toml), so a wheel serves our add-in
and not xlwings Server's stock one."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["egov_xl*"]), "egov_xl.addin"])
