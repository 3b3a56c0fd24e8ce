"""The internal case pages: the list, a new lead, the case page with its step forms, and the 督办 page.

Every view is thin: parse the form, fetch through ``cases.access`` (404 when
out of scope), call the action, render. A refusal of the domain is shown on
the form or as a message, never as a server error.
"""
