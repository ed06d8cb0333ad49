# A shim for tools that still call setup.py; the real metadata is in pyproject.toml (flit).
from setuptools import setup

setup()
