"""The organisation's side (workbook 7): the value-chain check and the value-promise cascade.

``model`` holds the check, ``content`` its wording from ``data/organisation/``,
``logic`` the edits and the one-page picture (where customer focus stops, the
largest gaps, the plan's checks), ``files`` the answer file's part and the
plan's calendar and CSV, ``storage`` the store's queries, ``controllers`` the
page's actions, ``views`` the HTML and ``pages`` the widgets.
"""
