"""One module per form of raw page file, each defining ``NAME``, ``sniff`` and ``parse``.

The order they are tried in is ``registry.BUILTIN_FORMS``.
"""
