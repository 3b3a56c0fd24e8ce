"""Forms of the case pages: they parse and check input; the case actions decide and write.

``filters`` and ``lead`` serve the list and the new-lead page; ``base`` and
one module per procedure (``general`` …) hold the forms of the transitions,
which ``registry`` maps to their actions.
"""
