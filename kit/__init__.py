"""Customer Value Workbooks: interactive workbooks for customer-centred teams.

The version is written here once; the package's metadata (``pyproject.toml``
reads it through hatch) and ``kit --version`` both take it from this line.

>>> import kit
>>> kit.__version__.count(".") >= 1
True
"""

__version__ = "0.2.0"
